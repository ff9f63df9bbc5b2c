// The ns-3 scenarios run inside the Python process (sim/scenarios/catalog.h): parameters come
// from each scenario's own parameter list, the simulation runs with the GIL released, and the
// progress callback (and Ctrl-C) is served with the GIL re-acquired. ikewot.simulation.simulate
// wraps this and loads the run folder. Builds without ns-3 keep only SIM_UNAVAILABLE_REASON.
#include "pybind/common.h"

#ifdef IKEWOT_HAVE_SIM
#include <chrono>
#include <exception>
#include <mutex>
#include <string>
#include <vector>

#include "sim/scenarios/catalog.h"
#endif

namespace ikewot::python {

#ifdef IKEWOT_HAVE_SIM
namespace {

// "metricsInterval" -> "metrics_interval": Python spelling of a CommandLine name.
std::string SnakeCase(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      out += '_';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c;
    }
  }
  return out;
}

std::string TypeName(const py::handle& value) {
  return py::str(py::type::handle_of(value).attr("__name__"));
}

// The parameter's text as its parser takes it; a Python value of the wrong type is refused here
// with the parameter's name, a malformed or out-of-range one by the parser.
std::string ValueText(const sim::Parameter& p, const py::handle& value) {
  const bool is_bool = py::isinstance<py::bool_>(value);
  const bool is_int = py::isinstance<py::int_>(value) && !is_bool;
  switch (p.kind) {
    case sim::ParameterKind::kBool:
      if (!is_bool) ThrowInvalidArgument(p.name + " must be a bool, got " + TypeName(value));
      return value.cast<bool>() ? "true" : "false";
    case sim::ParameterKind::kUnsigned:
    case sim::ParameterKind::kSigned:
      if (!is_int) ThrowInvalidArgument(p.name + " must be an int, got " + TypeName(value));
      return py::str(value);
    case sim::ParameterKind::kDouble:
      if (!is_int && !py::isinstance<py::float_>(value)) {
        ThrowInvalidArgument(p.name + " must be a number, got " + TypeName(value));
      }
      return py::str(py::float_(py::reinterpret_borrow<py::object>(value)));
    case sim::ParameterKind::kString:
      break;
  }
  if (py::isinstance<py::str>(value)) return value.cast<std::string>();
  if (py::hasattr(value, "__fspath__")) {
    return py::module_::import("os").attr("fspath")(value).cast<std::string>();
  }
  ThrowInvalidArgument(p.name + " must be a str, got " + TypeName(value));
}

// Keyword arguments (CommandLine or snake_case names) as (CommandLine name, text) pairs.
sim::ParameterValues ToValues(const sim::ScenarioEntry& entry, const py::dict& params) {
  const std::vector<sim::Parameter> parameters = entry.parameters();
  sim::ParameterValues values;
  for (const auto& [key, value] : params) {
    const std::string name = py::str(key);
    const sim::Parameter* match = nullptr;
    for (const sim::Parameter& p : parameters) {
      if (p.name == name || SnakeCase(p.name) == name) match = &p;
    }
    if (match == nullptr) {
      std::string known;
      for (const sim::Parameter& p : parameters) known += (known.empty() ? "" : ", ") + p.name;
      ThrowInvalidArgument("unknown parameter \"" + name + "\" for " + entry.name +
                           " (known: " + known + ")");
    }
    if (value.is_none()) continue;  // the default
    values.emplace_back(match->name, ValueText(*match, value));
  }
  return values;
}

// What the simulation thread hands back to Python: the callback's exception or a signal.
struct CallbackState {
  py::object progress;
  std::exception_ptr failure;
  std::chrono::steady_clock::time_point next_signal_check;
};

// ns-3 has one simulator per process: one run at a time (another thread gets StateError).
std::mutex& SimulationMutex() {
  static std::mutex mutex;
  return mutex;
}

