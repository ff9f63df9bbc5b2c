// Shared collections of checked certificates (the seed's "sharing"): the DER content, its CMS
// (RFC 5652) SignedData wrapping by the sharer, and optional encryption to chosen recipients.
// Every file we write verifies and decrypts with the plain `openssl cms` command line; the
// commands are in docs/collections.md and exercised by tests/unit/collection_cms_test.cc.
//
//   ContentInfo (id-signedData)                                  RFC 5652 §5
//     SignedData
//       encapContentInfo
//         eContentType  id-ikewot-trustCollection (below)
//         eContent      OCTET STRING containing DER TrustCollection
//       certificates    the sharer's certificate
//       signerInfos     one SignerInfo by the sharer (signed attributes: contentType,
//                       messageDigest, signingTime = the collection's creation time)
//   optionally wrapped as
//   ContentInfo (id-ct-authEnvelopedData, AES-256-GCM)           RFC 5083
//     recipientInfos  one per recipient: kari (ECDH, X9.63 KDF with SHA-256) for EC keys,
//                     ktri (RSAES-OAEP with SHA-256) for RSA keys
//     encrypted content: the SignedData ContentInfo above
//
//   TrustCollection ::= SEQUENCE {
//     version   INTEGER (1),
//     sequence  INTEGER (0..MAX),   -- per sharer, strictly increasing; importers refuse rollback
//     created   GeneralizedTime,
//     entries   SEQUENCE SIZE (0..100000) OF SignedEntry,          -- entry.h
//     removals  [0] IMPLICIT SEQUENCE SIZE (1..100000) OF OCTET STRING (SIZE (32)) OPTIONAL
//               -- SHA-256 fingerprints the sharer vouched for before and withdraws now;
//               -- sorted, disjoint from the entries
//   }
//
// Why not RFC 5914 TrustAnchorList: its elements are trust anchors -- keys allowed to issue
// certificates -- while ours are end-entity pins that must never validate a chain; a 5914-aware
// consumer would misread them. It also has no place for the sequence number, the removals or a
// per-entry signature. We use our own content type under the UUID arc (X.667), below.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identity.h"
#include "core/trust/entry.h"

namespace ikewot::trust {

// id-ikewot-trustCollection: 2.25 + UUID fa81b7f9-1433-4bd6-8fe4-3325fd13dc4b as an integer.
inline constexpr const char* kCollectionContentTypeOid =
    "2.25.332980536656001608846225005175991688267";

// Bounds a hostile file cannot push us past: bytes are checked before parsing, element counts
// while parsing, so memory stays proportional to the accepted entries.
struct CollectionLimits {
  size_t max_file_bytes = 64u << 20;
  size_t max_entries = 100000;
  size_t max_removals = 100000;
  size_t max_cms_elements = 4096;  // CMS wrapper outside the content (certificates, attributes)
};

struct CollectionContent {
  uint64_t sequence = 0;
  int64_t created = 0;  // Unix seconds
  std::vector<SignedEntry> entries;
  std::vector<Bytes> removals;  // sorted, unique
};

// DER TrustCollection (sorts the removals).
Result<Bytes> EncodeCollectionContent(const CollectionContent& content);
// Syntax and limits only.
Result<CollectionContent> ParseCollectionContent(ByteView der, const CollectionLimits& limits = {});
// Semantics: no certificate listed twice, no entry also removed, every entry endorsed by
// `signer_fingerprint`, paths that do not run through the signer itself.
Status CheckCollectionContent(const CollectionContent& content, ByteView signer_fingerprint);

// Wraps content DER in SignedData by `sharer` (signingTime = `now`); with recipients, also in
// AuthEnvelopedData for them. Ed25519 sharers and recipients are refused with a reason
// (OpenSSL 3.0 cannot make CMS signatures with Ed25519 or encrypt to such keys).
Result<Bytes> SealCollection(ByteView content_der, const Endorser& sharer, TimePoint now,
                             std::span<const crypto::Certificate> recipients);

struct OpenedCollection {
  crypto::Certificate signer;  // from the SignedData, authenticated by its signature
  CollectionContent content;   // every entry's signature verified against `signer`
  bool encrypted = false;
  Bytes signed_data;  // the SignedData ContentInfo DER (after decryption)
};

// The recipient identity used to decrypt encrypted collections (both null: cannot decrypt).
struct Decryptor {
  const crypto::PrivateKey* key = nullptr;
  const crypto::Certificate* certificate = nullptr;
};

// Checks everything that needs no trust store: shape and size limits, decryption, the CMS
// signature, the content type, the content syntax and semantics, and every entry's signature.
// Whether the signer is trusted, rollback and expiry are the store's business (TrustStore).
Result<OpenedCollection> OpenCollection(ByteView file, const Decryptor& decryptor,
                                        const CollectionLimits& limits = {});

}  // namespace ikewot::trust
