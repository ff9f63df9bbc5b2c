// From frames to IKE datagrams: every supported link type, IPv4 options and IPv6 extension
// headers, NAT-T framing (marker, ESP-in-UDP, keepalive), snap-length truncation, and bounded
// IPv4/IPv6 fragment reassembly with its reports.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/base/writer.h"
#include "core/capture/ike_datagrams.h"
#include "core/capture/packet.h"

namespace ikewot::capture {
namespace {

const Bytes kV4Source = {192, 0, 2, 1};
const Bytes kV4Destination = {192, 0, 2, 2};
const Bytes kV6Source = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const Bytes kV6Destination = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

// A fake IKE message: 8-octet non-zero SPI first, like any real one.
Bytes IkeMessage(size_t n, uint8_t seed = 1) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 13);
  out[0] = 0xaa;
  return out;
}

Bytes Udp(uint16_t source_port, uint16_t destination_port, ByteView payload) {
  Bytes out;
  Writer w(&out);
  w.U16(source_port);
  w.U16(destination_port);
  auto length = w.Reserve16(0);
  w.U16(0);  // checksum: not verified by the reader
  w.Append(payload);
  EXPECT_TRUE(w.Close(length).ok());
  return out;
}

struct V4Options {
  uint16_t id = 0x1234;
  size_t fragment_offset = 0;
  bool more_fragments = false;
  uint8_t protocol = kIpProtocolUdp;
  Bytes options;  // multiple of 4
};

Bytes Ipv4(ByteView payload, const V4Options& o = {}) {
  Bytes out;
  Writer w(&out);
  w.U8(static_cast<uint8_t>(0x40 | (20 + o.options.size()) / 4));
  w.U8(0);
  auto total = w.Reserve16(0);
  w.U16(o.id);
  w.U16(static_cast<uint16_t>((o.more_fragments ? 0x2000 : 0) | o.fragment_offset / 8));
  w.U8(64);
  w.U8(o.protocol);
  w.U16(0);
  w.Append(kV4Source);
  w.Append(kV4Destination);
  w.Append(o.options);
  w.Append(payload);
  EXPECT_TRUE(w.Close(total).ok());
  return out;
}

// IPv6 with the given extension headers (each: next-header chain built here) before `payload`.
Bytes Ipv6(uint8_t first_next, ByteView extensions_and_payload) {
  Bytes out;
  Writer w(&out);
  w.U32(0x60000000);
  auto payload_length = w.Reserve16(40);  // counts what follows the 40-octet header
  w.U8(first_next);
  w.U8(64);
  w.Append(kV6Source);
  w.Append(kV6Destination);
  w.Append(extensions_and_payload);
  EXPECT_TRUE(w.Close(payload_length).ok());
  return out;
}

Bytes Ethernet(ByteView ip, uint16_t ether_type, std::vector<uint16_t> vlan_tags = {}) {
  Bytes out(12, 0x02);
  Writer w(&out);
  for (uint16_t tci : vlan_tags) {
    w.U16(0x8100);
    w.U16(tci);
  }
  w.U16(ether_type);
  w.Append(ip);
  while (out.size() < 60) out.push_back(0);  // Ethernet minimum frame: padding after IP
  return out;
}

struct TestFrame {
  Bytes data;
  uint32_t original_length = 0;  // 0: same as data
};

Bytes Pcap(uint16_t link_type, const std::vector<TestFrame>& frames) {
  Bytes out;
  Writer w(&out);
  w.U32(0xa1b2c3d4);
  w.U16(2);
  w.U16(4);
  w.U32(0);
  w.U32(0);
  w.U32(262144);
  w.U32(link_type);
  uint32_t second = 1700000000;
  for (const TestFrame& f : frames) {
    w.U32(second++);
    w.U32(0);
    w.U32(static_cast<uint32_t>(f.data.size()));
    w.U32(f.original_length ? f.original_length : static_cast<uint32_t>(f.data.size()));
    w.Append(f.data);
  }
  return out;
}

