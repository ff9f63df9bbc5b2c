// IKEv1 codec: round trips of every payload, truncation loops over realistic MM1 / AM1 / MM3
// messages, and one negative test per syntax rule with its ErrorCode and offset.
#include <gtest/gtest.h>

#include <string>

#include "core/base/reader.h"
#include "core/base/writer.h"
#include "core/ikev1/message.h"
#include "core/ikev1/payload_codec.h"

namespace ikewot::ikev1 {
namespace {

Bytes Filled(size_t n, uint8_t seed) {
  Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(seed + i * 7);
  return out;
}

Header MakeHeader(ExchangeType exchange) {
  Header h;
  h.initiator_cookie = {0x7a, 0x72, 0xc1, 0x73, 0xf5, 0x90, 0x0e, 0xa1};
  h.exchange_type = exchange;
  return h;
}

Transform Phase1Transform(uint8_t number, uint16_t cipher, uint16_t key_bits, uint16_t hash,
                          uint16_t auth, uint16_t group) {
  Transform t{number, kTransformKeyIke, {}};
  t.attributes.push_back(Attribute::Basic(1, cipher));
  if (key_bits != 0) t.attributes.push_back(Attribute::Basic(14, key_bits));
  t.attributes.push_back(Attribute::Basic(2, hash));
  t.attributes.push_back(Attribute::Basic(3, auth));
  t.attributes.push_back(Attribute::Basic(4, group));
  t.attributes.push_back(Attribute::Basic(11, 1));                            // seconds
  t.attributes.push_back(Attribute::Variable(12, {0x00, 0x00, 0x70, 0x80}));  // 28800
  return t;
}

// Main Mode message 1: an SA with two proposals of several transforms, then vendor IDs.
Message BuildMm1() {
  Message m;
  m.header = MakeHeader(ExchangeType::kIdentityProtection);
  SaPayload sa;
  Proposal strong{1, ProtocolId::kIsakmp, {}, {}};
  strong.transforms.push_back(Phase1Transform(1, 7, 256, 4, 3, 14));
  strong.transforms.push_back(Phase1Transform(2, 7, 128, 4, 9, 19));
  strong.transforms.push_back(Phase1Transform(3, 7, 256, 6, 1, 20));
  Proposal legacy{2, ProtocolId::kIsakmp, {}, {}};
  legacy.transforms.push_back(Phase1Transform(1, 5, 0, 2, 1, 2));
  legacy.transforms.push_back(Phase1Transform(2, 1, 0, 1, 1, 1));
  sa.proposals = {strong, legacy};
  m.payloads.push_back(MakePayload(sa));
  for (const char* hex : {"4a131c81070358455c5728f20e95452f", "afcad71368a1f1c96b8696fc77570100",
                          "4048b7d56ebce88525e7de7f00d6c2d3"}) {
    m.payloads.push_back(MakePayload(VendorIdPayload{*FromHex(hex)}));
  }
  return m;
}

// Aggressive Mode message 1: SA, KE, Ni, IDii, CR.
Message BuildAm1() {
  Message m;
  m.header = MakeHeader(ExchangeType::kAggressive);
  SaPayload sa;
  sa.proposals.push_back({1, ProtocolId::kIsakmp, {}, {Phase1Transform(1, 7, 256, 4, 3, 14)}});
  m.payloads.push_back(MakePayload(sa));
  m.payloads.push_back(MakePayload(KeyExchangePayload{Filled(256, 3)}));
  m.payloads.push_back(MakePayload(NoncePayload{Filled(32, 9)}));
  m.payloads.push_back(
      MakePayload(IdentificationPayload{IdType::kFqdn, 17, 500, Bytes{'g', 'w', '.', 'e', 'x'}}));
  m.payloads.push_back(MakePayload(CertificateRequestPayload{CertEncoding::kX509Signature, {}}));
  return m;
}

// Main Mode message 3: KE, Ni and two NAT-D hashes.
Message BuildMm3() {
  Message m;
  m.header = MakeHeader(ExchangeType::kIdentityProtection);
  m.header.responder_cookie = {1, 2, 3, 4, 5, 6, 7, 8};
  m.payloads.push_back(MakePayload(KeyExchangePayload{Filled(256, 1)}));
  m.payloads.push_back(MakePayload(NoncePayload{Filled(32, 2)}));
  m.payloads.push_back(MakePayload(NatDiscoveryPayload{Filled(32, 3)}));
  m.payloads.push_back(MakePayload(NatDiscoveryPayload{Filled(32, 4)}));
  return m;
}

Bytes Encode(const Message& m) {
  auto bytes = SerializeMessage(m);
  EXPECT_TRUE(bytes.ok()) << bytes.error().ToString();
  return bytes.ok() ? *bytes : Bytes{};
}

void SetLength(Bytes* datagram, uint32_t length) {
  for (int i = 0; i < 4; ++i) (*datagram)[24 + i] = static_cast<uint8_t>(length >> (24 - 8 * i));
}

void ExpectRoundTrip(const Message& m) {
  Bytes wire = Encode(m);
  auto parsed = ParseMessage(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString() << " at " << parsed.error().offset;
  EXPECT_EQ(parsed->payloads, m.payloads);
  EXPECT_EQ(parsed->header.length, wire.size());
  auto again = SerializeMessage(*parsed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToHex(*again), ToHex(wire));
}

TEST(Ikev1CodecTest, RealisticMessagesRoundTripAndValidate) {
  for (const Message& m : {BuildMm1(), BuildAm1(), BuildMm3()}) {
    ExpectRoundTrip(m);
    Status valid = ValidateMessage(m);
    EXPECT_TRUE(valid.ok()) << valid.error().ToString();
  }
}

TEST(Ikev1CodecTest, HeaderFieldsAreDecoded) {
  Message m = BuildMm3();
  m.header.flags = kFlagCommit;
  m.header.minor_version = 0;
  Bytes wire = Encode(m);
  EXPECT_EQ(ToHex(ByteView(wire).subspan(16, 4)), "04100202");  // KE, 1.0, main mode, C
  auto parsed = ParseMessage(wire);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header.initiator_cookie, m.header.initiator_cookie);
  EXPECT_EQ(parsed->header.responder_cookie, m.header.responder_cookie);
  EXPECT_EQ(parsed->header.next_payload, PayloadType::kKeyExchange);
  EXPECT_EQ(parsed->header.exchange_type, ExchangeType::kIdentityProtection);
  EXPECT_TRUE(parsed->header.commit());
  EXPECT_FALSE(parsed->header.encrypted());
}

TEST(Ikev1CodecTest, EveryPayloadTypeRoundTrips) {
  std::vector<Payload> all;
  SaPayload ipsec_sa;
  Proposal esp{1, ProtocolId::kEsp, {0xc0, 0xff, 0xee, 0x01}, {}};
  esp.transforms.push_back(
      {1,
       12,
       {Attribute::Basic(1, 1), Attribute::Variable(2, {0, 0, 0x0e, 0x10}), Attribute::Basic(4, 1),
        Attribute::Basic(5, 5), Attribute::Basic(6, 256)}});
  Proposal ipcomp{1, ProtocolId::kIpcomp, {0x12, 0x34}, {{1, 2, {}}}};
  ipsec_sa.proposals = {esp, ipcomp};
  all.push_back(MakePayload(ipsec_sa));
  all.push_back(MakePayload(SaPayload{Doi::kIsakmp, 0, {}, {0xde, 0xad}}));
  all.push_back(MakePayload(KeyExchangePayload{Filled(32, 1)}));
  all.push_back(MakePayload(
      IdentificationPayload{IdType::kIpv4Subnet, 0, 0, {10, 0, 0, 0, 255, 255, 255, 0}}));
  all.push_back(MakePayload(CertificatePayload{CertEncoding::kX509Signature, Filled(40, 2)}));
  all.push_back(MakePayload(CertificateRequestPayload{CertEncoding::kX509Signature, Filled(9, 3)}));
  all.push_back(MakePayload(HashPayload{Filled(20, 4)}));
  all.push_back(MakePayload(SignaturePayload{Filled(64, 5)}));
  all.push_back(MakePayload(NoncePayload{Filled(16, 6)}));
  all.push_back(MakePayload(NotificationPayload{
      Doi::kIpsec, ProtocolId::kIsakmp, NotifyType::kRUThere, Filled(16, 7), {0, 0, 0, 9}}));
  all.push_back(
      MakePayload(DeletePayload{Doi::kIpsec, ProtocolId::kEsp, 4, {{1, 2, 3, 4}, {5, 6, 7, 8}}}));
  all.push_back(MakePayload(VendorIdPayload{Filled(16, 8)}));
  all.push_back(MakePayload(NatDiscoveryPayload{Filled(20, 9)}));
  all.push_back(Payload{PayloadType::kNatDiscoveryDraft, NatDiscoveryPayload{Filled(20, 10)}});
  all.push_back(MakePayload(NatOriginalAddressPayload{IdType::kIpv4Address, {192, 0, 2, 7}}));
  all.push_back(Payload{PayloadType::kNatOriginalAddressDraft,
                        NatOriginalAddressPayload{IdType::kIpv6Address, Filled(16, 11)}});
  all.push_back(MakePayload(FragmentPayload{7, 2, kFragmentFlagLast, Filled(50, 12)}));
  all.push_back(Payload{PayloadType{200}, UnknownPayload{Filled(5, 13)}});
  all.push_back(Payload{PayloadType{15}, UnknownPayload{}});

  // Each on its own, and all of them chained in one message.
  for (const Payload& p : all) {
    Message m;
    m.header = MakeHeader(ExchangeType::kInformational);
    m.payloads = {p};
    SCOPED_TRACE(PayloadTypeName(p.type));
    ExpectRoundTrip(m);
  }
  Message chained;
  chained.header = MakeHeader(ExchangeType::kInformational);
  chained.payloads = all;
  ExpectRoundTrip(chained);
}

TEST(Ikev1CodecTest, WireFormatOfAttributesAndProposalNesting) {
  Message m;
  m.header = MakeHeader(ExchangeType::kIdentityProtection);
  SaPayload sa;
  sa.proposals.push_back(
      {1,
       ProtocolId::kIsakmp,
       {},
       {{1, 1, {Attribute::Basic(1, 7), Attribute::Variable(12, {0x70, 0x80})}}}});
  m.payloads.push_back(MakePayload(sa));
  Bytes wire = Encode(m);
  // SA header (length 38), DOI, situation; proposal (next 0, length 26, #1, ISAKMP, no SPI,
  // 1 transform); transform (next 0, length 18, #1, KEY_IKE); TV attribute; TLV attribute.
  EXPECT_EQ(ToHex(ByteView(wire).subspan(kHeaderSize)),
            "00000026"
            "00000001"
            "00000001"
            "0000001a"
            "01010001"
            "00000012"
            "01010000"
            "80010007"
            "000c0002"
            "7080");
}

// Every prefix of a valid datagram fails cleanly; with the header length patched to agree with
// the prefix, the payload chain itself must report the truncation.
void ExpectEveryPrefixFails(const Bytes& wire) {
  for (size_t n = 0; n < wire.size(); ++n) {
    Bytes prefix(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
    auto parsed = ParseMessage(prefix);
    ASSERT_FALSE(parsed.ok()) << "prefix of " << n << " octets parsed";
    EXPECT_EQ(parsed.code(), ErrorCode::kTruncated) << n << ": " << parsed.error().ToString();
    EXPECT_LE(parsed.error().offset, n);
    if (n < kHeaderSize) continue;
    SetLength(&prefix, static_cast<uint32_t>(n));
    auto chain = ParseMessage(prefix);
    ASSERT_FALSE(chain.ok()) << "chain of " << n << " octets parsed";
    EXPECT_EQ(chain.code(), ErrorCode::kTruncated) << n << ": " << chain.error().ToString();
    EXPECT_GE(chain.error().offset, kHeaderSize);
    EXPECT_LE(chain.error().offset, n);
  }
}

TEST(Ikev1CodecTest, TruncationLoopMainMode1) { ExpectEveryPrefixFails(Encode(BuildMm1())); }
TEST(Ikev1CodecTest, TruncationLoopAggressiveMode1) { ExpectEveryPrefixFails(Encode(BuildAm1())); }
TEST(Ikev1CodecTest, TruncationLoopMainMode3) { ExpectEveryPrefixFails(Encode(BuildMm3())); }

TEST(Ikev1CodecTest, EncryptedBodyStaysOpaque) {
  Message m = BuildMm3();
  m.header.flags = kFlagEncryption;
  m.header.next_payload = PayloadType::kIdentification;
  m.payloads.clear();
  m.encrypted_body = Filled(48, 0x55);  // not a payload chain at all
  Bytes wire = Encode(m);
  auto parsed = ParseMessage(wire);
  ASSERT_TRUE(parsed.ok()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->payloads.empty());
  EXPECT_EQ(parsed->encrypted_body, m.encrypted_body);
  EXPECT_EQ(parsed->header.next_payload, PayloadType::kIdentification);
  EXPECT_EQ(ToHex(*SerializeMessage(*parsed)), ToHex(wire));
}

TEST(Ikev1CodecTest, DecryptedBodyKeepsPaddingApart) {
  Message m = BuildMm3();
  Bytes wire = Encode(m);
  Bytes plaintext(wire.begin() + kHeaderSize, wire.end());
  plaintext.insert(plaintext.end(), {0, 0, 0, 3});
  auto body = ParseDecryptedBody(plaintext, 4, kHeaderSize);
  ASSERT_TRUE(body.ok()) << body.error().ToString();
  EXPECT_EQ(body->payloads, m.payloads);
  EXPECT_EQ(ToHex(body->padding), "00000003");
  // The strict chain parser calls the same bytes trailing data, at the padding's offset.
  auto strict = ParsePayloadChain(plaintext, 4, kHeaderSize);
  EXPECT_EQ(strict.code(), ErrorCode::kTrailingData);
  EXPECT_EQ(strict.error().offset, wire.size());
}

// --- negative tests, one per syntax rule ---

struct Mm3Wire {
  Bytes wire = Encode(BuildMm3());
  // Offsets of the payloads: KE (260), NONCE (36), NAT-D (36), NAT-D (36).
  size_t ke = kHeaderSize, nonce = ke + 260, nat_d1 = nonce + 36, nat_d2 = nat_d1 + 36;
};

TEST(Ikev1CodecNegativeTest, HeaderShorterThan28Octets) {
  Mm3Wire m;
  auto r = ParseMessage(ByteView(m.wire).first(20));
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, 20u);
}

TEST(Ikev1CodecNegativeTest, MajorVersionTwoIsNotIkev1) {
  Mm3Wire m;
  m.wire[17] = 0x20;
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().offset, 17u);
}

TEST(Ikev1CodecNegativeTest, HeaderLengthDisagreesWithDatagram) {
  Mm3Wire m;
  Bytes longer = m.wire;
  SetLength(&longer, static_cast<uint32_t>(m.wire.size() + 1));
  auto r = ParseMessage(longer);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, 24u);

