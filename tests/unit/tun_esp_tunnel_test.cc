// The userspace ESP tunnel for real: two network namespaces joined by a veth pair, one
// EspTunnel (with its TUN device) in each, a small poll loop moving datagrams. A UDP message
// sent to the peer's inner address goes in cleartext into one TUN, crosses the veth as ESP
// only, and comes out of the other TUN in cleartext; the answer takes the way back. Once with
// ESP-in-UDP (port 4500, RFC 3948) and once as plain ESP (IP protocol 50, raw sockets).
//
// Needs root (namespaces, TUN); skips with a message otherwise. Creates and removes its own
// namespaces; no traffic leaves them.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "driver/esp_socket.h"
#include "driver/esp_tunnel.h"
#include "driver/tun.h"

namespace ikewot::driver {
namespace {

using Clock = std::chrono::steady_clock;

// Creates two namespaces and a veth pair between them; removes everything on destruction.
class NamespacePair {
 public:
  NamespacePair() {
    const std::string id = std::to_string(getpid() % 100000);
    a_ = "ikwt-a-" + id;
    b_ = "ikwt-b-" + id;
    ok_ = RunCommand({"ip", "netns", "add", a_}).ok() &&
          RunCommand({"ip", "netns", "add", b_}).ok() &&
          RunCommand({"ip", "link", "add", "ikwtva", "netns", a_, "type", "veth", "peer", "name",
                      "ikwtvb", "netns", b_})
              .ok() &&
          Up(a_, "ikwtva", "192.0.2.1/24") && Up(b_, "ikwtvb", "192.0.2.2/24");
  }
  ~NamespacePair() {
    (void)RunCommand({"ip", "netns", "del", a_});
    (void)RunCommand({"ip", "netns", "del", b_});
  }
  bool ok() const { return ok_; }
  const std::string& a() const { return a_; }
  const std::string& b() const { return b_; }

 private:
  static bool Up(const std::string& ns, const std::string& dev, const std::string& addr) {
    // No IPv6 on the veth: the wire check below then sees only what the test sends.
    return RunCommand(
               {"ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"})
               .ok() &&
           RunCommand({"ip", "-n", ns, "link", "set", "lo", "up"}).ok() &&
           RunCommand({"ip", "-n", ns, "addr", "add", addr, "dev", dev}).ok() &&
           RunCommand({"ip", "-n", ns, "link", "set", dev, "up"}).ok();
  }
  std::string a_, b_;
  bool ok_ = false;
};

// Runs the calling thread inside a network namespace until destroyed. Sockets and TUN devices
// opened meanwhile stay in that namespace; so do processes spawned (the `ip` commands).
class InNamespace {
 public:
  explicit InNamespace(const std::string& name) {
    home_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const int target = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    ok_ = home_ >= 0 && target >= 0 && setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) close(target);
  }
  ~InNamespace() {
    if (home_ >= 0) {
      if (setns(home_, CLONE_NEWNET) != 0) std::abort();  // never leave the thread elsewhere
      close(home_);
    }
  }
  bool ok() const { return ok_; }

 private:
  int home_ = -1;
  bool ok_ = false;
};

struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

int UdpSocket(const char* address, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, address, &sa.sin_addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) return -1;
  return fd;
}

void SendUdp(int fd, const Bytes& to_address, uint16_t port, ByteView payload) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  std::memcpy(&sa.sin_addr, to_address.data(), 4);
  ASSERT_EQ(
      sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)),
      static_cast<ssize_t>(payload.size()))
      << std::strerror(errno);
}

