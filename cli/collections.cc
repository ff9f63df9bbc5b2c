// ikewot share / import / collections: shared collections of checked certificates.
// See docs/collections.md.
#include <chrono>
#include <cstdio>
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
#include "core/trust/collection.h"
#include "core/trust/der.h"
#include "core/trust/owned_store.h"
#include "core/trust/report.h"
#include "core/trust/trust_store.h"

namespace ikewot::cli {
namespace {

constexpr char kShareUsage[] =
    "usage: ikewot share --out FILE [--to CERTFILE]... [--valid-days N] [--purpose P]...\n"
    "                    [--depth N] [--yes] [--json] [--home DIR]\n"
    "\n"
    "Writes the certificates you checked as a collection signed with your identity (CMS\n"
    "SignedData; with --to, also encrypted for those recipients). Needs an ECDSA or RSA\n"
    "identity (ikewot id init).\n"
    "  --to CERTFILE   encrypt for this recipient (PEM or DER; repeatable)\n"
    "  --valid-days N  the importers' trust ends N days from now\n"
    "  --purpose P     share only for this purpose (repeatable)\n"
    "  --depth N       1 (default): only what you checked yourself; N: also pass on what\n"
    "                  collections you imported vouch for, up to N steps from the checker\n"
    "  --yes           overwrite FILE if it exists\n"
    "Exit status: 0 ok, 1 failure, 2 usage error.\n";

constexpr char kImportUsage[] =
    "usage: ikewot import FILE [--name NAME] [--max-depth N] [--override-signer] [--yes]\n"
    "                     [--json] [--home DIR]\n"
    "\n"
    "Imports a collection. The signer's certificate must be one you checked yourself\n"
    "(ikewot trust add); encrypted collections are opened with your identity.\n"
    "  --name NAME        local name (default: the signer's common name)\n"
    "  --max-depth N      take only entries at most N steps from their checker\n"
    "  --override-signer  import although you have not checked the signer (asks first\n"
    "                     unless --yes)\n"
    "Exit status: 0 ok, 1 refused (with the reason), 2 usage error.\n";

constexpr char kCollectionsUsage[] =
    "usage: ikewot collections list [--json]\n"
    "       ikewot collections show NAME [--json]\n"
    "       ikewot collections enable NAME\n"
    "       ikewot collections disable NAME\n"
    "       ikewot collections remove NAME [--yes]\n"
    "       ikewot collections condition NAME (--while-peer ID | --between T1 T2 | --none)\n"
    "All take --home DIR.\n"
    "\n"
    "  remove       withdraws exactly the trust that came from the collection\n"
    "  --while-peer the collection counts only while an IKE SA to peer ID is up\n"
    "  --between    the collection counts only from T1 until T2 (YYYY-MM-DD or\n"
    "               YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
    "Exit status: 0 ok, 1 failure, 2 usage error.\n";

constexpr size_t kMaxCertificateFile = 64 * 1024;

void UsageError(const char* command, const std::string& message, const char* usage) {
  std::fprintf(stderr, "ikewot %s: %s\n\n%s", command, message.c_str(), usage);
}

int Fail(const char* command, const std::string& message) {
  std::fprintf(stderr, "ikewot %s: %s\n", command, trust::Printable(message).c_str());
  return kExitFailure;
}

TimePoint WallClockNow() {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())};
}

bool Confirm(const std::string& question) {
  std::fprintf(stderr, "%s [y/N] ", question.c_str());
  std::fflush(stderr);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

std::optional<uint32_t> SmallNumber(const std::string& text, uint32_t max) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  uint32_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint32_t>(c - '0');
  }
  if (v < 1 || v > max) return std::nullopt;
  return v;
}

// Why a collection does not count right now ("" when it does).
std::string Inactivity(trust::TrustStore& store, const trust::CollectionInfo& c, TimePoint now) {
  if (!c.enabled) return "disabled";
  std::string why;
  if (!store.ConditionHolds(c, now, &why)) return why;
  if (!c.signer_override) {
    auto signer = store.GetLocal(c.signer_fingerprint);
    if (!signer.ok() || !*signer || (*signer)->verdict != trust::LocalVerdict::kAccepted) {
      return "you no longer trust its signer";
    }
  }
  return "";
}

// The subcommand is the first word that is not a leading --home DIR, --json or --yes, so that
// "ikewot collections --home DIR list" works as well as "ikewot collections list --home DIR".
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

