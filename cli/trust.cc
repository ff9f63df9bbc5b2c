// ikewot trust: this user's own trust decisions (HOME/trust.db) and "why is this peer trusted".
// See docs/trust.md.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/home.h"
#include "core/base/json.h"
#include "core/crypto/certificate.h"
#include "core/crypto/certificate_text.h"
#include "core/crypto/identification.h"
#include "core/trust/der.h"
#include "core/trust/identity.h"
#include "core/trust/owned_store.h"
#include "core/trust/report.h"
#include "core/trust/trust_store.h"

namespace ikewot::cli {
namespace {

constexpr char kUsage[] =
    "usage: ikewot trust list [--json]\n"
    "       ikewot trust show FP [--json]\n"
    "       ikewot trust add CERTFILE [--note TEXT] [--reject | --unverified] [--purpose P]...\n"
    "                        [--valid-days N] [--address PREFIX]... [--name PATTERN]...\n"
    "                        [--ike-id ID] [--yes] [--json]\n"
    "       ikewot trust remove FP [--yes]\n"
    "       ikewot trust why PEER-OR-CERTFILE [--identity ID] [--address IP] [--purpose P]\n"
    "                        [--json]\n"
    "       ikewot trust conflicts [--json]\n"
    "       ikewot trust log [--json]\n"
    "       ikewot trust mode [stored-only | flagged | signed]\n"
    "       ikewot trust accept HOST[:PORT] [--yes] [--json] [probe options: ikewot probe --help]\n"
    "All take --home DIR (else $IKEWOT_HOME, else ~/.ikewot); the store is HOME/trust.db.\n"
    "\n"
    "  FP            a SHA-256 fingerprint or an unambiguous prefix (hex, colons optional)\n"
    "  add           record that you checked CERTFILE (PEM or DER); shows the identification\n"
    "                string to compare and asks before storing unless --yes\n"
    "  --reject      record that you refused the certificate (beats any collection)\n"
    "  --unverified  keep the certificate without trusting it\n"
    "  --purpose P   what it is trusted for (default ike-auth; repeatable)\n"
    "  --valid-days  trust only for N days from now\n"
    "  --address     trust only for peers in this prefix (repeatable)\n"
    "  --name        trust only for these identities/patterns, e.g. dns:.example.org\n"
    "  why           explain the decision for a certificate file or a peer name/address;\n"
    "                exit status 0 if trusted, 1 if not\n"
    "  accept        probe HOST, show its fingerprint and identification string, ask, store\n"
    "  mode          show or change how acceptances are marked (signed needs HOME/identity)\n"
    "\n"
    "Exit status: 0 ok, 1 failure or refusal, 2 usage error.\n";

constexpr size_t kMaxCertificateFile = 64 * 1024;

void UsageError(const std::string& message) {
  std::fprintf(stderr, "ikewot trust: %s\n\n%s", message.c_str(), kUsage);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "ikewot trust: %s\n", message.c_str());
  return kExitFailure;
}

TimePoint WallClockNow() {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())};
}

Result<crypto::Certificate> ReadCertificateFile(const std::string& path) {
  auto text = ReadFileLimited(path, kMaxCertificateFile);
  if (!text.ok()) return text.error();
  if (text->find("-----BEGIN") != std::string::npos) return crypto::Certificate::FromPem(*text);
  return crypto::Certificate::FromDer(AsBytes(*text));
}

bool Confirm(const std::string& question) {
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

void PrintLines(const std::string& text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::printf("%s\n", trust::Printable(text.substr(start, end - start)).c_str());
    start = end + 1;
  }
}

