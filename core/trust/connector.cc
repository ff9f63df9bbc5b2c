#include "core/trust/connector.h"

#include <string_view>
#include <utility>

#include "core/crypto/identification.h"
#include "core/trust/address.h"
#include "core/trust/identity.h"

namespace ikewot::trust {

using engine::EventKind;

namespace {

// a + b by appending (GCC 12 at -O3 reports a false -Wrestrict for "literal" + std::string&&).
std::string Concat(std::string_view a, std::string_view b) {
  std::string out(a);
  out.append(b);
  return out;
}

std::string WithDetail(std::string_view what, const std::string& detail) {
  return detail.empty() ? std::string(what) : Concat(Concat(what, ": "), detail);
}

}  // namespace

std::string_view ConnectOutcomeName(ConnectOutcome outcome) {
  switch (outcome) {
    case ConnectOutcome::kConnected:
      return "connected";
    case ConnectOutcome::kDeclined:
      return "declined";
    case ConnectOutcome::kRefused:
      return "refused";
    case ConnectOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

std::string Connector::PeerName(const ConnectTarget& target) const {
  if (!target.identity.empty()) return target.identity;
  Result<IpAddress> address = IpAddress::FromBytes(target.remote.address);
  return address.ok() ? Concat("ip:", address->ToString()) : target.remote.ToString();
}

Result<uint64_t> Connector::Connect(ConnectTarget target, TimePoint now) {
  if (!target.identity.empty()) {
    Result<std::string> canonical = CanonicalIdentity(target.identity);
    if (!canonical.ok()) return canonical.error();
    target.identity = *canonical;
  }
  engine::Policy probe_policy = target.policy;
  probe_policy.identity = {};  // the probe shows the peer nothing of us
  probe_policy.probe_with_auth = false;
  Result<engine::SaHandle> probe =
      node_.StartProbe(target.local, target.remote, std::move(probe_policy), now);
  if (!probe.ok()) return probe.error();
  const uint64_t id = next_id_++;
  Attempt& attempt = attempts_[id];
  attempt.target = std::move(target);
  attempt.report.id = id;
  attempt.probe_sa = *probe;
  by_sa_[*probe] = id;
  return id;
}

void Connector::Finish(uint64_t id, ConnectOutcome outcome, std::string reason) {
  auto it = attempts_.find(id);
  if (it == attempts_.end()) return;
  ConnectReport report = std::move(it->second.report);
  report.outcome = outcome;
  report.reason = std::move(reason);
  reports_.push_back(std::move(report));
  attempts_.erase(it);
  for (auto sa = by_sa_.begin(); sa != by_sa_.end();) {
    sa = sa->second == id ? by_sa_.erase(sa) : std::next(sa);
  }
}

void Connector::OnProbeCompleted(Attempt& attempt, const engine::ProbeResult& probe,
                                 TimePoint now) {
  const uint64_t id = attempt.report.id;
  attempt.report.probe = probe;
  if (probe.certificates.empty()) {
    Finish(id, ConnectOutcome::kFailed, WithDetail("the peer showed no certificate", probe.detail));
    return;
  }
  if (probe.auth != engine::ResponderAuth::kVerified) {
    // Without a verified AUTH the certificate proves nothing: anyone can send one.
    Finish(id, ConnectOutcome::kFailed,
           WithDetail("the peer did not prove it holds the certificate's key", probe.detail));
    return;
  }
  const engine::ProbedCertificate& cert = probe.certificates.front();
  DecisionQuery query;
  query.certificate = cert.der;
  query.identity = attempt.target.identity;
  if (Result<IpAddress> address = IpAddress::FromBytes(attempt.target.remote.address);
      address.ok()) {
    query.address = *address;
  }
  query.now = now;
  Result<Decision> decision = store_.Decide(query);
  if (!decision.ok()) {
    Finish(id, ConnectOutcome::kFailed, "trust store: " + decision.error().message);
    return;
  }
  if (decision->verdict == Verdict::kUnknown) {
    attempt.report.asked_user = true;
    PeerQuestion question{PeerName(attempt.target),
                          attempt.target.remote,
                          cert.subject,
                          cert.identification,
                          crypto::FormatFingerprintHex(cert.sha256_fingerprint),
                          cert.der};
    AcceptOptions answer;
    answer.ike_id = attempt.target.identity;
    answer.note = Concat("decided after probing ", attempt.target.remote.ToString());
    const bool yes = ask_ && ask_(question);
    answer.verdict = yes ? LocalVerdict::kAccepted : LocalVerdict::kRejected;
    Result<LocalEntry> stored = store_.AddLocal(cert.der, answer, now);
    if (!stored.ok()) {
      Finish(id, ConnectOutcome::kFailed, "storing the answer: " + stored.error().message);
      return;
    }
    if (!yes) {
      attempt.report.decision = std::move(*decision);
      Finish(id, ConnectOutcome::kDeclined, "not trusted: the user declined");
      return;
    }
    decision = store_.Decide(query);
    if (!decision.ok()) {
      Finish(id, ConnectOutcome::kFailed, "trust store: " + decision.error().message);
      return;
    }
  }
  attempt.report.decision = *decision;
  if (!decision->trusted()) {
    const std::string first_reason =
        decision->reasons.empty() ? std::string() : decision->reasons.front();
    Finish(id, ConnectOutcome::kRefused, WithDetail(VerdictName(decision->verdict), first_reason));
    return;
  }
  attempt.decided_fingerprint = cert.sha256_fingerprint;
  StartConnect(attempt, now);
}

void Connector::StartConnect(Attempt& attempt, TimePoint now) {
  engine::Policy policy = attempt.target.policy;
  // The peer must present in IKE_AUTH the very certificate that was decided on.
  policy.accept_peer = [fingerprint =
                            attempt.decided_fingerprint](const engine::PeerCertificateView& view) {
    return view.sha256_fingerprint == fingerprint ? engine::CertificateDecision::kAcceptTrusted
                                                  : engine::CertificateDecision::kReject;
  };
  Result<engine::SaHandle> sa =
      node_.Connect(attempt.target.local, attempt.target.remote, std::move(policy), now);
  if (!sa.ok()) {
    Finish(attempt.report.id, ConnectOutcome::kFailed, "connect: " + sa.error().message);
    return;
  }
  attempt.report.sa = *sa;
  by_sa_[*sa] = attempt.report.id;
}

void Connector::OnEvent(const engine::Event& event, TimePoint now) {
  if (event.kind == EventKind::kDeleted || event.kind == EventKind::kFailed) {
    auto up = up_peers_.find(event.sa);
    if (up != up_peers_.end()) {
      store_.SetPeerUp(up->second, false);
      up_peers_.erase(up);
    }
  }
  if (event.kind == EventKind::kChildSaEstablished) {
    // Arrives right after the IKE SA's event, in the same batch: attach it to that report.
    for (ConnectReport& report : reports_) {
      if (report.sa == event.sa && report.outcome == ConnectOutcome::kConnected)
        report.child = event.child;
    }
    return;
  }
  auto found = by_sa_.find(event.sa);
  if (found == by_sa_.end()) return;
  auto attempt = attempts_.find(found->second);
  if (attempt == attempts_.end()) return;
  Attempt& a = attempt->second;
  const bool probe_sa = event.sa == a.probe_sa;
  switch (event.kind) {
    case EventKind::kProbeCompleted:
      if (probe_sa) OnProbeCompleted(a, event.probe, now);
      return;
    case EventKind::kIkeSaEstablished:
      if (probe_sa) return;
      up_peers_[event.sa] = PeerName(a.target);
      store_.SetPeerUp(up_peers_[event.sa], true);
      Finish(found->second, ConnectOutcome::kConnected, "connected");
      return;
    case EventKind::kFailed:
    case EventKind::kDeleted:
      if (probe_sa) return;  // a probe's own failure already came as kProbeCompleted
      Finish(found->second, ConnectOutcome::kFailed, event.reason);
      return;
    case EventKind::kChildSaEstablished:
      return;
  }
}

}  // namespace ikewot::trust