int RunShare(const std::vector<std::string>& argv) {
  constexpr const char* kCmd = "share";
  std::string error;
  auto args = Args::Parse(argv, {"out", "to", "valid-days", "purpose", "depth", "home"},
                          {"yes", "json", "help"}, &error);
  if (!args) {
    UsageError(kCmd, error, kShareUsage);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("%s", kShareUsage);
    return kExitOk;
  }
  if (!args->positionals().empty()) {
    UsageError(kCmd, "unexpected argument '" + args->positionals().front() + "'", kShareUsage);
    return kExitUsage;
  }
  auto out = args->Value("out");
  if (!out || out->empty()) {
    UsageError(kCmd, "share needs --out FILE", kShareUsage);
    return kExitUsage;
  }
  trust::ShareOptions options;
  if (auto days = args->Value("valid-days")) {
    auto n = SmallNumber(*days, 36500);
    if (!n) {
      UsageError(kCmd, "--valid-days must be 1..36500", kShareUsage);
      return kExitUsage;
    }
    options.valid_days = *n;
  }
  if (auto depth = args->Value("depth")) {
    auto n = SmallNumber(*depth, 8);
    if (!n) {
      UsageError(kCmd, "--depth must be 1..8", kShareUsage);
      return kExitUsage;
    }
    options.depth = *n;
  }
  options.purposes = args->Values("purpose");
  for (const std::string& path : args->Values("to")) {
    auto text = ReadFileLimited(path, kMaxCertificateFile);
    if (!text.ok()) return Fail(kCmd, path + ": " + text.error().message);
    auto cert = text->find("-----BEGIN") != std::string::npos
                    ? crypto::Certificate::FromPem(*text)
                    : crypto::Certificate::FromDer(AsBytes(*text));
    if (!cert.ok()) return Fail(kCmd, path + ": " + cert.error().message);
    options.recipients.push_back(std::move(*cert));
  }
  if (PathExists(*out) && !args->Has("yes")) {
    return Fail(kCmd, *out + " exists; pass --yes to overwrite it");
  }
  HomeLayout home(ResolveHome(*args));
  auto hs = OpenHomeStore(home);
  if (!hs.ok()) return Fail(kCmd, hs.error().message);
  if (!(*hs)->owner()) {
    return Fail(kCmd, "sharing signs with your identity, and there is none in " +
                          home.IdentityDir() + " (ikewot id init --name NAME)");
  }
  auto result = (*hs)->store().Share(*(*hs)->owner(), options, WallClockNow());
  if (!result.ok()) return Fail(kCmd, result.error().message);
  const std::string_view bytes(reinterpret_cast<const char*>(result->file.data()),
                               result->file.size());
  Status written = WriteFileAtomic(*out, bytes, kPublicFileMode);
  if (!written.ok()) return Fail(kCmd, written.error().message);
  if (args->Has("json")) {
    std::printf("%s\n", trust::ShareResultJson(*result, *out).Dump(2).c_str());
    return kExitOk;
  }
  std::string to = "not encrypted";
  if (!options.recipients.empty()) {
    to = "encrypted for";
    for (const auto& r : options.recipients) to += " " + trust::Printable(r.Subject());
  }
  std::printf("wrote %s: %zu certificates, %zu removals, sequence %llu, %s\n", out->c_str(),
              result->entries, result->removals, static_cast<unsigned long long>(result->sequence),
              to.c_str());
  for (const std::string& note : result->notes) std::printf("note: %s\n", note.c_str());
  return kExitOk;
}

