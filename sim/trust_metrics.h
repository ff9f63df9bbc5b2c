// Trust-graph metrics over time (docs/run-format.md, metrics.csv), computed with Boost.Graph so
// they scale to the large runs. The trust graph at time t has an edge u -> v for every trust
// event (u trusts a certificate for v) not withdrawn by a later untrust before t.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/status.h"
#include "sim/run_writer.h"

namespace ikewot::sim {

struct MetricsSample {
  int64_t t_ns = 0;
  uint64_t trusting_pairs = 0;          // edges u -> v, u != v
  double reachable_pairs_fraction = 0;  // trusting_pairs / n(n-1)
  uint64_t verifications_done = 0;
  uint64_t verifications_without_sharing = 0;
  double mean_path_length = 0;  // mean of depth + 1 over edges
  uint32_t max_path_length = 0;
  uint64_t largest_component = 0;   // largest strongly connected component
  double exposure_to_attacker = 0;  // fraction of nodes trusting a non-genuine certificate
};

// Samples every `interval_ns` from 0 to `end_ns` (and at end_ns).
std::vector<MetricsSample> ComputeMetrics(uint32_t nodes, const std::vector<TrustChange>& changes,
                                          const std::vector<int64_t>& verification_times,
                                          const std::vector<int64_t>& needed_times,
                                          int64_t interval_ns, int64_t end_ns);

Status WriteMetricsCsv(const std::string& path, const std::vector<MetricsSample>& samples);

}  // namespace ikewot::sim