// Resolves FP (a prefix is enough when unambiguous) to one fingerprint in the store.
Result<Bytes> ResolveFingerprint(trust::TrustStore& store, const std::string& text) {
  std::string hex;
  for (char c : text) {
    if (c != ':') hex += c;
  }
  if (hex.size() < 4 || !FromHex(hex).ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + text + "' is not a fingerprint (at least 4 hex digits)");
  }
  auto found = store.FindFingerprints(hex);
  if (!found.ok()) return found.error();
  if (found->empty()) {
    return MakeError(ErrorCode::kNotFound, "no certificate with fingerprint " + text);
  }
  if (found->size() > 1) {
    return MakeError(ErrorCode::kInvalidArgument, "fingerprint " + text + " is ambiguous (" +
                                                      std::to_string(found->size()) +
                                                      " certificates); give more digits");
  }
  return found->front();
}

// The DER of a stored certificate, from a local record or any collection.
Result<Bytes> StoredCertificate(trust::TrustStore& store, ByteView fp) {
  auto local = store.GetLocal(fp);
  if (!local.ok()) return local.error();
  if (*local) return (*local)->certificate;
  auto entries = store.backend().EntriesFor(fp);
  if (!entries.ok()) return entries.error();
  if (entries->empty()) return MakeError(ErrorCode::kNotFound, "certificate not stored");
  return entries->front().entry->entry.tbs.certificate;
}

std::optional<Args> ParseOrUsage(const std::vector<std::string>& argv, std::set<std::string> values,
                                 std::set<std::string> bools) {
  std::string error;
  values.insert("home");
  bools.insert("help");
  auto args = Args::Parse(argv, values, bools, &error);
  if (!args) UsageError(error);
  return args;
}

int RunList(const Args& args) {
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  auto entries = (*hs)->store().ListLocal();
  if (!entries.ok()) return Fail(entries.error().message);
  auto collections = (*hs)->store().ListCollections();
  if (!collections.ok()) return Fail(collections.error().message);
  uint64_t imported = 0;
  for (const auto& c : *collections) imported += c.entry_count;
  if (args.Has("json")) {
    Json list = Json::MakeArray();
    for (const auto& e : *entries) list.Push(trust::LocalEntryJson(e));
    Json out = Json::MakeObject();
    out.Set("marking_mode", std::string(trust::MarkingModeName((*hs)->store().marking_mode())));
    out.Set("local", std::move(list));
    out.Set("collections", static_cast<uint64_t>(collections->size()));
    out.Set("collection_entries", imported);
    std::printf("%s\n", out.Dump(2).c_str());
    return kExitOk;
  }
  if (entries->empty()) std::printf("no decisions of your own yet (ikewot trust add CERTFILE)\n");
  for (const auto& e : *entries) {
    std::printf(
        "%s  %-10s  %-30s  %s  %s%s\n", trust::ShortFingerprintText(e.fingerprint()).c_str(),
        std::string(trust::LocalVerdictName(e.verdict)).c_str(),
        trust::Printable(e.cert.subject).c_str(),
        crypto::FormatUnixTimeUtc(e.decided_at).substr(0, 10).c_str(), e.policy.Describe().c_str(),
        e.note.empty() ? "" : ("  # " + trust::Printable(e.note)).c_str());
  }
  std::printf(
      "(%zu local decisions, marking mode %s; %llu certificates in %zu collections: "
      "ikewot collections list)\n",
      entries->size(), std::string(trust::MarkingModeName((*hs)->store().marking_mode())).c_str(),
      static_cast<unsigned long long>(imported), collections->size());
  return kExitOk;
}

