// Every syntax rule of the IKEv2 parser, each with a hand-made violating input, the expected
// ErrorCode and the absolute offset of the offending field.
#include <gtest/gtest.h>

#include <string>

#include "core/base/bytes.h"
#include "core/ikev2/example_messages.h"
#include "core/ikev2/message.h"

namespace ikewot::ikev2 {
namespace {

constexpr size_t kFirstPayload = kHeaderSize;   // 28
constexpr size_t kFirstBody = kHeaderSize + 4;  // 32

Bytes Hex(std::string_view text) { return FromHex(text).value(); }

void PutU16(Bytes& b, uint16_t v) {
  b.push_back(static_cast<uint8_t>(v >> 8));
  b.push_back(static_cast<uint8_t>(v));
}

// A raw payload; the length is counted here by the test, independently of the codec.
Bytes RawPayload(uint8_t next, const Bytes& body, uint8_t flags = 0) {
  Bytes out = {next, flags};
  PutU16(out, static_cast<uint16_t>(4 + body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes RawMessage(uint8_t first_payload, const Bytes& chain, uint8_t exchange = 34) {
  Bytes out = Hex("0102030405060708 0000000000000000");
  out.insert(out.end(), {first_payload, 0x20, exchange, 0x08, 0, 0, 0, 0});
  uint32_t length = static_cast<uint32_t>(kHeaderSize + chain.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(length >> shift));
  out.insert(out.end(), chain.begin(), chain.end());
  return out;
}

// A message with one payload of `type` and `body`.
Bytes Single(PayloadType type, const Bytes& body) {
  return RawMessage(static_cast<uint8_t>(type), RawPayload(0, body));
}

void ExpectError(const Bytes& wire, ErrorCode code, size_t offset,
                 std::string_view message_part = "") {
  Result<Message> parsed = ParseMessage(wire);
  ASSERT_FALSE(parsed.ok()) << "parsed unexpectedly";
  EXPECT_EQ(parsed.code(), code) << parsed.error().ToString();
  EXPECT_EQ(parsed.error().offset, offset) << parsed.error().ToString();
  EXPECT_NE(parsed.error().message.find(message_part), std::string::npos) << parsed.error().message;
}

TEST(Ikev2ParseErrorsTest, ValidSkeletonParses) {
  EXPECT_TRUE(ParseMessage(Single(PayloadType::kNonce, PatternBytes(16, 0))).ok());
}

TEST(Ikev2ParseErrorsTest, Header) {
  ExpectError(Hex("0102"), ErrorCode::kTruncated, 0, "IKE header");
  Bytes v1 = Single(PayloadType::kNonce, PatternBytes(16, 0));
  v1[17] = 0x10;
  ExpectError(v1, ErrorCode::kUnsupported, 17, "major version 1");
  Bytes longer = Single(PayloadType::kNonce, PatternBytes(16, 0));
  longer.push_back(0);
  ExpectError(longer, ErrorCode::kBadLength, 24, "differs from the datagram size 49");
}

TEST(Ikev2ParseErrorsTest, Ikev1PayloadNumbersAreRejectedWhereTheyAreNamed) {
  ExpectError(RawMessage(1, RawPayload(0, {})), ErrorCode::kBadValue, 16, "IKEv1 payload number");
  Bytes chain = RawPayload(32, PatternBytes(16, 0));
  Bytes second = RawPayload(0, {});
  chain.insert(chain.end(), second.begin(), second.end());
  ExpectError(RawMessage(40, chain), ErrorCode::kBadValue, kFirstPayload, "type 32");
}

TEST(Ikev2ParseErrorsTest, GenericHeaderLengths) {
  Bytes below_four = RawMessage(43, Hex("0000 0003"));
  ExpectError(below_four, ErrorCode::kBadLength, kFirstPayload + 2, "below its 4-octet header");
  Bytes past_end = RawMessage(43, Hex("0000 0009 aabb"));
  ExpectError(past_end, ErrorCode::kTruncated, kFirstBody, "runs past the end");
  Bytes half_header = RawMessage(43, Hex("00 00"));
  ExpectError(half_header, ErrorCode::kTruncated, kFirstPayload + 2, "generic payload header");
  Bytes chain_ends_early = RawMessage(43, RawPayload(43, {}));  // V says another V follows
  ExpectError(chain_ends_early, ErrorCode::kTruncated, kFirstPayload + 4, "generic payload header");
}

TEST(Ikev2ParseErrorsTest, TrailingBytesAfterTheLastPayload) {
  Bytes chain = RawPayload(0, {1, 2});
  chain.insert(chain.end(), {0xde, 0xad});
  ExpectError(RawMessage(43, chain), ErrorCode::kTrailingData, kFirstPayload + 6,
              "2 unconsumed bytes");
}

TEST(Ikev2ParseErrorsTest, EncryptedPayloadsMustBeLast) {
  Bytes chain = RawPayload(35, PatternBytes(40, 0));  // SK naming IDi as first inner payload
  Bytes vid = RawPayload(0, {1});
  chain.insert(chain.end(), vid.begin(), vid.end());
  ExpectError(RawMessage(46, chain, 35), ErrorCode::kTrailingData, kFirstPayload + 44,
              "must be the last payload");
  Bytes skf = RawPayload(0, Hex("0001 0002 aabbcc"));
  skf.insert(skf.end(), vid.begin(), vid.end());
  ExpectError(RawMessage(53, skf, 35), ErrorCode::kTrailingData, kFirstPayload + 11, "SKF payload");
  ExpectError(Single(PayloadType::kEncrypted, {}), ErrorCode::kBadLength, kFirstBody, "SK");
}

TEST(Ikev2ParseErrorsTest, PayloadCountIsBounded) {
  Bytes chain;
  for (size_t i = 0; i <= kMaxPayloadsPerChain; ++i) {
    Bytes one = RawPayload(i == kMaxPayloadsPerChain ? 0 : 43, {});
    chain.insert(chain.end(), one.begin(), one.end());
  }
  ExpectError(RawMessage(43, chain), ErrorCode::kLimitExceeded, kFirstPayload + 4 * 64,
              "more than 64 payloads");
}

TEST(Ikev2ParseErrorsTest, NotifyDataLengthsPerType) {
  auto notify = [](uint16_t type, size_t data_size) {
    Bytes body = {0, 0};
    PutU16(body, type);
    Bytes data = PatternBytes(data_size, 1);
    body.insert(body.end(), data.begin(), data.end());
    return Single(PayloadType::kNotify, body);
  };
  size_t data_offset = kFirstBody + 4;
  ExpectError(notify(16388, 19), ErrorCode::kBadLength, data_offset,
              "NAT_DETECTION_SOURCE_IP notify data must be 20 octets, got 19");
  ExpectError(notify(16389, 21), ErrorCode::kBadLength, data_offset,
              "NAT_DETECTION_DESTINATION_IP notify data must be 20 octets, got 21");
  ExpectError(notify(17, 3), ErrorCode::kBadLength, data_offset,
              "INVALID_KE_PAYLOAD notify data must be 2 octets, got 3");
  ExpectError(notify(16390, 0), ErrorCode::kBadLength, data_offset,
              "COOKIE notify data must be 1..64");
  ExpectError(notify(16390, 65), ErrorCode::kBadLength, data_offset, "got 65");
  ExpectError(notify(16431, 5), ErrorCode::kBadLength, data_offset,
              "SIGNATURE_HASH_ALGORITHMS notify data must be a multiple of 2 octets, got 5");
  ExpectError(notify(16430, 1), ErrorCode::kBadLength, data_offset,
              "IKEV2_FRAGMENTATION_SUPPORTED notify data must be 0 octets, got 1");
  ExpectError(notify(16402, 20), ErrorCode::kBadLength, data_offset, "12 octets or 36 octets");
  for (auto [type, size] : {std::pair{16388, 20},
                            {16390, 1},
                            {16390, 64},
                            {16431, 8},
                            {16430, 0},
                            {16402, 36},
                            {40000, 3}}) {
    EXPECT_TRUE(ParseMessage(notify(static_cast<uint16_t>(type), size)).ok()) << type;
  }
}

TEST(Ikev2ParseErrorsTest, NotifySpiSizeMustFitTheProtocol) {
  ExpectError(Single(PayloadType::kNotify, Hex("03 03 4009 aabbcc")), ErrorCode::kBadValue,
              kFirstBody + 1, "notify SPI size 3 is invalid for protocol ESP");
  ExpectError(Single(PayloadType::kNotify, Hex("01 04 4009 aabbccdd")), ErrorCode::kBadValue,
              kFirstBody + 1, "protocol IKE");
  ExpectError(Single(PayloadType::kNotify, Hex("03 08 4009")), ErrorCode::kTruncated,
              kFirstBody + 4, "notify SPI");
  EXPECT_TRUE(ParseMessage(Single(PayloadType::kNotify, Hex("03 04 4009 aabbccdd"))).ok());
}

// SA bodies: proposal header "LL 00 LLLL num proto spisize ntrans", transform "LL 00 LLLL t 00 id".
TEST(Ikev2ParseErrorsTest, SecurityAssociationStructure) {
  const size_t p1 = kFirstBody;
  // Proposal numbering.
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("02000010 01010001 0000000801000014"
                                                            "00000010 03010001 0000000801000014")),
              ErrorCode::kBadValue, p1 + 16 + 4, "proposal 2 has number 3, expected 2");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("02000010 02010001 0000000801000014"
                                                            "00000010 03010001 0000000801000014")),
              ErrorCode::kBadValue, p1 + 16 + 4, "first of several proposals has number 2");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000010 00010001 0000000801000014")),
              ErrorCode::kBadValue, p1 + 4, "proposal number 0");
  EXPECT_TRUE(ParseMessage(Single(PayloadType::kSecurityAssociation,
                                  Hex("00000010 05010001 0000000801000014")))
                  .ok())
      << "a lone (accepted) proposal may carry any number";
  // SPI sizes.
  ExpectError(Single(PayloadType::kSecurityAssociation,
                     Hex("00000018 01030801 1122334455667788 0000000801000014")),
              ErrorCode::kBadValue, p1 + 6, "SPI size 8 is invalid for a proposal of protocol ESP");
  ExpectError(
      Single(PayloadType::kSecurityAssociation, Hex("00000014 01010401 11223344 0000000801000014")),
      ErrorCode::kBadValue, p1 + 6, "protocol IKE");
  // Last Substruc markers and counts.
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("01000010 01010001 0000000801000014")),
              ErrorCode::kBadValue, p1, "Last Substruc must be 0 (last) or 2 (more), got 1");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("02000010 01010001 0000000801000014")),
              ErrorCode::kTruncated, p1 + 16, "announces another proposal");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000010 01010001 0000000801000014"
                                                            "00000010 02010001 0000000801000014")),
              ErrorCode::kTrailingData, p1 + 16, "after the proposal marked last");
  ExpectError(Single(PayloadType::kSecurityAssociation,
                     Hex("00000018 01010001 0000000801000014 0000000802000005")),
              ErrorCode::kTrailingData, p1 + 16, "unconsumed bytes at end of proposal");
  ExpectError(Single(PayloadType::kSecurityAssociation,
                     Hex("00000018 01010002 0000000801000014 0000000802000005")),
              ErrorCode::kBadValue, p1 + 8, "transform 1 of 2 has Last Substruc 0, expected 3");
  ExpectError(Single(PayloadType::kSecurityAssociation,
                     Hex("00000018 01010002 0300000801000014 0300000802000005")),
              ErrorCode::kBadValue, p1 + 16, "transform 2 of 2 has Last Substruc 3, expected 0");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000008 01010000")),
              ErrorCode::kBadValue, p1 + 7, "no transforms");
  ExpectError(Single(PayloadType::kSecurityAssociation, {}), ErrorCode::kBadValue, p1,
              "no proposal");
  // Lengths inside.
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000006 0101")),
              ErrorCode::kBadLength, p1 + 2, "proposal length 6 is below its 8-octet header");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000010 01010001 0000000401000014")),
              ErrorCode::kBadLength, p1 + 10, "transform length 4 is below its 8-octet header");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000010 01010001 0000000901000014")),
              ErrorCode::kTruncated, p1 + 16, "transform length 9 runs past");
  ExpectError(Single(PayloadType::kSecurityAssociation, Hex("00000018 01010001 0000000801000014")),
              ErrorCode::kTruncated, p1 + 4, "proposal length 24 runs past");
  // Attributes.
  ExpectError(
      Single(PayloadType::kSecurityAssociation, Hex("00000014 01010001 0000000c0100000c 000e0000")),
      ErrorCode::kBadValue, p1 + 16, "Key Length attribute must use the TV format");
  ExpectError(
      Single(PayloadType::kSecurityAssociation, Hex("00000014 01010001 0000000c0100000c 00200005")),
      ErrorCode::kTruncated, p1 + 20, "transform attribute value");
}

