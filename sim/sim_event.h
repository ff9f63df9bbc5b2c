// One line of a run's event log (docs/run-format.md, events.jsonl): what a simulated node did or
// learned, at a simulation time. Plain data; the ns-3 application fires it through its "Event"
// trace source and the run writer serializes it.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/json.h"

namespace ikewot::sim {

struct SimEvent {
  int64_t t_ns = 0;   // simulation time in nanoseconds (ns-3's resolution)
  uint32_t node = 0;  // nodes.csv id
  std::string kind;   // probe, verify, trust, untrust, share, import, enable, disable, conflict,
                      // connect, esp
  Json fields = Json::MakeObject();  // the kind's fields, in the documented order

  // {"t":12.345678901,"node":3,"event":"probe",...}: the time printed from the integer
  // nanoseconds (never through a double) so that equal runs give equal bytes.
  std::string ToJsonLine() const;
};

// "12.345678901": seconds with nine decimals from integer nanoseconds.
std::string FormatSeconds(int64_t ns);

}  // namespace ikewot::sim
