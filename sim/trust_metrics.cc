#include "sim/trust_metrics.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <cstdio>
#include <fstream>
#include <map>

#include "sim/sim_event.h"

namespace ikewot::sim {

namespace {

struct EdgeState {
  int count = 0;  // trust minus untrust events
  uint32_t depth = 0;
  bool genuine = true;
};

uint64_t CountUpTo(const std::vector<int64_t>& sorted, int64_t t) {
  return static_cast<uint64_t>(std::upper_bound(sorted.begin(), sorted.end(), t) - sorted.begin());
}

MetricsSample Sample(uint32_t nodes, int64_t t,
                     const std::map<std::pair<uint32_t, uint32_t>, EdgeState>& edges) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph graph(nodes);
  MetricsSample s;
  s.t_ns = t;
  uint64_t length_sum = 0;
  std::vector<bool> exposed(nodes, false);
  for (const auto& [pair, state] : edges) {
    if (state.count <= 0 || pair.first == pair.second) continue;
    if (pair.first >= nodes || pair.second >= nodes) continue;
    boost::add_edge(pair.first, pair.second, graph);
    ++s.trusting_pairs;
    length_sum += state.depth + 1;
    s.max_path_length = std::max(s.max_path_length, state.depth + 1);
    if (!state.genuine) exposed[pair.first] = true;
  }
  if (nodes > 1) {
    s.reachable_pairs_fraction =
        static_cast<double>(s.trusting_pairs) / (static_cast<double>(nodes) * (nodes - 1));
  }
  if (s.trusting_pairs > 0) {
    s.mean_path_length = static_cast<double>(length_sum) / static_cast<double>(s.trusting_pairs);
  }
  if (nodes > 0) {
    std::vector<int> component(nodes);
    const int count = boost::strong_components(
        graph, boost::make_iterator_property_map(component.begin(),
                                                 boost::get(boost::vertex_index, graph)));
    std::vector<uint64_t> sizes(static_cast<size_t>(count), 0);
    for (int c : component) ++sizes[static_cast<size_t>(c)];
    s.largest_component = *std::max_element(sizes.begin(), sizes.end());
    s.exposure_to_attacker =
        static_cast<double>(std::count(exposed.begin(), exposed.end(), true)) / nodes;
  }
  return s;
}

}  // namespace

std::vector<MetricsSample> ComputeMetrics(uint32_t nodes, const std::vector<TrustChange>& changes,
                                          const std::vector<int64_t>& verification_times,
                                          const std::vector<int64_t>& needed_times,
                                          int64_t interval_ns, int64_t end_ns) {
  std::vector<int64_t> verified = verification_times;
  std::vector<int64_t> needed = needed_times;
  std::sort(verified.begin(), verified.end());
  std::sort(needed.begin(), needed.end());
  std::vector<int64_t> times;
  if (interval_ns > 0) {
    for (int64_t t = 0; t < end_ns; t += interval_ns) times.push_back(t);
  }
  times.push_back(end_ns);

  std::map<std::pair<uint32_t, uint32_t>, EdgeState> edges;
  std::vector<MetricsSample> samples;
  size_t next = 0;  // changes are in simulation-time order (the event log's order)
  for (int64_t t : times) {
    for (; next < changes.size() && changes[next].t_ns <= t; ++next) {
      const TrustChange& c = changes[next];
      EdgeState& e = edges[{c.node, c.peer}];
      if (c.added) {
        e.count = 1;  // a trust event replaces the edge (new via / depth)
        e.depth = c.depth;
        e.genuine = c.genuine;
      } else {
        e.count = 0;
      }
    }
    MetricsSample s = Sample(nodes, t, edges);
    s.verifications_done = CountUpTo(verified, t);
    s.verifications_without_sharing = CountUpTo(needed, t);
    samples.push_back(s);
  }
  return samples;
}

Status WriteMetricsCsv(const std::string& path, const std::vector<MetricsSample>& samples) {
  std::ofstream out(path, std::ios::out | std::ios::trunc);
  out << "t,trusting_pairs,reachable_pairs_fraction,verifications_done,"
         "verifications_without_sharing,mean_path_length,max_path_length,largest_component,"
         "exposure_to_attacker\n";
  char line[256];
  for (const MetricsSample& s : samples) {
    std::snprintf(line, sizeof(line), "%s,%llu,%.6f,%llu,%llu,%.4f,%u,%llu,%.6f\n",
                  FormatSeconds(s.t_ns).c_str(), static_cast<unsigned long long>(s.trusting_pairs),
                  s.reachable_pairs_fraction, static_cast<unsigned long long>(s.verifications_done),
                  static_cast<unsigned long long>(s.verifications_without_sharing),
                  s.mean_path_length, s.max_path_length,
                  static_cast<unsigned long long>(s.largest_component), s.exposure_to_attacker);
    out << line;
  }
  out.close();
  if (!out) return MakeError(ErrorCode::kIo, "cannot write " + path);
  return Status::Ok();
}

}  // namespace ikewot::sim
