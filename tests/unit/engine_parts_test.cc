// Unit tests for the engine's independent parts: datagram framing, retransmission, fragment
// reassembly, cookies, half-open accounting, the probe rate limiter, ProbeResult JSON and the
// virtual network used by the exchange tests.
#include <gtest/gtest.h>

#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "core/engine/auth_octets.h"
#include "core/engine/cookie.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/engine/fragments.h"
#include "core/engine/nat_detection.h"
#include "core/engine/probe_result.h"
#include "core/engine/rate_limiter.h"
#include "core/engine/retransmit.h"
#include "core/engine/vendor_ids.h"
#include "tests/unit/testing/virtual_network.h"

namespace ikewot::engine {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint::FromUnixSeconds(1700000000);

TEST(DatagramTest, MarkerAddedAndStrippedOnlyOnPort4500) {
  Endpoint a = Endpoint::V4(192, 0, 2, 1, 500), b = Endpoint::V4(198, 51, 100, 7, 500);
  Bytes msg = {1, 2, 3, 4, 5};
  EXPECT_EQ(FrameIkeMessage(a, b, msg), msg);
  a.port = b.port = kNatTraversalPort;
  Bytes framed = FrameIkeMessage(a, b, msg);
  ASSERT_EQ(framed.size(), msg.size() + 4);
  EXPECT_EQ(ToHex(framed), "000000000102030405");
  const Datagram received{b, a, framed};  // the view below points into it
  Result<UnframedDatagram> u = UnframeDatagram(received);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, DatagramKind::kIke);
  EXPECT_EQ(Bytes(u->ike_message.begin(), u->ike_message.end()), msg);
  EXPECT_EQ(UnframeDatagram(Datagram{b, a, {0xFF}})->kind, DatagramKind::kNatKeepalive);
  EXPECT_EQ(UnframeDatagram(Datagram{b, a, {0, 0, 0, 1, 9}})->kind, DatagramKind::kEsp);
  // Every prefix shorter than the marker fails cleanly.
  for (size_t n = 0; n < 4; ++n) {
    if (n == 1) continue;  // a single octet is either a keepalive or too short
    Result<UnframedDatagram> r = UnframeDatagram(Datagram{b, a, Bytes(n, 0)});
    EXPECT_FALSE(r.ok()) << n;
  }
  EXPECT_FALSE(UnframeDatagram(Datagram{b, a, {0}}).ok());
}

TEST(DatagramTest, EndpointToString) {
  EXPECT_EQ(Endpoint::V4(192, 0, 2, 1, 500).ToString(), "192.0.2.1:500");
  Endpoint v6{Bytes(16, 0), 4500};
  v6.address[0] = 0x20;
  v6.address[1] = 0x01;
  v6.address[15] = 1;
  EXPECT_EQ(v6.ToString(), "[2001::1]:4500");
}

TEST(RetransmitTimerTest, BacksOffExponentiallyAndGivesUp) {
  RetransmitTimer timer({milliseconds(500), 2.0, seconds(3), 4});
  EXPECT_FALSE(timer.running());
  timer.Start(kT0);
  EXPECT_EQ(timer.deadline(), kT0 + milliseconds(500));
  EXPECT_EQ(timer.OnTimeout(kT0 + milliseconds(499)), RetransmitTimer::Action::kNone);
  TimePoint t = timer.deadline();
  EXPECT_EQ(timer.OnTimeout(t), RetransmitTimer::Action::kResend);
  EXPECT_EQ(timer.deadline(), t + seconds(1));
  t = timer.deadline();
  EXPECT_EQ(timer.OnTimeout(t), RetransmitTimer::Action::kResend);
  EXPECT_EQ(timer.deadline(), t + seconds(2));
  t = timer.deadline();
  EXPECT_EQ(timer.OnTimeout(t), RetransmitTimer::Action::kResend);
  EXPECT_EQ(timer.deadline(), t + seconds(3));  // capped at max_timeout
  EXPECT_EQ(timer.tries(), 4u);
  EXPECT_EQ(timer.OnTimeout(timer.deadline()), RetransmitTimer::Action::kGiveUp);
  EXPECT_FALSE(timer.running());
  EXPECT_EQ(timer.deadline(), kNever);
}

