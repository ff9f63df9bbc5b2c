// Registry names, the JSON description and the text rendering of IKEv2 messages.
#include <gtest/gtest.h>

#include <string>

#include "core/ikev2/describe.h"
#include "core/ikev2/example_messages.h"

namespace ikewot::ikev2 {
namespace {

TEST(Ikev2NamesTest, KnownAndUnknownValues) {
  EXPECT_EQ(PayloadTypeName(33), "SA");
  EXPECT_EQ(PayloadTypeName(53), "SKF");
  EXPECT_EQ(PayloadTypeName(200), "UNKNOWN(200)");
  EXPECT_EQ(PayloadTypeName(1), "UNKNOWN(1)");
  EXPECT_EQ(ExchangeTypeName(34), "IKE_SA_INIT");
  EXPECT_EQ(NotifyTypeName(16388), "NAT_DETECTION_SOURCE_IP");
  EXPECT_EQ(NotifyTypeName(16430), "IKEV2_FRAGMENTATION_SUPPORTED");
  EXPECT_EQ(NotifyTypeName(16431), "SIGNATURE_HASH_ALGORITHMS");
  EXPECT_EQ(NotifyTypeName(65535), "UNKNOWN(65535)");
  EXPECT_EQ(TransformIdName(1, 20), "AES_GCM_16");
  EXPECT_EQ(TransformIdName(1, 28), "CHACHA20_POLY1305");
  EXPECT_EQ(TransformIdName(3, 12), "AUTH_HMAC_SHA2_256_128");
  EXPECT_EQ(TransformIdName(4, 31), "CURVE_25519");
  EXPECT_EQ(TransformIdName(7, 14), "MODP_2048") << "ADDKE types use the key exchange registry";
  EXPECT_EQ(TransformIdName(99, 1), "UNKNOWN(1)");
  EXPECT_EQ(IdTypeName(13), "ID_NULL");
  EXPECT_EQ(AuthMethodName(13), "NULL Authentication");
  EXPECT_EQ(AuthMethodName(14), "Digital Signature");
  EXPECT_EQ(TsTypeName(8), "TS_IPV6_ADDR_RANGE");
  EXPECT_EQ(Name(PayloadType::kEncrypted), "SK");
  // Unknown names are stable constant storage.
  std::string_view a = NotifyTypeName(40000);
  std::string_view b = NotifyTypeName(40000);
  EXPECT_EQ(a.data(), b.data());
  EXPECT_EQ(a, "UNKNOWN(40000)");
}

TEST(Ikev2DescribeTest, JsonHasEveryHeaderFieldAndNestedPayloadFields) {
  Result<Bytes> wire = SerializeMessage(ExampleIkeSaInitRequest());
  ASSERT_TRUE(wire.ok());
  Result<Message> parsed = ParseMessage(*wire);
  ASSERT_TRUE(parsed.ok());
  Json json = DescribeMessage(*parsed);
  const Json* header = json.Find("header");
  ASSERT_NE(header, nullptr);
  for (const char* key :
       {"spi_i", "spi_r", "next_payload", "next_payload_name", "major_version", "minor_version",
        "exchange_type", "exchange_type_name", "flags", "flag_response", "flag_version",
        "flag_initiator", "reserved_flags", "message_id", "length"}) {
    EXPECT_NE(header->Find(key), nullptr) << key;
  }
  EXPECT_EQ(*header->Find("spi_i")->string(), "3123a54fd2509e49");
  EXPECT_EQ(*header->Find("exchange_type_name")->string(), "IKE_SA_INIT");
  EXPECT_EQ(*header->Find("length")->integer(), static_cast<int64_t>(wire->size()));
  const Json::Array& payloads = json.Find("payloads")->array();
  ASSERT_EQ(payloads.size(), 8u);
  EXPECT_EQ(*payloads[0].Find("offset")->integer(), 28);
  const Json& transform =
      payloads[0].Find("body")->Find("proposals")->array()[1].Find("transforms")->array()[0];
  EXPECT_EQ(*transform.Find("transform_id_name")->string(), "AES_CBC");
  EXPECT_EQ(*transform.Find("attributes")->array()[0].Find("value")->integer(), 256);
  EXPECT_EQ(*payloads[3].Find("body")->Find("notify_type_name")->string(),
            "NAT_DETECTION_SOURCE_IP");
  const Json::Array& hashes = payloads[6].Find("body")->Find("hash_algorithms")->array();
  ASSERT_EQ(hashes.size(), 3u);
  EXPECT_EQ(*hashes[0].string(), "SHA2_256");
}

TEST(Ikev2DescribeTest, TextShowsNamesNumbersAndAddresses) {
  std::string text = FormatMessage(ExampleIkeSaInitRequest());
  for (const char* line :
       {"IKEv2 IKE_SA_INIT request from the original initiator",
        "    Exchange type: IKE_SA_INIT (34)", "    Initiator SPI: 3123a54fd2509e49",
        "  Payload 1: SA - Security Association (33)", "    Proposal 2\n",
        "        Transform ID: AES_CBC (12)", "          Attribute type: Key Length (14)",
        "    Notify type: NAT_DETECTION_SOURCE_IP (16388)",
        "    Hash algorithms: SHA2_256, SHA2_384, SHA2_512"}) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "\n" << text;
  }
  std::string inner = FormatPayloads(ExampleIkeAuthInnerPayloads());
  for (const char* line : {"Start address: 192.0.2.1", "Start address: 2001:db8::",
                           "End address: ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                           "Algorithm identifier: 300a06082a8648ce3d040302", "... (600 octets)",
                           "CFG type: CFG_REQUEST (1)"}) {
    EXPECT_NE(inner.find(line), std::string::npos) << "missing: " << line << "\n" << inner;
  }
}

TEST(Ikev2DescribeTest, EveryBodyTypeIsDescribed) {
  std::vector<Payload> payloads = ExampleIkeAuthInnerPayloads();
  payloads.push_back(MakePayload(DeletePayload{ProtocolId::kEsp, 4, {{1, 2, 3, 4}}}));
  payloads.push_back(MakePayload(EapPayload{EapCode::kResponse, 3, {1, 'a'}}));
  payloads.push_back(MakePayload(PayloadType(150), UnknownPayload{{7}}));
  payloads.push_back(
      MakePayload(EncryptedFragmentPayload{PayloadType::kNoNextPayload, 2, 4, {1, 2}, 0}));
  Json json = DescribePayloads(payloads);
  ASSERT_EQ(json.array().size(), payloads.size());
  for (const Json& payload : json.array()) {
    const Json* body = payload.Find("body");
    ASSERT_NE(body, nullptr);
    EXPECT_FALSE(body->object().empty()) << payload.Dump();
  }
  EXPECT_EQ(*json.array().back().Find("body")->Find("total_fragments")->integer(), 4);
  EXPECT_EQ(*json.array()[payloads.size() - 2].Find("payload_type_name")->string(), "UNKNOWN(150)");
}

}  // namespace
}  // namespace ikewot::ikev2