ExtractedCapture Extract(const Bytes& file, const ExtractOptions& options = {}) {
  auto r = ExtractIkeDatagrams(file, options);
  EXPECT_TRUE(r.ok()) << r.error().ToString();
  return r.ok() ? std::move(r).value() : ExtractedCapture{};
}

std::string Notes(const ExtractedCapture& c) {
  std::string out;
  for (const CaptureNote& n : c.notes)
    out += std::to_string(n.packet_number) + ": " + n.message + "\n";
  return out;
}

TEST(CaptureIkeTest, EveryLinkTypeYieldsTheDatagram) {
  Bytes ike = IkeMessage(100);
  Bytes v4 = Ipv4(Udp(500, 500, ike));
  Bytes v6 = Ipv6(kIpProtocolUdp, Udp(500, 500, ike));
  Bytes sll = {0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00};
  sll.insert(sll.end(), v4.begin(), v4.end());
  Bytes sll2 = {0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
  sll2.insert(sll2.end(), v6.begin(), v6.end());
  Bytes null_le = {2, 0, 0, 0};
  null_le.insert(null_le.end(), v4.begin(), v4.end());
  Bytes null_be = {0, 0, 0, 30};  // macOS AF_INET6, written big-endian
  null_be.insert(null_be.end(), v6.begin(), v6.end());
  struct Case {
    uint16_t link_type;
    Bytes frame;
    uint8_t version;
  } cases[] = {
      {kLinkTypeEthernet, Ethernet(v4, 0x0800), 4},
      {kLinkTypeEthernet, Ethernet(v6, 0x86dd, {0x0064, 0x2065}), 6},  // two VLAN tags
      {kLinkTypeRaw, v4, 4},
      {kLinkTypeRaw, v6, 6},
      {kLinkTypeIpv4, v4, 4},
      {kLinkTypeIpv6, v6, 6},
      {kLinkTypeLinuxSll, sll, 4},
      {kLinkTypeLinuxSll2, sll2, 6},
      {kLinkTypeNull, null_le, 4},
      {kLinkTypeNull, null_be, 6},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("link type " + std::to_string(c.link_type) + " IPv" + std::to_string(c.version));
    ExtractedCapture x = Extract(Pcap(c.link_type, {{c.frame}}));
    ASSERT_EQ(x.datagrams.size(), 1u) << Notes(x);
    const IkeDatagram& d = x.datagrams[0];
    EXPECT_EQ(ToHex(d.message), ToHex(ike));
    EXPECT_EQ(d.source.version, c.version);
    EXPECT_EQ(d.source.ToString(), c.version == 4 ? "192.0.2.1" : "2001:db8::1");
    EXPECT_EQ(d.destination.ToString(), c.version == 4 ? "192.0.2.2" : "2001:db8::2");
    EXPECT_EQ(d.source_port, 500);
    EXPECT_FALSE(d.non_esp_marker);
    EXPECT_EQ(d.timestamp.UnixSeconds(), 1700000000);
  }
}

TEST(CaptureIkeTest, Ipv4OptionsAndIpv6ExtensionHeadersAreSkipped) {
  Bytes ike = IkeMessage(64);
  V4Options with_options;
  with_options.options = {0x94, 0x04, 0, 0};  // Router Alert
  Bytes udp = Udp(500, 500, ike);
  // Hop-by-hop (8 octets, next: destination options), destination options (16, next: UDP).
  Bytes extensions = {60, 0, 1, 4, 0, 0, 0, 0, kIpProtocolUdp, 1, 1, 12, 0, 0, 0, 0,
                      0,  0, 0, 0, 0, 0, 0, 0};
  extensions.insert(extensions.end(), udp.begin(), udp.end());
  ExtractedCapture x =
      Extract(Pcap(kLinkTypeRaw, {{Ipv4(udp, with_options)}, {Ipv6(0, extensions)}}));
  ASSERT_EQ(x.datagrams.size(), 2u) << Notes(x);
  EXPECT_EQ(ToHex(x.datagrams[0].message), ToHex(ike));
  EXPECT_EQ(ToHex(x.datagrams[1].message), ToHex(ike));
}

TEST(CaptureIkeTest, NatTraversalFramingIsClassified) {
  Bytes ike = IkeMessage(80);
  Bytes marked = {0, 0, 0, 0};
  marked.insert(marked.end(), ike.begin(), ike.end());
  Bytes esp = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 9, 9, 9, 9};
  ExtractedCapture x = Extract(Pcap(
      kLinkTypeRaw, {{Ipv4(Udp(4500, 4500, marked))},
                     {Ipv4(Udp(4500, 4500, esp))},
                     {Ipv4(Udp(61000, 4500, Bytes{0xff}))},
                     {Ipv4(Udp(4500, 4500, Bytes{1, 2}))},  // neither: reported
                     {Ipv4(Udp(53, 53, IkeMessage(30)))},   // DNS: not IKE
                     {Ipv4(Udp(500, 500, ike), {.protocol = 6, .options = {}})}}));  // TCP: not UDP
  ASSERT_EQ(x.datagrams.size(), 1u) << Notes(x);
  EXPECT_TRUE(x.datagrams[0].non_esp_marker);
  EXPECT_EQ(ToHex(x.datagrams[0].message), ToHex(ike));
  EXPECT_EQ(x.counters.esp_in_udp, 1u);
  EXPECT_EQ(x.counters.nat_keepalives, 1u);
  EXPECT_EQ(x.counters.other_udp, 1u);
  EXPECT_EQ(x.counters.not_udp, 1u);
  EXPECT_EQ(x.counters.malformed, 1u);
  ASSERT_EQ(x.notes.size(), 1u);
  EXPECT_EQ(x.notes[0].packet_number, 4u);
}

