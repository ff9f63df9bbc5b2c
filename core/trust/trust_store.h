// The node's trust store: the certificates this user checked (or rejected, or merely saw), the
// collections imported from others, and the decision "is this peer trusted, and why?".
//
// Rules (docs/trust.md has the full model):
//  - A local decision always beats an imported one.
//  - A collection is imported only if its signer is trusted directly (or on explicit override),
//    never rolls back to an older sequence, and is refused whole if any entry has expired.
//  - A newer collection from the same signer replaces the older; its signed removals withdraw
//    trust that rested on that signer's word, also when it reached us through someone else.
//  - Removing a collection withdraws exactly the trust that came from it.
//  - Conflicts (sources binding one identity to different certificates) are reported, never
//    silently resolved.
// Time always comes in as `now`; nothing here reads a clock.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/status.h"
#include "core/base/time.h"
#include "core/crypto/certificate.h"
#include "core/trust/backend.h"
#include "core/trust/entry.h"
#include "core/trust/store_types.h"

namespace ikewot::trust {

enum class Verdict : uint8_t {
  kTrustedDirect,  // this user checked the certificate
  kTrustedVia,     // a collection from a signer this user trusts lists it
  kUnknown,        // nobody vouches for it
  kConflict,       // sources disagree on which certificate an identity has
  kExpired,        // trust (or the certificate) ended
  kOutOfPolicy,    // trusted, but not for this purpose / address / identity / time yet
  kRejected,       // this user explicitly rejected it
};
std::string_view VerdictName(Verdict v);  // "trusted-direct", "trusted-via", ...

struct ConflictReport {
  std::string identity;
  Bytes fingerprint;        // the certificate being judged
  Bytes other_fingerprint;  // the certificate the other source binds the identity to
  std::string source;       // "local pin" or "collection NAME"
  std::string Describe() const;
  Json ToJson() const;
};

struct Decision {
  Verdict verdict = Verdict::kUnknown;
  Bytes fingerprint;
  std::string subject;
  // kTrustedVia: where the trust comes from.
  std::string collection;
  Bytes signer_fingerprint;
  std::string signer;
  size_t depth = 0;                  // 0 for direct trust
  std::vector<std::string> reasons;  // why, for people ("why is this peer trusted")
  std::vector<ConflictReport> conflicts;

  bool trusted() const {
    return verdict == Verdict::kTrustedDirect || verdict == Verdict::kTrustedVia;
  }
  std::string Explain() const;  // multi-line text
  Json ToJson() const;
};

struct DecisionQuery {
  ByteView certificate;              // DER as the peer presented it
  std::string identity;              // canonical identity the peer claims; may be empty
  std::optional<IpAddress> address;  // the peer's address, if known
  TimePoint now;
  std::string purpose = std::string(kPurposeIkeAuth);
};

struct StoreOptions {
  // Used when the store is created; an existing store keeps its own mode.
  MarkingMode mode = MarkingMode::kFlagged;
  // This node's identity. Needed to accept in signed mode and to verify on load; also used to
  // refuse importing one's own collection. Must outlive the store.
  const Endorser* owner = nullptr;
};

struct AcceptOptions {
  LocalVerdict verdict = LocalVerdict::kAccepted;
  Policy policy = Policy::ForIkeAuth();
  std::string note;    // at most 1024 bytes
  std::string ike_id;  // extra identity the peer used (canonicalized), may be empty
};

struct ImportOptions {
  std::string name;                   // empty: keep the old name, or derive from the signer
  std::optional<uint32_t> max_depth;  // cap on delegation depth (1..8)
  bool override_signer = false;       // import although the signer is not trusted directly
};

struct ImportReport {
  std::string name;
  uint64_t sequence = 0;
  std::optional<uint64_t> replaced_sequence;
  bool unchanged = false;  // the same file was imported before; nothing changed
  size_t stored = 0;
  size_t added = 0;
  size_t dropped = 0;           // in the replaced collection, not in the new one
  size_t withdrawn = 0;         // signed removals
  size_t skipped_too_deep = 0;  // beyond max_depth
  std::vector<std::string> notes;
  Json ToJson() const;
};

struct ShareOptions {
  std::vector<crypto::Certificate> recipients;  // empty: not encrypted
  std::optional<int64_t> valid_days;            // narrows every entry's window to now + N days
  std::vector<std::string> purposes;            // narrows purposes (empty: keep)
  uint32_t depth = 1;  // 1: only certificates checked personally; n: re-share up to depth n
};

struct ShareResult {
  Bytes file;  // the CMS DER to write
  uint64_t sequence = 0;
  size_t entries = 0;
  size_t removals = 0;
  size_t skipped = 0;  // expired, or nothing left after narrowing the policy
  std::vector<std::string> notes;
};

class TrustStore {
 public:
  // SQLite at `path` (created if missing).
  static Result<std::unique_ptr<TrustStore>> OpenSqlite(const std::string& path,
                                                        const StoreOptions& options);
  static Result<std::unique_ptr<TrustStore>> InMemory(const StoreOptions& options);
  static Result<std::unique_ptr<TrustStore>> Open(std::unique_ptr<TrustBackend> backend,
                                                  const StoreOptions& options);

