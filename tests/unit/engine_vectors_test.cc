// The engine's responder against real captured requests (tests/vectors: strongSwan 5.9.8 as the
// initiator; the responder was charon or libreswan's pluto). For every captured IKE_SA_INIT
// request our IkeNode answers in the same way the real responder did when configured alike: the
// same chosen suite, INVALID_KE_PAYLOAD with the same group, a COOKIE when cookies are demanded,
// and NAT detection that agrees with the capture (the real pair moved to port 4500 or not).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "core/engine/ike_node.h"
#include "core/engine/sa_convert.h"
#include "tests/unit/testing/engine_harness.h"

namespace ikewot::engine {
namespace {

namespace fs = std::filesystem;
using ikev2::NotifyType;

constexpr const char* kCases[] = {
    "strongswan/ikev2-ecdsa-x25519-aesgcm",
    "strongswan/ikev2-rsa-modp2048-aescbc",
    "strongswan/ikev2-chacha20-ecp384",
    "strongswan/ikev2-invalid-ke",
    "strongswan/ikev2-cookie",
    "strongswan/ikev2-fragmented",
    "strongswan/ikev2-nat",
    "strongswan/ikev2-libipsec-child",
    "libreswan/ikev2-ecdsa-ecp256-aesgcm",
};

fs::path CaseDir(const std::string& name) { return fs::path(IKEWOT_TEST_DATA_DIR) / name; }

Bytes ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "192.0.2.1:500" -> Endpoint.
Endpoint ParseEndpoint(const std::string& text) {
  Endpoint e;
  size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t end = text.find(i < 3 ? '.' : ':', pos);
    e.address.push_back(static_cast<uint8_t>(std::stoi(text.substr(pos, end - pos))));
    pos = end + 1;
  }
  e.port = static_cast<uint16_t>(std::stoi(text.substr(pos)));
  return e;
}

// The value of the `n`th occurrence of "key": "value" in datagrams.json (one record per file,
// in capture order).
std::string NthField(const std::string& json, const std::string& key, size_t n) {
  size_t pos = 0;
  for (size_t i = 0; i <= n; ++i) {
    pos = json.find("\"" + key + "\": \"", pos);
    if (pos == std::string::npos) return {};
    pos += key.size() + 5;
  }
  return json.substr(pos, json.find('"', pos) - pos);
}

struct Captured {
  std::string name;
  std::string datagrams_json;
  std::vector<std::string> files;  // in capture order
  Bytes File(size_t i) const { return ReadBytes(CaseDir(name) / files.at(i)); }
  Endpoint Source(size_t i) const { return ParseEndpoint(NthField(datagrams_json, "src", i)); }
  Endpoint Destination(size_t i) const { return ParseEndpoint(NthField(datagrams_json, "dst", i)); }
};

// The first datagram as charon's responder logged receiving it ("received packet: from
// 192.0.2.126[500] to 192.0.2.2[500]"): behind a NAT this differs from the capture, which was
// taken on the initiator's side. nullopt when there is no charon responder log.
std::optional<Datagram> ResponderView(const std::string& name, const Bytes& payload) {
  const std::string log = ReadText(CaseDir(name) / "charon-responder.log");
  const std::string marker = "received packet: from ";
  const size_t at = log.find(marker);
  if (at == std::string::npos) return std::nullopt;
  auto endpoint = [&](size_t from) {
    const size_t open = log.find('[', from), close = log.find(']', from);
    return ParseEndpoint(log.substr(from, open - from) + ":" +
                         log.substr(open + 1, close - open - 1));
  };
  const size_t source = at + marker.size();
  const size_t destination = log.find(" to ", source) + 4;
  return Datagram{endpoint(destination), endpoint(source), payload};
}

Captured Load(const std::string& name) {
  Captured c{name, ReadText(CaseDir(name) / "datagrams.json"), {}};
  for (size_t i = 0;; ++i) {
    std::string file = NthField(c.datagrams_json, "file", i);
    if (file.empty()) break;
    c.files.push_back(std::move(file));
  }
  return c;
}

ikev2::Message Parse(ByteView raw) {
  Result<ikev2::Message> m = ikev2::ParseMessage(raw);
  EXPECT_TRUE(m.ok()) << m.error().ToString();
  return m.ok() ? std::move(*m) : ikev2::Message{};
}

const ikev2::SaPayload* SaOf(const ikev2::Message& m) {
  const ikev2::Payload* p =
      ikev2::FindPayload(m.payloads, ikev2::PayloadType::kSecurityAssociation);
  return p == nullptr ? nullptr : p->As<ikev2::SaPayload>();
}

uint16_t U16(const Bytes& data) {
  return data.size() < 2 ? 0 : static_cast<uint16_t>(data[0] << 8 | data[1]);
}

// A responder whose only proposal is `spec`, with an ECDSA identity.
std::unique_ptr<IkeNode> MakeResponder(IkeProposalSpec spec, Rng& rng, CookiePolicy cookies = {}) {
  NodeConfig config;
  config.responder_policy = testing::BasicPolicy(std::move(spec));
  config.responder_policy.minimum_strength_bits = 112;
  config.responder_policy.identity = testing::MakeIdentity(
      crypto::KeyType::kEcdsaP256, "ikewot responder", rng, TimePoint::FromUnixSeconds(1700000000));
  config.cookies = cookies;
  return std::make_unique<IkeNode>(std::move(config), rng);
}

// The one datagram the responder sent, parsed.
ikev2::Message OnlyAnswer(IkeNode& node) {
  std::vector<Datagram> out = node.TakeOutgoing();
  EXPECT_EQ(out.size(), 1u);
  if (out.empty()) return {};
  return Parse(out[0].payload);
}

class EngineVectorTest : public ::testing::TestWithParam<const char*> {};

TEST_P(EngineVectorTest, ResponderAnswersTheCapturedIkeSaInitLikeTheRealResponder) {
  const Captured c = Load(GetParam());
  ASSERT_GE(c.files.size(), 4u);
  const Bytes request_raw = c.File(0);
  const ikev2::Message request = Parse(request_raw);
  const ikev2::Message real_answer = Parse(c.File(1));
  ASSERT_NE(SaOf(request), nullptr);
  const TimePoint now = TimePoint::FromUnixSeconds(1700000000);
  DeterministicRng rng(7);
  // The datagram as the real responder received it.
  const Datagram received = ResponderView(c.name, request_raw)
                                .value_or(Datagram{c.Destination(0), c.Source(0), request_raw});

  if (const auto* invalid_ke =
          ikev2::FindNotify(real_answer.payloads, NotifyType::kInvalidKePayload)) {
    // IKE_SA_INIT { SA, KE(a), Ni } -->   <-- { N(INVALID_KE_PAYLOAD(g)) }, as the capture shows.
    const uint16_t group = U16(invalid_ke->data);
    std::vector<IkeProposalSpec> offer = IkeOfferFromSa(*SaOf(request));
    ASSERT_FALSE(offer.empty());
    IkeProposalSpec ours = offer.front();
    ours.ke_groups = {group};
    auto responder = MakeResponder(ours, rng);
    responder->HandleDatagram(received, now);
    const ikev2::Message answer = OnlyAnswer(*responder);
    const auto* ours_notify = ikev2::FindNotify(answer.payloads, NotifyType::kInvalidKePayload);
    ASSERT_NE(ours_notify, nullptr);
    EXPECT_EQ(U16(ours_notify->data), group);
    EXPECT_EQ(answer.header.spi_i, request.header.spi_i);
    EXPECT_EQ(answer.header.spi_r, 0u);
    EXPECT_EQ(responder->sa_count(), 0u);  // stateless
    // IKE_SA_INIT { SA, KE(g), Ni } -->   <-- { SA, KE(g), Nr, ... }: the retry is accepted.
    const Bytes retry = c.File(2);
    responder->HandleDatagram(Datagram{c.Destination(2), c.Source(2), retry}, now);
    const ikev2::Message accepted = OnlyAnswer(*responder);
    ASSERT_NE(SaOf(accepted), nullptr);
    EXPECT_EQ(responder->half_open_count(), 1u);
    return;
  }
  if (ikev2::FindNotify(real_answer.payloads, NotifyType::kCookie) != nullptr) {
    // IKE_SA_INIT { SA, KE, Ni } -->   <-- { N(COOKIE) }   (cookies demanded from everyone)
    CookiePolicy always;
    always.global_threshold = 0;
    auto responder = MakeResponder(IkeOfferFromSa(*SaOf(request)).front(), rng, always);
    responder->HandleDatagram(received, now);
    const ikev2::Message answer = OnlyAnswer(*responder);
    ASSERT_NE(ikev2::FindNotify(answer.payloads, NotifyType::kCookie), nullptr);
    EXPECT_EQ(responder->counters().cookies_sent, 1u);
    EXPECT_EQ(responder->sa_count(), 0u);
    // IKE_SA_INIT { N(COOKIE from charon), SA, KE, Ni } -->: not our cookie, so a fresh one.
    responder->HandleDatagram(Datagram{c.Destination(2), c.Source(2), c.File(2)}, now);
    const ikev2::Message again = OnlyAnswer(*responder);
    ASSERT_NE(ikev2::FindNotify(again.payloads, NotifyType::kCookie), nullptr);
    EXPECT_EQ(responder->counters().cookies_rejected, 1u);
    EXPECT_EQ(responder->sa_count(), 0u);
    return;
  }

  // IKE_SA_INIT { SA, KE, Ni, N(NAT_D*), ... } -->   <-- { SA, KE, Nr, N(NAT_D*), CERTREQ, ... }
  ASSERT_NE(SaOf(real_answer), nullptr);
  Result<IkeSuiteChoice> real_choice = IkeChoiceFromSa(*SaOf(real_answer));
  ASSERT_TRUE(real_choice.ok()) << real_choice.error().ToString();
  IkeProposalSpec ours{{real_choice->encr}, {real_choice->prf}, {}, {real_choice->ke_group}};
  if (real_choice->integ != 0) ours.integ = {real_choice->integ};
  auto responder = MakeResponder(ours, rng);
  responder->HandleDatagram(received, now);
  const ikev2::Message answer = OnlyAnswer(*responder);
  EXPECT_TRUE(answer.header.response);
  EXPECT_EQ(answer.header.spi_i, request.header.spi_i);
  EXPECT_NE(answer.header.spi_r, 0u);
  ASSERT_NE(SaOf(answer), nullptr);
  Result<IkeSuiteChoice> our_choice = IkeChoiceFromSa(*SaOf(answer));
  ASSERT_TRUE(our_choice.ok());
  EXPECT_EQ(*our_choice, *real_choice)
      << our_choice->ToString() << " vs " << real_choice->ToString();
  // Same proposal number as the real responder picked from the same offer.
  EXPECT_EQ(SaOf(answer)->proposals.at(0).number, SaOf(real_answer)->proposals.at(0).number);
  const ikev2::Payload* ke = ikev2::FindPayload(answer.payloads, ikev2::PayloadType::kKeyExchange);
  const ikev2::Payload* real_ke =
      ikev2::FindPayload(real_answer.payloads, ikev2::PayloadType::kKeyExchange);
  ASSERT_NE(ke, nullptr);
  ASSERT_NE(real_ke, nullptr);
  EXPECT_EQ(ke->As<ikev2::KePayload>()->dh_group, real_ke->As<ikev2::KePayload>()->dh_group);
  EXPECT_EQ(ke->As<ikev2::KePayload>()->data.size(), real_ke->As<ikev2::KePayload>()->data.size());
  EXPECT_NE(ikev2::FindPayload(answer.payloads, ikev2::PayloadType::kNonce), nullptr);
  EXPECT_NE(ikev2::FindNotify(answer.payloads, NotifyType::kNatDetectionSourceIp), nullptr);
  EXPECT_NE(ikev2::FindNotify(answer.payloads, NotifyType::kNatDetectionDestinationIp), nullptr);
  EXPECT_EQ(
      ikev2::FindNotify(answer.payloads, NotifyType::kIkev2FragmentationSupported) != nullptr,
      ikev2::FindNotify(request.payloads, NotifyType::kIkev2FragmentationSupported) != nullptr);
  EXPECT_EQ(responder->half_open_count(), 1u);
  // NAT detection agrees with what the real pair did next: IKE_AUTH on 4500 means NAT.
  const IkeSa* sa = responder->Find(1);
  ASSERT_NE(sa, nullptr);
  EXPECT_EQ(sa->nat_detected(), c.Destination(2).port == kNatTraversalPort);
  // A retransmission of the same request gets the same answer from the cache.
  responder->HandleDatagram(received, now);
  std::vector<Datagram> resent = responder->TakeOutgoing();
  ASSERT_EQ(resent.size(), 1u);
  EXPECT_EQ(responder->counters().responses_resent, 1u);
  EXPECT_EQ(responder->sa_count(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Captured, EngineVectorTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace ikewot::engine