engine::Datagram ReceiveUdp(int fd, const engine::Endpoint& local) {
  Bytes buf(65536);
  sockaddr_in from{};
  socklen_t len = sizeof(from);
  const ssize_t n =
      recvfrom(fd, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
  engine::Datagram d;
  d.local = local;
  if (n < 0) return d;
  buf.resize(static_cast<size_t>(n));
  const auto* a = reinterpret_cast<const uint8_t*>(&from.sin_addr);
  d.remote = engine::Endpoint{Bytes(a, a + 4), ntohs(from.sin_port)};
  d.payload = std::move(buf);
  return d;
}

engine::TrafficSelector Host(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  engine::TrafficSelector ts;
  ts.start_address = {a, b, c, d};
  ts.end_address = {a, b, c, d};
  return ts;
}

engine::ChildSaInfo MakeChild(bool udp_encapsulation, uint16_t encr, uint16_t bits,
                              uint16_t integ) {
  DeterministicRng keys(42);
  engine::ChildSaInfo child;
  child.spi_initiator = 0xc1000001;
  child.spi_responder = 0xc2000002;
  child.suite.encr = {encr, bits};
  child.suite.integ = integ;
  auto e = crypto::LookupEncr(encr, bits);
  const size_t encr_size = e->key_size + e->salt_size;
  const size_t integ_size = integ ? crypto::LookupInteg(integ)->key_size : 0;
  for (Bytes* k : {&child.encr_key_i_to_r, &child.encr_key_r_to_i}) {
    k->resize(encr_size);
    keys.Fill(*k);
  }
  for (Bytes* k : {&child.integ_key_i_to_r, &child.integ_key_r_to_i}) {
    k->resize(integ_size);
    keys.Fill(*k);
  }
  child.ts_initiator = {Host(10, 99, 1, 1)};
  child.ts_responder = {Host(10, 99, 2, 1)};
  child.udp_encapsulation = udp_encapsulation;
  return child;
}

// One peer: its namespace's tunnel, the outer socket ESP travels on, and a cleartext UDP
// socket on its inner address.
struct Peer {
  std::unique_ptr<EspTunnel> tunnel;
  int outer_udp = -1;              // ESP-in-UDP
  std::unique_ptr<EspSocket> raw;  // plain ESP
  int app = -1;                    // cleartext application socket on the inner address
  int wire = -1;                   // AF_PACKET on the veth (peer A only)
  engine::Endpoint outer;
};

class TunnelTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root: network namespaces and TUN devices";
    if (access("/dev/net/tun", R_OK | W_OK) != 0) GTEST_SKIP() << "no /dev/net/tun";
    namespaces_ = std::make_unique<NamespacePair>();
    ASSERT_TRUE(namespaces_->ok()) << "could not create namespaces and veth";
  }
  void TearDown() override {
    for (Peer* p : {&a_, &b_}) {
      p->tunnel.reset();
      p->raw.reset();
      for (int fd : {p->outer_udp, p->app, p->wire}) {
        if (fd >= 0) close(fd);
      }
    }
    namespaces_.reset();
  }

  void MakePeer(Peer& peer, const std::string& ns, bool initiator,
                const engine::ChildSaInfo& child) {
    InNamespace in(ns);
    ASSERT_TRUE(in.ok());
    const bool udp = child.udp_encapsulation;
    const char* outer = initiator ? "192.0.2.1" : "192.0.2.2";
    const char* inner = initiator ? "10.99.1.1" : "10.99.2.1";
    peer.outer = engine::Endpoint::V4(192, 0, 2, initiator ? 1 : 2, udp ? 4500 : 0);
    if (udp) {
      peer.outer_udp = UdpSocket(outer, 4500);
      ASSERT_GE(peer.outer_udp, 0) << std::strerror(errno);
    } else {
      auto raw = EspSocket::Open(peer.outer);
      ASSERT_TRUE(raw.ok()) << raw.error().ToString();
      peer.raw = std::make_unique<EspSocket>(std::move(*raw));
    }
    EspTunnelConfig config;
    config.child = child;
    config.initiator = initiator;
    config.local_outer = peer.outer;
    config.remote_outer = engine::Endpoint::V4(192, 0, 2, initiator ? 2 : 1, udp ? 4500 : 0);
    config.tun.name = "ikwtun0";
    config.tun.address = initiator ? Bytes{10, 99, 1, 1} : Bytes{10, 99, 2, 1};
    Peer* self = &peer;
    auto tunnel = EspTunnel::Create(
        config,
        [self](engine::Datagram d) {
          if (self->raw) {
            ASSERT_TRUE(self->raw->Send(d).ok());
          } else {
            SendUdp(self->outer_udp, d.remote.address, d.remote.port, d.payload);
          }
        },
        rng_);
    ASSERT_TRUE(tunnel.ok()) << tunnel.error().ToString();
    peer.tunnel = std::move(*tunnel);
    peer.app = UdpSocket(inner, 7777);
    ASSERT_GE(peer.app, 0) << std::strerror(errno);
    if (initiator) {
      peer.wire = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
      ASSERT_GE(peer.wire, 0);
      sockaddr_ll ll{};
      ll.sll_family = AF_PACKET;
      ll.sll_protocol = htons(ETH_P_ALL);
      ll.sll_ifindex = static_cast<int>(if_nametoindex("ikwtva"));
      ASSERT_EQ(bind(peer.wire, reinterpret_cast<sockaddr*>(&ll), sizeof(ll)), 0);
    }
  }

  // Moves packets until `done` or two seconds pass.
  void Pump(const std::function<bool()>& done) {
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    while (!done() && Clock::now() < deadline) {
      std::vector<pollfd> fds;
      for (Peer* p : {&a_, &b_}) {
        fds.push_back({p->tunnel->fd(), POLLIN, 0});
        fds.push_back({p->raw ? p->raw->fd() : p->outer_udp, POLLIN, 0});
      }
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      const TimePoint now{Clock::now().time_since_epoch()};
      for (size_t i = 0; i < 2; ++i) {
        Peer& p = i == 0 ? a_ : b_;
        if (fds[2 * i].revents & POLLIN) p.tunnel->HandleTunReadable(now);
        if (fds[2 * i + 1].revents & POLLIN) {
          if (p.raw) {
            for (;;) {
              auto d = p.raw->Receive();
              ASSERT_TRUE(d.ok()) << d.error().ToString();
              if (!d->has_value()) break;
              if (p.tunnel->OwnsDatagram(**d)) (void)p.tunnel->HandleEspDatagram(**d, now);
            }
          } else {
            engine::Datagram d = ReceiveUdp(p.outer_udp, p.outer);
            if (!d.payload.empty()) (void)p.tunnel->HandleEspDatagram(d, now);
          }
        }
      }
    }
  }

  static bool Readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return poll(&p, 1, 0) == 1;
  }

  std::unique_ptr<NamespacePair> namespaces_;
  OpenSslRng rng_;
  Peer a_, b_;
};

