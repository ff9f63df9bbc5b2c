// Key types, deterministic generation, PKCS#8 / SubjectPublicKeyInfo codecs and PEM armour,
// cross-checked against the openssl command line.
#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/crypto/identity.h"
#include "core/crypto/identity_pem.h"
#include "core/crypto/random.h"

namespace ikewot::crypto {
namespace {

// Returns the given bytes in order, then repeats them: a scripted Rng.
class ScriptedRng final : public Rng {
 public:
  explicit ScriptedRng(Bytes script) : script_(std::move(script)) {}
  void Fill(std::span<uint8_t> out) override {
    for (uint8_t& b : out) b = script_[pos_++ % script_.size()];
  }

 private:
  Bytes script_;
  size_t pos_ = 0;
};

Bytes Hex(std::string_view text) {
  auto bytes = FromHex(text);
  EXPECT_TRUE(bytes.ok()) << text;
  return bytes.ok() ? *bytes : Bytes{};
}

struct CommandResult {
  int exit_code;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, ""};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/ikewot-identity-key-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, std::string_view contents) {
  std::ofstream out(path, std::ios::binary);
  out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Bytes Spki(const PrivateKey& key) {
  auto der = key.public_key().ToSpkiDer();
  EXPECT_TRUE(der.ok());
  return der.ok() ? *der : Bytes{};
}

// One RSA key for the whole file: RSA generation takes a noticeable fraction of a second.
const PrivateKey& SharedRsaKey() {
  static const PrivateKey* key = [] {
    OpenSslRng rng;
    auto generated = PrivateKey::Generate(KeyType::kRsa2048, rng);
    EXPECT_TRUE(generated.ok()) << generated.error().ToString();
    return new PrivateKey(std::move(generated).value());
  }();
  return *key;
}

constexpr KeyType kDeterministicTypes[] = {KeyType::kEcdsaP256, KeyType::kEcdsaP384,
                                           KeyType::kEcdsaP521, KeyType::kEd25519};

TEST(IdentityKeyTypeTest, NamesRoundTrip) {
  for (KeyType type :
       {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521, KeyType::kEd25519,
        KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096}) {
    auto parsed = ParseKeyType(KeyTypeName(type));
    ASSERT_TRUE(parsed.has_value()) << KeyTypeName(type);
    EXPECT_EQ(*parsed, type);
  }
  EXPECT_EQ(KeyTypeName(KeyType::kEcdsaP256), "ecdsa-p256");
  EXPECT_EQ(KeyTypeName(KeyType::kRsa3072), "rsa3072");
  EXPECT_FALSE(ParseKeyType("rsa1024").has_value());
  EXPECT_FALSE(ParseKeyType("ECDSA-P256").has_value());
}

TEST(IdentityKeyTest, EcdsaAndEd25519AreAFunctionOfTheRng) {
  for (KeyType type : kDeterministicTypes) {
    DeterministicRng a(7), b(7), c(8);
    auto ka = PrivateKey::Generate(type, a);
    auto kb = PrivateKey::Generate(type, b);
    auto kc = PrivateKey::Generate(type, c);
    ASSERT_TRUE(ka.ok() && kb.ok() && kc.ok()) << KeyTypeName(type);
    EXPECT_EQ(ka->type(), type);
    EXPECT_EQ(Spki(*ka), Spki(*kb)) << KeyTypeName(type);
    EXPECT_NE(Spki(*ka), Spki(*kc)) << KeyTypeName(type);
    EXPECT_EQ(*ka->ToPkcs8Der(), *kb->ToPkcs8Der()) << KeyTypeName(type);
  }
}

TEST(IdentityKeyTest, Ed25519SecretIsTheRngBytes) {
  // RFC 8032 §7.1 TEST 1: the 32 Rng bytes are the secret key; the public key must match.
  ScriptedRng rng(Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  auto key = PrivateKey::Generate(KeyType::kEd25519, rng);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(ToHex(Spki(*key)),
            "302a300506032b6570032100"
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(key->public_key().bits(), 256);
}

TEST(IdentityKeyTest, EcdsaScalarIsDrawnByRejectionSampling) {
  // First draw is all ones (>= n, rejected), second is the scalar 2: the public key must be 2G.
  Bytes script(32, 0xff);
  Bytes two(32, 0x00);
  two[31] = 0x02;
  script.insert(script.end(), two.begin(), two.end());
  ScriptedRng rng(script);
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
  ASSERT_TRUE(key.ok()) << key.error().ToString();
  EXPECT_EQ(ToHex(Spki(*key)),
            "3059301306072a8648ce3d020106082a8648ce3d03010703420004"
            "7cf27b188d034f7e8a52380304b51ac3c08969e277f21b35a60b48fc47669978"
            "07775510db8ed040293d9ac69f7430dbba7dade63ce982299e04b79d227873d1");
}

TEST(IdentityKeyTest, RngThatNeverGivesAValidScalarIsAnError) {
  ScriptedRng zeros(Bytes(1, 0x00));
  auto key = PrivateKey::Generate(KeyType::kEcdsaP384, zeros);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.code(), ErrorCode::kCryptoFailure);
}

TEST(IdentityKeyTest, RsaKeyHasTheRequestedSize) {
  const PrivateKey& key = SharedRsaKey();
  EXPECT_EQ(key.type(), KeyType::kRsa2048);
  EXPECT_EQ(key.public_key().bits(), 2048);
  EXPECT_TRUE(IsRsa(key.type()));
  EXPECT_FALSE(IsEcdsa(key.type()));
}

TEST(IdentityKeyTest, Pkcs8DerAndPemRoundTrip) {
  std::vector<const PrivateKey*> keys = {&SharedRsaKey()};
  std::vector<PrivateKey> owned;
  for (KeyType type : kDeterministicTypes) {
    DeterministicRng rng(11);
    owned.push_back(std::move(PrivateKey::Generate(type, rng)).value());
  }
  for (const PrivateKey& k : owned) keys.push_back(&k);
  for (const PrivateKey* key : keys) {
    auto der = key->ToPkcs8Der();
    ASSERT_TRUE(der.ok());
    auto from_der = PrivateKey::FromPkcs8Der(*der);
    ASSERT_TRUE(from_der.ok()) << from_der.error().ToString();
    EXPECT_EQ(*from_der->ToPkcs8Der(), *der);
    EXPECT_TRUE(from_der->public_key().Equals(key->public_key()));

    auto pem = key->ToPkcs8Pem();
    ASSERT_TRUE(pem.ok());
    EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
    auto from_pem = PrivateKey::FromPkcs8Pem(*pem);
    ASSERT_TRUE(from_pem.ok()) << from_pem.error().ToString();
    EXPECT_EQ(*from_pem->ToPkcs8Der(), *der);
  }
}

TEST(IdentityKeyTest, OpensslReadsOurKeysAndWeReadItsKeys) {
  TempDir dir;
  DeterministicRng rng(3);
  auto ours = PrivateKey::Generate(KeyType::kEcdsaP384, rng);
  ASSERT_TRUE(ours.ok());
  WriteFile(dir.File("ours.pem"), *ours->ToPkcs8Pem());
  CommandResult pub = RunCommand("openssl pkey -in " + dir.File("ours.pem") +
                                 " -pubout -outform DER -out " + dir.File("ours.spki") + " 2>&1");
  ASSERT_EQ(pub.exit_code, 0) << pub.output;
  std::string spki = ReadFile(dir.File("ours.spki"));
  EXPECT_EQ(Bytes(spki.begin(), spki.end()), Spki(*ours));

  for (const char* algorithm :
       {"-algorithm ed25519", "-algorithm EC -pkeyopt ec_paramgen_curve:P-256",
        "-algorithm EC -pkeyopt ec_paramgen_curve:P-521",
        "-algorithm RSA -pkeyopt rsa_keygen_bits:3072"}) {
    CommandResult made =
        RunCommand(std::string("openssl genpkey ") + algorithm + " -out " + dir.File("theirs.pem") +
                   " 2>&1 && openssl pkey -in " + dir.File("theirs.pem") +
                   " -pubout -outform DER -out " + dir.File("theirs.spki") + " 2>&1");
    ASSERT_EQ(made.exit_code, 0) << made.output;
    auto theirs = PrivateKey::FromPkcs8Pem(ReadFile(dir.File("theirs.pem")));
    ASSERT_TRUE(theirs.ok()) << algorithm << ": " << theirs.error().ToString();
    std::string their_spki = ReadFile(dir.File("theirs.spki"));
    EXPECT_EQ(Bytes(their_spki.begin(), their_spki.end()), Spki(*theirs)) << algorithm;
  }
}

TEST(IdentityKeyTest, EveryTruncatedPkcs8FailsCleanly) {
  DeterministicRng rng(5);
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
  Bytes der = *key->ToPkcs8Der();
  for (size_t n = 0; n < der.size(); ++n) {
    auto parsed = PrivateKey::FromPkcs8Der(ByteView(der.data(), n));
    EXPECT_FALSE(parsed.ok()) << "prefix " << n;
  }
  Bytes longer = der;
  longer.push_back(0);
  auto trailing = PrivateKey::FromPkcs8Der(longer);
  ASSERT_FALSE(trailing.ok());
  EXPECT_EQ(trailing.code(), ErrorCode::kTrailingData);
  EXPECT_EQ(trailing.error().offset, der.size());
}

TEST(IdentityKeyTest, RefusesKeysItCannotUseAndSaysWhy) {
  auto garbage =
      PrivateKey::FromPkcs8Pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.code(), ErrorCode::kBadValue);

  auto none = PrivateKey::FromPkcs8Pem("just some text\n");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.code(), ErrorCode::kNotFound);

  DeterministicRng rng(9);
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
  std::string pem = *key->ToPkcs8Pem();
  std::string traditional = pem;
  for (std::string_view from : {"BEGIN PRIVATE KEY", "END PRIVATE KEY"}) {
    size_t at = traditional.find(from);
    traditional.replace(at, from.size(),
                        from[0] == 'B' ? "BEGIN EC PRIVATE KEY" : "END EC PRIVATE KEY");
  }
  auto refused = PrivateKey::FromPkcs8Pem(traditional);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kUnsupported);
  EXPECT_NE(refused.error().message.find("pkcs8"), std::string::npos);

