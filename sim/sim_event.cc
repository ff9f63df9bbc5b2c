#include "sim/sim_event.h"

#include <cstdio>
#include <cstdlib>

namespace ikewot::sim {

std::string FormatSeconds(int64_t ns) {
  const bool negative = ns < 0;
  const uint64_t magnitude = negative ? static_cast<uint64_t>(-(ns + 1)) + 1 : ns;
  char buffer[48];
  std::snprintf(buffer, sizeof(buffer), "%s%llu.%09llu", negative ? "-" : "",
                static_cast<unsigned long long>(magnitude / 1000000000ULL),
                static_cast<unsigned long long>(magnitude % 1000000000ULL));
  return buffer;
}

std::string SimEvent::ToJsonLine() const {
  std::string line = "{\"t\":" + FormatSeconds(t_ns) + ",\"node\":" + std::to_string(node) +
                     ",\"event\":\"" + JsonEscape(kind) + "\"";
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.object()) {
      line += ",\"" + JsonEscape(key) + "\":" + value.Dump();
    }
  }
  line += "}";
  return line;
}

}  // namespace ikewot::sim
