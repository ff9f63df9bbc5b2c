// IKEv1 semantic checks (ValidateMessage): real messages pass; each rule, broken on a copy of
// a real message, fails with its code and the offending payload's offset.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "core/ikev1/message.h"

namespace ikewot::ikev1 {
namespace {

Message Load(const std::string& relative) {
  std::ifstream in(std::string(IKEWOT_TEST_DATA_DIR) + "/" + relative, std::ios::binary);
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(data.empty()) << relative;
  auto m = ParseMessage(data);
  EXPECT_TRUE(m.ok()) << relative << ": " << m.error().ToString();
  return m.ok() ? *m : Message{};
}

// ike-scan's Main Mode 1 with three transforms and three vendor IDs.
Message Mm1() { return Load("ike-scan/mm1-vids.bin"); }
// ike-scan's Aggressive Mode 1: SA, KE, NONCE, ID, CR.
Message Am1() { return Load("ike-scan/am1-psk.bin"); }

SaPayload& Sa(Message& m) { return std::get<SaPayload>(m.payloads[0].body); }
Transform& FirstTransform(Message& m) { return Sa(m).proposals[0].transforms[0]; }

void ExpectInvalid(const Message& m, ErrorCode code, size_t offset, const std::string& words) {
  Status s = ValidateMessage(m);
  ASSERT_FALSE(s.ok()) << "expected: " << words;
  EXPECT_EQ(s.code(), code) << s.error().ToString();
  EXPECT_EQ(s.error().offset, offset) << s.error().ToString();
  EXPECT_NE(s.error().message.find(words), std::string::npos) << s.error().message;
}

TEST(Ikev1ValidateTest, RealMessagesAreValid) {
  for (const char* file : {"ike-scan/mm1-default.bin", "ike-scan/mm1-vids.bin",
                           "ike-scan/am1-psk.bin", "ike-scan/mm1-natt.bin"}) {
    Status s = ValidateMessage(Load(file));
    EXPECT_TRUE(s.ok()) << file << ": " << s.error().ToString();
  }
}

TEST(Ikev1ValidateTest, SaWithoutTransformOrProposal) {
  Message m = Mm1();
  Sa(m).proposals[0].transforms.clear();
  ExpectInvalid(m, ErrorCode::kBadValue, kHeaderSize, "proposal 1 has no transform");
  Sa(m).proposals.clear();
  ExpectInvalid(m, ErrorCode::kBadValue, kHeaderSize, "SA payload has no proposal");
}

TEST(Ikev1ValidateTest, ProposalAndTransformNumbering) {
  Message m = Mm1();
  FirstTransform(m).number = 2;  // the second transform is #2 as well
  ExpectInvalid(m, ErrorCode::kBadValue, kHeaderSize, "transform numbers must be unique");
  Message n = Mm1();
  Proposal second = Sa(n).proposals[0];
  second.number = 0;
  Sa(n).proposals.push_back(second);
  ExpectInvalid(n, ErrorCode::kBadValue, kHeaderSize, "must not decrease");
}

TEST(Ikev1ValidateTest, Phase1AttributeSanity) {
  Message m = Mm1();
  auto& attrs = FirstTransform(m).attributes;
  attrs.erase(attrs.begin() + 1);  // drop the Hash Algorithm
  ExpectInvalid(m, ErrorCode::kBadValue, kHeaderSize, "mandatory Hash Algorithm");

  Message basic = Mm1();
  FirstTransform(basic).attributes[0] = Attribute::Variable(1, {0x07});
  ExpectInvalid(basic, ErrorCode::kBadValue, kHeaderSize, "must be a basic (TV) attribute");

  Message twice = Mm1();
  FirstTransform(twice).attributes.push_back(Attribute::Basic(2, 1));
  ExpectInvalid(twice, ErrorCode::kBadValue, kHeaderSize, "appears twice");

  Message orphan = Mm1();
  auto& o = FirstTransform(orphan).attributes;
  o.insert(o.begin(), Attribute::Basic(12, 3600));
  ExpectInvalid(orphan, ErrorCode::kBadValue, kHeaderSize, "must immediately follow a life type");

  Message des = Mm1();
  auto& d = FirstTransform(des).attributes;
  d[0] = Attribute::Basic(1, 5);  // 3DES keeps the Key Length attribute of AES
  ExpectInvalid(des, ErrorCode::kBadValue, kHeaderSize, "fixed-key cipher");

  Message aes = Mm1();
  for (Attribute& a : FirstTransform(aes).attributes) {
    if (a.type == 14) a.basic_value = 100;
  }
  ExpectInvalid(aes, ErrorCode::kBadValue, kHeaderSize, "AES key length 100");

  Message key_ike = Mm1();
  FirstTransform(key_ike).transform_id = 2;
  ExpectInvalid(key_ike, ErrorCode::kBadValue, kHeaderSize, "not KEY_IKE");

  Message esp = Mm1();
  Sa(esp).proposals[0].protocol = ProtocolId::kEsp;
  ExpectInvalid(esp, ErrorCode::kBadValue, kHeaderSize, "PROTO_ISAKMP required");
}

TEST(Ikev1ValidateTest, IpsecProposalRules) {
  Message qm = Mm1();
  qm.header.exchange_type = ExchangeType::kInformational;  // not phase 1: ESP is allowed
  Proposal& p = Sa(qm).proposals[0];
  p.protocol = ProtocolId::kEsp;
  p.spi = {1, 2, 3};
  p.transforms = {{1, 12, {Attribute::Basic(4, 1), Attribute::Basic(5, 2)}}};
  ExpectInvalid(qm, ErrorCode::kBadValue, kHeaderSize, "AH/ESP SPI must be 4 octets");
  p.spi.push_back(4);
  EXPECT_TRUE(ValidateMessage(qm).ok()) << ValidateMessage(qm).error().ToString();
  p.transforms[0].attributes.push_back(Attribute::Variable(4, {0, 1}));
  ExpectInvalid(qm, ErrorCode::kBadValue, kHeaderSize, "Encapsulation Mode must be a basic");
}

TEST(Ikev1ValidateTest, HeaderRules) {
  Message m = Mm1();
  m.header.message_id = 5;
  ExpectInvalid(m, ErrorCode::kBadValue, 20, "non-zero message ID");
  m = Mm1();
  m.header.initiator_cookie = {};
  ExpectInvalid(m, ErrorCode::kBadValue, 0, "initiator cookie is zero");
  m = Mm1();
  m.header.flags = 0x10;
  ExpectInvalid(m, ErrorCode::kBadValue, 19, "undefined header flags");
  m = Mm1();
  m.header.minor_version = 1;
  ExpectInvalid(m, ErrorCode::kUnsupported, 17, "minor version 1");
  m = Mm1();
  m.header.exchange_type = ExchangeType{7};
  ExpectInvalid(m, ErrorCode::kUnsupported, 18, "exchange type");
  m = Mm1();
  m.header.exchange_type = ExchangeType::kQuickMode;
  m.header.message_id = 0x01020304;
  ExpectInvalid(m, ErrorCode::kBadValue, 19, "Quick Mode payloads must be encrypted");
}

TEST(Ikev1ValidateTest, PayloadRulesNameThePayloadAndItsOffset) {
  Message m = Am1();
  // AM1 layout: SA at 28 (100 octets), KE at 128 (260), NONCE at 388 (24), ID at 412 (23), CR.
  std::get<NoncePayload>(m.payloads[2].body).data.resize(7);
  ExpectInvalid(m, ErrorCode::kBadLength, 388, "payload #3 (NONCE): nonce of 7 octets");

  Message id = Am1();
  auto& ident = std::get<IdentificationPayload>(id.payloads[3].body);
  ident.id_type = IdType::kIpv4Address;
  ExpectInvalid(id, ErrorCode::kBadLength, 412, "ID_IPV4_ADDR data must be 4 octets, got 15");

  Message order = Am1();
  std::swap(order.payloads[0], order.payloads[1]);
  ExpectInvalid(order, ErrorCode::kBadValue, kHeaderSize + 260, "SA payload must precede");

  Message oa = Am1();
  oa.payloads.push_back(MakePayload(NatOriginalAddressPayload{IdType::kIpv6Address, {1, 2, 3, 4}}));
  ExpectInvalid(oa, ErrorCode::kBadLength, 440, "NAT-OA address must be 16 octets");

  Message del = Am1();
  del.payloads.push_back(
      MakePayload(DeletePayload{Doi::kIpsec, ProtocolId::kIsakmp, 4, {{1, 2, 3, 4}}}));
  ExpectInvalid(del, ErrorCode::kBadValue, 440, "16-octet cookie pair");

  Message frag = Am1();
  frag.payloads.push_back(MakePayload(FragmentPayload{1, 1, 0, {1, 2, 3}}));
  ExpectInvalid(frag, ErrorCode::kBadValue, 440, "only payload");
}

}  // namespace
}  // namespace ikewot::ikev1