TEST_P(TunnelTest, CleartextCrossesTheVethOnlyAsEsp) {
  const bool udp = GetParam();
  const engine::ChildSaInfo child =
      udp ? MakeChild(true, crypto::kEncrAesGcm16, 256, crypto::kIntegNone)
          : MakeChild(false, crypto::kEncrAesCbc, 128, crypto::kIntegHmacSha2_256_128);
  MakePeer(a_, namespaces_->a(), true, child);
  MakePeer(b_, namespaces_->b(), false, child);
  if (HasFatalFailure()) return;

  const std::string secret = "cleartext-only-inside-the-tunnel";
  SendUdp(a_.app, {10, 99, 2, 1}, 7777, AsBytes(secret));
  Pump([&] { return Readable(b_.app); });
  engine::Datagram got = ReceiveUdp(b_.app, {});
  ASSERT_EQ(std::string(got.payload.begin(), got.payload.end()), secret)
      << "nothing arrived at 10.99.2.1:7777";
  EXPECT_EQ(got.remote.address, (Bytes{10, 99, 1, 1}));

  // And back: B answers A's inner address through its own tunnel.
  const std::string answer = "answer-through-the-tunnel";
  SendUdp(b_.app, {10, 99, 1, 1}, 7777, AsBytes(answer));
  Pump([&] { return Readable(a_.app); });
  got = ReceiveUdp(a_.app, {});
  ASSERT_EQ(std::string(got.payload.begin(), got.payload.end()), answer);

  EXPECT_GE(a_.tunnel->counters().sent, 1u);
  EXPECT_GE(b_.tunnel->counters().delivered, 1u);
  EXPECT_GE(a_.tunnel->counters().delivered, 1u);
  EXPECT_EQ(b_.tunnel->inbound_counters().dropped_icv, 0u);

  // The wire (A's veth, both directions): every IPv4 frame is ESP -- UDP 4500 or protocol 50
  // -- and none carries either cleartext.
  int esp_frames = 0;
  Bytes frame(65536);
  for (;;) {
    const ssize_t n = recv(a_.wire, frame.data(), frame.size(), 0);
    if (n <= 0) break;
    const ByteView f(frame.data(), static_cast<size_t>(n));
    if (f.size() < 14 + 20 || f[12] != 0x08 || f[13] != 0x00) continue;  // not IPv4 (ARP)
    const ByteView ip = f.subspan(14);
    const size_t ihl = static_cast<size_t>(ip[0] & 0x0F) * 4;
    const bool is_esp =
        udp ? (ip[9] == 17 && ip.size() >= ihl + 4 && ((ip[ihl + 2] << 8) | ip[ihl + 3]) == 4500)
            : ip[9] == kIpProtocolEsp;
    EXPECT_TRUE(is_esp) << "IPv4 frame with protocol " << int(ip[9]) << " on the veth";
    const std::string text(ip.begin(), ip.end());
    EXPECT_EQ(text.find(secret), std::string::npos);
    EXPECT_EQ(text.find(answer), std::string::npos);
    esp_frames += is_esp;
  }
  EXPECT_GE(esp_frames, 2);
}

