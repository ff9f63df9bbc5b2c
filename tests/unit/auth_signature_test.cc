// IKEv2 AUTH signatures: RFC 8032 known answers, sign/verify round trips for every key type and
// method, tampering, wrong keys, policy, truncation, and interoperation with the openssl CLI in
// both directions.
#include "core/crypto/auth_signature.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/crypto/identity_pem.h"
#include "core/crypto/random.h"

namespace ikewot::crypto {
namespace {

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

Bytes Hex(std::string_view text) { return *FromHex(text); }

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
    char pattern[] = "/tmp/ikewot-auth-XXXXXX";
    path_ = mkdtemp(pattern);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, ByteView contents) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(contents.data()),
            static_cast<std::streamsize>(contents.size()));
}

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string s = buffer.str();
  return Bytes(s.begin(), s.end());
}

// Keys are made once per type (RSA generation is slow); `slot` 1 is a second, unrelated key.
const PrivateKey& SharedKey(KeyType type, int slot = 0) {
  static auto* keys = new std::map<std::pair<KeyType, int>, PrivateKey>();
  auto it = keys->find({type, slot});
  if (it == keys->end()) {
    OpenSslRng real;
    DeterministicRng seeded(static_cast<uint64_t>(type) * 10 + static_cast<uint64_t>(slot));
    auto key = IsRsa(type) ? PrivateKey::Generate(type, real) : PrivateKey::Generate(type, seeded);
    EXPECT_TRUE(key.ok());
    it = keys->emplace(std::make_pair(type, slot), std::move(key).value()).first;
  }
  return it->second;
}

const Bytes kOctets = [] {
  Bytes b;
  for (int i = 0; i < 300; ++i) b.push_back(static_cast<uint8_t>(i * 7));
  return b;
}();

std::vector<uint16_t> AllHashes() { return {1, 2, 3, 4, 5}; }

struct Case {
  KeyType key;
  uint8_t method;
  uint16_t hash;
  RsaPadding padding;
};

std::string Describe(const Case& c) {
  return std::string(KeyTypeName(c.key)) + " method " + std::to_string(c.method) + " hash " +
         std::to_string(c.hash) + (c.padding == RsaPadding::kPss ? " pss" : "");
}

std::vector<Case> AllCases() {
  std::vector<Case> cases;
  for (KeyType key : {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521}) {
    for (uint16_t hash : {2, 3, 4}) cases.push_back({key, 14, hash, RsaPadding::kPkcs1v15});
    cases.push_back({key, ClassicAuthMethod(key), 0, RsaPadding::kPkcs1v15});
  }
  cases.push_back({KeyType::kEd25519, 14, 5, RsaPadding::kPkcs1v15});
  for (uint16_t hash : {2, 3, 4}) {
    cases.push_back({KeyType::kRsa2048, 14, hash, RsaPadding::kPkcs1v15});
    cases.push_back({KeyType::kRsa2048, 14, hash, RsaPadding::kPss});
  }
  cases.push_back({KeyType::kRsa2048, 1, 0, RsaPadding::kPkcs1v15});
  return cases;
}