TEST(Ikev2ParseErrorsTest, FixedSizeFields) {
  ExpectError(Single(PayloadType::kKeyExchange, Bytes{0, 19, 0, 0, 1, 2}), ErrorCode::kBadLength,
              kFirstBody + 4, "KE data for group ECP_256 must be 64 octets, got 2");
  ExpectError(Single(PayloadType::kKeyExchange, Bytes{0x01, 0x23, 0, 0}), ErrorCode::kBadLength,
              kFirstBody + 4, "no key exchange data");
  ExpectError(Single(PayloadType::kKeyExchange, Bytes{0, 19}), ErrorCode::kTruncated,
              kFirstBody + 2, "KE reserved field");
  ExpectError(Single(PayloadType::kNonce, PatternBytes(15, 0)), ErrorCode::kBadLength, kFirstBody,
              "nonce must be 16..256 octets, got 15");
  ExpectError(Single(PayloadType::kNonce, PatternBytes(257, 0)), ErrorCode::kBadLength, kFirstBody,
              "got 257");
  ExpectError(Single(PayloadType::kIdInitiator, Hex("01000000 0a000001ff")), ErrorCode::kBadLength,
              kFirstBody + 4, "ID_IPV4_ADDR data must be 4 octets, got 5");
  ExpectError(Single(PayloadType::kIdResponder, Hex("05000000 0a000001")), ErrorCode::kBadLength,
              kFirstBody + 4, "ID_IPV6_ADDR data must be 16 octets");
  ExpectError(Single(PayloadType::kIdResponder, Hex("02000000")), ErrorCode::kBadLength,
              kFirstBody + 4, "ID_FQDN identification data is empty");
  EXPECT_TRUE(ParseMessage(Single(PayloadType::kIdResponder, Hex("0d000000"))).ok()) << "ID_NULL";
  ExpectError(Single(PayloadType::kCertificate, Hex("04")), ErrorCode::kBadLength, kFirstBody + 1,
              "no certificate data");
  ExpectError(Single(PayloadType::kCertificate, Bytes(21, 12)), ErrorCode::kBadLength,
              kFirstBody + 1, "Hash and URL");
  ExpectError(Single(PayloadType::kCertificateRequest, Bytes(20, 4)), ErrorCode::kBadLength,
              kFirstBody + 1, "multiple of 20 octets, got 19");
  ExpectError(Single(PayloadType::kAuthentication, Hex("02000000")), ErrorCode::kBadLength,
              kFirstBody + 4, "no authentication data");
  ExpectError(Single(PayloadType::kAuthentication, Hex("0e000000 05 3003020100")),
              ErrorCode::kBadLength, kFirstBody + 10, "no signature value");
  ExpectError(Single(PayloadType::kAuthentication, Hex("0e000000 09 300302")),
              ErrorCode::kTruncated, kFirstBody + 5, "AlgorithmIdentifier");
  ExpectError(Single(PayloadType::kAuthentication, Hex("0e000000 00 aa")), ErrorCode::kBadLength,
              kFirstBody + 4, "AlgorithmIdentifier length is 0");
}