  auto two = PrivateKey::FromPkcs8Pem(pem + pem);
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.code(), ErrorCode::kBadValue);

  // An RSA-1024 key: valid PKCS#8, but below our minimum.
  EVP_PKEY* weak = EVP_RSA_gen(1024);
  ASSERT_NE(weak, nullptr);
  unsigned char* p8 = nullptr;
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(weak);
  int len = i2d_PKCS8_PRIV_KEY_INFO(info, &p8);
  auto rsa1024 = PrivateKey::FromPkcs8Der(ByteView(p8, static_cast<size_t>(len)));
  OPENSSL_free(p8);
  PKCS8_PRIV_KEY_INFO_free(info);
  EVP_PKEY_free(weak);
  ASSERT_FALSE(rsa1024.ok());
  EXPECT_EQ(rsa1024.code(), ErrorCode::kUnsupported);
  EXPECT_NE(rsa1024.error().message.find("1024"), std::string::npos);
}

TEST(IdentityPublicKeyTest, SpkiRoundTripTruncationAndEquality) {
  DeterministicRng rng(1), other_rng(2);
  auto key = PrivateKey::Generate(KeyType::kEd25519, rng);
  auto other = PrivateKey::Generate(KeyType::kEd25519, other_rng);
  Bytes spki = Spki(*key);
  auto parsed = PublicKey::FromSpkiDer(spki);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->type(), KeyType::kEd25519);
  EXPECT_TRUE(parsed->Equals(key->public_key()));
  EXPECT_FALSE(parsed->Equals(other->public_key()));
  PublicKey copy = *parsed;  // copies share the key
  EXPECT_TRUE(copy.Equals(*parsed));
  for (size_t n = 0; n < spki.size(); ++n) {
    EXPECT_FALSE(PublicKey::FromSpkiDer(ByteView(spki.data(), n)).ok()) << "prefix " << n;
  }
  spki.push_back(0x00);
  EXPECT_EQ(PublicKey::FromSpkiDer(spki).code(), ErrorCode::kTrailingData);
}