int RunShow(const Args& args) {
  if (args.positionals().size() != 1) {
    UsageError("show needs one fingerprint");
    return kExitUsage;
  }
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  trust::TrustStore& store = (*hs)->store();
  auto fp = ResolveFingerprint(store, args.positionals()[0]);
  if (!fp.ok()) return Fail(fp.error().message);
  auto der = StoredCertificate(store, *fp);
  if (!der.ok()) return Fail(der.error().message);
  auto cert = crypto::Certificate::FromDer(*der);
  if (!cert.ok()) return Fail("stored certificate does not parse: " + cert.error().message);
  auto local = store.GetLocal(*fp);
  auto entries = store.backend().EntriesFor(*fp);
  auto collections = store.ListCollections();
  if (!local.ok() || !entries.ok() || !collections.ok()) return Fail("reading the store failed");
  trust::DecisionQuery q;
  q.certificate = *der;
  q.now = WallClockNow();
  auto decision = store.Decide(q);
  if (!decision.ok()) return Fail(decision.error().message);
  auto collection_name = [&](int64_t id) {
    for (const auto& c : *collections) {
      if (c.id == id) return c.name;
    }
    return std::string("?");
  };
  std::string sans;
  for (const auto& san : cert->SubjectAltNames())
    sans += (sans.empty() ? "" : ", ") + san.ToString();
  if (args.Has("json")) {
    Json out = Json::MakeObject();
    out.Set("fingerprint", crypto::FingerprintHex(*cert));
    out.Set("identification", crypto::SpokenIdentification(*cert));
    out.Set("subject", cert->Subject());
    out.Set("subject_alt_names", sans);
    out.Set("not_before", crypto::FormatUnixTimeUtc(cert->NotBefore()));
    out.Set("not_after", crypto::FormatUnixTimeUtc(cert->NotAfter()));
    out.Set("local", *local ? trust::LocalEntryJson(**local) : Json());
    Json listed = Json::MakeArray();
    for (const auto& ce : *entries) {
      Json j = trust::EntryJson(*ce.entry);
      j.Set("collection", collection_name(ce.collection_id));
      listed.Push(std::move(j));
    }
    out.Set("collections", std::move(listed));
    out.Set("decision", decision->ToJson());
    std::printf("%s\n", out.Dump(2).c_str());
    return kExitOk;
  }
  auto line = [](const char* label, const std::string& value) {
    std::printf("%-16s%s\n", label, value.c_str());
  };
  line("subject:", cert->Subject());
  line("alt names:", sans.empty() ? "(none)" : sans);
  line("valid:", crypto::FormatUnixTimeUtc(cert->NotBefore()) + " .. " +
                     crypto::FormatUnixTimeUtc(cert->NotAfter()));
  line("sha256:", crypto::FingerprintHex(*cert));
  line("identification:", crypto::SpokenIdentification(*cert));
  if (*local) {
    const auto& l = **local;
    line("your decision:", std::string(trust::LocalVerdictName(l.verdict)) + " on " +
                               crypto::FormatUnixTimeUtc(l.decided_at) +
                               (l.endorsement.empty() ? "" : " (signed by you)"));
    line("your policy:", l.policy.Describe());
    if (!l.note.empty()) line("note:", trust::Printable(l.note));
  }
  for (const auto& ce : *entries) {
    line("listed in:", collection_name(ce.collection_id) + " at depth " +
                           std::to_string(ce.entry->entry.tbs.depth()) + "; " +
                           ce.entry->entry.tbs.policy.Describe());
  }
  std::printf("\n");
  PrintLines(decision->Explain());
  return kExitOk;
}

Result<trust::Policy> PolicyFromArgs(const Args& args, TimePoint now) {
  trust::Policy p;
  p.purposes = args.Values("purpose");
  if (p.purposes.empty()) p.purposes = {std::string(trust::kPurposeIkeAuth)};
  if (auto days = args.Value("valid-days")) {
    int64_t n = 0;
    for (char c : *days) {
      if (c < '0' || c > '9' || n > 36500) {
        return MakeError(ErrorCode::kInvalidArgument, "--valid-days must be 1..36500");
      }
      n = n * 10 + (c - '0');
    }
    if (n < 1 || n > 36500) {
      return MakeError(ErrorCode::kInvalidArgument, "--valid-days must be 1..36500");
    }
    p.not_after = now.UnixSeconds() + n * 86400;
  }
  for (const std::string& a : args.Values("address")) {
    auto prefix = trust::IpPrefix::Parse(a);
    if (!prefix.ok()) return prefix.error();
    p.addresses.push_back(*prefix);
  }
  p.names = args.Values("name");
  IKEWOT_RETURN_IF_ERROR(p.Normalize());
  return p;
}