  Bytes with_trailer = m.wire;
  with_trailer.push_back(0);
  r = ParseMessage(with_trailer);
  EXPECT_EQ(r.code(), ErrorCode::kTrailingData);
  EXPECT_EQ(r.error().offset, m.wire.size());

  Bytes tiny = m.wire;
  SetLength(&tiny, 27);
  r = ParseMessage(tiny);
  EXPECT_EQ(r.code(), ErrorCode::kBadLength);
  EXPECT_EQ(r.error().offset, 24u);
}

TEST(Ikev1CodecNegativeTest, Ikev2PayloadNumberIsATypedError) {
  Mm3Wire m;
  m.wire[m.nonce] = 34;  // the NONCE's Next Payload now names IKEv2 KE
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, m.nat_d1);
  EXPECT_NE(r.error().message.find("IKEv2"), std::string::npos) << r.error().message;
  m.wire[16] = 33;  // and in the header
  r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, kHeaderSize);
}

TEST(Ikev1CodecNegativeTest, PayloadLengthBelowGenericHeader) {
  Mm3Wire m;
  m.wire[m.nonce + 2] = 0;
  m.wire[m.nonce + 3] = 3;
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadLength);
  EXPECT_EQ(r.error().offset, m.nonce + 2);
}

TEST(Ikev1CodecNegativeTest, ChainRunsPastTheEnd) {
  Mm3Wire m;
  m.wire[m.nat_d2 + 3] = 37;  // last payload claims one octet more than there is
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, m.nat_d2 + 2);

  Mm3Wire n;
  n.wire[n.nat_d2] = 13;  // last payload says a VID follows, but the message ends
  r = ParseMessage(n.wire);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, n.wire.size());
}

