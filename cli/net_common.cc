#include "cli/net_common.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/home.h"
#include "cli/proposal_text.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identification.h"
#include "core/ikev1/constants.h"
#include "core/ikev2/constants.h"
#include "core/trust/report.h"
#include "core/trust/trust_store.h"

namespace ikewot::cli {

std::set<std::string> InitiatorValueFlags() {
  return {"home", "port",     "source", "timeout",      "retransmits", "ike",      "proposal",
          "esp",  "fallback", "ke",     "min-strength", "local-port",  "natt-port"};
}

std::set<std::string> InitiatorBoolFlags() { return {"json", "with-auth", "null-auth", "help"}; }

driver::Family TakeFamilyFlags(std::vector<std::string>* argv) {
  driver::Family family = driver::Family::kAny;
  std::vector<std::string> rest;
  for (const std::string& a : *argv) {
    if (a == "-4") {
      family = driver::Family::kIpv4;
    } else if (a == "-6") {
      family = driver::Family::kIpv6;
    } else {
      rest.push_back(a);
    }
  }
  *argv = std::move(rest);
  return family;
}

Result<Target> ResolveTarget(const std::string& text, uint16_t default_port,
                             driver::Family family) {
  auto hp = driver::SplitHostPort(text);
  if (!hp.ok()) return hp.error();
  auto addresses = driver::ResolveHost(hp->host, family);
  if (!addresses.ok()) return addresses.error();
  return Target{text, engine::Endpoint{addresses->front(), hp->port ? hp->port : default_port}};
}

namespace {

Result<uint64_t> ParseCount(const std::string& text, const std::string& flag, uint64_t max) {
  if (text.empty() || text.size() > 9 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError(ErrorCode::kInvalidArgument, "--" + flag + " must be a number");
  }
  uint64_t n = std::stoull(text);
  if (n > max) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--" + flag + " must be at most " + std::to_string(max));
  }
  return n;
}

}  // namespace

Result<uint16_t> RemotePortFromArgs(const Args& args) {
  auto text = args.Value("port");
  if (!text) return engine::kIkePort;
  auto n = ParseCount(*text, "port", 65535);
  if (!n.ok()) return n.error();
  if (*n == 0) return MakeError(ErrorCode::kInvalidArgument, "--port must be 1..65535");
  return static_cast<uint16_t>(*n);
}

Result<Duration> ParseSeconds(const std::string& text, const std::string& flag) {
  char* end = nullptr;
  errno = 0;
  double s = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0 || !std::isfinite(s) ||
      s <= 0 || s > 3600) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "--" + flag + " takes seconds, more than 0 and at most 3600 (e.g. 0.5)");
  }
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

Result<Bytes> SourceFromArgs(const Args& args, driver::Family family) {
  auto text = args.Value("source");
  if (!text) return Bytes{};
  auto address = driver::ParseIpAddress(*text);
  if (!address.ok())
    return MakeError(ErrorCode::kInvalidArgument, "--source: " + address.error().message);
  if ((family == driver::Family::kIpv4 && address->size() != 4) ||
      (family == driver::Family::kIpv6 && address->size() != 16)) {
    return MakeError(ErrorCode::kInvalidArgument, "--source does not match -4 / -6");
  }
  return *address;
}

std::optional<int> IkeVersionFromArgs(const Args& args) {
  auto value = args.Value("ike");
  if (!value) return std::nullopt;
  if (*value == "1") return 1;
  if (*value == "2") return 2;
  if (*value == "auto") return 0;
  return std::nullopt;
}

