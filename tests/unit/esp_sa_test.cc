// ESP (RFC 4303) in core/esp: published vectors, round trips for every suite, truncation,
// tampering, sequence number overflow, padding and Next Header checks.
#include "core/esp/esp_sa.h"

#include <gtest/gtest.h>

#include <limits>

#include "core/crypto/random.h"
#include "core/crypto/transforms.h"
#include "core/esp/esp_cipher.h"
#include "tests/unit/crypto_test_support.h"

namespace ikewot::esp {
namespace {

using crypto::testing::Hex;

// RFC 7634 Appendix A: ESP example with ChaCha20-Poly1305 (SPI 0x01020304, sequence 5).
constexpr const char* kRfc7634Key =
    "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f";
constexpr const char* kRfc7634Salt = "a0a1a2a3";
constexpr const char* kRfc7634Inner =
    "45000054a6f200004001e778c6336405c000020508005b7a3a080000553bec1000073627"
    "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b"
    "2c2d2e2f3031323334353637";
constexpr const char* kRfc7634EspPayload =  // IV || ciphertext || tag
    "1011121314151617240394 28b97f417e3c13753a4f05087b67c352e6a7fab1b982d466ef407ae5c6"
    "14ee8099d52844eb61aa95dfab4c02f72aa71e7c4c4f64c9befe2facc638e8f3cbec163fac469b50"
    "2773f6fb94e664da9165b82829f641e076aaa8266b7fb0f7b11b369907e1ad43";

engine::EspSuiteChoice Suite(uint16_t encr, uint16_t key_bits, uint16_t integ, bool esn = false) {
  engine::EspSuiteChoice s;
  s.encr = {encr, key_bits};
  s.integ = integ;
  s.extended_sequence_numbers = esn;
  return s;
}

SaParameters Rfc7634Parameters() {
  SaParameters p;
  p.spi = 0x01020304;
  p.suite = Suite(crypto::kEncrChaCha20Poly1305, 0, crypto::kIntegNone);
  p.encr_key = Concat({Hex(kRfc7634Key), Hex(kRfc7634Salt)});
  return p;
}

TEST(EspRfcVectors, Rfc7634AppendixADecapsulates) {
  auto in = InboundSa::Create(Rfc7634Parameters());
  ASSERT_TRUE(in.ok()) << in.error().ToString();
  const Bytes packet = Concat({Hex("01020304 00000005"), Hex(kRfc7634EspPayload)});
  auto out = in->Decapsulate(packet);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->inner, Hex(kRfc7634Inner));
  EXPECT_EQ(out->next_header, kNextHeaderIpv4);
  EXPECT_EQ(out->sequence, 5u);
  EXPECT_EQ(in->counters().packets, 1u);
}

TEST(EspRfcVectors, Rfc7634AppendixASealsTheSameBytes) {
  // The same packet from the sender's side: payload || padding 01 02 || pad length 2 || NH 4.
  const SaParameters p = Rfc7634Parameters();
  auto cipher = EspCipher::Create(p.suite, p.encr_key, p.integ_key);
  ASSERT_TRUE(cipher.ok());
  Bytes body = Concat({Hex(kRfc7634Inner), Hex("0102 02 04")});
  Bytes icv(cipher->icv_size());
  ASSERT_TRUE(
      cipher->Seal(Hex("01020304 00000005"), std::nullopt, Hex("1011121314151617"), body, icv)
          .ok());
  EXPECT_EQ(Concat({Hex("1011121314151617"), body, icv}), Hex(kRfc7634EspPayload));
}

TEST(EspRfcVectors, GcmEspVectorOfRfc4106TestSuite) {
  // AES-128-GCM ESP vector from the GCM-in-IPsec test suite that accompanies RFC 4106
  // (draft-mcgrew-gcm-test-01): SPI 0x00004321 with the 64-bit extended sequence number
  // 0x87654321_00000000, so the AAD is the 12-octet SPI || ESN high || ESN low of RFC 4106 §5;
  // 16-octet ICV.
  auto cipher = EspCipher::Create(Suite(crypto::kEncrAesGcm16, 128, crypto::kIntegNone),
                                  Hex("4c80cdefbb5d10da906ac73c3613a634 2e443b68"), {});
  ASSERT_TRUE(cipher.ok()) << cipher.error().ToString();
  const Bytes header = Hex("00004321 00000000");  // on the wire: SPI, low half
  const std::optional<uint32_t> esn_high = 0x87654321;
  const Bytes iv = Hex("4956ed7e3b244cfe");
  const Bytes plain =
      Hex("4500004869 9a000080114db7c0a80102c0a801010a9bf15638d3010000010000000000000"
          "45f736970045f756470037369700963796265726369747902646b0000210001 01020201");
  const Bytes sealed =
      Hex("fecf537e729d5b07dc30df528dd22b768d1b98736696a6fd348509fa13ceac34cfa2436f14a3f3cf"
          "65925bf1f4a13c5d15b21e1884f5ff6247aeabb786b93bce61bc17d768fd9732459018148f6cbe72"
          "2fd04796562dfdb4");
  Bytes body = plain;
  Bytes icv(16);
  ASSERT_TRUE(cipher->Seal(header, esn_high, iv, body, icv).ok());
  EXPECT_EQ(ToHex(Concat({body, icv})), ToHex(sealed));
  // The 8-octet AAD of a 32-bit sequence number gives another tag.
  Bytes body32 = plain;
  ASSERT_TRUE(cipher->Seal(header, std::nullopt, iv, body32, icv).ok());
  EXPECT_NE(Concat({body32, icv}), sealed);
  Bytes opened(plain.size());
  ASSERT_TRUE(cipher
                  ->Open(header, esn_high, iv, ByteView(sealed).first(plain.size()),
                         ByteView(sealed).subspan(plain.size()), opened)
                  .ok());
  EXPECT_EQ(opened, plain);
}

// ---------------------------------------------------------------- round trips, every suite

struct SuiteCase {
  const char* name;
  engine::EspSuiteChoice suite;
  size_t encr_key_size;
  size_t integ_key_size;
};

std::vector<SuiteCase> AllSuites() {
  using namespace crypto;
  std::vector<SuiteCase> cases = {
      {"aes128gcm16", Suite(kEncrAesGcm16, 128, kIntegNone), 20, 0},
      {"aes256gcm16", Suite(kEncrAesGcm16, 256, kIntegNone), 36, 0},
      {"aes128gcm8", Suite(kEncrAesGcm8, 128, kIntegNone), 20, 0},
      {"aes192gcm12", Suite(kEncrAesGcm12, 192, kIntegNone), 28, 0},
      {"chacha20poly1305", Suite(kEncrChaCha20Poly1305, 0, kIntegNone), 36, 0},
      {"aes128-sha1_96", Suite(kEncrAesCbc, 128, kIntegHmacSha1_96), 16, 20},
      {"aes256-sha256_128", Suite(kEncrAesCbc, 256, kIntegHmacSha2_256_128), 32, 32},
      {"aes192-sha384_192", Suite(kEncrAesCbc, 192, kIntegHmacSha2_384_192), 24, 48},
      {"aes256-sha512_256", Suite(kEncrAesCbc, 256, kIntegHmacSha2_512_256), 32, 64},
  };
  const size_t n = cases.size();
  for (size_t i = 0; i < n; ++i) {  // the same suites with Extended Sequence Numbers
    SuiteCase esn = cases[i];
    esn.suite.extended_sequence_numbers = true;
    cases.push_back(esn);
  }
  return cases;
}

// A small real-looking IPv4/UDP packet of `size` octets.
Bytes Ipv4Packet(size_t size, uint8_t fill = 0x5a) {
  Bytes p(size, fill);
  p[0] = 0x45;
  p[1] = 0;
  p[2] = static_cast<uint8_t>(size >> 8);
  p[3] = static_cast<uint8_t>(size);
  p[9] = 17;
  return p;
}

struct Pair {
  OutboundSa out;
  InboundSa in;
};

Pair MakePair(const SuiteCase& c, uint64_t seed = 1) {
  DeterministicRng keys(seed);
  SaParameters p;
  p.spi = 0xc0ffee01;
  p.suite = c.suite;
  p.encr_key.resize(c.encr_key_size);
  p.integ_key.resize(c.integ_key_size);
  keys.Fill(p.encr_key);
  keys.Fill(p.integ_key);
  auto out = OutboundSa::Create(p);
  auto in = InboundSa::Create(p);
  if (!out.ok() || !in.ok()) {
    ADD_FAILURE() << c.name << ": " << (out.ok() ? in.error() : out.error()).ToString();
    std::abort();
  }
  return Pair{std::move(*out), std::move(*in)};
}

class EspSuites : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(EspSuites, RoundTripManySizes) {
  Pair pair = MakePair(GetParam());
  DeterministicRng rng(7);
  for (size_t size : {20, 21, 28, 64, 99, 576, 1400}) {
    const Bytes inner = Ipv4Packet(size, static_cast<uint8_t>(size));
    auto packet = pair.out.Encapsulate(inner, rng);
    ASSERT_TRUE(packet.ok()) << packet.error().ToString();
    // Layout: the ciphertext ends 4-octet aligned (§2.4) and in whole cipher blocks.
    auto out = pair.in.Decapsulate(*packet);
    ASSERT_TRUE(out.ok()) << GetParam().name << " size " << size << ": " << out.error().ToString();
    EXPECT_EQ(out->inner, inner);
    EXPECT_EQ(out->next_header, kNextHeaderIpv4);
  }
  EXPECT_EQ(pair.in.counters().packets, 7u);
  EXPECT_EQ(pair.out.next_sequence(), 8u);
}

TEST_P(EspSuites, Ipv6AndDummyPackets) {
  Pair pair = MakePair(GetParam());
  DeterministicRng rng(8);
  Bytes inner(48, 0);
  inner[0] = 0x60;
  inner[5] = 8;  // payload length
  auto packet = pair.out.Encapsulate(inner, rng);
  ASSERT_TRUE(packet.ok());
  auto out = pair.in.Decapsulate(*packet);
  ASSERT_TRUE(out.ok()) << out.error().ToString();
  EXPECT_EQ(out->next_header, kNextHeaderIpv6);
  auto dummy = pair.out.EncapsulateWithNextHeader(Bytes(10, 0xee), kNextHeaderNoNext, rng);
  ASSERT_TRUE(dummy.ok());
  auto dropped = pair.in.Decapsulate(*dummy);
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->next_header, kNextHeaderNoNext);
  EXPECT_TRUE(dropped->inner.empty());
  EXPECT_EQ(pair.in.counters().dummy, 1u);
}

