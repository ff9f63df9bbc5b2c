// Value types of the trust store: local decisions, imported collections, conditions, events.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/crypto/certificate.h"
#include "core/trust/cert_summary.h"
#include "core/trust/collection.h"
#include "core/trust/entry.h"
#include "core/trust/policy.h"

namespace ikewot::trust {

// The seed's three ways of marking a certificate as accepted, chosen per store:
//   kStoredOnly  being stored means being trusted (no rejected or unverified records exist)
//   kFlagged     each record carries a verdict flag (accepted / rejected / unverified)
//   kSigned      like kFlagged, and every acceptance carries the owner's detached signature
//                (a SignedEntry over certificate + policy) that is verified when the store is
//                opened; an acceptance whose signature is missing or wrong is not trusted.
enum class MarkingMode : uint8_t { kStoredOnly, kFlagged, kSigned };
std::string_view MarkingModeName(MarkingMode mode);  // "stored-only", "flagged", "signed"
std::optional<MarkingMode> ParseMarkingMode(std::string_view name);

// What this user decided about a certificate. kUnverified records a certificate seen
// opportunistically (e.g. by a probe) that nobody checked.
enum class LocalVerdict : uint8_t { kAccepted = 0, kRejected = 1, kUnverified = 2 };
std::string_view LocalVerdictName(LocalVerdict v);  // "accepted", "rejected", "unverified"

struct LocalEntry {
  CertSummary cert;
  Bytes certificate;  // DER
  LocalVerdict verdict = LocalVerdict::kAccepted;
  Policy policy;
  int64_t decided_at = 0;  // Unix seconds
  std::string note;
  std::string ike_id;  // an extra canonical identity the peer used (may be empty)
  Bytes endorsement;   // SignedEntry DER by the owner (signed mode), else empty

  const Bytes& fingerprint() const { return cert.fingerprint; }
  // The certificate's identities plus ike_id: what the store indexes this record under.
  std::vector<std::string> identities() const;
};

// A verified collection entry with its certificate summarized, shared (immutable) between
// every store that imports the same PreparedCollection -- thousands of simulated nodes need
// not hold thousands of copies.
struct PreparedEntry {
  SignedEntry entry;
  CertSummary cert;
};
using EntryRef = std::shared_ptr<const PreparedEntry>;

struct PreparedCollection {
  crypto::Certificate signer;
  uint64_t sequence = 0;
  int64_t created = 0;
  bool encrypted = false;
  Bytes content_hash;  // SHA-256 of the SignedData, to recognise a re-import of the same file
  std::vector<EntryRef> entries;
  std::vector<Bytes> removals;
};
// Summarizes each entry's certificate (a bad certificate fails naming the entry).
Result<PreparedCollection> PrepareCollection(OpenedCollection opened);

// When an enabled collection counts (the seed: "enabled only for the time when the computer
// node has an IPsec connection to a server of the community").
struct Condition {
  enum class Kind : uint8_t { kNone = 0, kWhilePeerUp = 1, kTimeWindow = 2 };
  Kind kind = Kind::kNone;
  std::string peer;  // kWhilePeerUp: the peer id the engine reports with SetPeerUp
  int64_t from = 0;  // kTimeWindow: [from, until) in Unix seconds
  int64_t until = 0;
  std::string Describe() const;  // "always", "while peer gw.corp is up", "2025-.. .. 2025-.."
};

struct CollectionInfo {
  int64_t id = 0;  // assigned by the backend
  std::string name;
  Bytes signer_fingerprint;
  Bytes signer_certificate;  // DER
  std::string signer_subject;
  uint64_t sequence = 0;
  int64_t created = 0;
  int64_t imported_at = 0;
  bool enabled = true;
  Condition condition;
  uint32_t max_depth = 0;  // importer's cap; 0 = none beyond the format's limit
  bool signer_override = false;
  bool encrypted = false;
  Bytes content_hash;
  uint64_t entry_count = 0;
  uint64_t removal_count = 0;
};

struct CollectionEntry {
  int64_t collection_id = 0;
  EntryRef entry;
};

struct Event {
  int64_t id = 0;       // assigned by the backend, increasing
  int64_t at = 0;       // Unix seconds
  std::string kind;     // accept, reject, unverified, remove, import, replace, withdraw, enable,
                        // disable, condition, remove-collection, mode, share
  std::string subject;  // fingerprint or collection name
  std::string detail;
  Json ToJson() const;
};

}  // namespace ikewot::trust