TEST(Ikev1CodecNegativeTest, DataAfterTheLastPayload) {
  Mm3Wire m;
  m.wire[m.nat_d1] = 0;  // chain ends after the first NAT-D, the second is left over
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kTrailingData);
  EXPECT_EQ(r.error().offset, m.nat_d2);
}

TEST(Ikev1CodecNegativeTest, ReservedOctetMustBeZero) {
  Mm3Wire m;
  m.wire[m.nonce + 1] = 0x80;
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, m.nonce + 1);
}

TEST(Ikev1CodecNegativeTest, ProposalOrTransformOutsideAnSa) {
  Mm3Wire m;
  m.wire[16] = 2;
  auto r = ParseMessage(m.wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, kHeaderSize);
}

// MM1's SA starts at 28: generic header (4), DOI (4), situation (4), first proposal at 40.
constexpr size_t kFirstProposal = kHeaderSize + 12;
constexpr size_t kFirstTransform = kFirstProposal + 8;

TEST(Ikev1CodecNegativeTest, TransformCountDisagreesWithProposal) {
  Bytes wire = Encode(BuildMm1());
  Bytes more = wire;
  more[kFirstProposal + 7] = 4;  // announces 4, holds 3
  auto r = ParseMessage(more);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);  // the third transform says it is the last-but-one
  Bytes fewer = wire;
  fewer[kFirstProposal + 7] = 2;  // announces 2, holds 3
  r = ParseMessage(fewer);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);  // the second transform says more follow
  EXPECT_NE(r.error().message.find("last transform"), std::string::npos) << r.error().message;
}