TEST_P(EspSuites, EveryPrefixFailsCleanly) {
  Pair pair = MakePair(GetParam());
  DeterministicRng rng(9);
  auto packet = pair.out.Encapsulate(Ipv4Packet(60), rng);
  ASSERT_TRUE(packet.ok());
  for (size_t n = 0; n < packet->size(); ++n) {
    auto out = pair.in.Decapsulate(ByteView(*packet).first(n));
    ASSERT_FALSE(out.ok()) << "prefix " << n << " accepted";
    EXPECT_TRUE(out.code() == ErrorCode::kTruncated || out.code() == ErrorCode::kBadLength ||
                out.code() == ErrorCode::kAuthFailure)
        << n << ": " << out.error().ToString();
  }
  // The whole packet still decapsulates: no prefix moved the window.
  EXPECT_TRUE(pair.in.Decapsulate(*packet).ok());
}

TEST_P(EspSuites, EveryFlippedBitIsRejected) {
  Pair pair = MakePair(GetParam());
  DeterministicRng rng(10);
  auto packet = pair.out.Encapsulate(Ipv4Packet(40), rng);
  ASSERT_TRUE(packet.ok());
  for (size_t bit = 0; bit < packet->size() * 8; ++bit) {
    Bytes damaged = *packet;
    damaged[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto out = pair.in.Decapsulate(damaged);
    ASSERT_FALSE(out.ok()) << "bit " << bit << " flipped and accepted";
    // Bits of the SPI give "wrong SPI"; every other bit fails the ICV.
    EXPECT_EQ(out.code(), bit < 32 ? ErrorCode::kNotFound : ErrorCode::kAuthFailure) << bit;
  }
  EXPECT_EQ(pair.in.counters().dropped_wrong_spi, 32u);
  EXPECT_EQ(pair.in.counters().dropped_icv, packet->size() * 8 - 32);
  EXPECT_TRUE(pair.in.Decapsulate(*packet).ok());
}

TEST_P(EspSuites, ReplayIsDroppedAfterTheIcv) {
  Pair pair = MakePair(GetParam());
  DeterministicRng rng(11);
  auto packet = pair.out.Encapsulate(Ipv4Packet(30), rng);
  ASSERT_TRUE(packet.ok());
  ASSERT_TRUE(pair.in.Decapsulate(*packet).ok());
  auto again = pair.in.Decapsulate(*packet);
  EXPECT_EQ(again.code(), ErrorCode::kState);
  EXPECT_EQ(DropReasonOf(again.code()), DropReason::kReplay);
  EXPECT_EQ(pair.in.counters().dropped_replay, 1u);
}

TEST_P(EspSuites, WrongKeysFailTheIcv) {
  Pair a = MakePair(GetParam(), 1);
  Pair b = MakePair(GetParam(), 2);
  DeterministicRng rng(12);
  auto packet = a.out.Encapsulate(Ipv4Packet(30), rng);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(b.in.Decapsulate(*packet).code(), ErrorCode::kAuthFailure);
}

INSTANTIATE_TEST_SUITE_P(AllSuites, EspSuites, ::testing::ValuesIn(AllSuites()),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name + (info.param.suite.extended_sequence_numbers ? "_esn" : "");
                         });

