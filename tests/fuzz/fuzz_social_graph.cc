// Fuzzes the social-graph readers the people scenarios use on user-supplied files (edge lists
// and GraphML through Boost.Graph's reader). The first byte picks the format. Whatever the input,
// a reader returns a graph whose edges are in range, ordered and unique, or an error value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>

#include "sim/social_graph.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
  ikewot::Result<ikewot::sim::SocialGraph> graph =
      (data[0] & 1) ? ikewot::sim::ParseGraphMl(in, "fuzz.graphml")
                    : ikewot::sim::ParseEdgeList(in, "fuzz.edges");
  if (!graph.ok()) return 0;
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (auto [u, v] : graph->edges) {
    if (u >= v || v >= graph->nodes || !seen.insert({u, v}).second) std::abort();
  }
  return 0;
}