py::dict Simulate(const std::string& scenario, const py::dict& params, const py::object& progress) {
  const sim::ScenarioEntry entry = Unwrap(sim::FindScenario(scenario));
  sim::ParameterValues values = ToValues(entry, params);
  bool quiet_given = false;
  for (const auto& [name, text] : values) quiet_given = quiet_given || name == "quiet";
  // Without a callback nothing is printed unless quiet=False is asked for.
  if (!quiet_given && progress.is_none()) values.emplace_back("quiet", "true");

  std::unique_lock<std::mutex> lock(SimulationMutex(), std::try_to_lock);
  if (!lock.owns_lock()) {
    throw StatusError(Error{ErrorCode::kState, "a simulation is already running in this process"});
  }
  CallbackState state{progress, nullptr, std::chrono::steady_clock::now()};
  sim::RunHooks hooks;
  if (!progress.is_none()) {
    hooks.progress = [&state](const sim::ProgressReport& report) {
      if (state.failure) return;
      py::gil_scoped_acquire gil;
      try {
        state.progress(report.sim_seconds, report.wall_seconds, report.events, report.message);
      } catch (...) {
        state.failure = std::current_exception();
      }
    };
  }
  hooks.should_stop = [&state] {
    if (state.failure) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now < state.next_signal_check) return false;
    state.next_signal_check = now + std::chrono::milliseconds(50);
    py::gil_scoped_acquire gil;
    if (PyErr_CheckSignals() != 0) {  // Ctrl-C: KeyboardInterrupt is now the pending error
      state.failure = std::make_exception_ptr(py::error_already_set());
      return true;
    }
    return false;
  };

  Result<sim::ScenarioOutcome> outcome = Error{ErrorCode::kState, "not run"};
  {
    py::gil_scoped_release release;
    outcome = entry.run(values, hooks);
  }
  if (state.failure) std::rethrow_exception(state.failure);
  const sim::ScenarioOutcome done = Unwrap(std::move(outcome));
  py::dict result;
  result["out"] = done.out;
  result["stopped"] = done.stopped;
  result["figures"] = JsonToPython(done.figures);
  return result;
}

py::list ScenarioParameters(const std::string& scenario) {
  const sim::ScenarioEntry entry = Unwrap(sim::FindScenario(scenario));
  py::list out;
  for (const sim::Parameter& p : entry.parameters()) {
    py::dict item;
    item["name"] = p.name;
    item["python_name"] = SnakeCase(p.name);
    item["type"] = std::string(sim::ParameterKindName(p.kind));
    item["default"] = JsonToPython(p.value);
    item["help"] = p.help;
    out.append(item);
  }
  return out;
}

}  // namespace
#endif

void InitSim(py::module_& m) {
#ifdef IKEWOT_HAVE_SIM
  m.attr("SIM_UNAVAILABLE_REASON") = py::none();
  m.def("_simulate", &Simulate, py::arg("scenario"), py::arg("params"), py::arg("progress"),
        "Runs a scenario in this process (use ikewot.simulate).");
  m.def(
      "scenarios",
      [] {
        py::list names;
        for (const sim::ScenarioEntry& entry : sim::ScenarioCatalog()) names.append(entry.name);
        return names;
      },
      "Names of the scenarios ikewot.simulate runs.");
  m.def(
      "scenario_usage",
      [](const std::string& scenario) { return Unwrap(sim::FindScenario(scenario)).usage; },
      py::arg("scenario"), "One paragraph on what the scenario does.");
  m.def("scenario_parameters", &ScenarioParameters, py::arg("scenario"),
        "The scenario's parameters: name, python_name, type, default, help.");
#else
  m.attr("SIM_UNAVAILABLE_REASON") =
      "this build has no ns-3 simulation (configure with -DIKEWOT_WITH_NS3=ON); "
      "ikewot.simulation.run_scenario can still run a scenario program built elsewhere";
#endif
}

}  // namespace ikewot::python
