// Every real IKEv1 datagram stored under tests/vectors (strongSwan exchanges, ike-scan probes)
// parses, serializes back to the same bytes, passes the semantic checks and can be described.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/ikev1/message.h"

namespace ikewot::ikev1 {
namespace {

namespace fs = std::filesystem;

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Raw IKE datagrams (*.bin) whose header says major version 1.
std::vector<fs::path> Ikev1Vectors() {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(IKEWOT_TEST_DATA_DIR)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".bin") continue;
    Bytes data = ReadFile(entry.path());
    if (data.size() >= kHeaderSize && data[17] >> 4 == kMajorVersion) out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Ikev1VectorsTest, EveryStoredIkev1DatagramRoundTrips) {
  std::vector<fs::path> files = Ikev1Vectors();
  ASSERT_FALSE(files.empty()) << "no IKEv1 vectors under " << IKEWOT_TEST_DATA_DIR;
  size_t encrypted = 0;
  size_t from_strongswan = 0;
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    Bytes data = ReadFile(file);
    auto message = ParseMessage(data);
    ASSERT_TRUE(message.ok()) << message.error().ToString() << " at " << message.error().offset;
    auto again = SerializeMessage(*message);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ(ToHex(*again), ToHex(data));
    Status valid = ValidateMessage(*message);
    EXPECT_TRUE(valid.ok()) << valid.error().ToString() << " at " << valid.error().offset;
    Json described = DescribeMessage(*message);
    ASSERT_NE(described.Find("header"), nullptr);
    EXPECT_EQ(*described.Find("header")->Find("length")->integer(),
              static_cast<int64_t>(data.size()));
    EXPECT_NE(
        FormatMessage(*message).find("length" + std::string(22, ' ') + std::to_string(data.size())),
        std::string::npos);
    if (message->header.encrypted()) ++encrypted;
    if (file.string().find("strongswan") != std::string::npos) ++from_strongswan;
  }
  // The strongSwan exchanges continue encrypted after the key exchange.
  if (from_strongswan > 0) {
    EXPECT_GT(encrypted, 0u);
  }
}

// Every prefix of every real unencrypted datagram fails as truncated, both as it is (the header
// length gives it away) and with the header length patched to match (the chain must notice).
TEST(Ikev1VectorsTest, EveryPrefixOfARealDatagramFailsCleanly) {
  size_t checked = 0;
  for (const fs::path& file : Ikev1Vectors()) {
    Bytes data = ReadFile(file);
    if (data[19] & kFlagEncryption) continue;  // an opaque body has no inner structure
    SCOPED_TRACE(file.string());
    for (size_t n = 0; n < data.size(); ++n) {
      Bytes prefix(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
      auto r = ParseMessage(prefix);
      ASSERT_EQ(r.code(), ErrorCode::kTruncated) << n;
      if (n < kHeaderSize) continue;
      for (int i = 0; i < 4; ++i) prefix[24 + i] = static_cast<uint8_t>(n >> (24 - 8 * i));
      r = ParseMessage(prefix);
      ASSERT_EQ(r.code(), ErrorCode::kTruncated) << n << ": " << r.error().ToString();
      EXPECT_LE(r.error().offset, n);
    }
    ++checked;
  }
  EXPECT_GE(checked, 4u);  // at least the ike-scan probes
}

TEST(Ikev1VectorsTest, StrongSwanMainModeThreeCarriesKeNonceAndNatDetection) {
  fs::path path =
      fs::path(IKEWOT_TEST_DATA_DIR) / "strongswan/ikev1-main-cert/02-MAIN_MODE-request.bin";
  if (!fs::exists(path)) {
    GTEST_SKIP() << "strongSwan IKEv1 main mode vectors not present";
  }
  auto message = ParseMessage(ReadFile(path));
  ASSERT_TRUE(message.ok()) << message.error().ToString();
  std::vector<PayloadType> types;
  for (const Payload& p : message->payloads) types.push_back(p.type);
  ASSERT_GE(types.size(), 4u);
  EXPECT_EQ(types[0], PayloadType::kKeyExchange);
  EXPECT_EQ(types[1], PayloadType::kNonce);
  EXPECT_EQ(std::count(types.begin(), types.end(), PayloadType::kNatDiscovery), 2);
}

TEST(Ikev1VectorsTest, IkeScanAggressiveModeIsDecodedFieldByField) {
  auto message = ParseMessage(ReadFile(fs::path(IKEWOT_TEST_DATA_DIR) / "ike-scan/am1-psk.bin"));
  ASSERT_TRUE(message.ok()) << message.error().ToString();
  const Header& h = message->header;
  EXPECT_EQ(h.exchange_type, ExchangeType::kAggressive);
  EXPECT_EQ(h.length, 440u);
  ASSERT_EQ(message->payloads.size(), 5u);
  const auto* sa = message->payloads[0].As<SaPayload>();
  ASSERT_NE(sa, nullptr);
  ASSERT_EQ(sa->proposals.size(), 1u);
  ASSERT_EQ(sa->proposals[0].transforms.size(), 2u);
  const Transform& t = sa->proposals[0].transforms[0];
  EXPECT_EQ(t.attributes[0], Attribute::Basic(1, 7));     // AES-CBC
  EXPECT_EQ(t.attributes[4], Attribute::Basic(14, 256));  // key length
  EXPECT_EQ(t.attributes[6].IntegerValue(), 28800u);      // life duration as TLV
  EXPECT_EQ(message->payloads[1].As<KeyExchangePayload>()->data.size(), 256u);  // MODP-2048
  EXPECT_EQ(message->payloads[2].As<NoncePayload>()->data.size(), 20u);
  const auto* id = message->payloads[3].As<IdentificationPayload>();
  ASSERT_NE(id, nullptr);
  EXPECT_EQ(id->id_type, IdType::kUserFqdn);
  EXPECT_EQ(std::string(id->data.begin(), id->data.end()), "vpn@example.com");
  EXPECT_EQ(message->payloads[4].As<CertificateRequestPayload>()->cert_type,
            CertEncoding::kX509Signature);

  std::string text = FormatMessage(*message);
  for (const char* expected :
       {"4 (AGGRESSIVE)", "7 (AES-CBC)", "14 (MODP-2048)", "3 (ID_USER_FQDN)", "vpn@example.com",
        "28800  [variable, 4 octets]"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << "\n" << text;
  }
  std::string json = DescribeMessage(*message).Dump();
  EXPECT_NE(json.find(R"("value_name":"AES-CBC")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("text":"vpn@example.com")"), std::string::npos) << json;
}

TEST(Ikev1VectorsTest, KnownVendorIdsAreNamed) {
  auto message = ParseMessage(ReadFile(fs::path(IKEWOT_TEST_DATA_DIR) / "ike-scan/mm1-vids.bin"));
  ASSERT_TRUE(message.ok());
  std::string text = FormatMessage(*message);
  for (const char* name : {"RFC 3947 NAT-T", "Dead Peer Detection", "IKE Fragmentation"}) {
    EXPECT_NE(text.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace ikewot::ikev1
