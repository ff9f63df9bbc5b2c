// In-process simulation runs need the ns-3 scenarios as library functions; today they are
// programs with a main() (scenarios/*.cc). Until that exists the module says so instead of
// pretending: ikewot.simulate is absent, and ikewot.simulation.run_scenario (pure Python) runs
// the scenario program and loads its run folder.
#include "pybind/common.h"

namespace ikewot::python {

void InitSim(py::module_& m) {
  m.attr("SIM_UNAVAILABLE_REASON") =
      "in-process simulation needs the ns-3 scenarios as library functions (they are programs "
      "with a main() today); ikewot.simulation.run_scenario runs a scenario program with a "
      "progress callback and returns its run (events as a pandas DataFrame, "
      "ikewot.simulation.trust_graph(run) as a networkx DiGraph)";
}

}  // namespace ikewot::python