int RunAdd(const Args& args) {
  if (args.positionals().size() != 1) {
    UsageError("add needs one certificate file");
    return kExitUsage;
  }
  if (args.Has("reject") && args.Has("unverified")) {
    UsageError("--reject and --unverified exclude each other");
    return kExitUsage;
  }
  const TimePoint now = WallClockNow();
  auto policy = PolicyFromArgs(args, now);
  if (!policy.ok()) {
    UsageError(policy.error().message);
    return kExitUsage;
  }
  auto cert = ReadCertificateFile(args.positionals()[0]);
  if (!cert.ok()) return Fail(args.positionals()[0] + ": " + cert.error().message);
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  trust::AcceptOptions options;
  options.policy = *policy;
  options.note = args.Value("note").value_or("");
  options.ike_id = args.Value("ike-id").value_or("");
  options.verdict = args.Has("reject")       ? trust::LocalVerdict::kRejected
                    : args.Has("unverified") ? trust::LocalVerdict::kUnverified
                                             : trust::LocalVerdict::kAccepted;
  const std::string verb = args.Has("reject")       ? "reject"
                           : args.Has("unverified") ? "keep"
                                                    : "trust";
  if (!args.Has("yes")) {
    std::fprintf(stderr,
                 "subject:         %s\nsha256:          %s\nidentification:  %s\n\n"
                 "Compare the identification with the one its owner reads to you.\n",
                 trust::Printable(cert->Subject()).c_str(), crypto::FingerprintHex(*cert).c_str(),
                 crypto::SpokenIdentification(*cert).c_str());
    if (!Confirm("Do you want to " + verb + " this certificate?")) {
      return Fail("nothing stored (not confirmed; use --yes in scripts)");
    }
  }
  auto entry = (*hs)->store().AddLocal(cert->ToDer(), options, now);
  if (!entry.ok()) return Fail(entry.error().message);
  if (args.Has("json")) {
    std::printf("%s\n", trust::LocalEntryJson(*entry).Dump(2).c_str());
  } else {
    std::printf("%s %s (%s)\n  sha256 %s\n  policy: %s%s\n",
                std::string(trust::LocalVerdictName(entry->verdict)).c_str(),
                trust::Printable(entry->cert.subject).c_str(),
                trust::ShortFingerprintText(entry->fingerprint()).c_str(),
                trust::FingerprintText(entry->fingerprint()).c_str(),
                entry->policy.Describe().c_str(),
                entry->endorsement.empty() ? "" : "\n  signed with your key (signed mode)");
  }
  return kExitOk;
}

int RunRemove(const Args& args) {
  if (args.positionals().size() != 1) {
    UsageError("remove needs one fingerprint");
    return kExitUsage;
  }
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  trust::TrustStore& store = (*hs)->store();
  auto fp = ResolveFingerprint(store, args.positionals()[0]);
  if (!fp.ok()) return Fail(fp.error().message);
  auto local = store.GetLocal(*fp);
  if (!local.ok()) return Fail(local.error().message);
  if (!*local) {
    return Fail("you made no decision about " + trust::ShortFingerprintText(*fp) +
                "; its trust comes from collections (ikewot collections ...)");
  }
  if (!args.Has("yes") &&
      !Confirm("Remove your decision (" + std::string(trust::LocalVerdictName((*local)->verdict)) +
               ") about " + trust::Printable((*local)->cert.subject) + "?")) {
    return Fail("nothing removed (not confirmed; use --yes in scripts)");
  }
  auto removed = store.RemoveLocal(*fp, WallClockNow());
  if (!removed.ok()) return Fail(removed.error().message);
  std::printf("removed your decision about %s (%s)\n",
              trust::Printable((*local)->cert.subject).c_str(),
              trust::ShortFingerprintText(*fp).c_str());
  return kExitOk;
}

