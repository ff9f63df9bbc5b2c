#include "core/capture/ike_datagrams.h"

#include <algorithm>
#include <string>

#include "core/capture/packet.h"

namespace ikewot::capture {
namespace {

bool Contains(const std::vector<uint16_t>& ports, uint16_t port) {
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

// One IP packet's transport payload, whether it came whole or from fragments.
struct TransportPacket {
  size_t packet_number;
  std::vector<size_t> fragment_packets;
  TimePoint timestamp;
  IpAddress source;
  IpAddress destination;
  uint8_t protocol;
  ByteView payload;
  size_t payload_offset;  // absolute file offset, or offset in the reassembled data
  bool truncated;
  bool reassembled;
};

class Extractor {
 public:
  Extractor(ByteView file, const ExtractOptions& options)
      : file_(file), options_(options), reassembler_(options.fragment_limits) {}

  void Frame(const capture::Frame& frame) {
    ++out_.counters.frames;
    size_t base = FrameBase(frame);
    auto network = StripLinkLayer(frame.link_type, frame.data, base);
    if (!network.ok()) return Malformed(frame.number, network.error(), false);
    if (!network->has_value()) {
      ++out_.counters.not_ip;
      return;
    }
    ByteView ip_bytes = **network;
    size_t ip_offset = base + static_cast<size_t>(ip_bytes.data() - frame.data.data());
    auto ip = ParseIpPacket(ip_bytes, ip_offset);
    if (!ip.ok()) return Malformed(frame.number, ip.error(), false);
    if (!ip->is_fragment) {
      Transport({frame.number,
                 {},
                 frame.timestamp,
                 ip->source,
                 ip->destination,
                 ip->protocol,
                 ip->payload,
                 ip_offset + static_cast<size_t>(ip->payload.data() - ip_bytes.data()),
                 ip->truncated,
                 false});
      return;
    }
    ++out_.counters.fragments;
    if (ip->truncated) {
      out_.notes.push_back({frame.number,
                            "IP fragment cut short by the capture's snap length; "
                            "its datagram cannot be reassembled"});
      return;
    }
    auto whole = reassembler_.Add(*ip, frame.number, frame.timestamp, &out_.notes);
    if (!whole) return;
    ++out_.counters.reassembled;
    uint8_t protocol = whole->protocol;
    ByteView payload = whole->payload;
    if (whole->version == 6) {
      Status walked = WalkIpv6Extensions(protocol, whole->payload, 0, &protocol, &payload);
      if (!walked.ok()) return Malformed(frame.number, walked.error(), true);
    }
    // Offsets inside reassembled data count from the start of the fragmentable part.
    Transport({frame.number, whole->packet_numbers, whole->timestamp, whole->source,
               whole->destination, protocol, payload,
               static_cast<size_t>(payload.data() - whole->payload.data()), false, true});
  }

  ExtractedCapture Finish(FileFormat format) {
    for (CaptureNote& note : reassembler_.Incomplete()) out_.notes.push_back(std::move(note));
    std::stable_sort(out_.notes.begin(), out_.notes.end(),
                     [](const CaptureNote& a, const CaptureNote& b) {
                       return a.packet_number < b.packet_number;
                     });
    out_.format = format;
    return std::move(out_);
  }

 private:
  // Absolute file offset of a frame's first captured octet.
  size_t FrameBase(const capture::Frame& frame) const {
    return static_cast<size_t>(frame.data.data() - file_.data());
  }

  void Malformed(size_t packet_number, const Error& error, bool reassembled) {
    ++out_.counters.malformed;
    out_.notes.push_back({packet_number, error.ToString() +
                                             (reassembled ? " (offset " : " (file offset ") +
                                             std::to_string(error.offset) +
                                             (reassembled ? " in the reassembled packet)" : ")")});
  }

  void Transport(const TransportPacket& packet) {
    if (packet.protocol != kIpProtocolUdp) {
      ++out_.counters.not_udp;
      return;
    }
    auto udp = ParseUdp(packet.payload, packet.payload_offset, packet.truncated);
    if (!udp.ok()) return Malformed(packet.packet_number, udp.error(), packet.reassembled);
    bool natt = Contains(options_.natt_ports, udp->source_port) ||
                Contains(options_.natt_ports, udp->destination_port);
    bool raw = Contains(options_.ike_ports, udp->source_port) ||
               Contains(options_.ike_ports, udp->destination_port);
    if (!natt && !raw) {
      ++out_.counters.other_udp;
      return;
    }
    ByteView message = udp->payload;
    bool marker = false;
    if (natt) {
      // RFC 3948 §2.2/§2.3: 0xff alone is a NAT-keepalive; a zero first word is the non-ESP
      // marker before IKE; any other first word is an ESP SPI.
      if (message.size() == 1 && message[0] == 0xff) {
        ++out_.counters.nat_keepalives;
        return;
      }
      bool zero_marker = message.size() >= 4 && std::all_of(message.begin(), message.begin() + 4,
                                                            [](uint8_t b) { return b == 0; });
      if (!zero_marker) {
        if (message.size() >= 8) {
          ++out_.counters.esp_in_udp;
        } else {
          Malformed(packet.packet_number,
                    MakeError(ErrorCode::kBadLength,
                              "UDP payload of " + std::to_string(message.size()) +
                                  " octets on a NAT-T port is neither keepalive, IKE nor ESP",
                              packet.payload_offset + 8),
                    packet.reassembled);
        }
        return;
      }
      message = message.subspan(4);
      marker = true;
    }
    IkeDatagram d;
    d.packet_number = packet.packet_number;
    d.fragment_packets = packet.fragment_packets;
    d.timestamp = packet.timestamp;
    d.source = packet.source;
    d.destination = packet.destination;
    d.source_port = udp->source_port;
    d.destination_port = udp->destination_port;
    d.non_esp_marker = marker;
    d.truncated = udp->truncated;
    d.message.assign(message.begin(), message.end());
    out_.datagrams.push_back(std::move(d));
    ++out_.counters.ike_datagrams;
  }

  ByteView file_;
  const ExtractOptions& options_;
  FragmentReassembler reassembler_;
  ExtractedCapture out_;
};

}  // namespace

Result<ExtractedCapture> ExtractIkeDatagrams(ByteView file, const ExtractOptions& options) {
  auto capture = ParseCaptureFile(file);
  if (!capture.ok()) return capture.error();
  Extractor extractor(file, options);
  for (const Frame& frame : capture->frames) extractor.Frame(frame);
  return extractor.Finish(capture->format);
}

}  // namespace ikewot::capture