TEST(Ikev1CodecNegativeTest, TransformNextPayloadMustBeThreeOrZero) {
  Bytes wire = Encode(BuildMm1());
  wire[kFirstTransform] = 5;
  auto r = ParseMessage(wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, kFirstTransform);
}

TEST(Ikev1CodecNegativeTest, ProposalNextPayloadMustBeTwoOrZero) {
  Bytes wire = Encode(BuildMm1());
  wire[kFirstProposal] = 3;
  auto r = ParseMessage(wire);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, kFirstProposal);
}

TEST(Ikev1CodecNegativeTest, VariableAttributeRunsPastTransform) {
  Message m;
  m.header = MakeHeader(ExchangeType::kIdentityProtection);
  SaPayload sa;
  sa.proposals.push_back({1, ProtocolId::kIsakmp, {}, {{1, 1, {Attribute::Variable(12, {1, 2})}}}});
  m.payloads.push_back(MakePayload(sa));
  Bytes wire = Encode(m);
  size_t attribute = kFirstTransform + 8;
  wire[attribute + 3] = 3;  // TLV length 3, only 2 octets in the transform
  auto r = ParseMessage(wire);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, attribute + 2);
}

TEST(Ikev1CodecNegativeTest, SpiSizesMustFit) {
  Message m;
  m.header = MakeHeader(ExchangeType::kInformational);
  m.payloads.push_back(MakePayload(NotificationPayload{
      Doi::kIpsec, ProtocolId::kEsp, NotifyType::kInvalidSpi, {1, 2, 3, 4}, {}}));
  Bytes wire = Encode(m);
  wire[kHeaderSize + 9] = 5;  // SPI size 5, 4 octets left
  auto r = ParseMessage(wire);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  EXPECT_EQ(r.error().offset, kHeaderSize + 12);

  Message d;
  d.header = MakeHeader(ExchangeType::kInformational);
  d.payloads.push_back(
      MakePayload(DeletePayload{Doi::kIpsec, ProtocolId::kEsp, 4, {{1, 2, 3, 4}}}));
  Bytes dwire = Encode(d);
  Bytes zero_size = dwire;
  zero_size[kHeaderSize + 9] = 0;
  r = ParseMessage(zero_size);
  EXPECT_EQ(r.code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.error().offset, kHeaderSize + 9);
  Bytes two_spis = dwire;
  two_spis[kHeaderSize + 11] = 2;
  r = ParseMessage(two_spis);
  EXPECT_EQ(r.code(), ErrorCode::kTruncated);
  Bytes spi_of_two = dwire;
  spi_of_two[kHeaderSize + 9] = 2;  // one SPI of 2 octets leaves 2 octets over
  r = ParseMessage(spi_of_two);
  EXPECT_EQ(r.code(), ErrorCode::kTrailingData);
  EXPECT_EQ(r.error().offset, kHeaderSize + 14);
}