TEST(RetransmitTimerTest, StopCancels) {
  RetransmitTimer timer;
  timer.Start(kT0);
  timer.Stop();
  EXPECT_EQ(timer.OnTimeout(kT0 + seconds(100)), RetransmitTimer::Action::kNone);
}

Bytes Seq(size_t n, uint8_t start = 0) {
  Bytes b(n);
  for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(start + i);
  return b;
}

TEST(FragmentTest, SplitAndReassembleInAnyOrderWithDuplicates) {
  Bytes chain = Seq(1000);
  Result<std::vector<Bytes>> parts = SplitIntoFragments(chain, 300);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 4u);
  EXPECT_EQ(parts->back().size(), 100u);
  FragmentReassembler reassembler;
  const uint16_t total = 4;
  for (uint16_t number : {3, 1, 3, 4}) {
    Result<FragmentReassembler::Outcome> r =
        reassembler.Add(1, number, total, number == 1 ? 35 : 0, (*parts)[number - 1], kT0);
    ASSERT_TRUE(r.ok());
  }
  EXPECT_EQ(*reassembler.Add(1, 4, total, 0, (*parts)[3], kT0),
            FragmentReassembler::Outcome::kDuplicate);
  EXPECT_EQ(*reassembler.Add(1, 2, total, 0, (*parts)[1], kT0),
            FragmentReassembler::Outcome::kComplete);
  std::optional<ReassembledMessage> msg = reassembler.Take();
  ASSERT_TRUE(msg.has_value());
  EXPECT_EQ(msg->first_payload, 35);
  EXPECT_EQ(msg->payload_chain, chain);
  EXPECT_FALSE(reassembler.in_progress());
  EXPECT_FALSE(reassembler.Take().has_value());
}

TEST(FragmentTest, HostileValuesAreRejected) {
  FragmentReassembler reassembler({8, 1000, seconds(5)});
  EXPECT_EQ(reassembler.Add(1, 0, 3, 0, Seq(10), kT0).code(), ErrorCode::kBadValue);
  EXPECT_EQ(reassembler.Add(1, 4, 3, 0, Seq(10), kT0).code(), ErrorCode::kBadValue);
  EXPECT_EQ(reassembler.Add(1, 1, 9, 0, Seq(10), kT0).code(), ErrorCode::kLimitExceeded);
  ASSERT_TRUE(reassembler.Add(1, 1, 3, 0, Seq(600), kT0).ok());
  EXPECT_EQ(reassembler.Add(1, 2, 3, 0, Seq(600), kT0).code(), ErrorCode::kLimitExceeded);
  EXPECT_FALSE(reassembler.in_progress());
}

TEST(FragmentTest, ChangedTotalsFollowRfc7383) {
  FragmentReassembler reassembler;
  ASSERT_EQ(*reassembler.Add(7, 1, 2, 35, Seq(10), kT0), FragmentReassembler::Outcome::kStored);
  // Re-fragmented smaller: more fragments restart the buffer.
  ASSERT_EQ(*reassembler.Add(7, 1, 3, 35, Seq(5), kT0), FragmentReassembler::Outcome::kStored);
  // A late fragment of the older, coarser transmission is discarded.
  EXPECT_EQ(*reassembler.Add(7, 2, 2, 0, Seq(10), kT0), FragmentReassembler::Outcome::kDiscarded);
  ASSERT_EQ(*reassembler.Add(7, 2, 3, 0, Seq(5, 5), kT0), FragmentReassembler::Outcome::kStored);
  ASSERT_EQ(*reassembler.Add(7, 3, 3, 0, Seq(5, 10), kT0), FragmentReassembler::Outcome::kComplete);
  EXPECT_EQ(reassembler.Take()->payload_chain, Seq(15));
}