int RunWhy(const Args& args) {
  if (args.positionals().size() != 1) {
    UsageError("why needs a peer name, address or certificate file");
    return kExitUsage;
  }
  const std::string& target = args.positionals()[0];
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  trust::TrustStore& store = (*hs)->store();
  trust::DecisionQuery base;
  base.now = WallClockNow();
  base.purpose = args.Value("purpose").value_or(std::string(trust::kPurposeIkeAuth));
  if (auto address = args.Value("address")) {
    auto a = trust::IpAddress::Parse(*address);
    if (!a.ok()) {
      UsageError(a.error().message);
      return kExitUsage;
    }
    base.address = *a;
  }
  if (auto id = args.Value("identity")) {
    auto canonical = trust::CanonicalIdentity(*id);
    if (!canonical.ok()) {
      UsageError(canonical.error().message);
      return kExitUsage;
    }
    base.identity = *canonical;
  }
  // (certificate DER, identity the peer would claim)
  std::vector<std::pair<Bytes, std::string>> subjects;
  std::error_code ec;
  if (std::filesystem::is_regular_file(target, ec)) {
    auto cert = ReadCertificateFile(target);
    if (!cert.ok()) return Fail(target + ": " + cert.error().message);
    subjects.emplace_back(cert->ToDer(), base.identity);
  } else {
    const auto candidates = trust::CandidateIdentities(target);
    if (candidates.empty()) return Fail("'" + target + "' is neither a file nor a peer name");
    if (!base.address) {
      if (auto a = trust::IpAddress::Parse(target); a.ok()) base.address = *a;
    }
    for (const std::string& identity : candidates) {
      auto fps = store.backend().FingerprintsWithIdentity(identity);
      if (!fps.ok()) return Fail(fps.error().message);
      for (const Bytes& fp : *fps) {
        auto der = StoredCertificate(store, fp);
        if (!der.ok()) return Fail(der.error().message);
        subjects.emplace_back(*der, base.identity.empty() ? identity : base.identity);
      }
    }
    if (subjects.empty()) {
      if (args.Has("json")) {
        Json out = Json::MakeObject();
        out.Set("peer", target);
        out.Set("decisions", Json::MakeArray());
        std::printf("%s\n", out.Dump(2).c_str());
      } else {
        std::printf("unknown: no certificate in your store names %s\n", target.c_str());
      }
      return kExitFailure;
    }
  }
  bool any_trusted = false;
  Json decisions = Json::MakeArray();
  for (const auto& [der, identity] : subjects) {
    trust::DecisionQuery q = base;
    q.certificate = der;
    q.identity = identity;
    auto d = store.Decide(q);
    if (!d.ok()) return Fail(d.error().message);
    any_trusted = any_trusted || d->trusted();
    if (args.Has("json")) {
      decisions.Push(d->ToJson());
    } else {
      PrintLines(d->Explain());
    }
  }
  if (args.Has("json")) {
    Json out = Json::MakeObject();
    out.Set("peer", target);
    out.Set("decisions", std::move(decisions));
    std::printf("%s\n", out.Dump(2).c_str());
  }
  return any_trusted ? kExitOk : kExitFailure;
}

int RunConflicts(const Args& args) {
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  auto conflicts = (*hs)->store().Conflicts(WallClockNow());
  if (!conflicts.ok()) return Fail(conflicts.error().message);
  if (args.Has("json")) {
    Json out = Json::MakeArray();
    for (const auto& c : *conflicts) out.Push(c.ToJson());
    std::printf("%s\n", out.Dump(2).c_str());
    return kExitOk;
  }
  if (conflicts->empty()) std::printf("no conflicts\n");
  for (const auto& c : *conflicts) std::printf("%s\n", trust::Printable(c.Describe()).c_str());
  return kExitOk;
}

