// IKEv2 codec: exact wire layout, round trips for every payload type, byte-exactness of reserved
// fields, and clean failure on every truncated prefix.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/ikev2/example_messages.h"
#include "core/ikev2/message.h"

namespace ikewot::ikev2 {
namespace {

Bytes Hex(std::string_view text) { return FromHex(text).value(); }

Bytes MustSerialize(const Message& message) {
  Result<Bytes> bytes = SerializeMessage(message);
  EXPECT_TRUE(bytes.ok()) << bytes.error().ToString();
  return bytes.ok() ? *bytes : Bytes{};
}

// Serializes, parses back, and checks both the value and the bytes survive.
void ExpectMessageRoundTrip(const Message& message) {
  Bytes wire = MustSerialize(message);
  Result<Message> parsed = ParseMessage(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->payloads, message.payloads);
  EXPECT_EQ(parsed->header.length, wire.size());
  EXPECT_EQ(parsed->header.next_payload, FirstPayloadType(message.payloads));
  EXPECT_EQ(MustSerialize(*parsed), wire);
}

void ExpectChainRoundTrip(const std::vector<Payload>& payloads) {
  Result<Bytes> wire = SerializePayloadChain(payloads);
  ASSERT_TRUE(wire.ok()) << wire.error().ToString();
  Result<std::vector<Payload>> parsed =
      ParsePayloadChain(*wire, static_cast<uint8_t>(FirstPayloadType(payloads)), 100);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, payloads);
  Result<Bytes> again = SerializePayloadChain(*parsed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *wire);
  EXPECT_EQ(parsed->front().wire_offset, 100u) << "offsets are absolute";
}

// Octets are written out by hand from RFC 7296 §3.1, §3.2 and §3.10, independently of the codec.
TEST(Ikev2CodecTest, InvalidKeResponseHasTheRfcWireLayout) {
  Message message;
  message.header.spi_i = 0x0102030405060708;
  message.header.exchange_type = ExchangeType::kIkeSaInit;
  message.header.response = true;
  message.payloads.push_back(MakePayload(MakeNotify(NotifyType::kInvalidKePayload, {0x00, 0x13})));
  Bytes expected =
      Hex("0102030405060708 0000000000000000"  // SPIs
          "29 20 22 20"                        // next N, version 2.0, IKE_SA_INIT, flags R
          "00000000 00000026"                  // message ID, length 38
          "00 00 000a"                         // generic header: last, length 10
          "00 00 0011 0013");                  // protocol 0, no SPI, INVALID_KE_PAYLOAD, group 19
  EXPECT_EQ(ToHex(MustSerialize(message)), ToHex(expected));
  Result<Message> parsed = ParseMessage(expected);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_EQ(parsed->header.message_id, 0u);
  EXPECT_TRUE(parsed->header.response);
  EXPECT_FALSE(parsed->header.initiator);
  ASSERT_EQ(parsed->payloads.size(), 1u);
  const NotifyPayload* notify = parsed->payloads[0].As<NotifyPayload>();
  ASSERT_NE(notify, nullptr);
  EXPECT_EQ(notify->type, NotifyType::kInvalidKePayload);
  EXPECT_EQ(notify->data, (Bytes{0x00, 0x13}));
}

// RFC 7296 §3.3: proposal, transform and TV attribute with every length counted by hand.
TEST(Ikev2CodecTest, SaPayloadHasTheRfcWireLayout) {
  Proposal proposal;
  proposal.number = 1;
  proposal.protocol = ProtocolId::kIke;
  proposal.transforms = {MakeTransform(TransformType::kEncryption, 12, 256)};
  std::vector<Payload> chain = {MakePayload(SaPayload{{proposal}})};
  Result<Bytes> wire = SerializePayloadChain(chain);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(ToHex(*wire),
            "00000018"          // SA: no next, length 24
            "0000001401010001"  // proposal: last, length 20, #1, IKE, SPI size 0, 1 transform
            "0000000c0100000c"  // transform: last, length 12, ENCR, AES_CBC
            "800e0100");        // TV Key Length 256
}

TEST(Ikev2CodecTest, ExampleMessagesRoundTrip) {
  ExpectMessageRoundTrip(ExampleIkeSaInitRequest());
  ExpectMessageRoundTrip(ExampleIkeSaInitResponse());
  ExpectMessageRoundTrip(ExampleIkeAuthRequest());
  ExpectMessageRoundTrip(ExampleIkeAuthFragment(1, 3));
  ExpectMessageRoundTrip(ExampleIkeAuthFragment(3, 3));
  ExpectChainRoundTrip(ExampleIkeAuthInnerPayloads());
}

std::vector<Payload> OneOfEveryPayloadType() {
  std::vector<Payload> all = ExampleIkeSaInitRequest().payloads;  // SA, KE, Nonce, N, V
  for (Payload& p : ExampleIkeAuthInnerPayloads()) all.push_back(std::move(p));  // ID..CP
  all.push_back(
      MakePayload(PayloadType::kIdResponder, IdPayload{IdType::kIpv6Addr, PatternBytes(16, 9), 0}));
  all.push_back(MakePayload(DeletePayload{ProtocolId::kEsp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}}));
  all.push_back(MakePayload(DeletePayload{ProtocolId::kIke, 0, {}}));
  all.push_back(MakePayload(EapPayload{EapCode::kRequest, 7, {1, 'h', 'i'}}));
  all.push_back(MakePayload(EapPayload{EapCode::kSuccess, 8, {}}));
  all.push_back(MakePayload(PayloadType(200), UnknownPayload{PatternBytes(5, 1)}));
  all.push_back(MakePayload(PayloadType(49), UnknownPayload{}));
  TrafficSelector label;
  label.type = TsType::kSecLabel;
  label.opaque_data = {'s', 'y', 's', 't', 'e', 'm', '_', 'u'};
  all.push_back(MakePayload(PayloadType::kTsInitiator, TsPayload{{label}, 0}));
  ConfigurationPayload reply;
  reply.type = CfgType::kReply;
  reply.attributes = {{1, {10, 0, 0, 1}, false},
                      {8, PatternBytes(17, 3), false},
                      {14, {0, 1, 0, 2}, false},
                      {7, {'x'}, true}};
  all.push_back(MakePayload(std::move(reply)));
  EncryptedPayload sk;
  sk.first_inner_payload = PayloadType::kNotify;
  sk.data = PatternBytes(64, 2);
  all.push_back(MakePayload(std::move(sk)));
  return all;
}