TEST(FragmentTest, PartialMessageExpires) {
  FragmentReassembler reassembler({64, 65536, seconds(5)});
  ASSERT_TRUE(reassembler.Add(1, 1, 2, 35, Seq(10), kT0).ok());
  EXPECT_EQ(reassembler.deadline(), kT0 + seconds(5));
  reassembler.Expire(kT0 + seconds(5));
  EXPECT_FALSE(reassembler.in_progress());
  // A late second fragment now starts a new (incomplete) message instead of completing.
  EXPECT_EQ(*reassembler.Add(1, 2, 2, 0, Seq(10), kT0 + seconds(6)),
            FragmentReassembler::Outcome::kStored);
}

TEST(FragmentTest, SplitBounds) {
  EXPECT_FALSE(SplitIntoFragments(Seq(10), 0).ok());
  EXPECT_EQ(SplitIntoFragments(Seq(10), 10)->size(), 1u);
  EXPECT_EQ(SplitIntoFragments({}, 10)->size(), 1u);
}

TEST(CookieTest, VerifiesOnlyForSameInputsAndSurvivesOneRotation) {
  DeterministicRng rng(1);
  CookieJar jar({64, 3, 5, seconds(60)});
  Bytes ni = Seq(32), ip = {192, 0, 2, 1};
  EXPECT_FALSE(jar.Make(ni, ip, 0x1122334455667788).ok());  // no secret yet
  jar.MaybeRotate(kT0, rng);
  Result<Bytes> cookie = jar.Make(ni, ip, 0x1122334455667788);
  ASSERT_TRUE(cookie.ok());
  EXPECT_EQ(cookie->size(), CookieJar::kCookieSize);
  EXPECT_TRUE(jar.Verify(*cookie, ni, ip, 0x1122334455667788));
  EXPECT_FALSE(jar.Verify(*cookie, ni, ip, 0x1122334455667789));
  EXPECT_FALSE(jar.Verify(*cookie, ni, Bytes{192, 0, 2, 2}, 0x1122334455667788));
  EXPECT_FALSE(jar.Verify(*cookie, Seq(32, 1), ip, 0x1122334455667788));
  Bytes flipped = *cookie;
  flipped.back() ^= 1;
  EXPECT_FALSE(jar.Verify(flipped, ni, ip, 0x1122334455667788));
  EXPECT_FALSE(jar.Verify(Bytes(cookie->begin(), cookie->end() - 1), ni, ip, 0x1122334455667788));
  jar.MaybeRotate(kT0 + seconds(30), rng);  // too early: same secret
  EXPECT_EQ(*jar.Make(ni, ip, 0x1122334455667788), *cookie);
  jar.MaybeRotate(kT0 + seconds(61), rng);
  EXPECT_NE(*jar.Make(ni, ip, 0x1122334455667788), *cookie);
  EXPECT_TRUE(jar.Verify(*cookie, ni, ip, 0x1122334455667788));  // previous secret
  jar.MaybeRotate(kT0 + seconds(122), rng);
  EXPECT_FALSE(jar.Verify(*cookie, ni, ip, 0x1122334455667788));  // two rotations ago
}

TEST(HalfOpenTrackerTest, CookiesAfterThreeBlockAfterFive) {
  HalfOpenTracker tracker({10, 3, 5, seconds(60)});
  Bytes a = {10, 0, 0, 1}, b = {10, 0, 0, 2};
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(tracker.CookieRequired(a));
    tracker.Add(a);
  }
  EXPECT_TRUE(tracker.CookieRequired(a));
  EXPECT_FALSE(tracker.CookieRequired(b));
  tracker.Add(a);
  EXPECT_FALSE(tracker.Blocked(a));
  tracker.Add(a);
  EXPECT_TRUE(tracker.Blocked(a));
  tracker.Remove(a);
  EXPECT_FALSE(tracker.Blocked(a));
  for (int i = 0; i < 6; ++i) tracker.Add(Bytes{10, 1, 0, static_cast<uint8_t>(i)});
  EXPECT_EQ(tracker.total(), 10u);
  EXPECT_TRUE(tracker.CookieRequired(b));  // global threshold reached
  tracker.Remove(b);                       // unknown source: no effect
  EXPECT_EQ(tracker.total(), 10u);
}

