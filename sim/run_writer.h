// Writes a run folder (docs/run-format.md): run.json, nodes.csv, events.jsonl (streamed as the
// simulation goes), summary.json (last: its presence means the run finished). Also keeps the
// counts every summary carries and the trust events the metrics need.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/base/json.h"
#include "core/base/status.h"
#include "sim/directory.h"
#include "sim/sim_event.h"

namespace ikewot::sim {

// The part of a trust / untrust event the metrics need, compactly.
struct TrustChange {
  int64_t t_ns = 0;
  uint32_t node = 0;
  uint32_t peer = 0;
  bool added = true;    // trust (true) or untrust (false)
  uint32_t depth = 0;   // trust only
  bool genuine = true;  // trust only
  int64_t via = -1;     // sharer id or -1
};

struct RunCounts {
  uint64_t events = 0;
  uint64_t probes = 0;
  uint64_t probes_ok = 0;
  uint64_t probes_nat = 0;
  uint64_t probes_fallback = 0;
  uint64_t verifications_done = 0;    // verify ok=true
  uint64_t verifications_failed = 0;  // verify ok=false
  uint64_t connections_attempted = 0;
  uint64_t connections_ok = 0;
  uint64_t connections_via_collection = 0;
  uint64_t connections_verified = 0;
  uint64_t imports_ok = 0;
  uint64_t imports_refused = 0;
  uint64_t conflicts = 0;
  uint64_t shares = 0;
  uint64_t esp_packets = 0;
};

class RunWriter {
 public:
  // Creates `dir` (and parents) and opens events.jsonl for writing.
  static Result<std::unique_ptr<RunWriter>> Open(const std::string& dir);

  // The "Event" trace sink.
  void Record(const SimEvent& event);

  Status WriteRunJson(const std::string& scenario, uint64_t seed, uint64_t run,
                      const Json& parameters, double wall_seconds, double sim_seconds,
                      const std::string& started_utc);
  Status WriteNodes(const Directory& directory);
  // Adds the common keys (docs/run-format.md) to the scenario's own figures and writes
  // summary.json.
  Status WriteSummary(const std::string& scenario, const Directory& directory, uint64_t seed,
                      Json scenario_figures);
  // Flushes events.jsonl.
  Status Finish();

  const RunCounts& counts() const { return counts_; }
  const std::vector<TrustChange>& trust_changes() const { return trust_changes_; }
  const std::string& dir() const { return dir_; }
  // Ordered pairs (u, v) with u != v that connected successfully (either direction counts
  // for both orders) or that u verified: each needs u to verify v when nothing is shared.
  uint64_t VerificationsNeededWithoutSharing() const;
  // Times (ns) of successful verifications, and of each pair's first need for one.
  const std::vector<int64_t>& verification_times() const { return verification_times_; }
  const std::vector<int64_t>& needed_times() const { return needed_times_; }

 private:
  explicit RunWriter(std::string dir) : dir_(std::move(dir)) {}
  Status WriteFile(const std::string& name, const std::string& content) const;

  std::string dir_;
  std::ofstream events_;
  RunCounts counts_;
  std::vector<TrustChange> trust_changes_;
  std::set<std::pair<uint32_t, uint32_t>> needing_verification_;
  std::vector<int64_t> verification_times_;
  std::vector<int64_t> needed_times_;
  void NeedVerification(uint32_t u, uint32_t v, int64_t t_ns);
};

// The UTC time now as "2026-11-27T10:00:00Z" (wall clock: for run.json only).
std::string UtcNowText();

}  // namespace ikewot::sim
