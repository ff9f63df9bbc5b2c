// Real IKEv2 traffic: every IKEv2 datagram under tests/vectors/ must parse, re-serialize byte for
// byte and validate. Where the capture comes with its session keys (keys.json), the SK payloads
// are decrypted here with OpenSSL and their plaintext payload chains must parse and re-serialize
// byte for byte as well, which exercises IDi/IDr, CERT, CERTREQ, AUTH, SA, TS, N and CP from a
// real implementation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/openssl_handles.h"
#include "core/ikev2/describe.h"
#include "core/ikev2/validate.h"

namespace ikewot::ikev2 {
namespace {

namespace fs = std::filesystem;

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool IsIkev2Datagram(const Bytes& data) {
  return data.size() >= kHeaderSize && (data[17] >> 4) == kIkev2MajorVersion;
}

std::vector<fs::path> Ikev2Vectors() {
  std::vector<fs::path> found;
  fs::path root(IKEWOT_TEST_DATA_DIR);
  if (!fs::exists(root)) return found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".bin") continue;
    if (IsIkev2Datagram(ReadFile(entry.path()))) found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

TEST(Ikev2VectorsTest, EveryIkev2VectorParsesReserializesAndValidates) {
  std::vector<fs::path> vectors = Ikev2Vectors();
  std::printf("checking %zu IKEv2 datagrams\n", vectors.size());
  ASSERT_FALSE(vectors.empty()) << "no IKEv2 .bin vectors under " << IKEWOT_TEST_DATA_DIR;
  for (const fs::path& path : vectors) {
    SCOPED_TRACE(path.string());
    Bytes wire = ReadFile(path);
    Result<Message> message = ParseMessage(wire);
    ASSERT_TRUE(message.ok()) << message.error().ToString();
    Result<Bytes> again = SerializeMessage(*message);
    ASSERT_TRUE(again.ok()) << again.error().ToString();
    EXPECT_EQ(ToHex(*again), ToHex(wire));
    Status valid = ValidateMessage(*message);
    EXPECT_TRUE(valid.ok()) << valid.error().ToString();
    EXPECT_FALSE(FormatMessage(*message).empty());
  }
}

// The few string members of keys.json that the decryption needs.
std::optional<std::string> JsonStringMember(const std::string& json, const std::string& key) {
  std::string needle = "\"" + key + "\": \"";
  size_t start = json.find(needle);
  if (start == std::string::npos) return std::nullopt;
  start += needle.size();
  size_t end = json.find('"', start);
  if (end == std::string::npos) return std::nullopt;
  return json.substr(start, end - start);
}

struct SessionKeys {
  std::string encryption;  // "AES_CBC_256", "AES_GCM_16_256", "CHACHA20_POLY1305", ...
  std::string integrity;   // "HMAC_SHA2_256_128", ... or empty for AEAD
  Bytes sk_ei, sk_er, sk_ai, sk_ar;
};

std::optional<SessionKeys> LoadKeys(const fs::path& directory) {
  Bytes raw = ReadFile(directory / "keys.json");
  std::string json(raw.begin(), raw.end());
  SessionKeys keys;
  auto hex = [&](const char* key) {
    std::optional<std::string> text = JsonStringMember(json, key);
    return text ? FromHex(*text).value() : Bytes{};
  };
  std::optional<std::string> encryption = JsonStringMember(json, "encryption");
  if (!encryption) return std::nullopt;
  keys.encryption = *encryption;
  keys.integrity = JsonStringMember(json, "integrity").value_or("");
  keys.sk_ei = hex("sk_ei");
  keys.sk_er = hex("sk_er");
  keys.sk_ai = hex("sk_ai");
  keys.sk_ar = hex("sk_ar");
  return keys;
}

struct Decrypted {
  Bytes payloads;     // the inner chain, padding removed
  size_t offset = 0;  // where the plaintext starts in the datagram (after the IV)
};

std::optional<Decrypted> Strip(Bytes plaintext, size_t offset) {
  if (plaintext.empty() || plaintext.back() + 1u > plaintext.size()) return std::nullopt;
  plaintext.resize(plaintext.size() - plaintext.back() - 1);
  return Decrypted{std::move(plaintext), offset};
}

bool CipherUpdate(EVP_CIPHER_CTX* ctx, ByteView in, Bytes* out) {
  out->resize(in.size() + 32);
  int length = 0;
  if (EVP_DecryptUpdate(ctx, out->data(), &length, in.data(), static_cast<int>(in.size())) != 1) {
    return false;
  }
  int final_length = 0;
  if (EVP_DecryptFinal_ex(ctx, out->data() + length, &final_length) != 1) return false;
  out->resize(static_cast<size_t>(length + final_length));
  return true;
}

// RFC 7296 §3.14 with AES-CBC and HMAC-SHA2 (RFC 4868).
// `data` is the SK/SKF data (IV onward), found at `data_offset` in `wire`.
std::optional<Decrypted> DecryptCbc(const Bytes& wire, ByteView data, size_t data_offset,
                                    ByteView key, ByteView integrity_key,
                                    const std::string& integrity) {
  std::map<std::string, std::pair<const char*, size_t>> macs = {
      {"HMAC_SHA2_256_128", {"SHA256", 16}},
      {"HMAC_SHA2_384_192", {"SHA384", 24}},
      {"HMAC_SHA2_512_256", {"SHA512", 32}}};
  auto mac_spec = macs.find(integrity);
  if (mac_spec == macs.end()) return std::nullopt;
  size_t icv_size = mac_spec->second.second;
  constexpr size_t kIvSize = 16;
  if (data.size() < kIvSize + icv_size) return std::nullopt;
  // Integrity first: HMAC over the whole datagram up to the ICV.
  ossl::MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  ossl::MacCtxPtr mac_ctx(EVP_MAC_CTX_new(mac.get()));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string("digest", const_cast<char*>(mac_spec->second.first), 0),
      OSSL_PARAM_construct_end()};
  uint8_t full_mac[64];
  size_t mac_length = 0;
  size_t covered = wire.size() - icv_size;
  if (!mac_ctx ||
      EVP_MAC_init(mac_ctx.get(), integrity_key.data(), integrity_key.size(), params) != 1 ||
      EVP_MAC_update(mac_ctx.get(), wire.data(), covered) != 1 ||
      EVP_MAC_final(mac_ctx.get(), full_mac, &mac_length, sizeof(full_mac)) != 1) {
    return std::nullopt;
  }
  if (!ConstantTimeEqual(ByteView(full_mac, icv_size), ByteView(wire).subspan(covered))) {
    ADD_FAILURE() << "ICV mismatch";
    return std::nullopt;
  }
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_cbc()
                             : key.size() == 24 ? EVP_aes_192_cbc()
                                                : EVP_aes_256_cbc();
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, key.data(), data.data()) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return std::nullopt;
  }
  Bytes plaintext;
  if (!CipherUpdate(ctx.get(), data.subspan(kIvSize, data.size() - kIvSize - icv_size),
                    &plaintext)) {
    return std::nullopt;
  }
  return Strip(std::move(plaintext), data_offset + kIvSize);
}

