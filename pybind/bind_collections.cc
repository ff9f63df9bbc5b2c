// Collections (core/trust/entry.h, collection.h): signed entries, the collection content, the
// CMS signing and encryption, opening (verify + decrypt) and importing into a store, and sharing
// from a store -- the steps of `ikewot share` and `ikewot import`.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/crypto/certificate.h"
#include "core/trust/collection.h"
#include "core/trust/entry.h"
#include "core/trust/report.h"
#include "core/trust/store_types.h"
#include "core/trust/trust_store.h"
#include "pybind/common.h"
#include "pybind/holders.h"

namespace ikewot::python {
namespace {

using crypto::Certificate;

Json SignedEntryJson(const trust::SignedEntry& e) {
  Json j = Json::MakeObject();
  j.Set("endorser", trust::FingerprintText(e.tbs.endorser));
  j.Set("fingerprint", trust::FingerprintText(e.tbs.fingerprint));
  j.Set("depth", static_cast<uint64_t>(e.tbs.depth()));
  Json path = Json::MakeArray();
  for (const Bytes& hop : e.tbs.path) path.Push(trust::FingerprintText(hop));
  j.Set("path", std::move(path));
  j.Set("policy", trust::PolicyJson(e.tbs.policy));
  j.Set("signed_at", e.tbs.signed_at);
  return j;
}

// Opens (decrypting with `identity` when needed) and verifies a collection file, then
// summarizes its entries: `ikewot import` up to the store.
CollectionPtr OpenFile(const py::bytes& data, const IdentityPtr& identity) {
  Bytes file = ToBytes(data);
  trust::Decryptor decryptor;
  if (identity) decryptor = {&identity->key(), &identity->certificate()};
  py::gil_scoped_release release;  // thousands of entry signatures
  auto opened = Unwrap(trust::OpenCollection(file, decryptor));
  return std::make_shared<CollectionHolder>(Unwrap(trust::PrepareCollection(std::move(opened))));
}

std::vector<Certificate> Recipients(const std::vector<Certificate>& recipients) {
  return recipients;
}

void BindEntries(py::module_& m) {
  m.def(
      "sign_entry",
      [](const IdentityPtr& identity, const Certificate& certificate,
         std::optional<trust::Policy> policy, const std::vector<py::object>& path,
         std::optional<double> signed_at) {
        if (!identity) ThrowInvalidArgument("sign_entry needs an identity");
        std::vector<Bytes> hops;
        for (const py::object& hop : path) hops.push_back(FingerprintArgument(hop));
        auto tbs = trust::EntryTbs::For(certificate.ToDer(),
                                        policy ? *policy : trust::Policy::ForIkeAuth(),
                                        TimeOrNow(signed_at).UnixSeconds(), std::move(hops));
        auto entry = Unwrap(identity->endorser().Sign(std::move(tbs)));
        return ToPyBytes(entry.der);
      },
      py::arg("identity"), py::arg("certificate"), py::kw_only(), py::arg("policy") = py::none(),
      py::arg("path") = std::vector<py::object>{}, py::arg("signed_at") = py::none(),
      "A SignedEntry (DER): `identity` vouches for `certificate` under `policy`; `path` lists "
      "earlier sharers' fingerprints, the original checker first (empty: checked personally).");
  m.def(
      "parse_signed_entry",
      [](const py::bytes& der) {
        return JsonToPython(SignedEntryJson(Unwrap(trust::ParseSignedEntry(ToBytes(der)))));
      },
      py::arg("der"), "The fields of a SignedEntry (syntax only; no signature check).");
  m.def(
      "verify_entry",
      [](const Certificate& signer, const py::bytes& der) {
        auto entry = Unwrap(trust::ParseSignedEntry(ToBytes(der)));
        auto verifier = Unwrap(trust::EntryVerifier::Create(signer));
        ThrowIfError(verifier.Verify(entry));
      },
      py::arg("signer"), py::arg("der"),
      "Raises AuthenticationError unless `signer` signed this entry.");
}

void BindContent(py::module_& m) {
  m.def(
      "encode_collection",
      [](uint64_t sequence, const std::vector<py::bytes>& entries,
         const std::vector<py::object>& removals, std::optional<double> created) {
        trust::CollectionContent content;
        content.sequence = sequence;
        content.created = TimeOrNow(created).UnixSeconds();
        for (const py::bytes& der : entries) {
          content.entries.push_back(Unwrap(trust::ParseSignedEntry(ToBytes(der))));
        }
        for (const py::object& fp : removals) content.removals.push_back(FingerprintArgument(fp));
        return ToPyBytes(Unwrap(trust::EncodeCollectionContent(content)));
      },
      py::arg("sequence"), py::arg("entries"), py::kw_only(),
      py::arg("removals") = std::vector<py::object>{}, py::arg("created") = py::none(),
      "The DER TrustCollection of signed entries (not yet signed as a whole).");
  m.def(
      "check_collection",
      [](const py::bytes& content_der, const py::object& signer_fingerprint) {
        auto content = Unwrap(trust::ParseCollectionContent(ToBytes(content_der)));
        ThrowIfError(
            trust::CheckCollectionContent(content, FingerprintArgument(signer_fingerprint)));
        py::dict out;
        out["sequence"] = content.sequence;
        out["created"] = content.created;
        py::list entries;
        for (const auto& e : content.entries) entries.append(JsonToPython(SignedEntryJson(e)));
        out["entries"] = entries;
        py::list removals;
        for (const Bytes& r : content.removals) removals.append(trust::FingerprintText(r));
        out["removals"] = removals;
        return out;
      },
      py::arg("content"), py::arg("signer_fingerprint"),
      "Parses a TrustCollection and checks its semantics for this signer; returns its fields.");
  m.def(
      "seal_collection",
      [](const py::bytes& content_der, const IdentityPtr& identity,
         const std::vector<Certificate>& recipients, std::optional<double> now) {
        if (!identity) ThrowInvalidArgument("seal_collection needs the sharer's identity");
        Bytes content = ToBytes(content_der);
        TimePoint at = TimeOrNow(now);
        auto to = Recipients(recipients);
        py::gil_scoped_release release;
        Bytes file = Unwrap(trust::SealCollection(content, identity->endorser(), at, to));
        py::gil_scoped_acquire acquire;
        return ToPyBytes(file);
      },
      py::arg("content"), py::arg("identity"), py::kw_only(),
      py::arg("recipients") = std::vector<Certificate>{}, py::arg("now") = py::none(),
      "Signs the content as CMS SignedData; with recipients, also encrypts it for them "
      "(AuthEnvelopedData, AES-256-GCM).");
}

void BindOpened(py::module_& m) {
  py::class_<CollectionHolder, CollectionPtr>(
      m, "Collection", "A collection file, decrypted and verified (every signature checked).")
      .def_static("open", &OpenFile, py::arg("data"), py::arg("identity") = py::none(),
                  "Raises AuthenticationError for a tampered file, MalformedError for a "
                  "malformed one; encrypted files need the recipient's identity.")
      .def_property_readonly("signer", [](const CollectionHolder& c) { return c.prepared.signer; })
      .def_property_readonly("sequence",
                             [](const CollectionHolder& c) { return c.prepared.sequence; })
      .def_property_readonly("created",
                             [](const CollectionHolder& c) { return c.prepared.created; })
      .def_property_readonly("encrypted",
                             [](const CollectionHolder& c) { return c.prepared.encrypted; })
      .def_property_readonly("entries",
                             [](const CollectionHolder& c) {
                               py::list out;
                               for (const auto& e : c.prepared.entries) {
                                 out.append(JsonToPython(trust::EntryJson(*e)));
                               }
                               return out;
                             })
      .def_property_readonly("removals",
                             [](const CollectionHolder& c) {
                               py::list out;
                               for (const Bytes& r : c.prepared.removals) out.append(ToPyBytes(r));
                               return out;
                             })
      .def("__len__", [](const CollectionHolder& c) { return c.prepared.entries.size(); })
      .def("__repr__", [](const CollectionHolder& c) {
        return "<ikewot.Collection by " + c.prepared.signer.Subject() + ", sequence " +
               std::to_string(c.prepared.sequence) + ", " +
               std::to_string(c.prepared.entries.size()) + " entries>";
      });
}

// share / import on ikewot.TrustStore (the class is made in bind_trust.cc).
void ExtendStore(py::module_& m) {
  auto store = py::reinterpret_borrow<py::class_<StoreHolder, StorePtr>>(m.attr("TrustStore"));
  store.def(
      "import_collection",
      [](StoreHolder& h, const py::object& collection, const std::string& name,
         std::optional<uint32_t> max_depth, bool override_signer, std::optional<double> now) {
        CollectionPtr opened = py::isinstance<py::bytes>(collection)
                                   ? OpenFile(collection.cast<py::bytes>(), h.identity)
                                   : collection.cast<CollectionPtr>();
        trust::ImportOptions options;
        options.name = name;
        options.max_depth = max_depth;
        options.override_signer = override_signer;
        TimePoint at = TimeOrNow(now);
        trust::ImportReport report;
        {
          py::gil_scoped_release release;
          std::lock_guard<std::mutex> lock(h.mutex);
          report = Unwrap(h.store->Import(opened->prepared, options, at));
        }
        return JsonToPython(report.ToJson());
      },
      py::arg("collection"), py::kw_only(), py::arg("name") = "", py::arg("max_depth") = py::none(),
      py::arg("override_signer") = false, py::arg("now") = py::none(),
      "Imports a collection (an ikewot.Collection, or the file's bytes, opened with the store's "
      "identity) under the store's rules; returns the report `ikewot import --json` prints.");
  store.def(
      "share",
      [](StoreHolder& h, const std::vector<Certificate>& recipients,
         std::optional<int64_t> valid_days, const std::vector<std::string>& purposes,
         uint32_t depth, std::optional<double> now) {
        if (!h.identity) {
          throw StatusError(MakeError(ErrorCode::kState,
                                      "sharing signs with the store's identity, and it has none"));
        }
        trust::ShareOptions options;
        options.recipients = recipients;
        options.valid_days = valid_days;
        options.purposes = purposes;
        options.depth = depth;
        TimePoint at = TimeOrNow(now);
        trust::ShareResult result;
        {
          py::gil_scoped_release release;
          std::lock_guard<std::mutex> lock(h.mutex);
          result = Unwrap(h.store->Share(h.identity->endorser(), options, at));
        }
        py::dict out = JsonToPython(trust::ShareResultJson(result, "")).cast<py::dict>();
        out["file"] = ToPyBytes(result.file);
        return out;
      },
      py::kw_only(), py::arg("recipients") = std::vector<Certificate>{},
      py::arg("valid_days") = py::none(), py::arg("purposes") = std::vector<std::string>{},
      py::arg("depth") = 1, py::arg("now") = py::none(),
      "A new signed collection of what this user checked (as `ikewot share`): a dict with the "
      "file bytes under 'file' and the figures `ikewot share --json` prints.");
}

}  // namespace

void InitCollections(py::module_& m) {
  BindEntries(m);
  BindContent(m);
  BindOpened(m);
  ExtendStore(m);
}

}  // namespace ikewot::python
