// PreparedCrypto: OpenSSL 3 algorithms fetched once and contexts prepared once, for an owner
// that runs the same operations over and over (one per engine::IkeNode).
//
// Why: OpenSSL 3.0 looks an algorithm up again (an implicit fetch: a lock and a hash-table walk)
// every time a legacy handle such as EVP_sha256() or a name reaches EVP_DigestSignInit,
// EVP_MAC_init, EVP_CIPHER_fetch or EVP_PKEY_new_raw_*, and builds every provider context from
// nothing. Keeping the fetched algorithm and duplicating a prepared context (EVP_MAC_CTX_dup,
// EVP_MD_CTX_copy_ex) skips both; measured per IKEv2 handshake in docs/bench/handshake.md.
//
// Ownership and lifetime: there is no global instance. The owner creates one and hands a pointer
// down (the engine: IkeNode -> SaContext -> the crypto calls); every function that takes a
// `PreparedCrypto*` also accepts nullptr and then makes the plain, unprepared OpenSSL calls, with
// the same results. Everything is made on first use, so an owner pays only for what it uses.
// Not thread-safe: one owner, one thread. The contexts and keys it returns in handles are
// independent objects the caller owns; the raw pointers it returns (fetched algorithms, the
// scratch peer key) belong to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/crypto/openssl_handles.h"

namespace ikewot::crypto {

// Prepared signing or verification contexts (EVP_DigestSignInit / EVP_DigestVerifyInit already
// done) for a few keys, least recently used dropped first. A template holds a reference to its
// key, so the key's address identifies it for as long as the template lives.
class SignatureTemplates {
 public:
  explicit SignatureTemplates(size_t max_entries) : max_entries_(max_entries) {}
  SignatureTemplates(const SignatureTemplates&) = delete;
  SignatureTemplates& operator=(const SignatureTemplates&) = delete;

  // The template for (key, setup), or nullptr. `setup` is the caller's encoding of everything
  // else the context was initialised with (hash, padding, salt length, sign or verify).
  const EVP_MD_CTX* Find(const EVP_PKEY* key, uint64_t setup);
  // Keeps `ctx` (initialised for key and setup) as the template for them.
  void Store(const EVP_PKEY* key, uint64_t setup, ossl::MdCtxPtr ctx);
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    const EVP_PKEY* key;
    uint64_t setup;
    ossl::MdCtxPtr ctx;
  };
  size_t max_entries_;
  std::vector<Entry> entries_;  // most recently used last; a handful of entries
};

class PreparedCrypto {
 public:
  PreparedCrypto() = default;
  PreparedCrypto(const PreparedCrypto&) = delete;
  PreparedCrypto& operator=(const PreparedCrypto&) = delete;

  // Fetched algorithms by OpenSSL name ("SHA1", "SHA2-256", "AES-256-GCM", ...); nullptr (with
  // OpenSSL's error queue set) when the name is unknown. Valid as long as this object.
  const EVP_MD* Digest(std::string_view name);
  const EVP_CIPHER* Cipher(std::string_view name);

  // A fresh HMAC context over `digest_name`, keyed with `key`: a duplicate of a prepared,
  // unkeyed template, then EVP_MAC_init with the key.
  Result<ossl::MacCtxPtr> KeyedHmac(std::string_view digest_name, ByteView key);

  // A new EVP_PKEY of `key_type` ("X25519", "X448", ...) from `params`, through one prepared
  // EVP_PKEY_fromdata context per type instead of a new context per key.
  Result<ossl::PkeyPtr> KeyFromData(const char* key_type, int selection, OSSL_PARAM params[]);

  // A key of `pkey_type` (EVP_PKEY_X25519 or EVP_PKEY_X448) holding `public_value`: one scratch
  // key per type whose public value is replaced on every call, instead of a new EVP_PKEY per
  // peer. The pointer stays valid until the next call for the same type; callers use it at once
  // (EVP_PKEY_derive_set_peer takes its own reference) and keep nothing.
  Result<EVP_PKEY*> EcxPeerKey(int pkey_type, ByteView public_value);

  // Our own signing contexts (a node signs with one or two keys).
  SignatureTemplates& signing() { return signing_; }

 private:
  template <typename Handle>
  struct Named {
    std::string name;
    Handle handle;
  };
  std::vector<Named<ossl::MdPtr>> digests_;
  std::vector<Named<ossl::CipherPtr>> ciphers_;
  ossl::MacPtr hmac_;
  std::vector<Named<ossl::MacCtxPtr>> hmac_templates_;  // digest set, no key
  std::vector<Named<ossl::PkeyCtxPtr>> fromdata_;
  ossl::PkeyPtr x25519_peer_;
  ossl::PkeyPtr x448_peer_;
  SignatureTemplates signing_{4};
};

}  // namespace ikewot::crypto
