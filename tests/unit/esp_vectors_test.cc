// Real ESP: packets captured between two strongSwan 5.9.8 charons with kernel-libipsec
// (tests/interop/capture/capture-esp.sh), decapsulated with the keys charon logged. Every
// packet of both directions must decrypt to an IPv4 ICMP echo between the traffic selector
// hosts, in sequence; re-encapsulating it gives a packet charon's peer would accept (our own
// InboundSa with the same keys, since the IV differs).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/crypto/random.h"
#include "core/esp/esp_sa.h"
#include "core/esp/inner_packet.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::esp {
namespace {

namespace fs = std::filesystem;
using crypto::testing::Hex;

struct EspCase {
  std::string name;
  std::map<std::string, std::string> keys;
  struct Packet {
    int frame = 0;
    bool from_initiator = false;
    Bytes bytes;
  };
  std::vector<Packet> packets;
};

fs::path EspVectorRoot() { return fs::path(IKEWOT_TEST_DATA_DIR) / "esp"; }

EspCase LoadCase(const fs::path& dir) {
  EspCase c;
  c.name = dir.filename().string();
  std::ifstream keys(dir / "child-keys.txt");
  std::string line;
  while (std::getline(keys, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, value;
    fields >> name >> value;
    c.keys[name] = value == "-" ? "" : value;
  }
  std::ifstream packets(dir / "esp-packets.txt");
  while (std::getline(packets, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    EspCase::Packet p;
    std::string direction, hex;
    fields >> p.frame >> direction >> hex;
    p.from_initiator = direction == "i2r";
    p.bytes = Hex(hex);
    c.packets.push_back(std::move(p));
  }
  return c;
}

std::vector<fs::path> CaseDirs() {
  std::vector<fs::path> dirs;
  if (!fs::exists(EspVectorRoot())) return dirs;
  for (const auto& entry : fs::directory_iterator(EspVectorRoot())) {
    if (fs::exists(entry.path() / "child-keys.txt")) dirs.push_back(entry.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

engine::ChildSaInfo ChildOf(const EspCase& c) {
  engine::ChildSaInfo child;
  child.spi_initiator = static_cast<uint32_t>(std::stoul(c.keys.at("spi_i"), nullptr, 16));
  child.spi_responder = static_cast<uint32_t>(std::stoul(c.keys.at("spi_r"), nullptr, 16));
  child.suite.encr.id = static_cast<uint16_t>(std::stoi(c.keys.at("encr_id")));
  child.suite.encr.key_bits = static_cast<uint16_t>(std::stoi(c.keys.at("encr_key_bits")));
  child.suite.integ = static_cast<uint16_t>(std::stoi(c.keys.at("integ_id")));
  child.encr_key_i_to_r = Hex(c.keys.at("encr_key_i_to_r"));
  child.encr_key_r_to_i = Hex(c.keys.at("encr_key_r_to_i"));
  child.integ_key_i_to_r = Hex(c.keys.at("integ_key_i_to_r"));
  child.integ_key_r_to_i = Hex(c.keys.at("integ_key_r_to_i"));
  return child;
}

TEST(EspVectors, CapturedCasesArePresent) {
  // capture-esp.sh makes three cases: AES-GCM, AES-CBC+HMAC-SHA256, ChaCha20-Poly1305.
  EXPECT_GE(CaseDirs().size(), 3u) << "missing tests/vectors/esp cases";
}

TEST(EspVectors, StrongswanLibipsecPacketsDecapsulate) {
  for (const fs::path& dir : CaseDirs()) {
    SCOPED_TRACE(dir.filename().string());
    const EspCase c = LoadCase(dir);
    ASSERT_FALSE(c.packets.empty());
    const engine::ChildSaInfo child = ChildOf(c);
    // The responder receives i2r packets, the initiator r2i packets.
    auto at_responder = InboundSa::Create(InboundParameters(child, /*initiator=*/false));
    auto at_initiator = InboundSa::Create(InboundParameters(child, /*initiator=*/true));
    ASSERT_TRUE(at_responder.ok()) << at_responder.error().ToString();
    ASSERT_TRUE(at_initiator.ok()) << at_initiator.error().ToString();
    uint64_t expected_i2r = 1;
    uint64_t expected_r2i = 1;
    for (const auto& p : c.packets) {
      InboundSa& in = p.from_initiator ? *at_responder : *at_initiator;
      auto out = in.Decapsulate(p.bytes);
      ASSERT_TRUE(out.ok()) << "frame " << p.frame << ": " << out.error().ToString();
      EXPECT_EQ(out->sequence, p.from_initiator ? expected_i2r++ : expected_r2i++);
      ASSERT_EQ(out->next_header, kNextHeaderIpv4);
      auto info = ParseInnerPacket(out->inner);
      ASSERT_TRUE(info.ok()) << info.error().ToString();
      EXPECT_EQ(info->protocol, 1) << "ICMP";
      // The ping ran 198.51.100.1 -> 203.0.113.1 (the traffic selectors of lib.sh).
      const Bytes a = {198, 51, 100, 1};
      const Bytes b = {203, 0, 113, 1};
      EXPECT_EQ(info->source, p.from_initiator ? a : b);
      EXPECT_EQ(info->destination, p.from_initiator ? b : a);
      // Replaying the captured packet is refused.
      EXPECT_EQ(in.Decapsulate(p.bytes).code(), ErrorCode::kState);
    }
    EXPECT_EQ(at_responder->counters().packets + at_initiator->counters().packets,
              c.packets.size());
  }
}

TEST(EspVectors, OurEncapsulationWithTheirKeysRoundTrips) {
  for (const fs::path& dir : CaseDirs()) {
    SCOPED_TRACE(dir.filename().string());
    const EspCase c = LoadCase(dir);
    const engine::ChildSaInfo child = ChildOf(c);
    auto first_in = InboundSa::Create(InboundParameters(child, false));
    ASSERT_TRUE(first_in.ok());
    auto inner = first_in->Decapsulate(c.packets.front().bytes);
    ASSERT_TRUE(inner.ok());
    // Rebuild the initiator's packet 1 with ikewot: same SPI, sequence, length and layout.
    auto out = OutboundSa::Create(OutboundParameters(child, true));
    ASSERT_TRUE(out.ok());
    DeterministicRng rng(1);
    auto ours = out->Encapsulate(inner->inner, rng);
    ASSERT_TRUE(ours.ok());
    EXPECT_EQ(ours->size(), c.packets.front().bytes.size()) << "same padding and ICV length";
    EXPECT_EQ(Bytes(ours->begin(), ours->begin() + 8),
              Bytes(c.packets.front().bytes.begin(), c.packets.front().bytes.begin() + 8));
    auto again = InboundSa::Create(InboundParameters(child, false));
    ASSERT_TRUE(again.ok());
    auto back = again->Decapsulate(*ours);
    ASSERT_TRUE(back.ok()) << back.error().ToString();
    EXPECT_EQ(back->inner, inner->inner);
  }
}

TEST(EspVectors, EveryPrefixOfARealPacketFailsCleanly) {
  for (const fs::path& dir : CaseDirs()) {
    SCOPED_TRACE(dir.filename().string());
    const EspCase c = LoadCase(dir);
    auto in = InboundSa::Create(InboundParameters(ChildOf(c), false));
    ASSERT_TRUE(in.ok());
    const Bytes& packet = c.packets.front().bytes;
    for (size_t n = 0; n < packet.size(); ++n) {
      ASSERT_FALSE(in->Decapsulate(ByteView(packet).first(n)).ok()) << n;
    }
    EXPECT_TRUE(in->Decapsulate(packet).ok());
  }
}

}  // namespace
}  // namespace ikewot::esp