TEST(Ikev2CodecTest, EveryPayloadTypeRoundTripsAloneAndInOneChain) {
  std::vector<Payload> all = OneOfEveryPayloadType();
  for (const Payload& payload : all) {
    SCOPED_TRACE(std::string(Name(payload.type)));
    ExpectChainRoundTrip({payload});
  }
  ExpectChainRoundTrip(all);
  EncryptedFragmentPayload skf;
  skf.fragment_number = 2;
  skf.total_fragments = 2;
  skf.data = PatternBytes(33, 4);
  ExpectChainRoundTrip({MakePayload(skf)});
}

TEST(Ikev2CodecTest, ReservedBitsAndFieldsSurviveByteExactly) {
  Message message = ExampleIkeSaInitRequest();
  message.header.reserved_flags = 0x81;
  message.header.version = true;
  message.header.minor_version = 3;
  Payload& sa_payload = message.payloads[0];
  sa_payload.critical = true;
  sa_payload.reserved = 0x55;
  auto& sa = std::get<SaPayload>(sa_payload.body);
  sa.proposals[0].reserved = 0xaa;
  sa.proposals[0].transforms[0].reserved_after_last_substruc = 0x01;
  sa.proposals[0].transforms[0].reserved_after_type = 0x02;
  sa.proposals[0].transforms[1].attributes.push_back({0x1234, Bytes{9, 9, 9}});  // TLV
  std::get<KePayload>(message.payloads[1].body).reserved = 0xbeef;
  message.payloads.push_back(
      MakePayload(PayloadType::kIdInitiator, IdPayload{IdType::kFqdn, {'a'}, 0xabcdef}));
  message.payloads.push_back(
      MakePayload(AuthPayload{AuthMethod::kSharedKeyMic, PatternBytes(32, 1), 0x123456}));
  TsPayload ts{{MakeAddressRangeSelector(6, 80, 80, {10, 0, 0, 1}, {10, 0, 0, 9})}, 0x010203};
  message.payloads.push_back(MakePayload(PayloadType::kTsResponder, ts));
  NotifyPayload rekey = MakeNotify(NotifyType::kRekeySa);
  rekey.protocol = ProtocolId::kEsp;
  rekey.spi = {1, 2, 3, 4};
  message.payloads.push_back(MakePayload(rekey));
  ExpectMessageRoundTrip(message);
  Bytes wire = MustSerialize(message);
  EXPECT_EQ(wire[19], 0x81 | kFlagVersion | kFlagInitiator);
  EXPECT_EQ(wire[17], 0x23);
  EXPECT_EQ(wire[29], 0x80 | 0x55) << "C bit and reserved bits of the SA payload";
}

TEST(Ikev2CodecTest, EncodeMessageReportsWhereEncryptedDataStarts) {
  Result<EncodedMessage> sk = EncodeMessage(ExampleIkeAuthRequest(100));
  ASSERT_TRUE(sk.ok());
  ASSERT_TRUE(sk->encrypted_data_offset.has_value());
  EXPECT_EQ(*sk->encrypted_data_offset, kHeaderSize + 4);
  Result<EncodedMessage> skf = EncodeMessage(ExampleIkeAuthFragment(2, 5, 100));
  ASSERT_TRUE(skf.ok());
  EXPECT_EQ(*skf->encrypted_data_offset, kHeaderSize + 8);
  Result<Message> parsed = ParseMessage(skf->bytes);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->payloads[0].As<EncryptedFragmentPayload>()->data_offset, kHeaderSize + 8);
  EXPECT_FALSE(EncodeMessage(ExampleIkeSaInitRequest())->encrypted_data_offset.has_value());
}

