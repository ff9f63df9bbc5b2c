// TrustStore::Decide: is this peer trusted, and why.
#include <algorithm>
#include <set>

#include "core/crypto/certificate_text.h"
#include "core/trust/identity.h"
#include "core/trust/store_internal.h"

namespace ikewot::trust {
namespace {

std::string Key(ByteView b) { return std::string(b.begin(), b.end()); }

bool Contains(const std::vector<Bytes>& list, ByteView item) {
  return std::any_of(list.begin(), list.end(), [&](const Bytes& b) {
    return std::equal(b.begin(), b.end(), item.begin(), item.end());
  });
}

}  // namespace

std::string ShortFingerprint(ByteView fingerprint) {
  return FingerprintText(fingerprint.first(std::min<size_t>(8, fingerprint.size())));
}

bool EvaluateUse(const Policy& policy, const CertSummary& cert, const DecisionQuery& query,
                 Verdict* verdict, std::string* reason) {
  const int64_t now = query.now.UnixSeconds();
  if (now > cert.not_after) {
    *verdict = Verdict::kExpired;
    *reason = "the certificate expired at " + crypto::FormatUnixTimeUtc(cert.not_after);
    return false;
  }
  if (now < cert.not_before) {
    *verdict = Verdict::kOutOfPolicy;
    *reason = "the certificate is valid only from " + crypto::FormatUnixTimeUtc(cert.not_before);
    return false;
  }
  PolicyCheck check = CheckPolicy(policy, now, query.purpose, query.address, query.identity);
  if (check.outcome == PolicyOutcome::kOk) return true;
  *verdict = check.outcome == PolicyOutcome::kExpired ? Verdict::kExpired : Verdict::kOutOfPolicy;
  *reason = check.reason;
  return false;
}

Result<TrustStore::Context> TrustStore::MakeContext(TimePoint now) {
  Context ctx;
  ctx.now = now;
  auto all = backend_->ListCollections();
  if (!all.ok()) return all.error();
  for (CollectionInfo& c : *all) {
    std::string why;
    if (!c.enabled) {
      why = "collection " + c.name + " is disabled";
    } else if (!ConditionHolds(c, now, &why)) {
      why = "collection " + c.name + " is " + why;
    } else if (!c.signer_override) {
      auto signer = backend_->GetLocal(c.signer_fingerprint);
      if (!signer.ok()) return signer.error();
      if (!*signer || !LocalBinds(**signer)) {
        why = "collection " + c.name + " counts only while you trust its signer " +
              c.signer_subject + ", and you no longer do";
      } else {
        const PolicyCheck window =
            CheckPolicy((*signer)->policy, now.UnixSeconds(), kPurposeIkeAuth, std::nullopt, "");
        if (window.outcome == PolicyOutcome::kExpired ||
            window.outcome == PolicyOutcome::kNotYetValid) {
          why = "collection " + c.name + ": your trust in its signer " + c.signer_subject +
                " is not current (" + window.reason + ")";
        }
      }
    }
    ctx.inactive[c.id] = why;
    ctx.collections.emplace(c.id, std::move(c));
  }
  return ctx;
}

Result<std::vector<TrustStore::Candidate>> TrustStore::ActiveCandidates(
    Context& ctx, ByteView fingerprint, std::vector<std::string>* skipped) {
  std::vector<Candidate> out;
  auto entries = backend_->EntriesFor(fingerprint);
  if (!entries.ok()) return entries.error();
  if (entries->empty()) return out;
  auto removers = backend_->CollectionsRemoving(fingerprint);
  if (!removers.ok()) return removers.error();
  for (const CollectionEntry& ce : *entries) {
    const CollectionInfo* info = ctx.Find(ce.collection_id);
    if (!info) continue;
    auto note = [&](const std::string& why) {
      if (skipped) skipped->push_back(why);
    };
    if (!ctx.inactive[info->id].empty()) {
      note(ctx.inactive[info->id]);
      continue;
    }
    const size_t depth = ce.entry->entry.tbs.depth();
    if (info->max_depth != 0 && depth > info->max_depth) {
      note("collection " + info->name + " lists it at depth " + std::to_string(depth) +
           ", beyond your cap of " + std::to_string(info->max_depth));
      continue;
    }
    // A signed removal by anyone on the entry's path withdraws it (the trust rested on them).
    std::string withdrawn_by;
    for (int64_t r : *removers) {
      const CollectionInfo* remover = ctx.Find(r);
      if (remover && Contains(ce.entry->entry.tbs.path, remover->signer_fingerprint)) {
        withdrawn_by = remover->signer_subject + " (collection " + remover->name + ")";
      }
    }
    if (!withdrawn_by.empty()) {
      note("collection " + info->name + " lists it via " + withdrawn_by +
           ", who has since withdrawn it");
      continue;
    }
    if (mode_ == MarkingMode::kSigned) {
      const std::string key = Key(Sha256(ce.entry->entry.der));
      if (!verified_.count(key)) {
        auto& verifier = ctx.verifiers[info->id];
        if (!verifier) {
          auto signer = crypto::Certificate::FromDer(info->signer_certificate);
          if (signer.ok()) {
            auto v = EntryVerifier::Create(*signer);
            if (v.ok()) verifier.emplace(std::move(*v));
          }
        }
        if (!verifier || !verifier->Verify(ce.entry->entry).ok()) {
          note("collection " + info->name + ": the stored entry's signature does not verify");
          continue;
        }
        verified_.insert(key);
      }
    }
    out.push_back(Candidate{info, ce.entry});
  }
  return out;
}

Result<std::vector<ConflictReport>> TrustStore::ConflictsFor(
    Context& ctx, ByteView fingerprint, const std::vector<std::string>& identities,
    bool local_binds_self, const std::vector<Candidate>& own) {
  std::vector<ConflictReport> out;
  std::set<int64_t> binding_self;
  for (const Candidate& c : own) binding_self.insert(c.collection->id);

  for (const std::string& identity : identities) {
    auto others = backend_->FingerprintsWithIdentity(identity);
    if (!others.ok()) return others.error();
    for (const Bytes& other : *others) {
      if (std::equal(other.begin(), other.end(), fingerprint.begin(), fingerprint.end())) continue;
      auto local = backend_->GetLocal(other);
      if (!local.ok()) return local.error();
      if (*local && LocalBinds(**local) && !local_binds_self) {
        // The other certificate's local binding must name this identity itself.
        const auto ids = (*local)->identities();
        if (std::find(ids.begin(), ids.end(), identity) != ids.end()) {
          out.push_back(ConflictReport{identity, Bytes(fingerprint.begin(), fingerprint.end()),
                                       other, "local pin"});
        }
      }
      auto candidates = ActiveCandidates(ctx, other, nullptr);
      if (!candidates.ok()) return candidates.error();
      for (const Candidate& c : *candidates) {
        if (binding_self.count(c.collection->id)) continue;
        const auto& ids = c.entry->cert.identities;
        if (std::find(ids.begin(), ids.end(), identity) == ids.end()) continue;
        out.push_back(ConflictReport{identity, Bytes(fingerprint.begin(), fingerprint.end()), other,
                                     "collection " + c.collection->name});
      }
    }
  }
  return out;
}

Result<Decision> TrustStore::Decide(const crypto::Certificate& certificate,
                                    std::string_view identity,
                                    const std::optional<IpAddress>& address, TimePoint now) {
  DecisionQuery q;
  q.certificate = certificate.ToDer();
  q.identity = std::string(identity);
  q.address = address;
  q.now = now;
  return Decide(q);
}

Result<Decision> TrustStore::Decide(const DecisionQuery& query) {
  Result<Decision> out = MakeError(ErrorCode::kState, "decision not made");
  Status s = backend_->ReadSnapshot([&]() -> Status {
    out = DecideInSnapshot(query);
    return out.status();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<Decision> TrustStore::DecideInSnapshot(const DecisionQuery& query) {
  Decision d;
  d.fingerprint = Sha256(query.certificate);
  if (!query.identity.empty()) {
    auto canonical = CanonicalIdentity(query.identity);
    if (!canonical.ok()) return canonical.error();
    if (*canonical != query.identity) {
      DecisionQuery copy = query;
      copy.identity = *canonical;
      return DecideInSnapshot(copy);
    }
  }
  auto ctx = MakeContext(query.now);
  if (!ctx.ok()) return ctx.error();
  auto local = backend_->GetLocal(d.fingerprint);
  if (!local.ok()) return local.error();
  std::vector<std::string> skipped;
  auto candidates = ActiveCandidates(*ctx, d.fingerprint, &skipped);
  if (!candidates.ok()) return candidates.error();

  // What the certificate is: from a stored record, else from the presented bytes.
  std::optional<CertSummary> cert;
  if (*local) {
    cert = (*local)->cert;
  } else if (!candidates->empty()) {
    cert = candidates->front().entry->cert;
  } else {
    auto entries = backend_->EntriesFor(d.fingerprint);
    if (!entries.ok()) return entries.error();
    if (!entries->empty()) {
      cert = entries->front().entry->cert;
    } else if (auto s = SummarizeCertificate(query.certificate); s.ok()) {
      cert = std::move(*s);
    }
  }
  if (!cert) {
    d.verdict = Verdict::kUnknown;
    d.reasons.push_back("the presented bytes are not a certificate this store can read");
    return d;
  }
  d.subject = cert->subject;
  std::vector<std::string> names = cert->identities;
  if (*local && !(*local)->ike_id.empty()) names.push_back((*local)->ike_id);
  const bool names_identity = query.identity.empty() ||
                              std::find(names.begin(), names.end(), query.identity) != names.end();
  const std::vector<std::string> checked_identities =
      query.identity.empty() ? names : std::vector<std::string>{query.identity};
  auto identity_problem = [&] {
    std::string all;
    for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
    return "the certificate does not name " + query.identity + " (it names " +
           (all.empty() ? std::string("nothing usable") : all) + ")";
  };

  // 1. A local decision beats everything imported.
  if (*local) {
    const LocalEntry& l = **local;
    const std::string when = crypto::FormatUnixTimeUtc(l.decided_at);
    const std::string note = l.note.empty() ? "" : " (note: " + l.note + ")";
    if (l.verdict == LocalVerdict::kRejected) {
      d.verdict = Verdict::kRejected;
      d.reasons.push_back("you rejected this certificate on " + when + note);
      return d;
    }
    if (l.verdict == LocalVerdict::kAccepted && !LocalBinds(l)) {
      d.reasons.push_back("your acceptance of " + when +
                          " carries no valid signature by your key (tampered?); ignored");
    } else if (l.verdict == LocalVerdict::kAccepted) {
      Verdict failed;
      std::string why;
      if (!names_identity) {
        d.verdict = Verdict::kOutOfPolicy;
        d.reasons.push_back(identity_problem());
        return d;
      }
      if (!EvaluateUse(l.policy, l.cert, query, &failed, &why)) {
        d.verdict = failed;
        d.reasons.push_back("you checked this certificate on " + when + note + ", but " + why);
        return d;
      }
      d.verdict = Verdict::kTrustedDirect;
      d.reasons.push_back("you checked this certificate yourself on " + when + note);
      d.reasons.push_back("your policy: " + l.policy.Describe());
      auto conflicts = ConflictsFor(*ctx, d.fingerprint, checked_identities, true, *candidates);
      if (!conflicts.ok()) return conflicts.error();
      for (const ConflictReport& c : *conflicts) {
        d.reasons.push_back("note: " + c.Describe() + " (your own decision wins)");
      }
      d.conflicts = std::move(*conflicts);
      return d;
    } else {
      d.reasons.push_back("seen on " + when + " but never checked (unverified)");
    }
  }

  // 2. Imported collections.
  auto conflicts = ConflictsFor(*ctx, d.fingerprint, checked_identities,
                                /*local_binds_self=*/false, *candidates);
  if (!conflicts.ok()) return conflicts.error();
  d.conflicts = std::move(*conflicts);
  if (!candidates->empty() && !names_identity) {
    d.verdict = Verdict::kOutOfPolicy;
    d.reasons.push_back(identity_problem());
    return d;
  }
  std::vector<const Candidate*> passing;
  Verdict first_failure = Verdict::kUnknown;
  for (const Candidate& c : *candidates) {
    Verdict failed;
    std::string why;
    if (EvaluateUse(c.entry->entry.tbs.policy, c.entry->cert, query, &failed, &why)) {
      passing.push_back(&c);
    } else {
      if (first_failure == Verdict::kUnknown) first_failure = failed;
      d.reasons.push_back("collection " + c.collection->name + " lists it, but " + why);
    }
  }
  if (!passing.empty() && !d.conflicts.empty()) {
    d.verdict = Verdict::kConflict;
    for (const ConflictReport& c : d.conflicts) d.reasons.push_back(c.Describe());
    d.reasons.push_back(
        "conflicts are not resolved automatically: decide yourself "
        "(ikewot trust add / collections disable)");
    return d;
  }
  if (!passing.empty()) {
    const Candidate* best = *std::min_element(
        passing.begin(), passing.end(), [](const Candidate* a, const Candidate* b) {
          return a->depth() != b->depth() ? a->depth() < b->depth()
                                          : a->collection->id < b->collection->id;
        });
    d.verdict = Verdict::kTrustedVia;
    d.collection = best->collection->name;
    d.signer_fingerprint = best->collection->signer_fingerprint;
    d.signer = best->collection->signer_subject;
    d.depth = best->depth();
    std::string how = best->depth() == 1
                          ? "who checked it personally"
                          : "who vouches for it through " + std::to_string(best->depth() - 1) +
                                " earlier sharer(s)";
    d.reasons.insert(d.reasons.begin(),
                     "listed in collection " + best->collection->name + " by " + d.signer + " (" +
                         ShortFingerprint(d.signer_fingerprint) + "...), " + how);
    d.reasons.insert(d.reasons.begin() + 1,
                     best->collection->signer_override
                         ? "you imported that collection with --override-signer: you have not "
                           "checked " +
                               d.signer + " yourself"
                         : "you checked " + d.signer + " yourself and trust their checking");
    d.reasons.push_back("sharer's policy: " + best->entry->entry.tbs.policy.Describe());
    for (const Candidate* c : passing) {
      if (c != best) d.reasons.push_back("also listed in collection " + c->collection->name);
    }
    return d;
  }
  if (first_failure != Verdict::kUnknown) {
    d.verdict = first_failure;
    return d;
  }
  for (std::string& s : skipped) d.reasons.push_back(std::move(s));
  if (!d.conflicts.empty()) {
    d.verdict = Verdict::kConflict;
    for (const ConflictReport& c : d.conflicts) d.reasons.push_back(c.Describe());
    return d;
  }
  d.verdict = Verdict::kUnknown;
  d.reasons.push_back(
      "no decision of yours and no active collection vouches for this "
      "certificate");
  return d;
}

Result<std::vector<ConflictReport>> TrustStore::Conflicts(TimePoint now) {
  Result<std::vector<ConflictReport>> out = MakeError(ErrorCode::kState, "conflicts not listed");
  Status s = backend_->ReadSnapshot([&]() -> Status {
    out = ConflictsInSnapshot(now);
    return out.status();
  });
  if (!s.ok()) return s.error();
  return out;
}

Result<std::vector<ConflictReport>> TrustStore::ConflictsInSnapshot(TimePoint now) {
  auto ctx = MakeContext(now);
  if (!ctx.ok()) return ctx.error();
  auto shared = backend_->SharedIdentities();
  if (!shared.ok()) return shared.error();
  std::vector<ConflictReport> out;
  for (const std::string& identity : *shared) {
    auto fps = backend_->FingerprintsWithIdentity(identity);
    if (!fps.ok()) return fps.error();
    for (const Bytes& fp : *fps) {
      auto local = backend_->GetLocal(fp);
      if (!local.ok()) return local.error();
      auto own = ActiveCandidates(*ctx, fp, nullptr);
      if (!own.ok()) return own.error();
      const bool local_binds = *local && LocalBinds(**local);
      if (!local_binds && own->empty()) continue;
      auto found = ConflictsFor(*ctx, fp, {identity}, local_binds, *own);
      if (!found.ok()) return found.error();
      out.insert(out.end(), found->begin(), found->end());
    }
  }
  return out;
}

std::string ConflictReport::Describe() const {
  return "conflict on " + identity + ": " + source + " binds it to " +
         ShortFingerprint(other_fingerprint) + "..., not to " + ShortFingerprint(fingerprint) +
         "...";
}

Json ConflictReport::ToJson() const {
  Json j = Json::MakeObject();
  j.Set("identity", identity);
  j.Set("fingerprint", FingerprintText(fingerprint));
  j.Set("other_fingerprint", FingerprintText(other_fingerprint));
  j.Set("source", source);
  return j;
}

std::string Decision::Explain() const {
  std::string out = std::string(VerdictName(verdict)) + ": " +
                    (subject.empty() ? std::string("(unnamed)") : subject) + "\n";
  out += "  fingerprint " + FingerprintText(fingerprint) + "\n";
  for (const std::string& r : reasons) out += "  - " + r + "\n";
  return out;
}

Json Decision::ToJson() const {
  Json j = Json::MakeObject();
  j.Set("verdict", std::string(VerdictName(verdict)));
  j.Set("trusted", trusted());
  j.Set("fingerprint", FingerprintText(fingerprint));
  j.Set("subject", subject);
  if (verdict == Verdict::kTrustedVia) {
    j.Set("collection", collection);
    j.Set("signer", signer);
    j.Set("signer_fingerprint", FingerprintText(signer_fingerprint));
    j.Set("depth", static_cast<int64_t>(depth));
  }
  Json reasons_json = Json::MakeArray();
  for (const std::string& r : reasons) reasons_json.Push(r);
  j.Set("reasons", std::move(reasons_json));
  Json conflicts_json = Json::MakeArray();
  for (const ConflictReport& c : conflicts) conflicts_json.Push(c.ToJson());
  j.Set("conflicts", std::move(conflicts_json));
  return j;
}

}  // namespace ikewot::trust
