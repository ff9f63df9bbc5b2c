#include "core/esp/inner_packet.h"

#include <algorithm>
#include <string>

#include "core/base/reader.h"

namespace ikewot::esp {
namespace {

constexpr uint8_t kProtocolTcp = 6;
constexpr uint8_t kProtocolUdp = 17;
constexpr uint8_t kProtocolSctp = 132;

bool HasPorts(uint8_t protocol) {
  return protocol == kProtocolTcp || protocol == kProtocolUdp || protocol == kProtocolSctp;
}

// Reads the two ports from the start of a TCP/UDP/SCTP header when they are there.
void ReadPorts(Reader& upper, InnerPacketInfo& info) {
  uint16_t sport = 0;
  uint16_t dport = 0;
  if (HasPorts(info.protocol) && upper.ReadU16(&sport) && upper.ReadU16(&dport)) {
    info.source_port = sport;
    info.destination_port = dport;
  }
}

Result<InnerPacketInfo> ParseIpv4(Reader& r) {
  InnerPacketInfo info;
  info.version = 4;
  uint8_t version_ihl = 0;
  uint8_t tos = 0;
  uint16_t total_length = 0;
  if (!r.ReadU8(&version_ihl) || !r.ReadU8(&tos) || !r.ReadU16(&total_length)) {
    return r.Fail(ErrorCode::kTruncated, "IPv4 header shorter than 20 octets");
  }
  const size_t header_length = static_cast<size_t>(version_ihl & 0x0F) * 4;
  if (header_length < 20) {
    return MakeError(ErrorCode::kBadLength,
                     "IPv4 IHL must be at least 5 words, got " + std::to_string(header_length / 4),
                     0);
  }
  if (total_length < header_length) {
    return MakeError(ErrorCode::kBadLength,
                     "IPv4 Total Length " + std::to_string(total_length) +
                         " is shorter than the header (" + std::to_string(header_length) + ")",
                     2);
  }
  if (total_length != r.Whole().size()) {
    return MakeError(ErrorCode::kBadLength,
                     "IPv4 Total Length " + std::to_string(total_length) + " but the packet has " +
                         std::to_string(r.Whole().size()) + " octets",
                     2);
  }
  uint16_t identification = 0;
  uint16_t flags_fragment = 0;
  uint8_t ttl = 0;
  uint16_t checksum = 0;
  if (!r.ReadU16(&identification) || !r.ReadU16(&flags_fragment) || !r.ReadU8(&ttl) ||
      !r.ReadU8(&info.protocol) || !r.ReadU16(&checksum) || !r.CopyBytes(4, &info.source) ||
      !r.CopyBytes(4, &info.destination) || !r.Skip(header_length - 20)) {
    return r.Fail(ErrorCode::kTruncated, "IPv4 header ends early");
  }
  if ((flags_fragment & 0x1FFF) == 0) ReadPorts(r, info);  // only the first fragment has them
  return info;
}

Result<InnerPacketInfo> ParseIpv6(Reader& r) {
  InnerPacketInfo info;
  info.version = 6;
  uint32_t first_word = 0;
  uint16_t payload_length = 0;
  uint8_t hop_limit = 0;
  if (!r.ReadU32(&first_word) || !r.ReadU16(&payload_length) || !r.ReadU8(&info.protocol) ||
      !r.ReadU8(&hop_limit) || !r.CopyBytes(16, &info.source) ||
      !r.CopyBytes(16, &info.destination)) {
    return r.Fail(ErrorCode::kTruncated, "IPv6 header shorter than 40 octets");
  }
  if (payload_length != r.remaining()) {
    return MakeError(ErrorCode::kBadLength,
                     "IPv6 Payload Length " + std::to_string(payload_length) + " but " +
                         std::to_string(r.remaining()) + " octets follow the header",
                     4);
  }
  ReadPorts(r, info);  // extension headers are not walked: such packets carry no ports here
  return info;
}

// Big-endian comparison of equally long addresses.
int CompareAddress(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end())   ? -1
         : std::lexicographical_compare(b.begin(), b.end(), a.begin(), a.end()) ? 1
                                                                                : 0;
}

}  // namespace

Result<InnerPacketInfo> ParseInnerPacket(ByteView packet) {
  Reader r(packet);
  uint8_t first = 0;
  if (!r.PeekU8(&first)) return r.Fail(ErrorCode::kTruncated, "empty inner packet");
  switch (first >> 4) {
    case 4:
      return ParseIpv4(r);
    case 6:
      return ParseIpv6(r);
    default:
      return MakeError(
          ErrorCode::kBadValue,
          "inner packet has IP version " + std::to_string(first >> 4) + ", expected 4 or 6", 0);
  }
}

bool SelectorCovers(const engine::TrafficSelector& ts, ByteView address, uint8_t protocol,
                    std::optional<uint16_t> port) {
  if (ts.start_address.size() != address.size() || ts.end_address.size() != address.size()) {
    return false;  // other family
  }
  if (CompareAddress(address, ts.start_address) < 0 ||
      CompareAddress(address, ts.end_address) > 0) {
    return false;
  }
  if (ts.ip_protocol != 0 && ts.ip_protocol != protocol) return false;
  const bool any_port = ts.start_port == 0 && ts.end_port == 65535;
  if (any_port) return true;
  return port && *port >= ts.start_port && *port <= ts.end_port;
}

bool SelectorsCover(const std::vector<engine::TrafficSelector>& local,
                    const std::vector<engine::TrafficSelector>& remote,
                    const InnerPacketInfo& packet, bool outbound) {
  const ByteView local_address = outbound ? packet.source : packet.destination;
  const ByteView remote_address = outbound ? packet.destination : packet.source;
  const auto local_port = outbound ? packet.source_port : packet.destination_port;
  const auto remote_port = outbound ? packet.destination_port : packet.source_port;
  const bool local_ok = std::any_of(local.begin(), local.end(), [&](const auto& ts) {
    return SelectorCovers(ts, local_address, packet.protocol, local_port);
  });
  const bool remote_ok = std::any_of(remote.begin(), remote.end(), [&](const auto& ts) {
    return SelectorCovers(ts, remote_address, packet.protocol, remote_port);
  });
  return local_ok && remote_ok;
}

}  // namespace ikewot::esp