TEST(Ikev2ParseErrorsTest, TrafficSelectors) {
  const size_t ts1 = kFirstBody + 4;
  ExpectError(Single(PayloadType::kTsInitiator,
                     Hex("01000000 07000014 0000ffff c0000201 c0000201 00000000")),
              ErrorCode::kBadLength, ts1 + 2,
              "TS_IPV4_ADDR_RANGE selector length must be 16, got 20");
  ExpectError(
      Single(PayloadType::kTsInitiator, Hex("01000000 08000010 0000ffff c0000201 c0000201")),
      ErrorCode::kBadLength, ts1 + 2, "TS_IPV6_ADDR_RANGE selector length must be 40");
  ExpectError(Single(PayloadType::kTsInitiator, Hex("00000000")), ErrorCode::kBadValue, kFirstBody,
              "no traffic selector");
  ExpectError(
      Single(PayloadType::kTsResponder, Hex("02000000 07000010 0000ffff c0000201 c0000201")),
      ErrorCode::kTruncated, ts1 + 16, "traffic selector header");
  ExpectError(Single(PayloadType::kTsResponder,
                     Hex("01000000 07000010 0000ffff c0000201 c0000201 07000010")),
              ErrorCode::kTrailingData, ts1 + 16, "after its 1 selectors");
  ExpectError(Single(PayloadType::kTsResponder, Hex("01000000 0a000004")), ErrorCode::kBadLength,
              ts1 + 2, "empty security label");
  ExpectError(Single(PayloadType::kTsResponder, Hex("01000000 0b000002")), ErrorCode::kBadLength,
              ts1 + 2, "below its 4-octet header");
}