// RFC 5282 (AES-GCM) and RFC 7634 (ChaCha20-Poly1305): 8-octet IV, 16-octet tag, the key's last
// four octets are the salt, the associated data is everything before the IV.
std::optional<Decrypted> DecryptAead(const Bytes& wire, ByteView data, size_t data_offset,
                                     ByteView key, bool chacha) {
  constexpr size_t kIvSize = 8, kTagSize = 16, kSaltSize = 4;
  if (key.size() <= kSaltSize || data.size() < kIvSize + kTagSize) return std::nullopt;
  ByteView cipher_key = key.first(key.size() - kSaltSize);
  Bytes nonce(key.end() - kSaltSize, key.end());
  nonce.insert(nonce.end(), data.begin(), data.begin() + kIvSize);
  const EVP_CIPHER* cipher = chacha                    ? EVP_chacha20_poly1305()
                             : cipher_key.size() == 16 ? EVP_aes_128_gcm()
                             : cipher_key.size() == 24 ? EVP_aes_192_gcm()
                                                       : EVP_aes_256_gcm();
  ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int unused = 0;
  Bytes tag(data.end() - kTagSize, data.end());
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), cipher, nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, cipher_key.data(), nonce.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &unused, wire.data(), static_cast<int>(data_offset)) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagSize, tag.data()) != 1) {
    return std::nullopt;
  }
  Bytes plaintext;
  if (!CipherUpdate(ctx.get(), data.subspan(kIvSize, data.size() - kIvSize - kTagSize),
                    &plaintext)) {
    ADD_FAILURE() << "AEAD tag mismatch";
    return std::nullopt;
  }
  return Strip(std::move(plaintext), data_offset + kIvSize);
}

// Decrypts the SK or SKF payload that ends `message` (the SKF plaintext is one fragment's share
// of the inner chain, RFC 7383 §2.5.3).
std::optional<Decrypted> Decrypt(const Bytes& wire, const Message& message,
                                 const SessionKeys& keys) {
  if (message.payloads.empty()) return std::nullopt;
  ByteView data;
  size_t data_offset = 0;
  if (const auto* sk = message.payloads.back().As<EncryptedPayload>()) {
    data = sk->data;
    data_offset = sk->data_offset;
  } else if (const auto* skf = message.payloads.back().As<EncryptedFragmentPayload>()) {
    data = skf->data;
    data_offset = skf->data_offset;
  } else {
    return std::nullopt;
  }
  bool from_initiator = message.header.initiator;
  ByteView key = from_initiator ? keys.sk_ei : keys.sk_er;
  ByteView integrity_key = from_initiator ? keys.sk_ai : keys.sk_ar;
  if (keys.encryption.starts_with("AES_CBC")) {
    return DecryptCbc(wire, data, data_offset, key, integrity_key, keys.integrity);
  }
  if (keys.encryption.starts_with("AES_GCM_16")) {
    return DecryptAead(wire, data, data_offset, key, false);
  }
  if (keys.encryption == "CHACHA20_POLY1305") {
    return DecryptAead(wire, data, data_offset, key, true);
  }
  return std::nullopt;
}

