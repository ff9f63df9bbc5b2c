// ikewot id: create or show this node's identity (key pair + self-signed certificate).
// See docs/identity.md for the file layout and the identification string.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "cli/home.h"
#include "core/base/json.h"
#include "core/crypto/certificate.h"
#include "core/crypto/certificate_text.h"
#include "core/crypto/identification.h"
#include "core/crypto/identity.h"
#include "core/crypto/random.h"

namespace ikewot::cli {
namespace {

constexpr char kUsage[] =
    "usage: ikewot id init --name NAME [--key TYPE] [--san KIND:VALUE]... [--days N] [--force]\n"
    "                      [--home DIR]\n"
    "       ikewot id show [--json] [--pem] [--home DIR]\n"
    "\n"
    "This node's identity: a private key and a self-signed X.509 certificate kept in\n"
    "HOME/identity/ (HOME is --home DIR, else $IKEWOT_HOME, else ~/.ikewot).\n"
    "\n"
    "init:\n"
    "  --name NAME        certificate common name (required, 1..64 bytes)\n"
    "  --key TYPE         ecdsa-p256 (default), ecdsa-p384, ed25519 or rsa3072\n"
    "  --san KIND:VALUE   subjectAltName, repeatable: dns:gw.example.org, ip:192.0.2.1,\n"
    "                     email:admin@example.org, uri:https://example.org/\n"
    "  --days N           validity in days (default 3650, at most 36500)\n"
    "  --force            replace an existing identity; the old files are kept in\n"
    "                     HOME/identity/backups/<time>/\n"
    "show:\n"
    "  --json             print one JSON object\n"
    "  --pem              print the certificate as PEM (with --json: add \"certificate_pem\")\n"
    "\n"
    "Exit status: 0 ok, 1 failure, 2 usage error.\n";

using crypto::Certificate;
using crypto::KeyType;

constexpr int kDefaultValidityDays = 3650;
constexpr int kMaxValidityDays = 36500;

void UsageError(const std::string& message) {
  std::fprintf(stderr, "ikewot id: %s\n\n%s", message.c_str(), kUsage);
}

int Fail(const std::string& message) {
  std::fprintf(stderr, "ikewot id: %s\n", message.c_str());
  return kExitFailure;
}

TimePoint WallClockNow() {
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())};
}