int RunLog(const Args& args) {
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  auto events = (*hs)->store().Events();
  if (!events.ok()) return Fail(events.error().message);
  if (args.Has("json")) {
    Json out = Json::MakeArray();
    for (const auto& e : *events) out.Push(e.ToJson());
    std::printf("%s\n", out.Dump(2).c_str());
    return kExitOk;
  }
  for (const auto& e : *events) {
    std::printf(
        "%4lld  %s  %-17s %s  %s\n", static_cast<long long>(e.id),
        crypto::FormatUnixTimeUtc(e.at).c_str(), e.kind.c_str(),
        trust::Printable(e.subject.size() == 64 ? e.subject.substr(0, 16) + "..." : e.subject)
            .c_str(),
        trust::Printable(e.detail).c_str());
  }
  return kExitOk;
}

int RunMode(const Args& args) {
  if (args.positionals().size() > 1) {
    UsageError("mode takes at most one argument");
    return kExitUsage;
  }
  std::optional<trust::MarkingMode> wanted;
  if (!args.positionals().empty()) {
    wanted = trust::ParseMarkingMode(args.positionals()[0]);
    if (!wanted) {
      UsageError("mode is stored-only, flagged or signed");
      return kExitUsage;
    }
  }
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(args)));
  if (!hs.ok()) return Fail(hs.error().message);
  if (wanted) {
    Status s = (*hs)->store().SetMarkingMode(*wanted, WallClockNow());
    if (!s.ok()) return Fail(s.error().message);
  }
  std::printf("marking mode: %s\n",
              std::string(trust::MarkingModeName((*hs)->store().marking_mode())).c_str());
  return kExitOk;
}

// The subcommand is the first word that is not a leading --home DIR, --json or --yes, so that
// "ikewot trust --home DIR list" works as well as "ikewot trust list --home DIR".
bool SplitSubcommand(const std::vector<std::string>& argv, std::string* sub,
                     std::vector<std::string>* rest) {
  size_t i = 0;
  while (i < argv.size()) {
    if (argv[i] == "--home") {
      i += 2;
    } else if (argv[i].rfind("--home=", 0) == 0 || argv[i] == "--json" || argv[i] == "--yes") {
      i += 1;
    } else {
      break;
    }
  }
  if (i >= argv.size()) return false;
  *sub = argv[i];
  rest->assign(argv.begin(), argv.begin() + static_cast<long>(i));
  rest->insert(rest->end(), argv.begin() + static_cast<long>(i) + 1, argv.end());
  return true;
}

}  // namespace

int RunTrust(const std::vector<std::string>& argv) {
  std::string sub;
  std::vector<std::string> rest;
  if (!SplitSubcommand(argv, &sub, &rest)) {
    UsageError("missing subcommand");
    return kExitUsage;
  }
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  struct Sub {
    const char* name;
    std::set<std::string> values;
    std::set<std::string> bools;
    int (*run)(const Args&);
  };
  const Sub subs[] = {
      {"list", {}, {"json"}, RunList},
      {"show", {}, {"json"}, RunShow},
      {"add",
       {"note", "purpose", "valid-days", "address", "name", "ike-id"},
       {"reject", "unverified", "yes", "json"},
       RunAdd},
      {"remove", {}, {"yes"}, RunRemove},
      {"why", {"identity", "address", "purpose"}, {"json"}, RunWhy},
      {"conflicts", {}, {"json"}, RunConflicts},
      {"log", {}, {"json"}, RunLog},
      {"mode", {}, {"yes"}, RunMode},
  };
  if (sub == "accept") return RunTrustAccept(rest);
  for (const Sub& s : subs) {
    if (sub != s.name) continue;
    auto args = ParseOrUsage(rest, s.values, s.bools);
    if (!args) return kExitUsage;
    if (args->Has("help")) {
      std::printf("%s", kUsage);
      return kExitOk;
    }
    const bool takes_positionals = sub != "list" && sub != "conflicts" && sub != "log";
    if (!takes_positionals && !args->positionals().empty()) {
      UsageError("unexpected argument '" + args->positionals().front() + "'");
      return kExitUsage;
    }
    return s.run(*args);
  }
  UsageError("unknown subcommand '" + sub + "'");
  return kExitUsage;
}

}  // namespace ikewot::cli