// ------------------------------------------------------------------ sequence numbers, ESN

TEST(EspSequence, ThirtyTwoBitCounterRefusesToWrap) {
  Pair pair = MakePair(AllSuites()[0]);
  DeterministicRng rng(13);
  pair.out.SetNextSequenceForTesting(std::numeric_limits<uint32_t>::max());
  auto last = pair.out.Encapsulate(Ipv4Packet(20), rng);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(Hex("ffffffff"), Bytes(last->begin() + 4, last->begin() + 8));
  auto refused = pair.out.Encapsulate(Ipv4Packet(20), rng);
  EXPECT_EQ(refused.code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(pair.out.counters().refused, 1u);
}

TEST(EspSequence, EsnCarriesOnAcrossTheLowWordAndInfersTheHighHalf) {
  SuiteCase c = AllSuites()[0];
  c.suite.extended_sequence_numbers = true;
  Pair pair = MakePair(c);
  DeterministicRng rng(14);
  // Jump the receiver near the wrap with one authentic packet, then cross 2^32.
  pair.out.SetNextSequenceForTesting(0xFFFFFFF0ull);
  for (int i = 0; i < 40; ++i) {
    auto packet = pair.out.Encapsulate(Ipv4Packet(20), rng);
    ASSERT_TRUE(packet.ok());
    auto out = pair.in.Decapsulate(*packet);
    ASSERT_TRUE(out.ok()) << i << ": " << out.error().ToString();
    EXPECT_EQ(out->sequence, 0xFFFFFFF0ull + i);
  }
  EXPECT_EQ(pair.in.replay_window().top(), 0xFFFFFFF0ull + 39);
}

TEST(EspSequence, EsnCounterRefusesToWrapAt64Bits) {
  SuiteCase c = AllSuites()[5];  // CBC: the ESN high half is appended for the ICV
  c.suite.extended_sequence_numbers = true;
  Pair pair = MakePair(c);
  DeterministicRng rng(15);
  pair.out.SetNextSequenceForTesting(std::numeric_limits<uint64_t>::max());
  ASSERT_TRUE(pair.out.Encapsulate(Ipv4Packet(20), rng).ok());
  EXPECT_EQ(pair.out.Encapsulate(Ipv4Packet(20), rng).code(), ErrorCode::kLimitExceeded);
}

TEST(EspSequence, EsnHighHalfIsCoveredByTheIcv) {
  // The sender is in subspace 1; a receiver still at the start infers subspace 0 and the ICV
  // fails, because the high half is authenticated though never sent.
  SuiteCase c = AllSuites()[0];
  c.suite.extended_sequence_numbers = true;
  Pair pair = MakePair(c);
  DeterministicRng rng(16);
  pair.out.SetNextSequenceForTesting((1ull << 32) + 5);
  auto packet = pair.out.Encapsulate(Ipv4Packet(20), rng);
  ASSERT_TRUE(packet.ok());
  EXPECT_EQ(pair.in.Decapsulate(*packet).code(), ErrorCode::kAuthFailure);
}

// ----------------------------------------------------------- decrypted-trailer semantics

// Seals a body chosen by the test (bad padding, bad Next Header) as a real packet would be.
Bytes SealBody(const SuiteCase& c, uint64_t seed, uint32_t sequence, const Bytes& body) {
  DeterministicRng keys(seed);
  Bytes encr(c.encr_key_size);
  Bytes integ(c.integ_key_size);
  keys.Fill(encr);
  keys.Fill(integ);
  auto cipher = EspCipher::Create(c.suite, encr, integ);
  EXPECT_TRUE(cipher.ok());
  Bytes header = Hex("c0ffee01");
  header.push_back(static_cast<uint8_t>(sequence >> 24));
  header.push_back(static_cast<uint8_t>(sequence >> 16));
  header.push_back(static_cast<uint8_t>(sequence >> 8));
  header.push_back(static_cast<uint8_t>(sequence));
  Bytes iv(cipher->iv_size(), 0x42);
  Bytes sealed = body;
  Bytes icv(cipher->icv_size());
  EXPECT_TRUE(cipher->Seal(header, std::nullopt, iv, sealed, icv).ok());
  return Concat({header, iv, sealed, icv});
}

TEST(EspTrailer, PaddingMustCountUp) {
  const SuiteCase c = AllSuites()[0];
  Pair pair = MakePair(c);
  Bytes body = Ipv4Packet(20);
  body.insert(body.end(), {0x01, 0x03, 0x02, 0x04});  // padding 01 03: wrong
  auto out = pair.in.Decapsulate(SealBody(c, 1, 1, body));
  EXPECT_EQ(out.code(), ErrorCode::kBadValue);
  EXPECT_EQ(pair.in.counters().dropped_padding, 1u);
  EXPECT_NE(out.error().message.find("padding octet 2"), std::string::npos) << out.error().message;
}

TEST(EspTrailer, PadLengthBeyondTheData) {
  const SuiteCase c = AllSuites()[0];
  Pair pair = MakePair(c);
  const Bytes body = {0x45, 0x00, 0x07, 0x04};  // pad length 7 > 2 octets before it
  EXPECT_EQ(pair.in.Decapsulate(SealBody(c, 1, 1, body)).code(), ErrorCode::kBadValue);
}

TEST(EspTrailer, NextHeaderMustMatchTheInnerPacket) {
  const SuiteCase c = AllSuites()[0];
  Pair pair = MakePair(c);
  Bytes body = Ipv4Packet(22);
  body.insert(body.end(), {0x00, 0x06});  // TCP: not a tunnel-mode payload
  auto out = pair.in.Decapsulate(SealBody(c, 1, 1, body));
  EXPECT_EQ(out.code(), ErrorCode::kBadValue);
  Bytes mismatched = Ipv4Packet(22);
  mismatched.insert(mismatched.end(), {0x00, 41});  // IPv6 claimed, IPv4 inside
  EXPECT_EQ(pair.in.Decapsulate(SealBody(c, 1, 2, mismatched)).code(), ErrorCode::kBadValue);
}

TEST(EspTrailer, MisalignedCiphertextIsMalformed) {
  const SuiteCase c = AllSuites()[5];  // CBC: whole 16-octet blocks
  Pair pair = MakePair(c);
  DeterministicRng rng(17);
  auto packet = pair.out.Encapsulate(Ipv4Packet(40), rng);
  ASSERT_TRUE(packet.ok());
  Bytes longer = *packet;
  longer.push_back(0);
  EXPECT_EQ(pair.in.Decapsulate(longer).code(), ErrorCode::kBadLength);
  EXPECT_EQ(pair.in.counters().dropped_malformed, 1u);
}

TEST(EspCreate, RejectsBadKeysAndSuites) {
  SaParameters p = Rfc7634Parameters();
  p.encr_key.pop_back();
  EXPECT_EQ(OutboundSa::Create(p).code(), ErrorCode::kInvalidArgument);
  p = Rfc7634Parameters();
  p.suite.integ = crypto::kIntegHmacSha2_256_128;
  p.integ_key.assign(32, 1);
  EXPECT_EQ(InboundSa::Create(p).code(), ErrorCode::kUnsupported);
  p = Rfc7634Parameters();
  p.suite.encr.id = 3;  // 3DES
  EXPECT_EQ(InboundSa::Create(p).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(InboundSa::Create(Rfc7634Parameters(), InboundOptions{16}).code(),
            ErrorCode::kInvalidArgument);
}

TEST(EspCreate, EncapsulateRefusesNonIp) {
  Pair pair = MakePair(AllSuites()[0]);
  DeterministicRng rng(18);
  EXPECT_EQ(pair.out.Encapsulate(Bytes{0x12, 0x34}, rng).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(pair.out.Encapsulate(Bytes{}, rng).code(), ErrorCode::kInvalidArgument);
}

TEST(EspParameters, DirectionsPickTheRightKeysAndSpis) {
  engine::ChildSaInfo child;
  child.spi_initiator = 0x11111111;
  child.spi_responder = 0x22222222;
  child.encr_key_i_to_r = {1};
  child.encr_key_r_to_i = {2};
  EXPECT_EQ(OutboundParameters(child, true).spi, 0x22222222u);
  EXPECT_EQ(OutboundParameters(child, true).encr_key, Bytes{1});
  EXPECT_EQ(InboundParameters(child, true).spi, 0x11111111u);
  EXPECT_EQ(InboundParameters(child, true).encr_key, Bytes{2});
  EXPECT_EQ(OutboundParameters(child, false).spi, 0x11111111u);
  EXPECT_EQ(InboundParameters(child, false).encr_key, Bytes{1});
}

}  // namespace
}  // namespace ikewot::esp