TEST(IdentityPublicKeyTest, RefusesPointsOffTheCurveAndUnsupportedCurves) {
  DeterministicRng rng(4);
  auto key = PrivateKey::Generate(KeyType::kEcdsaP256, rng);
  Bytes spki = Spki(*key);
  spki.back() ^= 0x01;  // y no longer matches x
  auto off_curve = PublicKey::FromSpkiDer(spki);
  ASSERT_FALSE(off_curve.ok());

  EVP_PKEY* k1 = EVP_EC_gen("secp256k1");
  ASSERT_NE(k1, nullptr);
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(k1, &der);
  auto secp256k1 = PublicKey::FromSpkiDer(ByteView(der, static_cast<size_t>(len)));
  OPENSSL_free(der);
  EVP_PKEY_free(k1);
  ASSERT_FALSE(secp256k1.ok());
  EXPECT_EQ(secp256k1.code(), ErrorCode::kUnsupported);
  EXPECT_NE(secp256k1.error().message.find("secp256k1"), std::string::npos);
}

TEST(IdentityPemTest, DecodesBlocksInOrderAndIgnoresSurroundingText) {
  Bytes a = {0x01, 0x02, 0x03, 0x04, 0x05};
  Bytes b(100, 0xab);
  std::string text = "preamble\n" + EncodePem("CERTIFICATE", a) + "between\n" +
                     EncodePem("PRIVATE KEY", b) + "trailer";
  auto blocks = ParsePemBlocks(text);
  ASSERT_TRUE(blocks.ok()) << blocks.error().ToString();
  ASSERT_EQ(blocks->size(), 2u);
  EXPECT_EQ((*blocks)[0].label, "CERTIFICATE");
  EXPECT_EQ((*blocks)[0].der, a);
  EXPECT_EQ((*blocks)[1].label, "PRIVATE KEY");
  EXPECT_EQ((*blocks)[1].der, b);
  // 100 bytes: one full 64-column line and a shorter one.
  std::string pem = EncodePem("X", b);
  EXPECT_EQ(pem.substr(pem.find('\n') + 1, 65).back(), '\n');
  EXPECT_TRUE(ParsePemBlocks("no blocks here")->empty());
}