TEST(CaptureIkeTest, CustomPortsAndNonIpFrames) {
  Bytes ike = IkeMessage(40);
  Bytes arp(28, 1);
  Bytes file = Pcap(kLinkTypeEthernet,
                    {{Ethernet(arp, 0x0806)}, {Ethernet(Ipv4(Udp(7000, 7001, ike)), 0x0800)}});
  ExtractedCapture plain = Extract(file);
  EXPECT_TRUE(plain.datagrams.empty());
  EXPECT_EQ(plain.counters.not_ip, 1u);
  EXPECT_EQ(plain.counters.other_udp, 1u);
  ExtractOptions options;
  options.ike_ports.push_back(7001);
  ExtractedCapture custom = Extract(file, options);
  ASSERT_EQ(custom.datagrams.size(), 1u);
  EXPECT_EQ(custom.datagrams[0].packet_number, 2u);
}

TEST(CaptureIkeTest, SnapLengthTruncationIsFlagged) {
  Bytes ike = IkeMessage(300);
  Bytes frame = Ethernet(Ipv4(Udp(500, 500, ike)), 0x0800);
  uint32_t original = static_cast<uint32_t>(frame.size());
  frame.resize(14 + 20 + 8 + 100);
  ExtractedCapture x = Extract(Pcap(kLinkTypeEthernet, {{frame, original}}));
  ASSERT_EQ(x.datagrams.size(), 1u) << Notes(x);
  EXPECT_TRUE(x.datagrams[0].truncated);
  EXPECT_EQ(ToHex(x.datagrams[0].message), ToHex(ByteView(ike).first(100)));
}