TEST(AuthSignatureTest, Rfc8032Ed25519VectorsThroughMethod14) {
  struct Vector {
    const char* secret;
    const char* message;
    const char* signature;
  };
  const Vector vectors[] = {
      {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "",
       "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
       "f9b46bd25bf5f0595bbe24655141438e7a100b"},
      {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "72",
       "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0"
       "f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
      {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "af82",
       "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f76098"
       "4dc6594a7c15e9716ed28dc027beceea1ec40a"},
  };
  for (const Vector& v : vectors) {
    ScriptedRng rng(Hex(v.secret));
    auto key = PrivateKey::Generate(KeyType::kEd25519, rng);
    ASSERT_TRUE(key.ok());
    Bytes message = Hex(v.message);
    auto auth = SignAuth(*key, kAuthMethodDigitalSignature, kSigHashIdentity, message);
    ASSERT_TRUE(auth.ok()) << auth.error().ToString();
    EXPECT_EQ(auth->method, kAuthMethodDigitalSignature);
    // RFC 7427 framing around the RFC 8032 signature: length 7, id-Ed25519 (RFC 8420 §2).
    EXPECT_EQ(ToHex(auth->data), std::string("07300506032b6570") + v.signature);
    std::vector<uint16_t> acceptable = {kSigHashIdentity};
    EXPECT_TRUE(VerifyAuth(key->public_key(), auth->method, auth->data, message, acceptable).ok());
  }
}

TEST(AuthSignatureTest, EveryKeyTypeAndMethodRoundTrips) {
  for (const Case& c : AllCases()) {
    SCOPED_TRACE(Describe(c));
    const PrivateKey& key = SharedKey(c.key);
    auto auth = SignAuth(key, c.method, c.hash, kOctets, c.padding);
    ASSERT_TRUE(auth.ok()) << auth.error().ToString();
    EXPECT_EQ(auth->method, c.method);
    Status ok = VerifyAuth(key.public_key(), c.method, auth->data, kOctets, AllHashes());
    EXPECT_TRUE(ok.ok()) << ok.error().ToString();
  }
}

TEST(AuthSignatureTest, ClassicMethodsHaveFixedSizes) {
  struct Size {
    KeyType key;
    uint8_t method;
    size_t size;
  };
  for (const Size& s : {Size{KeyType::kEcdsaP256, 9, 64}, Size{KeyType::kEcdsaP384, 10, 96},
                        Size{KeyType::kEcdsaP521, 11, 132}, Size{KeyType::kRsa2048, 1, 256}}) {
    // Many signatures, so that r or s with leading zero octets are padded at least sometimes.
    for (int i = 0; i < 20; ++i) {
      auto auth = SignAuth(SharedKey(s.key), s.method, 0, kOctets);
      ASSERT_TRUE(auth.ok());
      ASSERT_EQ(auth->data.size(), s.size) << int(s.method);
      EXPECT_TRUE(
          VerifyAuth(SharedKey(s.key).public_key(), s.method, auth->data, kOctets, AllHashes())
              .ok());
    }
  }
}

TEST(AuthSignatureTest, TamperingWrongKeysAndWrongMessagesFail) {
  for (const Case& c : AllCases()) {
    SCOPED_TRACE(Describe(c));
    const PrivateKey& key = SharedKey(c.key);
    auto auth = SignAuth(key, c.method, c.hash, kOctets, c.padding);
    ASSERT_TRUE(auth.ok());
    Bytes tampered = auth->data;
    tampered.back() ^= 0x01;
    EXPECT_EQ(VerifyAuth(key.public_key(), c.method, tampered, kOctets, AllHashes()).code(),
              ErrorCode::kAuthFailure);
    Bytes other_octets = kOctets;
    other_octets[17] ^= 0x80;
    EXPECT_EQ(VerifyAuth(key.public_key(), c.method, auth->data, other_octets, AllHashes()).code(),
              ErrorCode::kAuthFailure);
    const PrivateKey& other = SharedKey(c.key, 1);
    Status wrong = VerifyAuth(other.public_key(), c.method, auth->data, kOctets, AllHashes());
    EXPECT_EQ(wrong.code(), ErrorCode::kAuthFailure);
    EXPECT_NE(wrong.error().message.find("does not verify"), std::string::npos);
  }
}

TEST(AuthSignatureTest, EveryTruncatedAuthDataFailsCleanly) {
  for (const Case& c : AllCases()) {
    SCOPED_TRACE(Describe(c));
    const PrivateKey& key = SharedKey(c.key);
    auto auth = SignAuth(key, c.method, c.hash, kOctets, c.padding);
    ASSERT_TRUE(auth.ok());
    for (size_t n = 0; n < auth->data.size(); ++n) {
      Status status = VerifyAuth(key.public_key(), c.method, ByteView(auth->data.data(), n),
                                 kOctets, AllHashes());
      ASSERT_FALSE(status.ok()) << "prefix " << n;
      EXPECT_NE(status.code(), ErrorCode::kCryptoFailure) << status.error().ToString();
    }
  }
}

TEST(AuthSignatureTest, AlgorithmMustFitTheKey) {
  auto ecdsa = SignAuth(SharedKey(KeyType::kEcdsaP256), 14, 2, kOctets);
  auto rsa = SignAuth(SharedKey(KeyType::kRsa2048), 14, 2, kOctets);
  auto ed = SignAuth(SharedKey(KeyType::kEd25519), 14, 5, kOctets);
  ASSERT_TRUE(ecdsa.ok() && rsa.ok() && ed.ok());
  Status s1 =
      VerifyAuth(SharedKey(KeyType::kRsa2048).public_key(), 14, ecdsa->data, kOctets, AllHashes());
  EXPECT_EQ(s1.code(), ErrorCode::kBadValue);
  EXPECT_NE(s1.error().message.find("ecdsa-with-SHA256"), std::string::npos) << s1.error().message;
  EXPECT_EQ(
      VerifyAuth(SharedKey(KeyType::kEd25519).public_key(), 14, rsa->data, kOctets, AllHashes())
          .code(),
      ErrorCode::kBadValue);
  EXPECT_EQ(
      VerifyAuth(SharedKey(KeyType::kEcdsaP256).public_key(), 14, ed->data, kOctets, AllHashes())
          .code(),
      ErrorCode::kBadValue);
  // Classic ECDSA methods fix the curve: a P-384 key cannot verify method 9.
  auto p256 = SignAuth(SharedKey(KeyType::kEcdsaP256), 9, 0, kOctets);
  EXPECT_EQ(
      VerifyAuth(SharedKey(KeyType::kEcdsaP384).public_key(), 9, p256->data, kOctets, AllHashes())
          .code(),
      ErrorCode::kBadValue);
  EXPECT_EQ(
      VerifyAuth(SharedKey(KeyType::kEcdsaP256).public_key(), 1, rsa->data, kOctets, AllHashes())
          .code(),
      ErrorCode::kBadValue);
}

TEST(AuthSignatureTest, SignerRefusesMisusedArguments) {
  const PrivateKey& p256 = SharedKey(KeyType::kEcdsaP256);
  EXPECT_EQ(SignAuth(p256, 14, kSigHashSha1, kOctets).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(SignAuth(p256, 14, kSigHashIdentity, kOctets).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SignAuth(p256, 14, 9, kOctets).code(), ErrorCode::kUnsupported);
  EXPECT_EQ(SignAuth(SharedKey(KeyType::kEd25519), 14, 2, kOctets).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(SignAuth(p256, 10, 0, kOctets).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SignAuth(p256, 9, kSigHashSha384, kOctets).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SignAuth(p256, 1, 0, kOctets).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SignAuth(p256, 2, 0, kOctets).code(), ErrorCode::kUnsupported);  // shared key MIC
  EXPECT_TRUE(SignAuth(p256, 9, kSigHashSha256, kOctets).ok());
  EXPECT_EQ(VerifyAuth(p256.public_key(), 2, Bytes(32, 0), kOctets, AllHashes()).code(),
            ErrorCode::kUnsupported);
}

TEST(AuthSignatureTest, HashesOutsidePolicyAreRefusedBeforeAnyCrypto) {
  const PrivateKey& rsa = SharedKey(KeyType::kRsa2048);
  auto legacy = SignAuth(rsa, kAuthMethodRsaSignature, 0, kOctets);
  ASSERT_TRUE(legacy.ok());
  std::vector<uint16_t> modern = SupportedSignatureHashes();
  Status refused = VerifyAuth(rsa.public_key(), 1, legacy->data, kOctets, modern);
  EXPECT_EQ(refused.code(), ErrorCode::kUnsupported);
  EXPECT_NE(refused.error().message.find("SHA1"), std::string::npos);
  std::vector<uint16_t> with_sha1 = {kSigHashSha1};
  EXPECT_TRUE(VerifyAuth(rsa.public_key(), 1, legacy->data, kOctets, with_sha1).ok());

  auto sha512 = SignAuth(SharedKey(KeyType::kEcdsaP256), 14, kSigHashSha512, kOctets);
  std::vector<uint16_t> only256 = {kSigHashSha256};
  EXPECT_EQ(
      VerifyAuth(SharedKey(KeyType::kEcdsaP256).public_key(), 14, sha512->data, kOctets, only256)
          .code(),
      ErrorCode::kUnsupported);
  std::vector<uint16_t> none;
  EXPECT_EQ(VerifyAuth(SharedKey(KeyType::kEcdsaP256).public_key(), 14, sha512->data, kOctets, none)
                .code(),
            ErrorCode::kUnsupported);
}

TEST(AuthSignatureTest, HashNegotiationHelpers) {
  EXPECT_EQ(SupportedSignatureHashes(), (std::vector<uint16_t>{2, 3, 4, 5}));
  std::vector<uint16_t> strongswan = {2, 3, 4, 5};
  std::vector<uint16_t> only_sha1 = {1};
  std::vector<uint16_t> no_identity = {4, 2};
  EXPECT_EQ(PreferredHash(KeyType::kEcdsaP256, strongswan), 2);
  EXPECT_EQ(PreferredHash(KeyType::kEcdsaP384, strongswan), 3);
  EXPECT_EQ(PreferredHash(KeyType::kEcdsaP521, strongswan), 4);
  EXPECT_EQ(PreferredHash(KeyType::kRsa3072, strongswan), 2);
  EXPECT_EQ(PreferredHash(KeyType::kEd25519, strongswan), 5);
  EXPECT_EQ(PreferredHash(KeyType::kEd25519, no_identity), 0);
  EXPECT_EQ(PreferredHash(KeyType::kEcdsaP384, no_identity), 4);
  EXPECT_EQ(PreferredHash(KeyType::kRsa2048, only_sha1), 0);  // never SHA-1 for method 14
  EXPECT_EQ(ClassicAuthMethod(KeyType::kRsa4096), 1);
  EXPECT_EQ(ClassicAuthMethod(KeyType::kEcdsaP256), 9);
  EXPECT_EQ(ClassicAuthMethod(KeyType::kEcdsaP384), 10);
  EXPECT_EQ(ClassicAuthMethod(KeyType::kEcdsaP521), 11);
  EXPECT_EQ(ClassicAuthMethod(KeyType::kEd25519), 0);
  EXPECT_EQ(AuthMethodName(14), "Digital Signature");
  EXPECT_EQ(SignatureHashName(3), "SHA2-384");
}

// Our signatures verify with the openssl CLI, and openssl's verify with us.
TEST(AuthSignatureTest, InteroperatesWithOpensslBothWays) {
  TempDir dir;
  WriteFile(dir.File("msg"), kOctets);
  struct Interop {
    KeyType key;
    uint16_t hash;
    RsaPadding padding;
    std::string openssl_verify;  // takes pub.pem, sig, msg
    std::string openssl_sign;    // takes key.pem, msg, writes sig
  };
  const std::string pss = " -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:";
  const std::string pssm = " -sigopt rsa_mgf1_md:";
  const Interop cases[] = {
      {KeyType::kEcdsaP256, 2, RsaPadding::kPkcs1v15,
       "openssl dgst -sha256 -verify PUB -signature SIG MSG",
       "openssl dgst -sha256 -sign KEY -out SIG MSG"},
      {KeyType::kEcdsaP384, 4, RsaPadding::kPkcs1v15,
       "openssl dgst -sha512 -verify PUB -signature SIG MSG",
       "openssl dgst -sha512 -sign KEY -out SIG MSG"},
      {KeyType::kRsa2048, 3, RsaPadding::kPkcs1v15,
       "openssl dgst -sha384 -verify PUB -signature SIG MSG",
       "openssl dgst -sha384 -sign KEY -out SIG MSG"},
      {KeyType::kRsa2048, 2, RsaPadding::kPss,
       "openssl dgst -sha256" + pss + "32" + pssm + "sha256 -verify PUB -signature SIG MSG",
       "openssl dgst -sha256" + pss + "32" + pssm + "sha256 -sign KEY -out SIG MSG"},
      {KeyType::kRsa2048, 4, RsaPadding::kPss,
       "openssl dgst -sha512" + pss + "64" + pssm + "sha512 -verify PUB -signature SIG MSG",
       "openssl dgst -sha512" + pss + "64" + pssm + "sha512 -sign KEY -out SIG MSG"},
      {KeyType::kEd25519, 5, RsaPadding::kPkcs1v15,
       "openssl pkeyutl -verify -pubin -inkey PUB -rawin -in MSG -sigfile SIG",
       "openssl pkeyutl -sign -inkey KEY -rawin -in MSG -out SIG"},
  };
  auto expand = [&](std::string command) {
    for (auto [from, to] : {std::pair<std::string, std::string>{"PUB", dir.File("pub.pem")},
                            {"KEY", dir.File("key.pem")},
                            {"SIG", dir.File("sig")},
                            {"MSG", dir.File("msg")}}) {
      for (size_t at; (at = command.find(from)) != std::string::npos;) {
        command.replace(at, from.size(), to);
      }
    }
    return command + " 2>&1";
  };
  for (const Interop& c : cases) {
    SCOPED_TRACE(c.openssl_verify);
    const PrivateKey& key = SharedKey(c.key);
    WriteFile(dir.File("pub.pem"), AsBytes(EncodePem("PUBLIC KEY", *key.public_key().ToSpkiDer())));
    WriteFile(dir.File("key.pem"), AsBytes(*key.ToPkcs8Pem()));

    auto auth = SignAuth(key, 14, c.hash, kOctets, c.padding);
    ASSERT_TRUE(auth.ok());
    auto parsed = ParseDigitalSignatureAuthData(auth->data);
    ASSERT_TRUE(parsed.ok());
    WriteFile(dir.File("sig"), parsed->signature);
    CommandResult verified = RunCommand(expand(c.openssl_verify));
    EXPECT_EQ(verified.exit_code, 0) << verified.output;

    CommandResult signed_by_openssl = RunCommand(expand(c.openssl_sign));
    ASSERT_EQ(signed_by_openssl.exit_code, 0) << signed_by_openssl.output;
    SignatureScheme scheme = IsEcdsa(c.key)                  ? SignatureScheme::kEcdsa
                             : c.key == KeyType::kEd25519    ? SignatureScheme::kEd25519
                             : c.padding == RsaPadding::kPss ? SignatureScheme::kRsaPss
                                                             : SignatureScheme::kRsaPkcs1v15;
    auto theirs = EncodeDigitalSignatureAuthData(scheme, c.hash, ReadFile(dir.File("sig")));
    ASSERT_TRUE(theirs.ok());
    Status status = VerifyAuth(key.public_key(), 14, *theirs, kOctets, AllHashes());
    EXPECT_TRUE(status.ok()) << status.error().ToString();
  }
}

}  // namespace
}  // namespace ikewot::crypto