Result<engine::Policy> PolicyFromArgs(const Args& args, engine::LocalIdentity identity) {
  engine::Policy policy;
  policy.retransmit.max_tries = 4;  // 0.5 + 1 + 2 + 4 s: a probe should not hang for long
  const bool ike_is_proposal = args.Has("ike") && !IkeVersionFromArgs(args).has_value();
  const bool custom_ike = ike_is_proposal || args.Has("proposal");
  if (custom_ike) {
    auto text = ike_is_proposal ? *args.Value("ike") : *args.Value("proposal");
    auto ike = ParseIkeProposals(text);
    if (!ike.ok()) return MakeError(ErrorCode::kInvalidArgument, "--ike: " + ike.error().message);
    policy.ike_proposals = std::move(*ike);
  } else {
    policy.ike_proposals = DefaultIkeProposals();
    policy.fallback_proposals = DefaultFallbackProposals();
  }
  if (auto fallback = args.Value("fallback")) {
    if (*fallback == "none") {
      policy.fallback_proposals.clear();
    } else {
      auto parsed = ParseIkeProposals(*fallback);
      if (!parsed.ok()) {
        return MakeError(ErrorCode::kInvalidArgument, "--fallback: " + parsed.error().message);
      }
      policy.fallback_proposals = std::move(*parsed);
    }
  }
  if (auto esp = args.Value("esp")) {
    auto parsed = ParseEspProposals(*esp);
    if (!parsed.ok())
      return MakeError(ErrorCode::kInvalidArgument, "--esp: " + parsed.error().message);
    policy.esp_proposals = std::move(*parsed);
  } else {
    policy.esp_proposals = DefaultEspProposals();
  }
  if (auto ke = args.Value("ke")) {
    auto group = ParseKeGroup(*ke);
    if (!group.ok())
      return MakeError(ErrorCode::kInvalidArgument, "--ke: " + group.error().message);
    bool offered = false;
    for (const auto& p : policy.ike_proposals) {
      offered = offered || std::count(p.ke_groups.begin(), p.ke_groups.end(), *group) > 0;
    }
    if (!offered) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "--ke " + *ke + " is not a group of the proposals offered (--ike)");
    }
    policy.ke_guess = *group;
  }
  if (auto bits = args.Value("min-strength")) {
    auto n = ParseCount(*bits, "min-strength", 256);
    if (!n.ok()) return n.error();
    policy.minimum_strength_bits = static_cast<int>(*n);
  }
  if (auto timeout = args.Value("timeout")) {
    auto d = ParseSeconds(*timeout, "timeout");
    if (!d.ok()) return d.error();
    policy.retransmit.initial_timeout = *d;
    policy.retransmit.max_timeout = std::max(policy.retransmit.max_timeout, *d);
  }
  if (auto retransmits = args.Value("retransmits")) {
    auto n = ParseCount(*retransmits, "retransmits", 20);
    if (!n.ok()) return n.error();
    policy.retransmit.max_tries = static_cast<uint32_t>(*n) + 1;
  }
  policy.probe_with_auth = args.Has("with-auth");
  policy.null_auth = args.Has("null-auth");
  if (policy.null_auth && policy.probe_with_auth) {
    return MakeError(ErrorCode::kInvalidArgument, "--null-auth and --with-auth exclude each other");
  }
  policy.identity = std::move(identity);
  return policy;
}

Result<std::optional<engine::LocalIdentity>> LoadHomeIdentity(const std::string& home_root) {
  auto loaded = LoadIdentity(HomeLayout(home_root));
  if (!loaded.ok()) {
    if (loaded.code() == ErrorCode::kNotFound) return std::optional<engine::LocalIdentity>();
    return loaded.error();
  }
  engine::LocalIdentity identity;
  identity.certificate_chain_der = {loaded->certificate.ToDer()};
  identity.key = std::make_shared<const crypto::PrivateKey>(std::move(loaded->key));
  return std::optional<engine::LocalIdentity>(std::move(identity));
}

Result<std::unique_ptr<trust::OwnedStore>> OpenTrustStore(const std::string& home_root) {
  return OpenHomeStore(HomeLayout(home_root));
}

TimePoint WallClockNow() {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())};
}

int ProbeExitCode(const engine::ProbeResult& result, bool local_error) {
  if (local_error) return kExitFailure;
  switch (result.stop) {
    case engine::ProbeStop::kCompleted:
      return result.auth == engine::ResponderAuth::kInvalid ? kExitPeerUnproven : kExitOk;
    case engine::ProbeStop::kNoCertificate:
      return kExitPeerUnproven;
    case engine::ProbeStop::kNoProposalChosen:
    case engine::ProbeStop::kInvalidKeExhausted:
      return kExitNoProposal;
    case engine::ProbeStop::kAuthenticationFailed:
      return kExitAuthenticationFailed;
    case engine::ProbeStop::kTimeout:
      return kExitNoAnswer;
    case engine::ProbeStop::kRateLimited:
    case engine::ProbeStop::kProtocolError:
      return kExitFailure;
  }
  return kExitFailure;
}

