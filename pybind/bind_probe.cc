// The probe over real sockets needs the UDP driver (driver/, engineer H2), which has not landed:
// until it does, ikewot.probe is absent and ikewot.probe_available() says why.
#include "pybind/common.h"

namespace ikewot::python {

void InitProbe(py::module_& m) {
  m.attr("PROBE_UNAVAILABLE_REASON") =
      "the probe needs the UDP driver (driver/: a NodeRunner event loop), which this build does "
      "not have yet";
}

}  // namespace ikewot::python