TEST(ProbeRateLimiterTest, BoundsConcurrencyAndWindow) {
  ProbeRateLimiter limiter({2, 3, seconds(60)});
  Bytes target = {192, 0, 2, 9};
  EXPECT_TRUE(limiter.TryAdmit(target, kT0));
  EXPECT_TRUE(limiter.TryAdmit(target, kT0));
  EXPECT_FALSE(limiter.TryAdmit(target, kT0));  // two in flight
  EXPECT_EQ(limiter.NextAdmission(target, kT0), kNever);
  EXPECT_TRUE(limiter.TryAdmit(Bytes{192, 0, 2, 10}, kT0));  // other targets unaffected
  limiter.Finished(target);
  EXPECT_TRUE(limiter.TryAdmit(target, kT0 + seconds(1)));
  limiter.Finished(target);
  limiter.Finished(target);
  EXPECT_FALSE(limiter.TryAdmit(target, kT0 + seconds(2)));  // three in the window
  EXPECT_EQ(limiter.NextAdmission(target, kT0 + seconds(2)), kT0 + seconds(60));
  EXPECT_TRUE(limiter.TryAdmit(target, kT0 + seconds(60)));
}

TEST(VendorIdTest, NamesKnownValues) {
  EXPECT_EQ(NameVendorId(*FromHex("882fe56d6fd20dbc2251613b2ebe5beb")), "strongSwan");
  EXPECT_EQ(NameVendorId(*FromHex("1e2b516905991c7d7c96fcbfb587e46100000009")),
            "Windows (MS NT5 ISAKMPOAKLEY v9)");
  EXPECT_EQ(NameVendorId(AsBytes("OE-Libreswan-4.12")), "libreswan 4.12");
  EXPECT_EQ(NameVendorId(*FromHex("00112233")), "");
  EXPECT_EQ(NameVendorId({}), "");
}

TEST(ProbeResultTest, JsonIsStable) {
  ProbeResult r;
  r.target = "192.0.2.1:500";
  r.stop = ProbeStop::kCompleted;
  r.certificates.push_back({Bytes{0x30, 0x03}, Bytes{0xab, 0xcd}, "ALPHA-BRAVO", "CN=gw"});
  r.idr_type = "FQDN";
  r.idr = "gw.example";
  r.auth = ResponderAuth::kVerified;
  r.auth_method = "DIGITAL_SIGNATURE";
  r.vendor_ids.push_back({*FromHex("882fe56d6fd20dbc2251613b2ebe5beb"), "strongSwan"});
  r.behaviour.init_notify_types = {16388, 16389, 16430};
  r.behaviour.invalid_ke_group = 19;
  r.nat.source_port_changed = true;
  r.round_trips = 3;
  r.latency = milliseconds(42);
  EXPECT_EQ(
      r.ToJson().Dump(),
      R"({"target":"192.0.2.1:500","stop":"completed","detail":"","certificates":[{"subject":"CN=gw","sha256":"ab:cd","identification":"ALPHA-BRAVO","der":"3003"}],"idr":{"type":"FQDN","value":"gw.example"},"auth":"verified","auth_method":"DIGITAL_SIGNATURE","vendor_ids":[{"raw":"882fe56d6fd20dbc2251613b2ebe5beb","name":"strongSwan"}],"behaviour":{"init_notifies":[16388,16389,16430],"auth_notifies":[],"init_payload_order":[],"auth_payload_order":[],"certreq_ca_key_ids":[],"chosen_proposal":"","invalid_ke_group":19,"signature_hashes":[]},"nat":{"detected":true,"how":"source-port","local_behind_nat":false,"peer_behind_nat":false,"source_port_changed":true},"fragmentation_supported":false,"cookie_required":false,"used_fallback_proposals":false,"round_trips":3,"retransmissions":0,"latency_ms":42,"ike_version":2,"mode":null,"version_fallback":null})");
}