int RunImport(const std::vector<std::string>& argv) {
  constexpr const char* kCmd = "import";
  std::string error;
  auto args = Args::Parse(argv, {"name", "max-depth", "home"},
                          {"override-signer", "yes", "json", "help"}, &error);
  if (!args) {
    UsageError(kCmd, error, kImportUsage);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("%s", kImportUsage);
    return kExitOk;
  }
  if (args->positionals().size() != 1) {
    UsageError(kCmd, "import needs exactly one FILE", kImportUsage);
    return kExitUsage;
  }
  trust::ImportOptions options;
  options.name = args->Value("name").value_or("");
  options.override_signer = args->Has("override-signer");
  if (auto depth = args->Value("max-depth")) {
    auto n = SmallNumber(*depth, 8);
    if (!n) {
      UsageError(kCmd, "--max-depth must be 1..8", kImportUsage);
      return kExitUsage;
    }
    options.max_depth = *n;
  }
  const std::string& path = args->positionals()[0];
  const trust::CollectionLimits limits;
  auto file = ReadFileLimited(path, limits.max_file_bytes);
  if (!file.ok()) return Fail(kCmd, "refused: " + path + ": " + file.error().message);
  auto hs = OpenHomeStore(HomeLayout(ResolveHome(*args)));
  if (!hs.ok()) return Fail(kCmd, hs.error().message);
  trust::Decryptor decryptor{(*hs)->key(), (*hs)->certificate()};
  auto opened = trust::OpenCollection(AsBytes(*file), decryptor, limits);
  if (!opened.ok()) return Fail(kCmd, "refused: " + opened.error().message);
  auto prepared = trust::PrepareCollection(std::move(*opened));
  if (!prepared.ok()) return Fail(kCmd, "refused: " + prepared.error().message);
  if (options.override_signer && !args->Has("yes") &&
      !Confirm("Import " + std::to_string(prepared->entries.size()) +
               " certificates vouched for by " + trust::Printable(prepared->signer.Subject()) +
               ", whom you have not checked?")) {
    return Fail(kCmd, "refused: not confirmed (use --yes in scripts)");
  }
  auto report = (*hs)->store().Import(*prepared, options, WallClockNow());
  if (!report.ok()) return Fail(kCmd, "refused: " + report.error().message);
  if (args->Has("json")) {
    std::printf("%s\n", report->ToJson().Dump(2).c_str());
    return kExitOk;
  }
  if (report->unchanged) {
    std::printf("collection %s is already up to date (sequence %llu)\n", report->name.c_str(),
                static_cast<unsigned long long>(report->sequence));
  } else if (report->replaced_sequence) {
    std::printf(
        "updated collection %s from %s: sequence %llu -> %llu, %zu certificates "
        "(+%zu -%zu, %zu withdrawn by the signer)\n",
        report->name.c_str(), trust::Printable(prepared->signer.Subject()).c_str(),
        static_cast<unsigned long long>(*report->replaced_sequence),
        static_cast<unsigned long long>(report->sequence), report->stored, report->added,
        report->dropped, report->withdrawn);
  } else {
    std::printf("imported collection %s from %s: %zu certificates, sequence %llu%s\n",
                report->name.c_str(), trust::Printable(prepared->signer.Subject()).c_str(),
                report->stored, static_cast<unsigned long long>(report->sequence),
                prepared->encrypted ? " (was encrypted for you)" : "");
  }
  for (const std::string& note : report->notes) {
    std::printf("note: %s\n", trust::Printable(note).c_str());
  }
  return kExitOk;
}