  MarkingMode marking_mode() const { return mode_; }
  // Signed mode: acceptances whose signature failed to verify on open (not trusted).
  const std::vector<std::string>& load_problems() const { return load_problems_; }
  // Changes the mode. To kSigned: signs every acceptance (needs the owner). To kStoredOnly:
  // refused while rejected or unverified records exist.
  Status SetMarkingMode(MarkingMode mode, TimePoint now);

  // ---- Local decisions ----
  // Records this user's decision about a certificate (replacing an earlier one).
  Result<LocalEntry> AddLocal(ByteView certificate_der, const AcceptOptions& options,
                              TimePoint now);
  Result<bool> RemoveLocal(ByteView fingerprint, TimePoint now);
  Result<std::optional<LocalEntry>> GetLocal(ByteView fingerprint);
  Result<std::vector<LocalEntry>> ListLocal();
  // Fingerprints known to the store (local or in a collection) starting with `hex_prefix`.
  Result<std::vector<Bytes>> FindFingerprints(std::string_view hex_prefix);

  // ---- Collections ----
  Result<ImportReport> Import(const PreparedCollection& collection, const ImportOptions& options,
                              TimePoint now);
  Result<std::vector<CollectionInfo>> ListCollections();
  Result<CollectionInfo> GetCollection(std::string_view name);
  Result<std::vector<EntryRef>> CollectionEntries(std::string_view name);
  Status SetCollectionEnabled(std::string_view name, bool enabled, TimePoint now);
  Status SetCollectionCondition(std::string_view name, const Condition& condition, TimePoint now);
  // Returns how many entries the collection held.
  Result<size_t> RemoveCollection(std::string_view name, TimePoint now);
  // Whether an enabled collection counts right now (its condition holds); with a reason.
  bool ConditionHolds(const CollectionInfo& info, TimePoint now, std::string* why) const;

  // The engine reports IKE SAs to named peers coming up and going down.
  void SetPeerUp(std::string_view peer, bool up);

  // ---- Sharing ----
  Result<ShareResult> Share(const Endorser& sharer, const ShareOptions& options, TimePoint now);

  // ---- Decisions ----
  Result<Decision> Decide(const DecisionQuery& query);
  Result<Decision> Decide(const crypto::Certificate& certificate, std::string_view identity,
                          const std::optional<IpAddress>& address, TimePoint now);
  // Every current conflict between sources.
  Result<std::vector<ConflictReport>> Conflicts(TimePoint now);

  Result<std::vector<Event>> Events(int64_t after_id = 0, size_t limit = SIZE_MAX);

  TrustBackend& backend() { return *backend_; }

 private:
  TrustStore(std::unique_ptr<TrustBackend> backend, const StoreOptions& options)
      : backend_(std::move(backend)), owner_(options.owner) {}

  struct Candidate;  // decide.cc
  struct Context;    // decide.cc: the per-call view of collections and signers

  Status Load(const StoreOptions& options);
  Status Log(TimePoint now, std::string kind, std::string subject, std::string detail);
  // Signed mode: is this acceptance's endorsement valid? (cached per process)
  bool EndorsementValid(const LocalEntry& entry);
  bool LocalBinds(const LocalEntry& entry);  // accepted (and validly signed in signed mode)
  Result<Context> MakeContext(TimePoint now);
  // Decide and Conflicts, run inside one backend ReadSnapshot.
  Result<Decision> DecideInSnapshot(const DecisionQuery& query);
  Result<std::vector<ConflictReport>> ConflictsInSnapshot(TimePoint now);
  Result<std::vector<Candidate>> ActiveCandidates(Context& ctx, ByteView fingerprint,
                                                  std::vector<std::string>* skipped);
  // Sources binding one of `identities` to another certificate without also binding it to
  // this one (`local_binds_self`, `own`: how this certificate itself is bound).
  Result<std::vector<ConflictReport>> ConflictsFor(Context& ctx, ByteView fingerprint,
                                                   const std::vector<std::string>& identities,
                                                   bool local_binds_self,
                                                   const std::vector<Candidate>& own);
  Result<CollectionInfo> FindCollection(std::string_view name);

  std::unique_ptr<TrustBackend> backend_;
  const Endorser* owner_;
  MarkingMode mode_ = MarkingMode::kFlagged;
  std::vector<std::string> load_problems_;
  std::set<std::string> peers_up_;
  // Signed mode: endorsements / collection entries verified by this process.
  std::set<std::string> verified_;
  std::set<std::string> failed_;
};

}  // namespace ikewot::trust
