// Probes many targets with one IkeNode over real UDP: concurrently, but politely -- at most one
// probe in flight per target address, a bounded number overall, and starts spaced out in time.
// Each probe is the engine's partial negotiation (StartProbe); the result is its ProbeResult.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/base/rng.h"
#include "core/engine/policy.h"
#include "core/engine/probe_result.h"
#include "driver/event_loop.h"

namespace ikewot::driver {

struct ProbeJob {
  engine::Endpoint remote;
  engine::Policy policy;
};

struct ProbeOptions {
  // Local address to send from (4 or 16 octets); empty: the kernel's routing choice.
  Bytes source;
  uint16_t local_port = 0;       // 0: the kernel chooses (500 needs privileges and may be taken)
  uint16_t local_natt_port = 0;  // for the switch to 4500 behind a NAT
  size_t max_in_flight = 16;
  Duration start_spacing = std::chrono::milliseconds(10);
  // After the last probe finished: how long to wait for the polite INFORMATIONAL { D } answers.
  Duration delete_grace = std::chrono::milliseconds(500);
};

struct ProbeOutcome {
  engine::ProbeResult result;
  // Set when the probe could not start at all (no socket or route for the address family,
  // refused by our own limiter); `result` then holds only the target.
  std::optional<Error> local_error;
};

// Runs every job to completion on `loop` (which the caller may have told to stop on SIGINT;
// then unfinished probes come back with stop kTimeout and detail "interrupted"). Outcomes are in
// job order.
Result<std::vector<ProbeOutcome>> ProbeAll(EventLoop& loop, const std::vector<ProbeJob>& jobs,
                                           const ProbeOptions& options, Rng& rng);

}  // namespace ikewot::driver