TEST(CaptureIkeTest, MalformedHeadersBecomeNotesWithPacketNumbers) {
  Bytes ike = IkeMessage(40);
  Bytes bad_ihl = Ipv4(Udp(500, 500, ike));
  bad_ihl[0] = 0x43;
  Bytes bad_udp = Ipv4(Udp(500, 500, ike));
  bad_udp[20 + 5] = 4;  // UDP length 4
  Bytes short_eth(10, 0);
  ExtractedCapture x =
      Extract(Pcap(kLinkTypeEthernet, {{Ethernet(bad_ihl, 0x0800)},
                                       {Ethernet(bad_udp, 0x0800)},
                                       {short_eth},
                                       {Ethernet(Ipv4(Udp(500, 500, ike)), 0x0800)}}));
  ASSERT_EQ(x.datagrams.size(), 1u);
  EXPECT_EQ(x.datagrams[0].packet_number, 4u);
  EXPECT_EQ(x.counters.malformed, 3u);
  ASSERT_EQ(x.notes.size(), 3u) << Notes(x);
  EXPECT_EQ(x.notes[0].packet_number, 1u);
  EXPECT_NE(x.notes[0].message.find("header length 3 words"), std::string::npos);
  EXPECT_NE(x.notes[0].message.find("file offset"), std::string::npos);
  EXPECT_NE(x.notes[1].message.find("UDP length 4"), std::string::npos);
  EXPECT_NE(x.notes[2].message.find("Ethernet header"), std::string::npos);
  // An unsupported link type is a per-packet note too, not a file error.
  ExtractedCapture odd = Extract(Pcap(147, {{ike}}));
  EXPECT_EQ(odd.counters.malformed, 1u);
}

// Splits `ip_payload` into IPv4 fragments of `chunk` octets (a multiple of 8).
std::vector<Bytes> FragmentV4(ByteView ip_payload, size_t chunk, uint16_t id) {
  std::vector<Bytes> out;
  for (size_t offset = 0; offset < ip_payload.size(); offset += chunk) {
    size_t n = std::min(chunk, ip_payload.size() - offset);
    V4Options o;
    o.id = id;
    o.fragment_offset = offset;
    o.more_fragments = offset + n < ip_payload.size();
    out.push_back(Ipv4(ip_payload.subspan(offset, n), o));
  }
  return out;
}

TEST(CaptureIkeTest, Ipv4FragmentsAreReassembledInAnyOrderIgnoringDuplicates) {
  Bytes ike = IkeMessage(3000);
  Bytes udp = Udp(500, 500, ike);
  std::vector<Bytes> fragments = FragmentV4(udp, 1480, 0x4242);
  ASSERT_EQ(fragments.size(), 3u);
  Bytes other = Ipv4(Udp(500, 500, IkeMessage(50, 9)));
  ExtractedCapture x = Extract(Pcap(kLinkTypeRaw, {{fragments[2]},
                                                   {other},
                                                   {fragments[0]},
                                                   {fragments[0]},  // retransmitted copy
                                                   {fragments[1]}}));
  ASSERT_EQ(x.datagrams.size(), 2u) << Notes(x);
  EXPECT_TRUE(x.notes.empty()) << Notes(x);
  const IkeDatagram& d = x.datagrams[1];
  EXPECT_EQ(ToHex(d.message), ToHex(ike));
  EXPECT_EQ(d.packet_number, 5u);
  EXPECT_EQ(d.fragment_packets, (std::vector<size_t>{1, 3, 5}));
  EXPECT_EQ(d.timestamp.UnixSeconds(), 1700000004);
  EXPECT_EQ(x.counters.fragments, 4u);
  EXPECT_EQ(x.counters.reassembled, 1u);
}

TEST(CaptureIkeTest, Ipv6FragmentsAreReassembled) {
  Bytes ike = IkeMessage(2000);
  Bytes udp = Udp(500, 500, ike);
  std::vector<TestFrame> frames;
  for (size_t offset = 0; offset < udp.size(); offset += 1232) {
    size_t n = std::min<size_t>(1232, udp.size() - offset);
    bool more = offset + n < udp.size();
    Bytes fragment = {kIpProtocolUdp,
                      0,
                      static_cast<uint8_t>((offset >> 8) & 0xff),
                      static_cast<uint8_t>((offset & 0xf8) | (more ? 1 : 0)),
                      0xca,
                      0xfe,
                      0xba,
                      0xbe};
    fragment.insert(fragment.end(), udp.begin() + offset, udp.begin() + offset + n);
    frames.push_back({Ipv6(44, fragment)});
  }
  ExtractedCapture x = Extract(Pcap(kLinkTypeRaw, frames));
  ASSERT_EQ(x.datagrams.size(), 1u) << Notes(x);
  EXPECT_EQ(ToHex(x.datagrams[0].message), ToHex(ike));
  EXPECT_EQ(x.datagrams[0].source.ToString(), "2001:db8::1");
}

