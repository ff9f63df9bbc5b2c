// The IKE datagrams of a capture file: every UDP datagram to or from an IKE port, reassembled
// from IP fragments when needed. Port 500 carries raw IKE; on the NAT-T port 4500 (RFC 3948)
// IKE follows a 4-byte zero non-ESP marker, which is stripped, while ESP-in-UDP and the one-octet
// NAT-keepalive 0xff are recognised and skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/base/time.h"
#include "core/capture/capture_file.h"
#include "core/capture/ip_address.h"
#include "core/capture/reassembly.h"

namespace ikewot::capture {

struct ExtractOptions {
  std::vector<uint16_t> ike_ports{500};    // raw IKE, no marker
  std::vector<uint16_t> natt_ports{4500};  // RFC 3948 framing
  FragmentLimits fragment_limits;
};

struct IkeDatagram {
  size_t packet_number = 0;              // the frame that carried it (or completed its reassembly)
  std::vector<size_t> fragment_packets;  // frames of its IP fragments; empty if unfragmented
  TimePoint timestamp;
  IpAddress source;
  IpAddress destination;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  bool non_esp_marker = false;  // came with the NAT-T marker (stripped from `message`)
  bool truncated = false;       // the capture holds less than the UDP datagram (snap length)
  Bytes message;                // the IKE message as far as captured
};

struct CaptureCounters {
  size_t frames = 0;
  size_t ike_datagrams = 0;
  size_t esp_in_udp = 0;
  size_t nat_keepalives = 0;
  size_t other_udp = 0;
  size_t not_udp = 0;      // IP packets of other protocols (TCP, ICMP, ESP, ...)
  size_t not_ip = 0;       // ARP, LLC and other link-layer payloads
  size_t fragments = 0;    // IP fragments seen
  size_t reassembled = 0;  // IP packets completed from fragments
  size_t malformed = 0;    // frames whose link, IP or UDP header was broken (see notes)
};

struct ExtractedCapture {
  FileFormat format = FileFormat::kPcap;
  std::vector<IkeDatagram> datagrams;
  // Per-packet findings: malformed headers, truncated fragments, fragments never completed.
  std::vector<CaptureNote> notes;
  CaptureCounters counters;
};

// Fails only when the capture file itself is malformed; problems inside single packets become
// notes and the packet is skipped.
Result<ExtractedCapture> ExtractIkeDatagrams(ByteView file, const ExtractOptions& options = {});

}  // namespace ikewot::capture
