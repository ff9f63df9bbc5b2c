#include "core/crypto/prepared.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <algorithm>

namespace ikewot::crypto {
namespace {

template <typename Entries>
auto FindNamed(Entries& entries, std::string_view name) {
  return std::find_if(entries.begin(), entries.end(),
                      [&](const auto& entry) { return entry.name == name; });
}

}  // namespace

const EVP_MD_CTX* SignatureTemplates::Find(const EVP_PKEY* key, uint64_t setup) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.key == key && e.setup == setup; });
  if (it == entries_.end()) return nullptr;
  if (it + 1 != entries_.end()) std::rotate(it, it + 1, entries_.end());  // now the newest
  return entries_.back().ctx.get();
}

void SignatureTemplates::Store(const EVP_PKEY* key, uint64_t setup, ossl::MdCtxPtr ctx) {
  if (max_entries_ == 0) return;
  if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
  entries_.push_back(Entry{key, setup, std::move(ctx)});
}

const EVP_MD* PreparedCrypto::Digest(std::string_view name) {
  if (auto it = FindNamed(digests_, name); it != digests_.end()) return it->handle.get();
  std::string owned(name);
  ossl::MdPtr md(EVP_MD_fetch(nullptr, owned.c_str(), nullptr));
  if (!md) return nullptr;
  digests_.push_back({std::move(owned), std::move(md)});
  return digests_.back().handle.get();
}

const EVP_CIPHER* PreparedCrypto::Cipher(std::string_view name) {
  if (auto it = FindNamed(ciphers_, name); it != ciphers_.end()) return it->handle.get();
  std::string owned(name);
  ossl::CipherPtr cipher(EVP_CIPHER_fetch(nullptr, owned.c_str(), nullptr));
  if (!cipher) return nullptr;
  ciphers_.push_back({std::move(owned), std::move(cipher)});
  return ciphers_.back().handle.get();
}

Result<ossl::MacCtxPtr> PreparedCrypto::KeyedHmac(std::string_view digest_name, ByteView key) {
  auto it = FindNamed(hmac_templates_, digest_name);
  if (it == hmac_templates_.end()) {
    if (!hmac_) {
      hmac_.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
      if (!hmac_) return ossl::CryptoError("EVP_MAC_fetch HMAC");
    }
    std::string owned(digest_name);
    ossl::MacCtxPtr unkeyed(EVP_MAC_CTX_new(hmac_.get()));
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, owned.data(), 0),
                           OSSL_PARAM_construct_end()};
    if (!unkeyed || EVP_MAC_CTX_set_params(unkeyed.get(), params) != 1) {
      return ossl::CryptoError("HMAC template for " + owned);
    }
    hmac_templates_.push_back({std::move(owned), std::move(unkeyed)});
    it = hmac_templates_.end() - 1;
  }
  ossl::MacCtxPtr ctx(EVP_MAC_CTX_dup(it->handle.get()));
  if (!ctx) return ossl::CryptoError("EVP_MAC_CTX_dup");
  // OpenSSL rejects a NULL key pointer even with length 0; an empty HMAC key is legal.
  static constexpr uint8_t kNoKey[1] = {0};
  if (EVP_MAC_init(ctx.get(), key.empty() ? kNoKey : key.data(), key.size(), nullptr) != 1) {
    return ossl::CryptoError("EVP_MAC_init HMAC");
  }
  return ctx;
}

Result<ossl::PkeyPtr> PreparedCrypto::KeyFromData(const char* key_type, int selection,
                                                  OSSL_PARAM params[]) {
  auto it = FindNamed(fromdata_, key_type);
  if (it == fromdata_.end()) {
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, key_type, nullptr));
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
      return ossl::CryptoError(std::string("EVP_PKEY_fromdata_init ") + key_type);
    }
    fromdata_.push_back({key_type, std::move(ctx)});
    it = fromdata_.end() - 1;
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(it->handle.get(), &raw, selection, params) != 1) {
    return ossl::CryptoError(std::string("EVP_PKEY_fromdata ") + key_type);
  }
  return ossl::PkeyPtr(raw);
}

Result<EVP_PKEY*> PreparedCrypto::EcxPeerKey(int pkey_type, ByteView public_value) {
  if (pkey_type != EVP_PKEY_X25519 && pkey_type != EVP_PKEY_X448) {
    return MakeError(ErrorCode::kInvalidArgument, "scratch peer keys are for X25519/X448 only");
  }
  ossl::PkeyPtr& scratch = pkey_type == EVP_PKEY_X25519 ? x25519_peer_ : x448_peer_;
  if (!scratch) {
    scratch.reset(
        EVP_PKEY_new_raw_public_key(pkey_type, nullptr, public_value.data(), public_value.size()));
    if (!scratch) return ossl::CryptoError("ECX peer key");
    return scratch.get();
  }
  // RFC 7748 keys are only their public value: replacing it makes the key that peer's key.
  if (EVP_PKEY_set1_encoded_public_key(scratch.get(), public_value.data(), public_value.size()) !=
      1) {
    scratch.reset();  // in whatever state the failure left it: make a new one next time
    return ossl::CryptoError("ECX peer key: set public value");
  }
  return scratch.get();
}

}  // namespace ikewot::crypto