int RunCollections(const std::vector<std::string>& argv) {
  constexpr const char* kCmd = "collections";
  std::string sub;
  std::vector<std::string> rest;
  if (!SplitSubcommand(argv, &sub, &rest)) {
    UsageError(kCmd, "missing subcommand", kCollectionsUsage);
    return kExitUsage;
  }
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::printf("%s", kCollectionsUsage);
    return kExitOk;
  }
  std::string error;
  auto args =
      Args::Parse(rest, {"home", "while-peer", "between"}, {"json", "yes", "none", "help"}, &error);
  if (!args) {
    UsageError(kCmd, error, kCollectionsUsage);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("%s", kCollectionsUsage);
    return kExitOk;
  }
  const auto& pos = args->positionals();
  const bool is_list = sub == "list";
  const bool known = is_list || sub == "show" || sub == "enable" || sub == "disable" ||
                     sub == "remove" || sub == "condition";
  if (!known) {
    UsageError(kCmd, "unknown subcommand '" + sub + "'", kCollectionsUsage);
    return kExitUsage;
  }
  // condition --between T1 T2 leaves T2 as a second positional.
  const size_t expected = is_list ? 0 : (sub == "condition" && args->Has("between")) ? 2 : 1;
  if (pos.size() != expected) {
    UsageError(kCmd, is_list ? "list takes no arguments" : sub + " needs one collection NAME",
               kCollectionsUsage);
    return kExitUsage;
  }
  trust::Condition condition;
  if (sub == "condition") {
    const int chosen = args->Has("while-peer") + args->Has("between") + args->Has("none");
    if (chosen != 1) {
      UsageError(kCmd, "condition needs one of --while-peer ID, --between T1 T2, --none",
                 kCollectionsUsage);
      return kExitUsage;
    }
    if (auto peer = args->Value("while-peer")) {
      if (peer->empty()) {
        UsageError(kCmd, "--while-peer needs a peer id", kCollectionsUsage);
        return kExitUsage;
      }
      condition.kind = trust::Condition::Kind::kWhilePeerUp;
      condition.peer = *peer;
    } else if (auto from = args->Value("between")) {
      auto t1 = trust::der::ParseUnixTime(*from);
      auto t2 = trust::der::ParseUnixTime(pos[1]);
      if (!t1.ok() || !t2.ok() || *t2 <= *t1) {
        UsageError(kCmd, "--between needs two UTC times T1 < T2 (YYYY-MM-DD[THH:MM:SSZ])",
                   kCollectionsUsage);
        return kExitUsage;
      }
      condition.kind = trust::Condition::Kind::kTimeWindow;
      condition.from = *t1;
      condition.until = *t2;
    }
  }

  auto hs = OpenHomeStore(HomeLayout(ResolveHome(*args)));
  if (!hs.ok()) return Fail(kCmd, hs.error().message);
  trust::TrustStore& store = (*hs)->store();
  const TimePoint now = WallClockNow();
  if (is_list) {
    auto all = store.ListCollections();
    if (!all.ok()) return Fail(kCmd, all.error().message);
    if (args->Has("json")) {
      Json out = Json::MakeArray();
      for (const auto& c : *all) out.Push(trust::CollectionJson(c, Inactivity(store, c, now)));
      std::printf("%s\n", out.Dump(2).c_str());
      return kExitOk;
    }
    if (all->empty()) std::printf("no collections imported (ikewot import FILE)\n");
    for (const auto& c : *all) {
      const std::string why = Inactivity(store, c, now);
      std::printf("%-16s %-22s seq %-4llu %5llu certs  %s%s\n", c.name.c_str(),
                  trust::Printable(c.signer_subject).c_str(),
                  static_cast<unsigned long long>(c.sequence),
                  static_cast<unsigned long long>(c.entry_count),
                  why.empty() ? "active" : ("inactive: " + trust::Printable(why)).c_str(),
                  c.condition.kind == trust::Condition::Kind::kNone
                      ? ""
                      : ("  [" + c.condition.Describe() + "]").c_str());
    }
    return kExitOk;
  }
  const std::string& name = pos[0];
  auto info = store.GetCollection(name);
  if (!info.ok()) return Fail(kCmd, info.error().message);
  if (sub == "show") {
    auto entries = store.CollectionEntries(name);
    if (!entries.ok()) return Fail(kCmd, entries.error().message);
    const std::string why = Inactivity(store, *info, now);
    if (args->Has("json")) {
      Json out = trust::CollectionJson(*info, why);
      Json list = Json::MakeArray();
      for (const auto& e : *entries) list.Push(trust::EntryJson(*e));
      out.Set("certificates", std::move(list));
      std::printf("%s\n", out.Dump(2).c_str());
      return kExitOk;
    }
    std::printf("%s: from %s (%s...), sequence %llu of %s, %s\n", info->name.c_str(),
                trust::Printable(info->signer_subject).c_str(),
                trust::ShortFingerprintText(info->signer_fingerprint).c_str(),
                static_cast<unsigned long long>(info->sequence),
                crypto::FormatUnixTimeUtc(info->created).c_str(),
                why.empty() ? "active" : ("inactive: " + trust::Printable(why)).c_str());
    for (const auto& e : *entries) {
      std::printf("  %s  %-28s depth %zu  %s\n",
                  trust::ShortFingerprintText(e->cert.fingerprint).c_str(),
                  trust::Printable(e->cert.subject).c_str(), e->entry.tbs.depth(),
                  e->entry.tbs.policy.Describe().c_str());
    }
    return kExitOk;
  }
  Status s;
  if (sub == "enable" || sub == "disable") {
    s = store.SetCollectionEnabled(name, sub == "enable", now);
    if (s.ok()) std::printf("%sd collection %s\n", sub.c_str(), name.c_str());
  } else if (sub == "condition") {
    s = store.SetCollectionCondition(name, condition, now);
    if (s.ok()) {
      std::printf("collection %s now counts %s\n", name.c_str(), condition.Describe().c_str());
    }
  } else {  // remove
    if (!args->Has("yes") && !Confirm("Remove collection " + name + " and the trust in its " +
                                      std::to_string(info->entry_count) + " certificates?")) {
      return Fail(kCmd, "nothing removed (not confirmed; use --yes in scripts)");
    }
    auto removed = store.RemoveCollection(name, now);
    s = removed.status();
    if (s.ok()) {
      std::printf("removed collection %s: the trust in its %zu certificates is withdrawn\n",
                  name.c_str(), *removed);
    }
  }
  if (!s.ok()) return Fail(kCmd, s.error().message);
  return kExitOk;
}

}  // namespace ikewot::cli