std::string ProbeProblem(const engine::ProbeResult& r, const engine::Policy& policy) {
  const std::string detail = r.detail.empty() ? "" : " (" + r.detail + ")";
  switch (r.stop) {
    case engine::ProbeStop::kCompleted:
      if (r.auth == engine::ResponderAuth::kInvalid) {
        return "the responder's AUTH does not verify with its certificate: it did not prove it "
               "holds the key";
      }
      if (r.auth == engine::ResponderAuth::kAbsent) {
        return "the responder sent its certificate without AUTH: possession of the key is not "
               "proven";
      }
      return "";
    case engine::ProbeStop::kNoCertificate:
      return "the responder answered without a certificate" + detail;
    case engine::ProbeStop::kNoProposalChosen:
      return "the responder accepts none of the proposals offered (NO_PROPOSAL_CHOSEN); offer "
             "others with --ike" +
             detail;
    case engine::ProbeStop::kInvalidKeExhausted:
      return "the responder wants a KE group that was not offered (INVALID_KE_PAYLOAD); add it "
             "to --ike" +
             detail;
    case engine::ProbeStop::kAuthenticationFailed:
      if (r.ike_version == 1) {
        return "IKEv1 main mode: the " + r.detail +
               "; use --mode aggressive, or a home identity the responder trusts";
      }
      if (!policy.probe_with_auth && !policy.null_auth) {
        return "the responder demands initiator authentication (AUTHENTICATION_FAILED to a probe "
               "without AUTH); retry with --with-auth" +
               detail;
      }
      return "the responder refused our authentication (AUTHENTICATION_FAILED)" + detail;
    case engine::ProbeStop::kTimeout:
      return "no answer; is an IKE daemon listening there, or is UDP filtered?" + detail;
    case engine::ProbeStop::kRateLimited:
      return "not probed: too many probes to this target right now" + detail;
    case engine::ProbeStop::kProtocolError:
      return "the exchange failed" + detail;
  }
  return detail;
}

namespace {

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

template <typename T, typename F>
std::string JoinMapped(const std::vector<T>& items, F name) {
  std::vector<std::string> out;
  for (const T& i : items) out.push_back(name(i));
  return Join(out, " ");
}

}  // namespace

std::string FormatProbeText(const std::string& input, const engine::ProbeResult& r) {
  std::string out;
  auto line = [&out](const std::string& label, const std::string& value) {
    out += label + std::string(label.size() < 16 ? 16 - label.size() : 1, ' ') +
           trust::Printable(value) + "\n";
  };
  line("target", input + (input == r.target ? "" : " (" + r.target + ")"));
  line("result",
       std::string(engine::ProbeStopName(r.stop)) + (r.detail.empty() ? "" : ": " + r.detail));
  if (r.ike_version == 1) line("ike version", "1 (" + r.ike_mode + " mode)");
  if (!r.version_fallback.empty()) line("fallback", "IKEv1 because " + r.version_fallback);
  if (!r.idr_type.empty()) {
    // A DN identity that is the certificate's own subject reads better as that subject.
    std::string shown = r.idr;
    if (auto der = FromHex(r.idr); der.ok() && !r.certificates.empty()) {
      if (auto cert = crypto::Certificate::FromDer(r.certificates[0].der);
          cert.ok() && *der == cert->SubjectDer()) {
        shown = cert->Subject();
      }
    }
    line("identity", r.idr_type + " " + shown);
  }
  for (size_t i = 0; i < r.certificates.size(); ++i) {
    const engine::ProbedCertificate& c = r.certificates[i];
    const std::string prefix = i == 0 ? "" : "chain[" + std::to_string(i) + "] ";
    line(prefix + "subject", c.subject);
    if (auto cert = crypto::Certificate::FromDer(c.der); cert.ok()) {
      std::vector<std::string> sans;
      for (const auto& san : cert->SubjectAltNames()) sans.push_back(san.ToString());
      if (i == 0) line("alt names", sans.empty() ? "(none)" : Join(sans, ", "));
      if (i == 0) line("issuer", cert->Issuer());
    }
    line(prefix + "sha256", crypto::FormatFingerprintHex(c.sha256_fingerprint));
    line(prefix + "identification", c.identification);
  }
  if (r.round_trips == 0) {
    line("exchange", std::to_string(r.retransmissions) + " retransmissions, no answer");
    return out;
  }
  std::string auth(engine::ResponderAuthName(r.auth));
  if (!r.auth_method.empty()) auth += " (" + r.auth_method + ")";
  line("responder AUTH", auth);
  if (!r.behaviour.chosen_proposal.empty()) line("proposal", r.behaviour.chosen_proposal);
  if (r.behaviour.invalid_ke_group) {
    line("INVALID_KE",
         "asked for " + std::string(ikev2::DhGroupName(*r.behaviour.invalid_ke_group)));
  }
  std::vector<std::string> vendors;
  for (const auto& v : r.vendor_ids) {
    vendors.push_back(v.name.empty() ? ToHex(v.raw) : v.name);
  }
  line("vendor IDs", vendors.empty() ? "(none)" : Join(vendors, ", "));
  const bool v1 = r.ike_version == 1;
  auto notify_name = [v1](uint16_t t) {
    return v1 ? ikev1::NotifyTypeName(static_cast<ikev1::NotifyType>(t))
              : std::string(ikev2::NotifyTypeName(t));
  };
  auto payload_name = [v1](uint8_t t) {
    return v1 ? ikev1::PayloadTypeName(static_cast<ikev1::PayloadType>(t))
              : std::string(ikev2::PayloadTypeName(t));
  };
  line("behaviour", std::string(v1 ? "phase 1" : "IKE_SA_INIT") + " notifies [" +
                        JoinMapped(r.behaviour.init_notify_types, notify_name) + "] payloads [" +
                        JoinMapped(r.behaviour.init_payload_order, payload_name) + "]");
  if (!r.behaviour.auth_payload_order.empty() || !r.behaviour.auth_notify_types.empty()) {
    line("", std::string(v1 ? "MM6" : "IKE_AUTH") + " notifies [" +
                 JoinMapped(r.behaviour.auth_notify_types, notify_name) + "] payloads [" +
                 JoinMapped(r.behaviour.auth_payload_order, payload_name) + "]");
  }
  if (!r.behaviour.signature_hashes.empty()) {
    line("signature hashes",
         JoinMapped(r.behaviour.signature_hashes, [](uint16_t t) { return std::to_string(t); }));
  }
  line("NAT", r.nat.detected() ? std::string("detected: ") +
                                     (r.nat.local_behind_nat ? "we are behind a NAT " : "") +
                                     (r.nat.peer_behind_nat ? "the peer is behind a NAT " : "") +
                                     "(" + r.nat.How() + ")"
              : r.nat.notifies_present
                  ? std::string(v1 ? "none (the NAT-D hashes match both ends)"
                                   : "none (the NAT_DETECTION hashes match both ends)")
                  : std::string("unknown (no NAT_DETECTION notifies answered)"));
  line("fragmentation", !r.fragmentation_supported ? "not announced"
                        : v1                       ? "supported (IKEv1 fragmentation VID)"
                                                   : "supported (RFC 7383)");
  if (r.cookie_required) line("cookie", "required (RFC 7296 2.6)");
  if (r.used_fallback_proposals) line("fallback", "the restricted proposal list was needed");
  char timing[128];
  std::snprintf(timing, sizeof(timing), "%u round trips, %u retransmissions, %.1f ms",
                r.round_trips, r.retransmissions,
                std::chrono::duration<double, std::milli>(r.latency).count());
  line("exchange", timing);
  return out;
}