TEST(IdentityPemTest, MalformedArmourIsAnErrorWithAnOffset) {
  struct Case {
    std::string text;
    ErrorCode code;
  };
  const Case cases[] = {
      {"-----BEGIN X-----\nAQID\n", ErrorCode::kTruncated},                      // no END
      {"-----BEGIN X-----\nAQ*D\n-----END X-----\n", ErrorCode::kBadValue},      // bad char
      {"-----BEGIN X-----\nAQI\n-----END X-----\n", ErrorCode::kTruncated},      // 3 sextets, no =
      {"-----BEGIN X-----\nAQ==AQ==\n-----END X-----\n", ErrorCode::kBadValue},  // data after =
      {"-----BEGIN X-----\n\n-----END X-----\n", ErrorCode::kTruncated},         // empty
      {"-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\n\nAQID\n-----END X-----\n",
       ErrorCode::kUnsupported},
      {"-----BEGIN X\nAQID\n-----END X-----\n", ErrorCode::kBadValue},  // BEGIN line not closed
      {"-----BEGIN X-----\nAQID\n-----END Y-----\n", ErrorCode::kTruncated},
  };
  for (const Case& c : cases) {
    auto parsed = ParsePemBlocks(c.text);
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.code(), c.code) << c.text << " -> " << parsed.error().ToString();
    EXPECT_LE(parsed.error().offset, c.text.size());
  }
  auto padded = ParsePemBlocks("-----BEGIN X-----\nAQI=\n-----END X-----\n");
  ASSERT_TRUE(padded.ok());
  EXPECT_EQ((*padded)[0].der, (Bytes{0x01, 0x02}));
}

}  // namespace
}  // namespace ikewot::crypto
