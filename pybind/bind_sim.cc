// In-process simulation runs need the ns-3 integration (sim/, engineer H4). Until it exists the
// module says so instead of pretending: ikewot.simulate is absent.
#include "pybind/common.h"

namespace ikewot::python {

void InitSim(py::module_& m) {
  m.attr("SIM_UNAVAILABLE_REASON") =
      "in-process simulation needs the ns-3 integration (sim/, library ikewot_sim), which this "
      "build does not have yet; run a scenario binary and load its run folder with "
      "ikewot.analysis.load_run";
}

}  // namespace ikewot::python