engine::CertificateAcceptance StoreAcceptance(trust::TrustStore* store, AcceptMode mode,
                                              std::function<void(const std::string&)> note) {
  return [store, mode, note](const engine::PeerCertificateView& view) {
    if (!view.chain_der || view.chain_der->empty()) return engine::CertificateDecision::kReject;
    const TimePoint now = WallClockNow();
    trust::DecisionQuery query;
    query.certificate = view.chain_der->front();
    query.now = now;
    if (auto address = trust::IpAddress::FromBytes(view.peer.address); address.ok()) {
      query.address = *address;
    }
    auto decision = store->Decide(query);
    const std::string who = view.identification + " at " + driver::FormatEndpoint(view.peer);
    if (!decision.ok()) {
      if (note) note("refused " + who + ": trust store: " + decision.error().message);
      return engine::CertificateDecision::kReject;
    }
    const std::string verdict(trust::VerdictName(decision->verdict));
    if (decision->trusted()) {
      if (note) note("trusted " + who + " (" + verdict + ")");
      return engine::CertificateDecision::kAcceptTrusted;
    }
    const bool refusable = decision->verdict == trust::Verdict::kRejected ||
                           decision->verdict == trust::Verdict::kConflict;
    if (mode == AcceptMode::kTrustedOnly || refusable) {
      if (note) note("refused " + who + " (" + verdict + ")");
      return engine::CertificateDecision::kReject;
    }
    // Opportunistic: proceed, and remember the certificate as seen but unverified (unless the
    // user already made a decision about it).
    auto local = store->GetLocal(decision->fingerprint);
    if (local.ok() && !*local) {
      trust::AcceptOptions options;
      options.verdict = trust::LocalVerdict::kUnverified;
      options.note = "opportunistic: seen from " + driver::FormatEndpoint(view.peer);
      auto added = store->AddLocal(query.certificate, options, now);
      if (!added.ok() && note) note("could not record " + who + ": " + added.error().message);
    }
    if (note) note("accepted unverified " + who + " (" + verdict + ")");
    return engine::CertificateDecision::kAcceptUnverified;
  };
}

bool AskYesNo(const std::string& question) {
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace ikewot::cli