// Every proper prefix must fail cleanly: as is (the header Length no longer matches) and with the
// header Length patched to the prefix size, so that the payload parsers meet the truncation.
void ExpectEveryPrefixFails(const Bytes& wire) {
  for (size_t n = 0; n < wire.size(); ++n) {
    Bytes prefix(wire.begin(), wire.begin() + static_cast<ptrdiff_t>(n));
    Result<Message> raw = ParseMessage(prefix);
    ASSERT_FALSE(raw.ok()) << "prefix " << n;
    EXPECT_LE(raw.error().offset, wire.size());
    if (n < kHeaderSize) {
      EXPECT_EQ(raw.code(), ErrorCode::kTruncated) << n;
      continue;
    }
    for (int i = 0; i < 4; ++i) prefix[24 + i] = static_cast<uint8_t>(n >> (24 - 8 * i));
    Result<Message> patched = ParseMessage(prefix);
    ASSERT_FALSE(patched.ok()) << "patched prefix " << n;
    EXPECT_LE(patched.error().offset, n) << patched.error().ToString();
    EXPECT_FALSE(patched.error().message.empty());
  }
}

TEST(Ikev2CodecTest, EveryTruncatedPrefixOfRealisticMessagesFailsCleanly) {
  ExpectEveryPrefixFails(MustSerialize(ExampleIkeSaInitRequest()));
  ExpectEveryPrefixFails(MustSerialize(ExampleIkeSaInitResponse()));
  ExpectEveryPrefixFails(MustSerialize(ExampleIkeAuthRequest(300)));
  ExpectEveryPrefixFails(MustSerialize(ExampleIkeAuthFragment(1, 2, 100)));
}

TEST(Ikev2CodecTest, EveryTruncatedPrefixOfADecryptedChainFailsCleanly) {
  Result<Bytes> wire = SerializePayloadChain(OneOfEveryPayloadType());
  ASSERT_TRUE(wire.ok());
  for (size_t n = 0; n < wire->size(); ++n) {
    Result<std::vector<Payload>> parsed = ParsePayloadChain(
        ByteView(*wire).first(n), static_cast<uint8_t>(PayloadType::kSecurityAssociation), 0);
    ASSERT_FALSE(parsed.ok()) << "prefix " << n;
    EXPECT_LE(parsed.error().offset, n);
  }
}

TEST(Ikev2CodecTest, EmptyChainIsEmpty) {
  Result<std::vector<Payload>> parsed = ParsePayloadChain({}, 0, 0);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->empty());
  EXPECT_TRUE(SerializePayloadChain({})->empty());
}

TEST(Ikev2CodecTest, SerializerRefusesWhatTheParserCouldNotReadBack) {
  std::vector<std::pair<std::string, std::vector<Payload>>> cases;
  cases.push_back({"body of another type",
                   {MakePayload(PayloadType::kNonce, KePayload{19, PatternBytes(64, 0), 0})}});
  cases.push_back({"unknown body for a known type",
                   {MakePayload(PayloadType::kNonce, UnknownPayload{PatternBytes(20, 0)})}});
  cases.push_back({"IKEv1 number", {MakePayload(PayloadType(5), UnknownPayload{})}});
  cases.push_back({"SK not last",
                   {MakePayload(EncryptedPayload{PayloadType::kNoNextPayload, {1}, 0}),
                    MakePayload(NoncePayload{PatternBytes(16, 0)})}});
  cases.push_back({"short nonce", {MakePayload(NoncePayload{PatternBytes(15, 0)})}});
  cases.push_back(
      {"bad NAT-D", {MakePayload(MakeNotify(NotifyType::kNatDetectionSourceIp, {1, 2}))}});
  cases.push_back({"empty SA", {MakePayload(SaPayload{})}});
  cases.push_back(
      {"IPv4 TS with IPv6 addresses",
       {MakePayload(PayloadType::kTsInitiator,
                    TsPayload{{TrafficSelector{
                                  TsType::kIpv4AddrRange, 0, 0, 1, Bytes(16, 0), Bytes(16, 1), {}}},
                              0})}});
  Payload reserved = MakePayload(NoncePayload{PatternBytes(16, 0)});
  reserved.reserved = 0x80;
  cases.push_back({"reserved bits beyond 7", {reserved}});
  cases.push_back({"too many payloads",
                   std::vector<Payload>(kMaxPayloadsPerChain + 1, MakePayload(VendorIdPayload{}))});
  for (const auto& [name, payloads] : cases) {
    EXPECT_FALSE(SerializePayloadChain(payloads).ok()) << name;
  }
}

}  // namespace
}  // namespace ikewot::ikev2
