#include "cli/accept_flow.h"

#include <csignal>
#include <cstdio>

#include "cli/commands.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identification.h"
#include "core/crypto/random.h"
#include "core/trust/address.h"
#include "core/trust/identity.h"
#include "core/trust/report.h"
#include "driver/address.h"
#include "driver/event_loop.h"

namespace ikewot::cli {
namespace {

// The identities the user's words for the peer can mean, plus its resolved address.
std::vector<std::string> PeerIdentities(const Target& target) {
  std::vector<std::string> out;
  if (auto hp = driver::SplitHostPort(target.input); hp.ok()) {
    out = trust::CandidateIdentities(hp->host);
  }
  if (auto ip = trust::CanonicalIdentity("ip:" + driver::FormatIpAddress(target.remote.address));
      ip.ok() && std::find(out.begin(), out.end(), *ip) == out.end()) {
    out.push_back(*ip);
  }
  return out;
}

// The identity to record with an acceptance: the name the user typed, else the address.
std::string RecordedIdentity(const Target& target) {
  if (auto hp = driver::SplitHostPort(target.input); hp.ok()) {
    if (driver::ParseIpAddress(hp->host).ok()) {
      return "ip:" + driver::FormatIpAddress(target.remote.address);
    }
    return "dns:" + hp->host;
  }
  return "ip:" + driver::FormatIpAddress(target.remote.address);
}

}  // namespace

bool PeerKnownTrusted(trust::TrustStore& store, const Target& target) {
  std::optional<trust::IpAddress> address;
  if (auto a = trust::IpAddress::FromBytes(target.remote.address); a.ok()) address = *a;
  for (const std::string& identity : PeerIdentities(target)) {
    auto fingerprints = store.backend().FingerprintsWithIdentity(identity);
    if (!fingerprints.ok()) continue;
    for (const Bytes& fp : *fingerprints) {
      auto local = store.GetLocal(fp);
      Bytes der;
      if (local.ok() && *local) {
        der = (*local)->certificate;
      } else if (auto entries = store.backend().EntriesFor(fp); entries.ok() && !entries->empty()) {
        der = entries->front().entry->entry.tbs.certificate;
      } else {
        continue;
      }
      trust::DecisionQuery q;
      q.certificate = der;
      q.identity = identity;
      q.address = address;
      q.now = WallClockNow();
      auto d = store.Decide(q);
      if (d.ok() && d->trusted()) return true;
    }
  }
  return false;
}

AcceptResult ProbeAndAccept(trust::TrustStore& store, const Target& target,
                            const engine::Policy& policy, const driver::ProbeOptions& options,
                            bool yes) {
  AcceptResult out;
  auto loop = driver::EventLoop::Create();
  if (!loop.ok()) return {kExitFailure, loop.error().message, {}, {}};
  if (Status s = (*loop)->StopOnSignals({SIGINT, SIGTERM}); !s.ok()) {
    return {kExitFailure, s.error().message, {}, {}};
  }
  OpenSslRng rng;
  auto outcomes = driver::ProbeAll(**loop, {{target.remote, policy}}, options, rng);
  if (!outcomes.ok()) return {kExitFailure, outcomes.error().message, {}, {}};
  const driver::ProbeOutcome& o = outcomes->front();
  if (o.local_error) return {kExitFailure, o.local_error->message, {}, {}};
  const engine::ProbeResult& r = o.result;
  if (r.stop != engine::ProbeStop::kCompleted || r.certificates.empty()) {
    const int code = ProbeExitCode(r, false);
    return {code == kExitOk ? kExitPeerUnproven : code,
            "probe of " + target.input + ": " +
                (r.certificates.empty() && r.stop == engine::ProbeStop::kCompleted
                     ? std::string("no certificate (NULL authentication?)")
                     : ProbeProblem(r, policy)),
            {},
            {}};
  }
  if (r.auth != engine::ResponderAuth::kVerified) {
    return {kExitPeerUnproven,
            target.input + " did not prove it holds the certificate's key (AUTH " +
                std::string(engine::ResponderAuthName(r.auth)) + "); not accepting it",
            {},
            {}};
  }
  auto cert = crypto::Certificate::FromDer(r.certificates[0].der);
  if (!cert.ok())
    return {kExitPeerUnproven, "certificate does not parse: " + cert.error().message, {}, {}};
  std::fprintf(stderr,
               "peer:            %s (%s)\nsubject:         %s\nsha256:          %s\n"
               "identification:  %s\n\n"
               "Compare the identification with the one the peer's owner reads to you.\n",
               target.input.c_str(), driver::FormatEndpoint(target.remote).c_str(),
               trust::Printable(cert->Subject()).c_str(), crypto::FingerprintHex(*cert).c_str(),
               crypto::SpokenIdentification(*cert).c_str());
  if (!yes && !AskYesNo("Do you want to trust this certificate?")) {
    return {kExitNotTrusted, "not trusted (not confirmed; --yes accepts in scripts)", {}, {}};
  }
  trust::AcceptOptions accept;
  accept.note = "accepted after probing " + target.input;
  if (auto id = trust::CanonicalIdentity(RecordedIdentity(target)); id.ok()) accept.ike_id = *id;
  auto entry = store.AddLocal(cert->ToDer(), accept, WallClockNow());
  if (!entry.ok()) return {kExitFailure, entry.error().message, {}, {}};
  out.fingerprint = cert->Sha256Fingerprint();
  out.entry = *entry;
  return out;
}

Result<engine::TrafficSelector> ParseSelector(const std::string& text) {
  std::string address_text = text;
  int length = -1;
  if (size_t slash = text.find('/'); slash != std::string::npos) {
    address_text = text.substr(0, slash);
    const std::string len = text.substr(slash + 1);
    if (len.empty() || len.size() > 3 || len.find_first_not_of("0123456789") != std::string::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "'" + text + "': bad prefix length");
    }
    length = std::stoi(len);
  }
  auto address = driver::ParseIpAddress(address_text);
  if (!address.ok()) return address.error();
  const int bits = static_cast<int>(address->size()) * 8;
  if (length < 0) length = bits;
  if (length > bits) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + text + "': prefix longer than the address");
  }
  engine::TrafficSelector ts;
  ts.ts_type = address->size() == 4 ? 7 : 8;
  ts.start_address = *address;
  ts.end_address = *address;
  for (int i = length; i < bits; ++i) {
    const uint8_t bit = static_cast<uint8_t>(0x80 >> (i % 8));
    ts.start_address[static_cast<size_t>(i / 8)] &= static_cast<uint8_t>(~bit);
    ts.end_address[static_cast<size_t>(i / 8)] |= bit;
  }
  return ts;
}

}  // namespace ikewot::cli
