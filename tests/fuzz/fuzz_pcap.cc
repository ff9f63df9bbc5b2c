// libFuzzer target for the capture reader: pcap/pcapng containers, link layers, IPv4/IPv6,
// fragment reassembly and NAT-T classification. Properties: no crash or unbounded growth;
// frames lie inside the input; every extracted IKE datagram fits a UDP payload; the IKE
// decoders accept or refuse each datagram cleanly.
#include <cstdint>
#include <cstdlib>

#include "core/capture/capture_file.h"
#include "core/capture/ike_datagrams.h"
#include "core/ikev1/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ikewot;
  ByteView input(data, size);
  auto file = capture::ParseCaptureFile(input);
  if (!file.ok()) {
    if (file.error().offset > size) std::abort();
    return 0;
  }
  for (const capture::Frame& frame : file->frames) {
    if (frame.data.data() < data || frame.data.data() + frame.data.size() > data + size) {
      std::abort();
    }
  }
  capture::ExtractOptions options;
  options.fragment_limits.max_pending_datagrams = 8;  // small bounds reach the eviction paths
  options.fragment_limits.max_fragments_per_datagram = 8;
  auto extracted = capture::ExtractIkeDatagrams(input, options);
  if (!extracted.ok()) std::abort();  // the container already parsed
  for (const capture::IkeDatagram& d : extracted->datagrams) {
    if (d.message.size() > 65535) std::abort();
    auto message = ikev1::ParseMessage(d.message);
    if (message.ok()) (void)ikev1::FormatMessage(*message);
  }
  return 0;
}