// A trivial echo host for exercising the network itself.
struct EchoHost {
  std::vector<Datagram> out;
  std::vector<Datagram> received;
  testing::VirtualHost AsHost(bool echo) {
    return {[this, echo](const Datagram& d, TimePoint) {
              received.push_back(d);
              if (echo) out.push_back(Datagram{d.local, d.remote, d.payload});
            },
            [] { return kNever; }, [](TimePoint) {}, [this] { return std::exchange(out, {}); }};
  }
};

TEST(VirtualNetworkTest, NatRewritesBothWaysAndSizeRuleDrops) {
  testing::VirtualNetwork net(7);
  EchoHost inside, server;
  Endpoint in = Endpoint::V4(10, 0, 0, 2, 500), srv = Endpoint::V4(198, 51, 100, 1, 500);
  net.AddHost(in.address, inside.AsHost(false));
  net.AddHost(srv.address, server.AsHost(true));
  net.AddNat({in.address, Bytes{203, 0, 113, 5}, 40000});
  inside.out.push_back(Datagram{in, srv, {1, 2, 3}});
  net.Run();
  ASSERT_EQ(server.received.size(), 1u);
  EXPECT_EQ(server.received[0].remote, Endpoint::V4(203, 0, 113, 5, 40000));
  ASSERT_EQ(inside.received.size(), 1u);
  EXPECT_EQ(inside.received[0].remote, srv);
  EXPECT_EQ(inside.received[0].local, in);
  net.impairment().max_size = 2;
  inside.out.push_back(Datagram{in, srv, {1, 2, 3}});
  net.Run();
  EXPECT_EQ(server.received.size(), 1u);
  EXPECT_EQ(net.dropped(), 1u);
}

TEST(VirtualNetworkTest, SeededLossIsReproducible) {
  auto run = [](uint64_t seed) {
    testing::VirtualNetwork net(seed);
    EchoHost a, b;
    Endpoint ea = Endpoint::V4(10, 0, 0, 1, 500), eb = Endpoint::V4(10, 0, 0, 2, 500);
    net.AddHost(ea.address, a.AsHost(false));
    net.AddHost(eb.address, b.AsHost(false));
    net.impairment().loss = 0.5;
    net.impairment().duplicate = 0.2;
    net.impairment().jitter = milliseconds(50);
    for (uint8_t i = 0; i < 100; ++i) a.out.push_back(Datagram{ea, eb, {i}});
    net.Run();
    Bytes order;
    for (const Datagram& d : b.received) order.push_back(d.payload[0]);
    return order;
  };
  Bytes first = run(3);
  EXPECT_EQ(first, run(3));
  EXPECT_NE(first, run(4));
  EXPECT_GT(first.size(), 20u);
  EXPECT_LT(first.size(), 90u);
  EXPECT_FALSE(std::is_sorted(first.begin(), first.end()));  // jitter reorders
}

}  // namespace
}  // namespace ikewot::engine

namespace ikewot::engine {
namespace {

TEST(NatDetectionTest, HashMatchesRfcConstructionAndDetectsRewrites) {
  Endpoint initiator = Endpoint::V4(10, 0, 0, 2, 500),
           responder = Endpoint::V4(198, 51, 100, 1, 500);
  // SHA-1(SPIi | SPIr | IP | port) computed independently (Python hashlib): 0x0102030405060708,
  // 0, 10.0.0.2, 500.
  Result<Bytes> h = NatDetectionHash(0x0102030405060708, 0, initiator);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), kNatDetectionHashSize);
  EXPECT_EQ(ToHex(*h), "bfe5d53254194a35aadbc5bafafc4a807a30ad68");
  EXPECT_FALSE(NatDetectionHash(1, 0, Endpoint{Bytes{1, 2, 3}, 500}).ok());