TEST_P(TunnelTest, ForgedAndOutOfSelectorTrafficIsDropped) {
  const bool udp = GetParam();
  const engine::ChildSaInfo child =
      MakeChild(udp, crypto::kEncrChaCha20Poly1305, 0, crypto::kIntegNone);
  MakePeer(a_, namespaces_->a(), true, child);
  MakePeer(b_, namespaces_->b(), false, child);
  if (HasFatalFailure()) return;
  // A forged datagram with B's SPI is refused before anything reaches B's TUN.
  engine::Datagram forged{b_.outer, a_.outer, Bytes(64, 0x11)};
  forged.payload[0] = 0xc2;
  forged.payload[1] = 0x00;
  forged.payload[2] = 0x00;
  forged.payload[3] = 0x02;
  EXPECT_EQ(b_.tunnel->HandleEspDatagram(forged, TimePoint{}).code(), ErrorCode::kAuthFailure);
  EXPECT_EQ(b_.tunnel->inbound_counters().dropped_icv, 1u);
  EXPECT_EQ(b_.tunnel->counters().delivered, 0u);
  // A packet outside the selectors never leaves A: 10.99.1.1 -> 10.99.3.3 via the TUN route.
  {
    InNamespace in(namespaces_->a());
    ASSERT_TRUE(in.ok());
    ASSERT_TRUE(RunCommand({"ip", "route", "add", "10.99.3.3/32", "dev", "ikwtun0"}).ok());
  }
  SendUdp(a_.app, {10, 99, 3, 3}, 7777, AsBytes("outside"));
  Pump([&] { return a_.tunnel->counters().dropped_outside_selectors > 0; });
  EXPECT_EQ(a_.tunnel->counters().dropped_outside_selectors, 1u);
  EXPECT_EQ(a_.tunnel->counters().sent, 0u);
}

INSTANTIATE_TEST_SUITE_P(Encapsulation, TunnelTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "EspInUdp" : "PlainEsp"; });

TEST(TunPrefixes, SelectorRangesBecomeExactPrefixes) {
  engine::TrafficSelector ts;
  ts.start_address = {10, 0, 0, 1};
  ts.end_address = {10, 0, 0, 6};
  std::vector<std::string> got;
  for (const IpPrefix& p : PrefixesOfSelector(ts)) got.push_back(p.ToString());
  EXPECT_EQ(got,
            (std::vector<std::string>{"10.0.0.1/32", "10.0.0.2/31", "10.0.0.4/31", "10.0.0.6/32"}));
  ts.start_address = {0, 0, 0, 0};
  ts.end_address = {255, 255, 255, 255};
  ASSERT_EQ(PrefixesOfSelector(ts).size(), 1u);
  EXPECT_EQ(PrefixesOfSelector(ts)[0].ToString(), "0.0.0.0/0");
  ts.start_address = Bytes(16, 0);
  ts.end_address = Bytes(16, 0xFF);
  EXPECT_EQ(PrefixesOfSelector(ts)[0].ToString(), "::/0");
  ts.start_address = Bytes(16, 0);
  ts.start_address[0] = 0x20;
  ts.start_address[1] = 0x01;
  ts.end_address = ts.start_address;
  EXPECT_EQ(PrefixesOfSelector(ts)[0].ToString(), "2001::/128");
  ts.end_address = {1, 2, 3, 4};  // families differ: nothing
  EXPECT_TRUE(PrefixesOfSelector(ts).empty());
}

TEST(TunCommands, FailuresCarryTheCommandsError) {
  Status s = RunCommand({"ip", "link", "set", "dev", "ikw-no-such-dev", "up"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_NE(s.error().message.find("ikw-no-such-dev"), std::string::npos) << s.error().message;
  EXPECT_EQ(RunCommand({"ikewot-no-such-program"}).code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace ikewot::driver
