// ikewot._ikewot: the private compiled module behind the `ikewot` package. Each area binds itself
// in its own file; this file only calls them in order.
#include "pybind/common.h"

PYBIND11_MODULE(_ikewot, m) {
  m.doc() = "ikewot's C++ core (private; use the ikewot package)";
  ikewot::python::InitErrors(m);
  ikewot::python::InitIdentity(m);
  ikewot::python::InitTrust(m);
  ikewot::python::InitCollections(m);
  ikewot::python::InitProbe(m);
  ikewot::python::InitSim(m);
}
