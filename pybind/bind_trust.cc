// The trust store (core/trust/trust_store.h) with both backends: local decisions, decisions with
// reasons, collections management, conditions, the event log. Records come back as the same
// JSON-compatible dicts the CLI prints with --json (core/trust/report.h).
#include <pybind11/stl.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cli/home.h"
#include "core/trust/address.h"
#include "core/trust/identity.h"
#include "core/trust/policy.h"
#include "core/trust/report.h"
#include "core/trust/trust_store.h"
#include "pybind/common.h"
#include "pybind/holders.h"

namespace ikewot::python {
namespace {

using trust::Policy;
using trust::TrustStore;

trust::MarkingMode ModeArgument(const std::string& name) {
  auto mode = trust::ParseMarkingMode(name);
  if (!mode)
    ThrowInvalidArgument("unknown marking mode '" + name + "' (stored-only, flagged, signed)");
  return *mode;
}

trust::LocalVerdict VerdictArgument(const std::string& name) {
  for (auto v : {trust::LocalVerdict::kAccepted, trust::LocalVerdict::kRejected,
                 trust::LocalVerdict::kUnverified}) {
    if (trust::LocalVerdictName(v) == name) return v;
  }
  ThrowInvalidArgument("unknown verdict '" + name + "' (accepted, rejected, unverified)");
}

// A certificate argument: an ikewot.Certificate or DER bytes.
Bytes CertificateDer(const py::object& value) {
  if (py::isinstance<crypto::Certificate>(value))
    return value.cast<const crypto::Certificate&>().ToDer();
  if (py::isinstance<py::bytes>(value)) return ToBytes(value.cast<py::bytes>());
  ThrowInvalidArgument("a certificate is an ikewot.Certificate or DER bytes");
}

StorePtr MakeStore(std::unique_ptr<trust::TrustBackend> backend, IdentityPtr identity,
                   const std::string& mode, std::string backend_name, std::string path) {
  auto holder = std::make_shared<StoreHolder>();
  holder->identity = std::move(identity);
  holder->backend = std::move(backend_name);
  holder->path = std::move(path);
  trust::StoreOptions options;
  options.mode = ModeArgument(mode);
  options.owner = holder->identity ? &holder->identity->endorser() : nullptr;
  {
    py::gil_scoped_release release;  // opening a signed store verifies every acceptance
    holder->own_store = Unwrap(TrustStore::Open(std::move(backend), options));
  }
  holder->store = holder->own_store.get();
  return holder;
}

StorePtr OpenSqliteStore(const std::string& path, IdentityPtr identity, const std::string& mode) {
  std::unique_ptr<trust::TrustBackend> backend;
  {
    py::gil_scoped_release release;
    backend = Unwrap(trust::OpenSqliteBackend(path));
  }
  return MakeStore(std::move(backend), std::move(identity), mode, "sqlite", path);
}

// HOME/trust.db with the identity in HOME/identity, opened by the CLI's own cli::OpenHomeStore
// (so Python and every `ikewot trust ...` command open it the same way, warnings included).
StorePtr OpenHomeStore(const std::string& home_dir) {
  auto holder = std::make_shared<StoreHolder>();
  Result<std::unique_ptr<trust::OwnedStore>> owned = Error{ErrorCode::kState, "not opened"};
  {
    py::gil_scoped_release release;  // a signed store verifies every acceptance on open
    owned = cli::OpenHomeStore(cli::HomeLayout(home_dir));
  }
  holder->home_store = Unwrap(std::move(owned));
  holder->store = &holder->home_store->store();
  holder->backend = "sqlite";
  holder->path = home_dir + "/trust.db";
  // The owner as an ikewot.Identity (store.identity, sharing): a copy of the store's own key.
  if (const crypto::PrivateKey* key = holder->home_store->key()) {
    crypto::PrivateKey key_copy =
        Unwrap(crypto::PrivateKey::FromPkcs8Der(Unwrap(key->ToPkcs8Der())));
    crypto::Certificate certificate_copy =
        Unwrap(crypto::Certificate::FromDer(holder->home_store->certificate()->ToDer()));
    holder->identity = IdentityHolder::Make(std::move(key_copy), std::move(certificate_copy));
  }
  return holder;
}

// Runs `body` on the store with the GIL released and the store locked.
template <typename F>
auto Locked(StoreHolder& holder, F&& body) {
  py::gil_scoped_release release;
  std::lock_guard<std::mutex> lock(holder.mutex);
  return body(*holder.store);
}

// Why a collection does not count right now ("" when it does); the CLI's `collections list`
// reports the same three reasons.
std::string Inactivity(TrustStore& store, const trust::CollectionInfo& c, TimePoint now) {
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

void BindPolicy(py::module_& m) {
  py::class_<Policy>(m, "Policy",
                     "What an acceptance means: validity window, purposes, address prefixes and "
                     "name constraints.")
      .def(py::init([](std::optional<int64_t> not_before, std::optional<int64_t> not_after,
                       std::vector<std::string> purposes, const std::vector<std::string>& addresses,
                       const std::vector<std::string>& names) {
             Policy p;
             p.not_before = not_before;
             p.not_after = not_after;
             p.purposes = std::move(purposes);
             for (const std::string& a : addresses)
               p.addresses.push_back(Unwrap(trust::IpPrefix::Parse(a)));
             for (const std::string& n : names)
               p.names.push_back(Unwrap(trust::CanonicalNamePattern(n)));
             ThrowIfError(p.Normalize());
             return p;
           }),
           py::kw_only(), py::arg("not_before") = py::none(), py::arg("not_after") = py::none(),
           py::arg("purposes") = std::vector<std::string>{std::string(trust::kPurposeIkeAuth)},
           py::arg("addresses") = std::vector<std::string>{},
           py::arg("names") = std::vector<std::string>{},
           "Times in Unix seconds ([not_before, not_after)); purposes empty = any purpose.")
      .def_static("ike_auth", &Policy::ForIkeAuth, "What `ikewot trust add` records by default.")
      .def_readonly("not_before", &Policy::not_before)
      .def_readonly("not_after", &Policy::not_after)
      .def_readonly("purposes", &Policy::purposes)
      .def_property_readonly("addresses",
                             [](const Policy& p) {
                               std::vector<std::string> out;
                               for (const auto& a : p.addresses) out.push_back(a.ToString());
                               return out;
                             })
      .def_readonly("names", &Policy::names)
      .def("describe", &Policy::Describe)
      .def("to_dict", [](const Policy& p) { return JsonToPython(trust::PolicyJson(p)); })
      .def(
          "encode", [](const Policy& p) { return ToPyBytes(Unwrap(trust::EncodePolicy(p))); },
          "The DER TrustPolicy carried in collection entries.")
      .def_static(
          "decode", [](const py::bytes& der) { return Unwrap(trust::DecodePolicy(ToBytes(der))); },
          py::arg("der"))
      .def("__eq__", [](const Policy& a, const Policy& b) { return a == b; })
      .def("__repr__", [](const Policy& p) { return "<ikewot.Policy " + p.Describe() + ">"; });
  m.def(
      "canonical_identity",
      [](const std::string& text) { return Unwrap(trust::CanonicalIdentity(text)); },
      py::arg("text"), "'DNS:GW.Example.org.' -> 'dns:gw.example.org'.");
}

void BindDecision(py::module_& m) {
  py::class_<trust::Decision>(m, "Decision", "Whether a certificate is trusted, and why.")
      .def_property_readonly(
          "verdict",
          [](const trust::Decision& d) { return std::string(trust::VerdictName(d.verdict)); })
      .def_property_readonly("trusted", &trust::Decision::trusted)
      .def_property_readonly("fingerprint",
                             [](const trust::Decision& d) { return ToPyBytes(d.fingerprint); })
      .def_readonly("subject", &trust::Decision::subject)
      .def_readonly("collection", &trust::Decision::collection)
      .def_readonly("signer", &trust::Decision::signer)
      .def_property_readonly(
          "signer_fingerprint",
          [](const trust::Decision& d) { return ToPyBytes(d.signer_fingerprint); })
      .def_readonly("depth", &trust::Decision::depth)
      .def_readonly("reasons", &trust::Decision::reasons)
      .def_property_readonly("conflicts",
                             [](const trust::Decision& d) {
                               py::list out;
                               for (const auto& c : d.conflicts)
                                 out.append(JsonToPython(c.ToJson()));
                               return out;
                             })
      .def("explain", &trust::Decision::Explain, "The text `ikewot trust why` prints.")
      .def("to_dict", [](const trust::Decision& d) { return JsonToPython(d.ToJson()); })
      .def("__bool__", &trust::Decision::trusted)
      .def("__repr__", [](const trust::Decision& d) {
        return "<ikewot.Decision " + std::string(trust::VerdictName(d.verdict)) + " " + d.subject +
               ">";
      });
}

trust::Condition ConditionArguments(const std::optional<std::string>& while_peer,
                                    const std::optional<std::pair<double, double>>& between) {
  trust::Condition condition;
  if (while_peer && between) ThrowInvalidArgument("give while_peer or between, not both");
  if (while_peer) {
    if (while_peer->empty()) ThrowInvalidArgument("while_peer needs a peer id");
    condition.kind = trust::Condition::Kind::kWhilePeerUp;
    condition.peer = *while_peer;
  } else if (between) {
    condition.kind = trust::Condition::Kind::kTimeWindow;
    condition.from = TimeOrNow(between->first).UnixSeconds();
    condition.until = TimeOrNow(between->second).UnixSeconds();
    if (condition.until <= condition.from)
      ThrowInvalidArgument("between needs (from, until) with from < until");
  }
  return condition;
}

void BindStore(py::module_& m) {
  py::class_<StoreHolder, StorePtr>(
      m, "TrustStore",
      "A node's trust store (SQLite file or in memory; both behave identically). Not for "
      "concurrent use from several processes beyond what SQLite allows; calls from several "
      "threads are serialized.")
      .def_static("open", &OpenSqliteStore, py::arg("path"), py::arg("identity") = py::none(),
                  py::arg("mode") = "flagged",
                  "An SQLite store at `path` (created if missing). `mode` applies when creating.")
      .def_static(
          "in_memory",
          [](IdentityPtr identity, const std::string& mode) {
            return MakeStore(trust::MakeMemoryBackend(), std::move(identity), mode, "memory", "");
          },
          py::arg("identity") = py::none(), py::arg("mode") = "flagged")
      .def_static("open_home", &OpenHomeStore, py::arg("home"),
                  "HOME/trust.db owned by the identity in HOME, as the CLI opens it.")
      .def_property_readonly("backend", [](const StoreHolder& h) { return h.backend; })
      .def_property_readonly("path", [](const StoreHolder& h) { return h.path; })
      .def_property_readonly("identity", [](const StoreHolder& h) { return h.identity; })
      .def_property_readonly("mode",
                             [](StoreHolder& h) {
                               return std::string(trust::MarkingModeName(h.store->marking_mode()));
                             })
      .def_property_readonly("load_problems",
                             [](StoreHolder& h) { return h.store->load_problems(); })
      .def(
          "set_mode",
          [](StoreHolder& h, const std::string& mode, std::optional<double> now) {
            auto m = ModeArgument(mode);
            TimePoint at = TimeOrNow(now);
            ThrowIfError(Locked(h, [&](TrustStore& s) { return s.SetMarkingMode(m, at); }));
          },
          py::arg("mode"), py::arg("now") = py::none())
      .def(
          "add",
          [](StoreHolder& h, const py::object& certificate, const std::string& verdict,
             std::optional<Policy> policy, const std::string& note, const std::string& ike_id,
             std::optional<double> now) {
            trust::AcceptOptions options;
            options.verdict = VerdictArgument(verdict);
            if (policy) options.policy = *policy;
            options.note = note;
            options.ike_id = ike_id;
            Bytes der = CertificateDer(certificate);
            TimePoint at = TimeOrNow(now);
            auto entry =
                Unwrap(Locked(h, [&](TrustStore& s) { return s.AddLocal(der, options, at); }));
            return JsonToPython(trust::LocalEntryJson(entry));
          },
          py::arg("certificate"), py::kw_only(), py::arg("verdict") = "accepted",
          py::arg("policy") = py::none(), py::arg("note") = "", py::arg("ike_id") = "",
          py::arg("now") = py::none(),
          "Records this user's decision (as `ikewot trust add`); returns the record.")
      .def(
          "remove",
          [](StoreHolder& h, const py::object& fingerprint, std::optional<double> now) {
            Bytes fp = FingerprintArgument(fingerprint);
            TimePoint at = TimeOrNow(now);
            return Unwrap(Locked(h, [&](TrustStore& s) { return s.RemoveLocal(fp, at); }));
          },
          py::arg("fingerprint"), py::arg("now") = py::none())
      .def(
          "get",
          [](StoreHolder& h, const py::object& fingerprint) -> py::object {
            Bytes fp = FingerprintArgument(fingerprint);
            auto entry = Unwrap(Locked(h, [&](TrustStore& s) { return s.GetLocal(fp); }));
            if (!entry) return py::none();
            return JsonToPython(trust::LocalEntryJson(*entry));
          },
          py::arg("fingerprint"))
      .def(
          "local",
          [](StoreHolder& h) {
            auto all = Unwrap(Locked(h, [&](TrustStore& s) { return s.ListLocal(); }));
            py::list out;
            for (const auto& e : all) out.append(JsonToPython(trust::LocalEntryJson(e)));
            return out;
          },
          "Every local decision (as `ikewot trust list --json`).")
      .def(
          "find",
          [](StoreHolder& h, const std::string& prefix) {
            auto found =
                Unwrap(Locked(h, [&](TrustStore& s) { return s.FindFingerprints(prefix); }));
            py::list out;
            for (const Bytes& fp : found) out.append(ToPyBytes(fp));
            return out;
          },
          py::arg("hex_prefix"))
      .def(
          "decide",
          [](StoreHolder& h, const py::object& certificate, const std::string& identity,
             std::optional<std::string> address, const std::string& purpose,
             std::optional<double> now) {
            trust::DecisionQuery query;
            Bytes der = CertificateDer(certificate);
            query.certificate = der;
            query.identity = identity.empty() ? "" : Unwrap(trust::CanonicalIdentity(identity));
            if (address) query.address = Unwrap(trust::IpAddress::Parse(*address));
            query.purpose = purpose;
            query.now = TimeOrNow(now);
            return Unwrap(Locked(h, [&](TrustStore& s) { return s.Decide(query); }));
          },
          py::arg("certificate"), py::kw_only(), py::arg("identity") = "",
          py::arg("address") = py::none(), py::arg("purpose") = std::string(trust::kPurposeIkeAuth),
          py::arg("now") = py::none(), "Is this certificate trusted, and why (`ikewot trust why`).")
      .def(
          "conflicts",
          [](StoreHolder& h, std::optional<double> now) {
            TimePoint at = TimeOrNow(now);
            auto all = Unwrap(Locked(h, [&](TrustStore& s) { return s.Conflicts(at); }));
            py::list out;
            for (const auto& c : all) out.append(JsonToPython(c.ToJson()));
            return out;
          },
          py::arg("now") = py::none())
      .def(
          "events",
          [](StoreHolder& h, int64_t after_id, std::optional<size_t> limit) {
            auto all = Unwrap(Locked(
                h, [&](TrustStore& s) { return s.Events(after_id, limit.value_or(SIZE_MAX)); }));
            py::list out;
            for (const auto& e : all) out.append(JsonToPython(e.ToJson()));
            return out;
          },
          py::arg("after_id") = 0, py::arg("limit") = py::none(), "The append-only event log.")
      .def(
          "set_peer_up",
          [](StoreHolder& h, const std::string& peer, bool up) {
            Locked(h, [&](TrustStore& s) {
              s.SetPeerUp(peer, up);
              return 0;
            });
          },
          py::arg("peer"), py::arg("up"),
          "What the engine reports when an IKE SA to `peer` comes up or goes down (conditions).")
      .def(
          "collections",
          [](StoreHolder& h, std::optional<double> now) {
            TimePoint at = TimeOrNow(now);
            py::list out;
            std::vector<Json> rows = Locked(h, [&](TrustStore& s) {
              std::vector<Json> json;
              auto all = Unwrap(s.ListCollections());
              for (const auto& c : all)
                json.push_back(trust::CollectionJson(c, Inactivity(s, c, at)));
              return json;
            });
            for (const Json& j : rows) out.append(JsonToPython(j));
            return out;
          },
          py::arg("now") = py::none(),
          "Imported collections (as `ikewot collections list --json`).")
      .def(
          "collection",
          [](StoreHolder& h, const std::string& name, std::optional<double> now) {
            TimePoint at = TimeOrNow(now);
            Json out = Locked(h, [&](TrustStore& s) {
              auto info = Unwrap(s.GetCollection(name));
              auto entries = Unwrap(s.CollectionEntries(name));
              Json j = trust::CollectionJson(info, Inactivity(s, info, at));
              Json list = Json::MakeArray();
              for (const auto& e : entries) list.Push(trust::EntryJson(*e));
              j.Set("certificates", std::move(list));
              return j;
            });
            return JsonToPython(out);
          },
          py::arg("name"), py::arg("now") = py::none(),
          "One collection with its certificates (as `ikewot collections show NAME --json`).")
      .def(
          "enable_collection",
          [](StoreHolder& h, const std::string& name, std::optional<double> now) {
            TimePoint at = TimeOrNow(now);
            ThrowIfError(
                Locked(h, [&](TrustStore& s) { return s.SetCollectionEnabled(name, true, at); }));
          },
          py::arg("name"), py::arg("now") = py::none())
      .def(
          "disable_collection",
          [](StoreHolder& h, const std::string& name, std::optional<double> now) {
            TimePoint at = TimeOrNow(now);
            ThrowIfError(
                Locked(h, [&](TrustStore& s) { return s.SetCollectionEnabled(name, false, at); }));
          },
          py::arg("name"), py::arg("now") = py::none())
      .def(
          "set_condition",
          [](StoreHolder& h, const std::string& name, std::optional<std::string> while_peer,
             std::optional<std::pair<double, double>> between, std::optional<double> now) {
            trust::Condition condition = ConditionArguments(while_peer, between);
            TimePoint at = TimeOrNow(now);
            ThrowIfError(Locked(
                h, [&](TrustStore& s) { return s.SetCollectionCondition(name, condition, at); }));
            return condition.Describe();
          },
          py::arg("name"), py::kw_only(), py::arg("while_peer") = py::none(),
          py::arg("between") = py::none(), py::arg("now") = py::none(),
          "Limits when a collection counts: while an IKE SA to `while_peer` is up, or between "
          "(from, until) Unix seconds; neither: always.")
      .def(
          "remove_collection",
          [](StoreHolder& h, const std::string& name, std::optional<double> now) {
            TimePoint at = TimeOrNow(now);
            return Unwrap(Locked(h, [&](TrustStore& s) { return s.RemoveCollection(name, at); }));
          },
          py::arg("name"), py::arg("now") = py::none(),
          "Withdraws exactly the trust that came from the collection; returns its entry count.")
      .def("__repr__", [](const StoreHolder& h) {
        return "<ikewot.TrustStore " + h.backend + (h.path.empty() ? "" : " " + h.path) + ">";
      });
}

}  // namespace

void InitTrust(py::module_& m) {
  BindPolicy(m);
  BindDecision(m);
  BindStore(m);
}

}  // namespace ikewot::python
