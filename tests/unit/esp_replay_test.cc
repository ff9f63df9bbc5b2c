// The anti-replay window (RFC 4303 §3.4.3, Appendix A), the inner-packet selector check and the
// RFC 3948 classification of port-4500 payloads.
#include <gtest/gtest.h>

#include <set>

#include "core/esp/inner_packet.h"
#include "core/esp/replay_window.h"
#include "core/esp/udp_encapsulation.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::esp {
namespace {

using crypto::testing::Hex;
using Verdict = ReplayWindow::Verdict;

ReplayWindow Window(uint32_t size, bool esn = false) {
  auto w = ReplayWindow::Create(size, esn);
  if (!w.ok()) std::abort();
  return *w;
}

// Checks then accepts, as the SA does.
Verdict Receive(ReplayWindow& w, uint64_t n) {
  const Verdict v = w.Check(n);
  if (v == Verdict::kNew) w.Accept(n);
  return v;
}

TEST(ReplayWindow, SizesOutsideTheRangeAreRefused) {
  EXPECT_EQ(ReplayWindow::Create(31, false).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(ReplayWindow::Create(65537, false).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ReplayWindow::Create(32, false).ok());
  EXPECT_TRUE(ReplayWindow::Create(65536, true).ok());
}

TEST(ReplayWindow, ZeroIsNeverAccepted) {
  ReplayWindow w = Window(64);
  EXPECT_EQ(w.Check(0), Verdict::kZero);
}

TEST(ReplayWindow, InOrderDuplicatesAndEdges) {
  for (uint32_t size : {32u, 64u, 100u, 128u, 1024u}) {
    ReplayWindow w = Window(size);
    for (uint64_t n = 1; n <= 3 * size; ++n) ASSERT_EQ(Receive(w, n), Verdict::kNew) << n;
    const uint64_t top = 3 * size;
    EXPECT_EQ(w.top(), top);
    EXPECT_EQ(w.Check(top), Verdict::kDuplicate);
    // The left edge: T - W + 1 is inside (already seen), T - W is outside.
    EXPECT_EQ(w.Check(top - size + 1), Verdict::kDuplicate) << size;
    EXPECT_EQ(w.Check(top - size), Verdict::kTooOld) << size;
    EXPECT_EQ(w.Check(1), Verdict::kTooOld);
  }
}

TEST(ReplayWindow, OutOfOrderInsideTheWindowIsAcceptedOnce) {
  ReplayWindow w = Window(64);
  EXPECT_EQ(Receive(w, 100), Verdict::kNew);
  EXPECT_EQ(Receive(w, 37), Verdict::kNew);  // 100 - 63: the last slot inside
  EXPECT_EQ(Receive(w, 37), Verdict::kDuplicate);
  EXPECT_EQ(Receive(w, 36), Verdict::kTooOld);
  EXPECT_EQ(Receive(w, 99), Verdict::kNew);
  EXPECT_EQ(Receive(w, 99), Verdict::kDuplicate);
  EXPECT_EQ(Receive(w, 101), Verdict::kNew);
  EXPECT_EQ(Receive(w, 37), Verdict::kTooOld);  // the window moved past it
}

TEST(ReplayWindow, BigJumpsForgetTheOldBitmap) {
  ReplayWindow w = Window(128);
  std::set<uint64_t> received;
  for (uint64_t n = 1; n <= 200; ++n) {
    ASSERT_EQ(Receive(w, n), Verdict::kNew);
    received.insert(n);
  }
  // Jumps of exactly one ring (192 bits), of one word, and of many rings: bits of old numbers
  // must never alias new ones.
  for (uint64_t top : {200u + 192u, 200u + 192u + 64u, 100000u}) {
    EXPECT_EQ(Receive(w, top), Verdict::kNew);
    received.insert(top);
    for (uint64_t n = top - 127; n < top; ++n) {
      ASSERT_EQ(w.Check(n), received.count(n) ? Verdict::kDuplicate : Verdict::kNew)
          << "top " << top << " n " << n;
    }
    EXPECT_EQ(w.Check(top - 128), Verdict::kTooOld);
  }
}

TEST(ReplayWindow, EveryOrderOfASmallBurstIsAcceptedExactlyOnce) {
  // 40 numbers in a scrambled order (a stride coprime to 40) within a 64-packet window.
  ReplayWindow w = Window(64);
  for (uint64_t i = 0; i < 40; ++i) {
    const uint64_t n = 1 + (i * 17) % 40;
    ASSERT_EQ(Receive(w, n), Verdict::kNew) << n;
  }
  for (uint64_t n = 1; n <= 40; ++n) EXPECT_EQ(w.Check(n), Verdict::kDuplicate);
}

TEST(ReplayWindow, EsnInferenceCaseA) {
  // Appendix A2.2 case A: the window lies inside one subspace.
  ReplayWindow w = Window(64, true);
  const uint64_t top = (5ull << 32) | 1000;
  w.Accept(top);
  EXPECT_EQ(w.InferSequence(1000), top);
  EXPECT_EQ(w.InferSequence(937), (5ull << 32) | 937);    // bottom of the window
  EXPECT_EQ(w.InferSequence(2000), (5ull << 32) | 2000);  // ahead, same subspace
  EXPECT_EQ(w.InferSequence(936), (6ull << 32) | 936);    // below Bl: the next subspace
}

TEST(ReplayWindow, EsnInferenceCaseB) {
  // Case B: the window spans two subspaces (Tl < W - 1).
  ReplayWindow w = Window(64, true);
  const uint64_t top = (5ull << 32) | 10;
  w.Accept(top);
  EXPECT_EQ(w.InferSequence(10), top);
  EXPECT_EQ(w.InferSequence(0xFFFFFFFF), (4ull << 32) | 0xFFFFFFFF);  // previous subspace
  EXPECT_EQ(w.InferSequence(0xFFFFFFCB), (4ull << 32) | 0xFFFFFFCB);  // Bl = 10 - 63
  EXPECT_EQ(w.InferSequence(500), (5ull << 32) | 500);
  EXPECT_EQ(w.Check((4ull << 32) | 0xFFFFFFFF), Verdict::kNew);  // inside, not yet seen
  EXPECT_EQ(w.Check((4ull << 32) | 0xFFFFFFCA), Verdict::kTooOld);
}

TEST(ReplayWindow, EsnBeforeTheFirstWrapHasNoLowerSubspace) {
  ReplayWindow w = Window(64, true);
  w.Accept(3);
  EXPECT_EQ(w.InferSequence(0xFFFFFFF0), 0xFFFFFFF0u);
}

TEST(ReplayWindow, WithoutEsnTheLowHalfIsTheNumber) {
  ReplayWindow w = Window(64, false);
  w.Accept(0xFFFFFFF0);
  EXPECT_EQ(w.InferSequence(5), 5u);
  EXPECT_EQ(w.Check(5), Verdict::kTooOld);
}

// ------------------------------------------------------------------------- inner packets

// A real ICMP echo request 198.51.100.5 -> 192.0.2.5 (the inner packet of RFC 7634 App. A).
const char* kIcmpV4 =
    "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec1000073627"
    "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b"
    "2c2d2e2f3031323334353637";

engine::TrafficSelector V4Range(const char* start, const char* end, uint8_t proto = 0,
                                uint16_t port_lo = 0, uint16_t port_hi = 65535) {
  engine::TrafficSelector ts;
  ts.ts_type = 7;
  ts.start_address = Hex(start);
  ts.end_address = Hex(end);
  ts.ip_protocol = proto;
  ts.start_port = port_lo;
  ts.end_port = port_hi;
  return ts;
}

TEST(InnerPacket, ParsesIpv4Icmp) {
  auto info = ParseInnerPacket(Hex(kIcmpV4));
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->version, 4);
  EXPECT_EQ(info->source, Hex("c6336405"));
  EXPECT_EQ(info->destination, Hex("c0000205"));
  EXPECT_EQ(info->protocol, 1);
  EXPECT_FALSE(info->source_port.has_value());
}

TEST(InnerPacket, ParsesIpv6UdpPorts) {
  Bytes p =
      Hex("6000000000081140 20010db8000000000000000000000001 20010db8000000000000000000000002"
          "04d2 0035 0008 0000");
  auto info = ParseInnerPacket(p);
  ASSERT_TRUE(info.ok()) << info.error().ToString();
  EXPECT_EQ(info->version, 6);
  EXPECT_EQ(info->protocol, 17);
  EXPECT_EQ(info->source_port, 1234);
  EXPECT_EQ(info->destination_port, 53);
}

TEST(InnerPacket, EveryPrefixFailsCleanly) {
  const Bytes p = Hex(kIcmpV4);
  for (size_t n = 0; n < p.size(); ++n) {
    auto info = ParseInnerPacket(ByteView(p).first(n));
    EXPECT_FALSE(info.ok()) << n;
  }
}

TEST(InnerPacket, RejectsBadVersionAndLengths) {
  Bytes p = Hex(kIcmpV4);
  p[0] = 0x55;
  EXPECT_EQ(ParseInnerPacket(p).code(), ErrorCode::kBadValue);
  p = Hex(kIcmpV4);
  p[0] = 0x44;  // IHL 4
  EXPECT_EQ(ParseInnerPacket(p).code(), ErrorCode::kBadLength);
  p = Hex(kIcmpV4);
  p.push_back(0);  // one octet more than Total Length
  EXPECT_EQ(ParseInnerPacket(p).code(), ErrorCode::kBadLength);
}

TEST(InnerPacket, SelectorsCoverBothDirections) {
  auto info = ParseInnerPacket(Hex(kIcmpV4));
  ASSERT_TRUE(info.ok());
  const std::vector<engine::TrafficSelector> local = {V4Range("c6336400", "c63364ff")};
  const std::vector<engine::TrafficSelector> remote = {V4Range("c0000205", "c0000205")};
  EXPECT_TRUE(SelectorsCover(local, remote, *info, /*outbound=*/true));
  EXPECT_FALSE(SelectorsCover(local, remote, *info, /*outbound=*/false));
  EXPECT_TRUE(SelectorsCover(remote, local, *info, /*outbound=*/false));
  const std::vector<engine::TrafficSelector> other = {V4Range("c0000206", "c00002ff")};
  EXPECT_FALSE(SelectorsCover(local, other, *info, true));
  // A protocol-restricted selector: ICMP yes, UDP no.
  EXPECT_TRUE(SelectorsCover(local, {V4Range("00000000", "ffffffff", 1)}, *info, true));
  EXPECT_FALSE(SelectorsCover(local, {V4Range("00000000", "ffffffff", 17)}, *info, true));
  // A port range needs ports, which ICMP does not have.
  EXPECT_FALSE(SelectorsCover(local, {V4Range("00000000", "ffffffff", 0, 53, 53)}, *info, true));
}

// -------------------------------------------------------------------- UDP encapsulation

TEST(UdpEncapsulation, ClassifiesPort4500Payloads) {
  EXPECT_EQ(*ClassifyUdp4500(Bytes{0xFF}), UdpPayloadKind::kNatKeepalive);
  EXPECT_EQ(*ClassifyUdp4500(Hex("00000000 1122334455667788")), UdpPayloadKind::kIke);
  EXPECT_EQ(*ClassifyUdp4500(Hex("c0ffee01 00000001 aabb")), UdpPayloadKind::kEsp);
  EXPECT_EQ(ClassifyUdp4500(Hex("c0ffee01 0000")).code(), ErrorCode::kTruncated);
  EXPECT_EQ(ClassifyUdp4500(Bytes{}).code(), ErrorCode::kTruncated);
  EXPECT_EQ(*PeekSpi(Hex("c0ffee01 00000001")), 0xc0ffee01u);
}

TEST(UdpEncapsulation, DatagramsKeepOrDropThePorts) {
  const auto local = engine::Endpoint::V4(192, 0, 2, 1, 4500);
  const auto remote = engine::Endpoint::V4(192, 0, 2, 2, 4500);
  auto udp = MakeEspDatagram(local, remote, true, Bytes{1, 2, 3});
  EXPECT_EQ(udp.local.port, 4500);
  auto raw = MakeEspDatagram(local, remote, false, Bytes{1, 2, 3});
  EXPECT_EQ(raw.remote.port, 0);
  EXPECT_EQ(raw.remote.address, remote.address);
  auto keepalive = MakeNatKeepalive(local, remote);
  EXPECT_EQ(keepalive.payload, Bytes{0xFF});
  // The engine's own classifier agrees.
  auto unframed = engine::UnframeDatagram(keepalive);
  ASSERT_TRUE(unframed.ok());
  EXPECT_EQ(unframed->kind, engine::DatagramKind::kNatKeepalive);
}

}  // namespace
}  // namespace ikewot::esp
