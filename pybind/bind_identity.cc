// Identity and certificates: keys, self-signed certificates, fingerprints and identification
// strings (core/crypto), and a node's identity files in an ikewot home (cli/home.h, the same code
// `ikewot id` uses).
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/home.h"
#include "core/crypto/certificate.h"
#include "core/crypto/identification.h"
#include "core/crypto/identity.h"
#include "core/crypto/random.h"
#include "pybind/common.h"
#include "pybind/holders.h"

namespace ikewot::python {
namespace {

using crypto::Certificate;
using crypto::KeyType;
using crypto::PrivateKey;

KeyType KeyTypeArgument(const std::string& name) {
  auto type = crypto::ParseKeyType(name);
  if (!type) {
    ThrowInvalidArgument("unknown key type '" + name +
                         "' (ecdsa-p256, ecdsa-p384, ecdsa-p521, ed25519, rsa2048, rsa3072, "
                         "rsa4096)");
  }
  return *type;
}

// A seeded DeterministicRng (reproducible keys for tests and simulations) or OpenSSL's DRBG.
std::unique_ptr<Rng> MakeRng(const std::optional<uint64_t>& seed) {
  if (seed) return std::make_unique<DeterministicRng>(*seed, AsBytes("ikewot-python"));
  return std::make_unique<OpenSslRng>();
}

PrivateKey GenerateKey(const std::string& key_type, const std::optional<uint64_t>& seed) {
  KeyType type = KeyTypeArgument(key_type);
  auto rng = MakeRng(seed);
  py::gil_scoped_release release;  // RSA generation takes a while
  return Unwrap(PrivateKey::Generate(type, *rng));
}

crypto::SelfSignedOptions SelfSignedArguments(const std::string& name,
                                              const std::vector<std::string>& sans, int days) {
  crypto::SelfSignedOptions options;
  options.common_name = name;
  options.validity_days = days;
  for (const std::string& text : sans) {
    options.sans.push_back(Unwrap(crypto::ParseSubjectAltName(text)));
  }
  return options;
}

py::object KeyTypeOf(const Certificate& cert) {
  auto type = cert.key_type();
  if (!type.ok()) return py::none();
  return py::str(std::string(crypto::KeyTypeName(*type)));
}

std::vector<std::string> AltNames(const Certificate& cert) {
  std::vector<std::string> out;
  for (const auto& san : cert.SubjectAltNames()) out.push_back(san.ToString());
  return out;
}

// The fields `ikewot id show --json` prints, minus the file paths.
py::dict CertificateInfo(const Certificate& cert, TimePoint now) {
  py::dict out;
  auto key = cert.public_key();
  out["name"] = cert.CommonName() ? py::object(py::str(*cert.CommonName())) : py::none();
  out["key_type"] = KeyTypeOf(cert);
  out["key_bits"] = key.ok() ? py::object(py::int_(key->bits())) : py::none();
  out["subject"] = cert.Subject();
  out["issuer"] = cert.Issuer();
  out["subject_alt_names"] = AltNames(cert);
  out["serial"] = cert.SerialHex();
  out["not_before_unix"] = cert.NotBefore();
  out["not_after_unix"] = cert.NotAfter();
  out["valid_now"] = cert.CheckValidityAt(now).ok();
  out["fingerprint_sha256"] = crypto::FingerprintHex(cert);
  out["identification"] = crypto::SpokenIdentification(cert);
  return out;
}

void SaveIdentity(const IdentityHolder& identity, const std::string& home_dir, bool force) {
  cli::HomeLayout home(home_dir);
  const bool exists = cli::PathExists(home.KeyPath()) || cli::PathExists(home.CertPath());
  if (exists && !force) {
    throw StatusError(MakeError(ErrorCode::kState,
                                "an identity already exists in " + home.IdentityDir() +
                                    "; pass force=True to replace it (the old files are then kept "
                                    "in " +
                                    home.BackupsDir() + "/)"));
  }
  std::string key_pem = Unwrap(identity.key().ToPkcs8Pem());
  ThrowIfError(cli::EnsureDirectory(home.root(), cli::kPrivateDirMode));
  ThrowIfError(cli::EnsurePrivateDirectory(home.IdentityDir()));
  if (exists) Unwrap(cli::BackupIdentity(home, TimeOrNow(std::nullopt).UnixSeconds()));
  // Key first, as `ikewot id init` does: a crash between the renames is reported as a mismatch.
  ThrowIfError(cli::WriteFileAtomic(home.KeyPath(), key_pem, cli::kPrivateFileMode));
  ThrowIfError(
      cli::WriteFileAtomic(home.CertPath(), identity.certificate().ToPem(), cli::kPublicFileMode));
}

void BindCertificate(py::module_& m) {
  py::class_<Certificate>(m, "Certificate",
                          "An X.509 certificate, parsed strictly (one canonical DER certificate).")
      .def_static(
          "from_der",
          [](const py::bytes& der) { return Unwrap(Certificate::FromDer(ToBytes(der))); },
          py::arg("der"))
      .def_static(
          "from_pem", [](const std::string& pem) { return Unwrap(Certificate::FromPem(pem)); },
          py::arg("pem"), "The first CERTIFICATE block of a PEM text.")
      .def_static(
          "pem_chain",
          [](const std::string& pem) { return Unwrap(Certificate::ParsePemChain(pem)); },
          py::arg("pem"), "Every CERTIFICATE block of a PEM text, in order.")
      .def_property_readonly("der", [](const Certificate& c) { return ToPyBytes(c.ToDer()); })
      .def_property_readonly("pem", &Certificate::ToPem)
      .def_property_readonly(
          "fingerprint", [](const Certificate& c) { return ToPyBytes(c.Sha256Fingerprint()); },
          "SHA-256 of the DER certificate (32 bytes).")
      .def_property_readonly(
          "fingerprint_hex", [](const Certificate& c) { return crypto::FingerprintHex(c); },
          "As `openssl x509 -noout -fingerprint -sha256` prints it: AB:CD:...")
      .def_property_readonly(
          "identification", [](const Certificate& c) { return crypto::SpokenIdentification(c); },
          "The spoken identification: six groups of five digits.")
      .def_property_readonly("subject", &Certificate::Subject)
      .def_property_readonly("issuer", &Certificate::Issuer)
      .def_property_readonly("common_name", &Certificate::CommonName)
      .def_property_readonly("subject_alt_names", &AltNames)
      .def_property_readonly("not_before", &Certificate::NotBefore, "Unix seconds.")
      .def_property_readonly("not_after", &Certificate::NotAfter, "Unix seconds.")
      .def_property_readonly("serial", &Certificate::SerialHex)
      .def_property_readonly("key_type", &KeyTypeOf, "Key type name, None if unsupported.")
      .def_property_readonly("public_key_der",
                             [](const Certificate& c) {
                               return ToPyBytes(Unwrap(Unwrap(c.public_key()).ToSpkiDer()));
                             })
      .def("is_self_signed", &Certificate::IsSelfSigned)
      .def(
          "verify_self_signature",
          [](const Certificate& c) { ThrowIfError(c.VerifySelfSignature()); },
          "Raises AuthenticationError unless the certificate verifies with its own key.")
      .def(
          "valid_at",
          [](const Certificate& c, std::optional<double> now) {
            return c.CheckValidityAt(TimeOrNow(now)).ok();
          },
          py::arg("now") = py::none())
      .def(
          "matches_identification",
          [](const Certificate& c, const std::string& typed) {
            return crypto::SpokenIdentificationMatches(typed, c);
          },
          py::arg("typed"), "True when what a user typed is this certificate's identification.")
      .def(
          "info",
          [](const Certificate& c, std::optional<double> now) {
            return CertificateInfo(c, TimeOrNow(now));
          },
          py::arg("now") = py::none(), "The fields `ikewot id show --json` prints.")
      .def("__eq__", [](const Certificate& a, const Certificate& b) { return a == b; })
      .def("__hash__",
           [](const Certificate& c) { return py::hash(ToPyBytes(c.Sha256Fingerprint())); })
      .def("__repr__", [](const Certificate& c) {
        return "<ikewot.Certificate " + c.Subject() + " " +
               crypto::FingerprintHex(c).substr(0, 23) + "...>";
      });
}

void BindPrivateKey(py::module_& m) {
  py::class_<PrivateKey, std::shared_ptr<PrivateKey>>(m, "PrivateKey", "A private key.")
      .def_static(
          "generate",
          [](const std::string& key_type, std::optional<uint64_t> seed) {
            return std::make_shared<PrivateKey>(GenerateKey(key_type, seed));
          },
          py::arg("key_type") = "ecdsa-p256", py::arg("seed") = py::none(),
          "A new key. With a seed, ECDSA and Ed25519 keys are reproducible (never for real "
          "use); RSA never is.")
      .def_static(
          "from_pem",
          [](const std::string& pem) {
            return std::make_shared<PrivateKey>(Unwrap(PrivateKey::FromPkcs8Pem(pem)));
          },
          py::arg("pem"), "An unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----).")
      .def_static(
          "from_der",
          [](const py::bytes& der) {
            return std::make_shared<PrivateKey>(Unwrap(PrivateKey::FromPkcs8Der(ToBytes(der))));
          },
          py::arg("der"))
      .def("to_pem", [](const PrivateKey& k) { return Unwrap(k.ToPkcs8Pem()); })
      .def("to_der", [](const PrivateKey& k) { return ToPyBytes(Unwrap(k.ToPkcs8Der())); })
      .def_property_readonly(
          "key_type",
          [](const PrivateKey& k) { return std::string(crypto::KeyTypeName(k.type())); })
      .def_property_readonly("bits", [](const PrivateKey& k) { return k.public_key().bits(); })
      .def_property_readonly(
          "public_key_der",
          [](const PrivateKey& k) { return ToPyBytes(Unwrap(k.public_key().ToSpkiDer())); })
      .def("__repr__", [](const PrivateKey& k) {
        return "<ikewot.PrivateKey " + std::string(crypto::KeyTypeName(k.type())) + ">";
      });

  m.def(
      "make_self_signed",
      [](const PrivateKey& key, const std::string& name, const std::vector<std::string>& sans,
         int days, std::optional<double> now, std::optional<uint64_t> seed) {
        auto options = SelfSignedArguments(name, sans, days);
        TimePoint at = TimeOrNow(now);
        auto rng = MakeRng(seed);
        return Unwrap(crypto::MakeSelfSigned(key, options, at, *rng));
      },
      py::arg("key"), py::arg("name"), py::arg("sans") = std::vector<std::string>{},
      py::arg("days") = 3650, py::arg("now") = py::none(), py::arg("seed") = py::none(),
      "A self-signed certificate for `key` (the profile of `ikewot id init`).");
}

void BindIdentity(py::module_& m) {
  py::class_<IdentityHolder, IdentityPtr>(
      m, "Identity", "A node's identity: a private key and its self-signed certificate.")
      .def_static(
          "create",
          [](const std::string& name, const std::string& key_type,
             const std::vector<std::string>& sans, int days, std::optional<double> now,
             std::optional<uint64_t> seed) {
            auto options = SelfSignedArguments(name, sans, days);
            TimePoint at = TimeOrNow(now);
            PrivateKey key = GenerateKey(key_type, seed);
            auto rng = MakeRng(seed ? std::optional<uint64_t>(*seed + 1) : std::nullopt);
            Certificate cert = Unwrap(crypto::MakeSelfSigned(key, options, at, *rng));
            return IdentityHolder::Make(std::move(key), std::move(cert));
          },
          py::arg("name"), py::arg("key_type") = "ecdsa-p256",
          py::arg("sans") = std::vector<std::string>{}, py::arg("days") = 3650,
          py::arg("now") = py::none(), py::arg("seed") = py::none())
      .def_static(
          "from_pem",
          [](const std::string& key_pem, const std::string& cert_pem) {
            return IdentityHolder::Make(Unwrap(PrivateKey::FromPkcs8Pem(key_pem)),
                                        Unwrap(Certificate::FromPem(cert_pem)));
          },
          py::arg("key_pem"), py::arg("certificate_pem"))
      .def_static(
          "load",
          [](const std::string& home) {
            auto loaded = Unwrap(cli::LoadIdentity(cli::HomeLayout(home)));
            return IdentityHolder::Make(std::move(loaded.key), std::move(loaded.certificate));
          },
          py::arg("home"), "The identity in HOME/identity/ (as `ikewot id show --home HOME`).")
      .def(
          "save",
          [](const IdentityHolder& identity, const std::string& home, bool force) {
            SaveIdentity(identity, home, force);
          },
          py::arg("home"), py::arg("force") = false,
          "Writes HOME/identity/{key.pem,cert.pem} like `ikewot id init` (atomic writes; with "
          "force, the old files are first copied to HOME/identity/backups/).")
      .def_property_readonly("certificate", &IdentityHolder::certificate)
      .def_property_readonly(
          "key",
          [](const IdentityHolder& identity) {
            return std::make_shared<PrivateKey>(
                Unwrap(PrivateKey::FromPkcs8Der(Unwrap(identity.key().ToPkcs8Der()))));
          },
          "A copy of the private key.")
      .def_property_readonly("key_type",
                             [](const IdentityHolder& identity) {
                               return std::string(crypto::KeyTypeName(identity.key().type()));
                             })
      .def("__repr__", [](const IdentityHolder& identity) {
        return "<ikewot.Identity " + identity.certificate().Subject() + ">";
      });
}

}  // namespace

void InitIdentity(py::module_& m) {
  BindCertificate(m);
  BindPrivateKey(m);
  BindIdentity(m);
  m.def("key_types", [] {
    std::vector<std::string> out;
    for (KeyType t : {KeyType::kEcdsaP256, KeyType::kEcdsaP384, KeyType::kEcdsaP521,
                      KeyType::kEd25519, KeyType::kRsa2048, KeyType::kRsa3072, KeyType::kRsa4096}) {
      out.emplace_back(crypto::KeyTypeName(t));
    }
    return out;
  });
  m.def(
      "format_fingerprint",
      [](const py::bytes& digest) { return crypto::FormatFingerprintHex(ToBytes(digest)); },
      py::arg("digest"), "AB:CD:... for any digest.");
  m.def(
      "identification_from_fingerprint",
      [](const py::object& fingerprint) {
        return Unwrap(
            crypto::SpokenIdentificationFromFingerprint(FingerprintArgument(fingerprint)));
      },
      py::arg("fingerprint"), "The spoken identification of a SHA-256 fingerprint.");
  m.def(
      "normalize_identification",
      [](const std::string& typed) { return Unwrap(crypto::NormalizeSpokenIdentification(typed)); },
      py::arg("typed"),
      "What a user typed, in canonical grouped form (MalformedError if not 30 digits).");
}

}  // namespace ikewot::python