TEST(CaptureIkeTest, UnfinishedOverlappingAndOversizedReassemblyIsReported) {
  Bytes udp = Udp(500, 500, IkeMessage(3000));
  std::vector<Bytes> a = FragmentV4(udp, 1480, 1);
  std::vector<Bytes> b = FragmentV4(udp, 1480, 2);
  V4Options overlapping;
  overlapping.id = 2;
  overlapping.fragment_offset = 8;
  overlapping.more_fragments = true;
  Bytes overlap = Ipv4(ByteView(udp).subspan(100, 16), overlapping);
  ExtractedCapture x =
      Extract(Pcap(kLinkTypeRaw, {{a[0]}, {a[2]}, {b[0]}, {overlap}, {b[1]}, {b[2]}}));
  EXPECT_TRUE(x.datagrams.empty());
  std::string notes = Notes(x);
  EXPECT_NE(notes.find("4: IPv4 datagram 0x2 from 192.0.2.1 to 192.0.2.2 dropped: overlapping"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("1: IPv4 datagram 0x1 from 192.0.2.1 to 192.0.2.2 never completed: "
                       "packets 1, 2 hold 1528 of 3008 octets"),
            std::string::npos)
      << notes;

  ExtractOptions tight;
  tight.fragment_limits.max_fragments_per_datagram = 2;
  tight.fragment_limits.max_datagram_octets = 4000;
  ExtractedCapture limited = Extract(Pcap(kLinkTypeRaw, {{a[0]}, {a[1]}, {a[2]}}), tight);
  EXPECT_TRUE(limited.datagrams.empty());
  EXPECT_NE(Notes(limited).find("more than 2 fragments"), std::string::npos) << Notes(limited);

  ExtractOptions few;
  few.fragment_limits.max_pending_datagrams = 1;
  ExtractedCapture evicted = Extract(Pcap(kLinkTypeRaw, {{a[0]}, {b[0]}, {b[1]}, {b[2]}}), few);
  ASSERT_EQ(evicted.datagrams.size(), 1u) << Notes(evicted);
  EXPECT_NE(Notes(evicted).find("too many incomplete datagrams"), std::string::npos);
}

TEST(CaptureIkeTest, TruncatedFragmentCannotBeReassembled) {
  Bytes udp = Udp(500, 500, IkeMessage(3000));
  std::vector<Bytes> a = FragmentV4(udp, 1480, 7);
  Bytes cut = a[0];
  uint32_t original = static_cast<uint32_t>(cut.size());
  cut.resize(200);
  ExtractedCapture x = Extract(Pcap(kLinkTypeRaw, {{cut, original}, {a[1]}, {a[2]}}));
  EXPECT_TRUE(x.datagrams.empty());
  EXPECT_NE(Notes(x).find("1: IP fragment cut short"), std::string::npos) << Notes(x);
  EXPECT_NE(Notes(x).find("never completed"), std::string::npos) << Notes(x);
}

TEST(CaptureIkeTest, TruncationLoopOverAFrameNeverCrashes) {
  Bytes frame = Ethernet(Ipv6(kIpProtocolUdp, Udp(4500, 4500, Bytes(60, 0))), 0x86dd, {7});
  for (size_t n = 0; n <= frame.size(); ++n) {
    ByteView prefix = ByteView(frame).first(n);
    auto network = StripLinkLayer(kLinkTypeEthernet, prefix, 0);
    if (!network.ok() || !network->has_value()) continue;
    auto ip = ParseIpPacket(**network, 18);
    if (n < 18 + 40) {
      EXPECT_FALSE(ip.ok()) << n;
      continue;
    }
    ASSERT_TRUE(ip.ok()) << n << ": " << ip.error().ToString();
    EXPECT_EQ(ip->truncated, n < frame.size());
    auto udp = ParseUdp(ip->payload, 58, ip->truncated);
    EXPECT_EQ(udp.ok(), n >= 18 + 40 + 8) << n;
  }
}

}  // namespace
}  // namespace ikewot::capture