// The key types offered for a new identity. rsa2048 is accepted from peers but not offered:
// a new identity should last, and 2048-bit RSA is at the end of its recommended life.
std::optional<KeyType> InitKeyType(const std::string& name) {
  for (KeyType type :
       {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEd25519, KeyType::kRsa3072}) {
    if (crypto::KeyTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::optional<int> ParseDays(const std::string& text) {
  if (text.empty() || text.size() > 6) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > kMaxValidityDays) return std::nullopt;
  return value;
}

std::string ValidityState(const Certificate& cert, TimePoint now) {
  Status status = cert.CheckValidityAt(now);
  return status.ok() ? "valid" : status.error().message;
}

std::string KeyDescription(const Certificate& cert) {
  auto key = cert.public_key();
  if (!key.ok()) return "unusable: " + key.error().message;
  return std::string(crypto::KeyTypeName(key->type())) + " (" + std::to_string(key->bits()) +
         " bits)";
}

Json IdentityJson(const HomeLayout& home, const Certificate& cert, TimePoint now, bool with_pem) {
  Json sans = Json::MakeArray();
  for (const crypto::SubjectAltName& san : cert.SubjectAltNames()) sans.Push(san.ToString());
  auto key = cert.public_key();
  Json out = Json::MakeObject();
  out.Set("name", cert.CommonName() ? Json(*cert.CommonName()) : Json(nullptr));
  out.Set("key_type", key.ok() ? Json(crypto::KeyTypeName(key->type())) : Json(nullptr));
  out.Set("key_bits", key.ok() ? Json(key->bits()) : Json(nullptr));
  out.Set("subject", cert.Subject());
  out.Set("issuer", cert.Issuer());
  out.Set("subject_alt_names", std::move(sans));
  out.Set("serial", cert.SerialHex());
  out.Set("not_before", crypto::FormatUnixTimeUtc(cert.NotBefore()));
  out.Set("not_after", crypto::FormatUnixTimeUtc(cert.NotAfter()));
  out.Set("not_before_unix", cert.NotBefore());
  out.Set("not_after_unix", cert.NotAfter());
  out.Set("valid_now", cert.CheckValidityAt(now).ok());
  out.Set("fingerprint_sha256", crypto::FingerprintHex(cert));
  out.Set("identification", crypto::SpokenIdentification(cert));
  out.Set("home", home.root());
  out.Set("key_path", home.KeyPath());
  out.Set("certificate_path", home.CertPath());
  if (with_pem) out.Set("certificate_pem", cert.ToPem());
  return out;
}

void PrintIdentity(const HomeLayout& home, const Certificate& cert, TimePoint now) {
  std::string sans;
  for (const crypto::SubjectAltName& san : cert.SubjectAltNames()) {
    sans += (sans.empty() ? "" : ", ") + san.ToString();
  }
  auto line = [](const char* label, const std::string& value) {
    std::printf("%-16s%s\n", label, value.c_str());
  };
  line("name:", cert.CommonName().value_or("(none)"));
  line("key type:", KeyDescription(cert));
  line("subject:", cert.Subject());
  line("alt names:", sans.empty() ? "(none)" : sans);
  line("serial:", cert.SerialHex());
  line("valid from:", crypto::FormatUnixTimeUtc(cert.NotBefore()));
  line("valid until:", crypto::FormatUnixTimeUtc(cert.NotAfter()));
  line("status:", ValidityState(cert, now));
  line("sha256:", crypto::FingerprintHex(cert));
  line("identification:", crypto::SpokenIdentification(cert));
  line("files:", home.IdentityDir() + "/{key.pem,cert.pem}");
}

void WarnIfKeyReadable(const HomeLayout& home) {
  auto mode = FileMode(home.KeyPath());
  if (mode.ok() && (*mode & 077) != 0) {
    std::fprintf(stderr,
                 "ikewot id: warning: %s is readable by others (mode %03o); run chmod 600 on it\n",
                 home.KeyPath().c_str(), static_cast<unsigned>(*mode));
  }
}

int RunInit(const std::vector<std::string>& argv) {
  std::string error;
  auto args = Args::Parse(argv, {"name", "key", "san", "days", "home"}, {"force", "help"}, &error);
  if (!args) {
    UsageError(error);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (!args->positionals().empty()) {
    UsageError("unexpected argument '" + args->positionals().front() + "'");
    return kExitUsage;
  }
  crypto::SelfSignedOptions options;
  auto name = args->Value("name");
  if (!name || name->empty()) {
    UsageError("init needs --name NAME");
    return kExitUsage;
  }
  options.common_name = *name;
  KeyType key_type = KeyType::kEcdsaP256;
  if (auto key_name = args->Value("key")) {
    auto parsed = InitKeyType(*key_name);
    if (!parsed) {
      UsageError("unknown --key '" + *key_name + "' (ecdsa-p256, ecdsa-p384, ed25519, rsa3072)");
      return kExitUsage;
    }
    key_type = *parsed;
  }
  for (const std::string& text : args->Values("san")) {
    auto san = crypto::ParseSubjectAltName(text);
    if (!san.ok()) {
      UsageError("bad --san: " + san.error().message);
      return kExitUsage;
    }
    options.sans.push_back(*san);
  }
  options.validity_days = kDefaultValidityDays;
  if (auto days_text = args->Value("days")) {
    auto days = ParseDays(*days_text);
    if (!days) {
      UsageError("--days must be a whole number from 1 to " + std::to_string(kMaxValidityDays));
      return kExitUsage;
    }
    options.validity_days = *days;
  }

  HomeLayout home(ResolveHome(*args));
  bool exists = PathExists(home.KeyPath()) || PathExists(home.CertPath());
  if (exists && !args->Has("force")) {
    return Fail("an identity already exists in " + home.IdentityDir() +
                "; pass --force to replace it (the old files are then kept in " +
                home.BackupsDir() + "/)");
  }

  TimePoint now = WallClockNow();
  OpenSslRng rng;
  auto key = crypto::PrivateKey::Generate(key_type, rng);
  if (!key.ok()) return Fail("key generation failed: " + key.error().ToString());
  auto cert = crypto::MakeSelfSigned(*key, options, now, rng);
  if (!cert.ok()) return Fail("making the certificate failed: " + cert.error().ToString());
  auto key_pem = key->ToPkcs8Pem();
  if (!key_pem.ok()) return Fail("encoding the key failed: " + key_pem.error().ToString());

  Status status = EnsureDirectory(home.root(), kPrivateDirMode);
  if (status.ok()) status = EnsurePrivateDirectory(home.IdentityDir());
  if (!status.ok()) return Fail(status.error().message);
  if (exists) {
    auto backup = BackupIdentity(home, now.UnixSeconds());
    if (!backup.ok()) return Fail("could not back up the old identity: " + backup.error().message);
    std::fprintf(stderr, "ikewot id: previous identity saved in %s\n", backup->c_str());
  }
  // Key first: a crash between the two renames leaves a new key with the old certificate,
  // which LoadIdentity reports as a mismatch (and the backup holds the old pair).
  status = WriteFileAtomic(home.KeyPath(), *key_pem, kPrivateFileMode);
  if (status.ok()) status = WriteFileAtomic(home.CertPath(), cert->ToPem(), kPublicFileMode);
  if (!status.ok()) return Fail(status.error().message);

  std::printf("created identity in %s\n\n", home.IdentityDir().c_str());
  PrintIdentity(home, *cert, now);
  return kExitOk;
}

int RunShow(const std::vector<std::string>& argv) {
  std::string error;
  auto args = Args::Parse(argv, {"home"}, {"json", "pem", "help"}, &error);
  if (!args) {
    UsageError(error);
    return kExitUsage;
  }
  if (args->Has("help")) {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (!args->positionals().empty()) {
    UsageError("unexpected argument '" + args->positionals().front() + "'");
    return kExitUsage;
  }
  HomeLayout home(ResolveHome(*args));
  auto identity = LoadIdentity(home);
  if (!identity.ok()) return Fail(identity.error().message);
  WarnIfKeyReadable(home);
  TimePoint now = WallClockNow();
  const Certificate& cert = identity->certificate;
  if (args->Has("json")) {
    std::printf("%s\n", IdentityJson(home, cert, now, args->Has("pem")).Dump(2).c_str());
  } else if (args->Has("pem")) {
    std::printf("%s", cert.ToPem().c_str());
  } else {
    PrintIdentity(home, cert, now);
  }
  return kExitOk;
}

}  // namespace

int RunId(const std::vector<std::string>& argv) {
  // The subcommand is the first word that is not --home and its value, so that
  // "ikewot id --home DIR show" works as well as "ikewot id show --home DIR".
  size_t sub_index = 0;
  while (sub_index < argv.size()) {
    if (argv[sub_index] == "--home") {
      sub_index += 2;
    } else if (argv[sub_index].rfind("--home=", 0) == 0) {
      sub_index += 1;
    } else {
      break;
    }
  }
  if (sub_index >= argv.size()) {
    UsageError("missing subcommand (init or show)");
    return kExitUsage;
  }
  const std::string& sub = argv[sub_index];
  std::vector<std::string> rest(argv.begin(), argv.begin() + static_cast<long>(sub_index));
  rest.insert(rest.end(), argv.begin() + static_cast<long>(sub_index) + 1, argv.end());
  if (sub == "--help" || sub == "-h" || sub == "help") {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (sub == "init") return RunInit(rest);
  if (sub == "show") return RunShow(rest);
  UsageError("unknown subcommand '" + sub + "' (init or show)");
  return kExitUsage;
}

}  // namespace ikewot::cli