TEST(Ikev1CodecNegativeTest, LabelledSituationIsUnsupported) {
  Bytes wire = Encode(BuildMm1());
  wire[kHeaderSize + 11] = kSituationIdentityOnly | kSituationSecrecy;
  auto r = ParseMessage(wire);
  EXPECT_EQ(r.code(), ErrorCode::kUnsupported);
  EXPECT_EQ(r.error().offset, kHeaderSize + 8);
}

TEST(Ikev1CodecNegativeTest, SerializerRefusesInconsistentValues) {
  Message m;
  m.header = MakeHeader(ExchangeType::kInformational);
  m.payloads.push_back(Payload{PayloadType::kHash, NoncePayload{Filled(8, 1)}});
  EXPECT_EQ(SerializeMessage(m).code(), ErrorCode::kInvalidArgument);
  m.payloads = {Payload{PayloadType::kSecurityAssociation, UnknownPayload{}}};
  EXPECT_EQ(SerializeMessage(m).code(), ErrorCode::kInvalidArgument);
  m.payloads = {Payload{PayloadType{40}, UnknownPayload{}}};
  EXPECT_EQ(SerializeMessage(m).code(), ErrorCode::kInvalidArgument);
  m.payloads = {MakePayload(DeletePayload{Doi::kIpsec, ProtocolId::kEsp, 4, {{1, 2, 3}}})};
  EXPECT_EQ(SerializeMessage(m).code(), ErrorCode::kInvalidArgument);
  m.payloads = {MakePayload(HashPayload{Filled(70000, 1)})};
  EXPECT_EQ(SerializeMessage(m).code(), ErrorCode::kLimitExceeded);
  m.payloads.clear();
  m.encrypted_body = {1, 2, 3};
  EXPECT_EQ(SerializeMessage(m).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ikewot::ikev1