// Fragments of one message collected until all have arrived.
struct FragmentSet {
  uint8_t first_inner_payload = 0;
  size_t first_offset = 0;
  std::map<uint16_t, Bytes> plaintexts;
  uint16_t total = 0;
};

void CheckInnerChain(const fs::path& directory, const Header& header, const Bytes& plaintext,
                     uint8_t first_inner_payload, size_t offset, bool* saw_auth_with_cert) {
  Result<std::vector<Payload>> inner = ParsePayloadChain(plaintext, first_inner_payload, offset);
  ASSERT_TRUE(inner.ok()) << inner.error().ToString();
  Result<Bytes> again = SerializePayloadChain(*inner);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(ToHex(*again), ToHex(plaintext));
  Status valid = ValidateDecryptedPayloads(header, *inner);
  EXPECT_TRUE(valid.ok()) << valid.error().ToString();
  if (header.exchange_type != ExchangeType::kIkeAuth) return;
  bool request = !header.response;
  EXPECT_NE(FindPayload(*inner, request ? PayloadType::kIdInitiator : PayloadType::kIdResponder),
            nullptr);
  EXPECT_NE(FindPayload(*inner, PayloadType::kAuthentication), nullptr);
  const Payload* cert = FindPayload(*inner, PayloadType::kCertificate);
  fs::path der = directory / (request ? "initiator.der" : "responder.der");
  if (cert != nullptr && fs::exists(der)) {
    EXPECT_EQ(cert->As<CertPayload>()->data, ReadFile(der))
        << "the CERT payload carries the peer's certificate";
    *saw_auth_with_cert = true;
  }
}

TEST(Ikev2VectorsTest, DecryptedContentOfRealExchangesParsesByteExactly) {
  size_t decrypted_sk = 0, reassembled = 0;
  bool saw_auth_with_cert = false;
  std::map<std::string, FragmentSet> fragments;  // by directory, message ID and direction
  for (const fs::path& path : Ikev2Vectors()) {
    fs::path directory = path.parent_path();
    if (!fs::exists(directory / "keys.json")) continue;
    std::optional<SessionKeys> keys = LoadKeys(directory);
    if (!keys) continue;
    SCOPED_TRACE(path.string());
    Bytes wire = ReadFile(path);
    Result<Message> message = ParseMessage(wire);
    ASSERT_TRUE(message.ok()) << message.error().ToString();
    std::optional<Decrypted> plain = Decrypt(wire, *message, *keys);
    if (!plain) continue;
    const Payload& last = message->payloads.back();
    if (const auto* sk = last.As<EncryptedPayload>()) {
      ++decrypted_sk;
      CheckInnerChain(directory, message->header, plain->payloads,
                      static_cast<uint8_t>(sk->first_inner_payload), plain->offset,
                      &saw_auth_with_cert);
      continue;
    }
    const auto& skf = *last.As<EncryptedFragmentPayload>();
    std::string key = directory.string() + "/" + std::to_string(message->header.message_id) +
                      (message->header.response ? "R" : "I");
    FragmentSet& set = fragments[key];
    set.total = skf.total_fragments;
    if (skf.fragment_number == 1) {
      set.first_inner_payload = static_cast<uint8_t>(skf.first_inner_payload);
      set.first_offset = plain->offset;
    }
    set.plaintexts[skf.fragment_number] = plain->payloads;
    if (set.plaintexts.size() == set.total) {
      Bytes whole;
      for (const auto& [number, part] : set.plaintexts)
        whole.insert(whole.end(), part.begin(), part.end());
      ++reassembled;
      // Offsets past the first fragment do not map to one datagram; they count from fragment 1.
      CheckInnerChain(directory, message->header, whole, set.first_inner_payload, set.first_offset,
                      &saw_auth_with_cert);
    }
  }
  std::printf("decrypted %zu SK payloads and reassembled %zu fragmented messages\n", decrypted_sk,
              reassembled);
  EXPECT_GT(decrypted_sk, 0u) << "no vector with keys.json could be decrypted";
  EXPECT_TRUE(saw_auth_with_cert);
}

}  // namespace
}  // namespace ikewot::ikev2
