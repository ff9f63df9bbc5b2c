// The probe (the patent's partial IKE negotiation) over real UDP sockets: the same steps as
// `ikewot probe` (cli/probe.cc) -- policy from the CLI's options (cli/net_common.h), targets
// resolved the same way, driver::ProbeAll on a fresh event loop -- with the GIL released while
// the network runs. Each result is the JSON object `ikewot probe --json` prints for a target.
#include <pybind11/stl.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/net_common.h"
#include "core/crypto/random.h"
#include "driver/event_loop.h"
#include "driver/prober.h"
#include "pybind/common.h"
#include "pybind/holders.h"

namespace ikewot::python {
namespace {

// keyword arguments -> the CLI's flags: timeout=2 -> "--timeout=2", with_auth=True ->
// "--with-auth", False/None -> nothing.
std::vector<std::string> FlagsFromKwargs(const py::kwargs& kwargs) {
  std::vector<std::string> argv;
  for (const auto& [key, value] : kwargs) {
    std::string name = py::str(key);
    for (char& c : name) {
      if (c == '_') c = '-';
    }
    if (name == "home" || name == "json" || name == "help") {
      ThrowInvalidArgument("'" + name + "' is not a probe option here");
    }
    if (value.is_none()) continue;
    if (py::isinstance<py::bool_>(value)) {
      if (value.cast<bool>()) argv.push_back("--" + name);
      continue;
    }
    argv.push_back("--" + name + "=" + std::string(py::str(value)));
  }
  return argv;
}

engine::LocalIdentity EngineIdentity(const IdentityPtr& identity) {
  engine::LocalIdentity out;
  // The engine keeps its own shared copy of the key.
  out.key = std::make_shared<const crypto::PrivateKey>(
      Unwrap(crypto::PrivateKey::FromPkcs8Der(Unwrap(identity->key().ToPkcs8Der()))));
  out.certificate_chain_der = {identity->certificate().ToDer()};
  return out;
}

py::list Probe(const py::object& targets, uint16_t port, const std::string& family_name,
               const IdentityPtr& identity, const std::optional<std::string>& home, size_t parallel,
               const py::kwargs& kwargs) {
  std::vector<std::string> inputs;
  if (py::isinstance<py::str>(targets)) {
    inputs.push_back(targets.cast<std::string>());
  } else {
    inputs = targets.cast<std::vector<std::string>>();
  }
  if (inputs.empty()) ThrowInvalidArgument("no target");
  driver::Family family = driver::Family::kAny;
  if (family_name == "ipv4" || family_name == "4") {
    family = driver::Family::kIpv4;
  } else if (family_name == "ipv6" || family_name == "6") {
    family = driver::Family::kIpv6;
  } else if (family_name != "any") {
    ThrowInvalidArgument("family is 'any', 'ipv4' or 'ipv6'");
  }
  if (parallel < 1) ThrowInvalidArgument("parallel must be at least 1");
  std::vector<std::string> argv = FlagsFromKwargs(kwargs);
  argv.push_back("--port=" + std::to_string(port));
  std::string error;
  auto args = cli::Args::Parse(argv, cli::InitiatorValueFlags(), cli::InitiatorBoolFlags(), &error);
  if (!args) ThrowInvalidArgument(error);

  driver::ProbeOptions options;
  options.max_in_flight = parallel;
  options.source = Unwrap(cli::SourceFromArgs(*args, family));
  for (const char* flag : {"local-port", "natt-port"}) {
    if (auto text = args->Value(flag)) {
      auto p = driver::SplitHostPort("x:" + *text);
      if (!p.ok()) ThrowInvalidArgument(std::string(flag) + " must be 1..65535");
      (std::string(flag) == "local-port" ? options.local_port : options.local_natt_port) = p->port;
    }
  }
  engine::LocalIdentity local;
  if (identity) {
    local = EngineIdentity(identity);
  } else if (home) {
    local = Unwrap(cli::LoadHomeIdentity(*home)).value_or(engine::LocalIdentity{});
  }
  engine::Policy policy = Unwrap(cli::PolicyFromArgs(*args, local));
  const uint16_t default_port = Unwrap(cli::RemotePortFromArgs(*args));

  std::vector<Json> lines;
  {
    py::gil_scoped_release release;
    std::vector<driver::ProbeJob> jobs;
    std::vector<int> job_of_input(inputs.size(), -1);
    std::vector<std::string> resolve_errors(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto target = cli::ResolveTarget(inputs[i], default_port, family);
      if (!target.ok()) {
        resolve_errors[i] = target.error().message;
        continue;
      }
      job_of_input[i] = static_cast<int>(jobs.size());
      jobs.push_back(driver::ProbeJob{target->remote, policy});
    }
    auto loop = Unwrap(driver::EventLoop::Create());
    OpenSslRng rng;
    auto outcomes = Unwrap(driver::ProbeAll(*loop, jobs, options, rng));
    for (size_t i = 0; i < inputs.size(); ++i) {
      engine::ProbeResult result;
      std::string local_error = resolve_errors[i];
      if (job_of_input[i] >= 0) {
        const driver::ProbeOutcome& o = outcomes[static_cast<size_t>(job_of_input[i])];
        result = o.result;
        if (o.local_error) local_error = o.local_error->message;
      }
      const std::string problem =
          local_error.empty() ? cli::ProbeProblem(result, policy) : local_error;
      Json j = job_of_input[i] >= 0 ? result.ToJson() : Json::MakeObject();
      j.Set("input", inputs[i]);
      j.Set("exit_code", cli::ProbeExitCode(result, !local_error.empty()));
      j.Set("problem", problem.empty() ? Json() : Json(problem));
      lines.push_back(std::move(j));
    }
  }
  py::list out;
  for (const Json& j : lines) out.append(JsonToPython(j));
  return out;
}

}  // namespace

void InitProbe(py::module_& m) {
  m.def("probe", &Probe, py::arg("targets"), py::kw_only(), py::arg("port") = 500,
        py::arg("family") = "any", py::arg("identity") = py::none(), py::arg("home") = py::none(),
        py::arg("parallel") = 16,
        "Probes HOST[:PORT] targets (a string or a list) over UDP and returns, per target, the "
        "dict `ikewot probe --json` prints (certificates with sha256 and identification, auth, "
        "behaviour, nat, ..., plus input, exit_code, problem). Further keyword arguments are the "
        "CLI's options: timeout=2, retransmits=3, ike='aes256gcm16-prfsha256-x25519', "
        "with_auth=True, source='192.0.2.1', local_port=..., natt_port=... The identity (or the "
        "one in `home`) authenticates probes made with_auth. The GIL is released meanwhile.");
}

}  // namespace ikewot::python