  // Request seen by the responder without a NAT: both hashes match.
  Bytes src = *NatDetectionHash(7, 0, initiator), dst = *NatDetectionHash(7, 0, responder);
  Result<NatDetectionResult> r =
      EvaluateNatDetection(7, 0, Datagram{responder, initiator, {}}, {src}, dst);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->peer_behind_nat);
  EXPECT_FALSE(r->local_behind_nat);
  // The same request after a NAT rewrote the source.
  r = EvaluateNatDetection(7, 0, Datagram{responder, Endpoint::V4(203, 0, 113, 5, 40000), {}},
                           {src}, dst);
  EXPECT_TRUE(r->peer_behind_nat);
  EXPECT_FALSE(r->local_behind_nat);
}

}  // namespace
}  // namespace ikewot::engine

namespace ikewot::engine {
namespace {

// Expected values computed independently with Python's hmac module (HMAC-SHA-256), using the
// SK_pi of the strongSwan x25519/AES-GCM vector as the key.
TEST(AuthOctetsTest, SignedOctetsAndNullAuthMatchRfcConstruction) {
  Bytes sk_pi = *FromHex("2ebfd01dc5b762fed0f8e41d2427bd15f09fb257d452b7e846e8d694b6098104");
  Bytes id_body = Concat({Bytes{2, 0, 0, 0}, AsBytes("gw.example")});  // ID_FQDN
  Result<Bytes> octets = AuthSignedOctets(crypto::kPrfHmacSha2_256, AsBytes("message-one"),
                                          AsBytes("nonce-r"), sk_pi, id_body);
  ASSERT_TRUE(octets.ok());
  EXPECT_EQ(ToHex(*octets),
            "6d6573736167652d6f6e656e6f6e63652d72500e93fa97dc0da409177fa0b7d9b108391a296457c6e43f"
            "5577df2e784f2da2");
  Result<Bytes> null_auth = NullAuthData(crypto::kPrfHmacSha2_256, sk_pi, *octets);
  ASSERT_TRUE(null_auth.ok());
  EXPECT_EQ(ToHex(*null_auth), "d777f1277cc50e76116cf09e84892f13741e4e767ef66bb0fb956dd50ca3dd4c");
  EXPECT_FALSE(AuthSignedOctets(999, {}, {}, sk_pi, id_body).ok());
}

}  // namespace
}  // namespace ikewot::engine

namespace ikewot::engine {
namespace {

TEST(TrafficSelectorTest, ToStringShowsPrefixesRangesAndNarrowing) {
  TrafficSelector net{7, 0, 0, 65535, Bytes{10, 1, 0, 0}, Bytes{10, 1, 255, 255}};
  EXPECT_EQ(net.ToString(), "10.1.0.0/16");
  TrafficSelector host{7, 6, 80, 80, Bytes{192, 0, 2, 7}, Bytes{192, 0, 2, 7}};
  EXPECT_EQ(host.ToString(), "192.0.2.7/32[6/80]");
  TrafficSelector range{7, 17, 1000, 2000, Bytes{10, 0, 0, 5}, Bytes{10, 0, 0, 9}};
  EXPECT_EQ(range.ToString(), "10.0.0.5-10.0.0.9[17/1000-2000]");
  Bytes v6_start(16, 0), v6_end(16, 0xff);
  v6_start[0] = v6_end[0] = 0x20;
  v6_start[1] = v6_end[1] = 0x01;
  EXPECT_EQ((TrafficSelector{8, 0, 0, 65535, v6_start, v6_end}).ToString(),
            "2001::/16");
}

}  // namespace
}  // namespace ikewot::engine