TEST(Ikev2ParseErrorsTest, DeleteEapConfigAndFragments) {
  ExpectError(Single(PayloadType::kDelete, Hex("03080001 1122334455667788")), ErrorCode::kBadValue,
              kFirstBody + 1, "SPI size for ESP must be 4, got 8");
  ExpectError(Single(PayloadType::kDelete, Hex("01000001")), ErrorCode::kBadValue, kFirstBody + 2,
              "lists 1 SPIs of size 0");
  ExpectError(Single(PayloadType::kDelete, Hex("00000000")), ErrorCode::kBadValue, kFirstBody,
              "must be IKE, AH or ESP");
  ExpectError(Single(PayloadType::kDelete, Hex("03040002 11223344")), ErrorCode::kTruncated,
              kFirstBody + 8, "Delete SPI");
  ExpectError(Single(PayloadType::kDelete, Hex("03040001 11223344 55")), ErrorCode::kTrailingData,
              kFirstBody + 8, "after its 1 SPIs");
  ExpectError(Single(PayloadType::kEap, Hex("01070009 01aabb")), ErrorCode::kBadLength,
              kFirstBody + 2, "EAP Length 9 differs from the 7-octet");
  ExpectError(Single(PayloadType::kEap, Hex("01070004")), ErrorCode::kBadLength, kFirstBody + 4,
              "needs a Type octet");
  ExpectError(Single(PayloadType::kEap, Hex("03070005 01")), ErrorCode::kBadLength, kFirstBody + 4,
              "must end after its 4-octet header");
  ExpectError(Single(PayloadType::kConfiguration, Hex("02000000 00010003 0a0000")),
              ErrorCode::kBadLength, kFirstBody + 8,
              "INTERNAL_IP4_ADDRESS must be 0 or 4 octets, got 3");
  ExpectError(Single(PayloadType::kConfiguration, Hex("02000000 000e0001 00")),
              ErrorCode::kBadLength, kFirstBody + 8, "SUPPORTED_ATTRIBUTES");
  ExpectError(Single(PayloadType::kConfiguration, Hex("02000000 00070005 aa")),
              ErrorCode::kTruncated, kFirstBody + 8, "configuration attribute value");
  ExpectError(RawMessage(53, RawPayload(0, Hex("0000 0002 aa")), 35), ErrorCode::kBadValue,
              kFirstBody, "fragment number 0");
  ExpectError(RawMessage(53, RawPayload(0, Hex("0003 0002 aa")), 35), ErrorCode::kBadValue,
              kFirstBody + 2, "fragment number 3 exceeds the total of 2");
  ExpectError(RawMessage(53, RawPayload(0, Hex("0001 0002")), 35), ErrorCode::kBadLength,
              kFirstBody + 4, "SKF payload carries no IV");
}

}  // namespace
}  // namespace ikewot::ikev2
