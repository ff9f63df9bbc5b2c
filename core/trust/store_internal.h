// Internal to the TrustStore implementation (decide.cc, import.cc, share.cc): the per-call view
// of which collections count right now.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/trust/trust_store.h"

namespace ikewot::trust {

struct TrustStore::Context {
  TimePoint now;
  std::map<int64_t, CollectionInfo> collections;
  // Empty when the collection counts now; otherwise why not ("disabled", ...).
  std::map<int64_t, std::string> inactive;
  // Signed mode: verifiers per collection signer, made on first use.
  std::map<int64_t, std::optional<EntryVerifier>> verifiers;
  const CollectionInfo* Find(int64_t id) const {
    auto it = collections.find(id);
    return it == collections.end() ? nullptr : &it->second;
  }
};

struct TrustStore::Candidate {
  const CollectionInfo* collection;
  EntryRef entry;
  size_t depth() const { return entry->entry.tbs.depth(); }
};

// Decision-time evaluation of one source's policy for a certificate (validity of the
// certificate itself included). Sets *verdict to kExpired or kOutOfPolicy on failure.
bool EvaluateUse(const Policy& policy, const CertSummary& cert, const DecisionQuery& query,
                 Verdict* verdict, std::string* reason);

std::string ShortFingerprint(ByteView fingerprint);  // "AB:CD:EF:01:23:45:67:89"

}  // namespace ikewot::trust
