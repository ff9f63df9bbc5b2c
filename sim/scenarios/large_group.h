// large-group: the scale run. N nodes (up to 100,000) in groups of --groupSize behind access
// routers of a routed tree (sim/grouped_network.h); each node opens --handshakes full IKEv2
// connections (IKE_SA_INIT + IKE_AUTH with real X25519, real --keyType signatures, a CHILD SA)
// to random peers within --window seconds, holds each for --hold seconds and deletes it
// (INFORMATIONAL). Peers are accepted unverified: the trust model is measured by hobby-group,
// this one measures the engine and the simulator at scale. Besides the common summary it reports
// set-up and run wall and CPU seconds, ns-3 events per second, handshakes per wall-second, CPU
// per handshake and memory, and prints a progress line with them every --progressEvery
// simulated seconds.
#pragma once

#include <cstdint>
#include <string>

#include "core/base/status.h"
#include "sim/scenario.h"
#include "sim/scenarios/common.h"

namespace ikewot::sim {

struct LargeGroupConfig {
  static constexpr const char* kProgram = "large-group";
  ScenarioOptions common = ScenarioDefaults("runs/large-group", /*metrics_interval_s=*/0,
                                            /*progress_interval_s=*/0);
  uint32_t nodes = 1000;
  uint32_t handshakes = 10;  // connections each node initiates
  double window_s = 600;
  uint32_t group_size = 50;
  double hold_s = 30;
  std::string key_type = "ed25519";
  // Peers are random: a node meets one of its ~2K peers again with probability ~2K/N, so the
  // parsed-certificate cache (~4.6 KB an entry) would almost never hit and only cost memory
  // (~0.9 GiB at 100,000 nodes for 2 entries each); knowledge (a few hundred bytes) is kept
  // for the peers a node initiates to.
  uint32_t peer_certificate_cache_entries = 0;
  uint32_t peer_knowledge_entries = 16;
  // All nodes' engines share one crypto::PreparedCrypto (they run on one thread): each node
  // takes part in only ~2K handshakes, too few to repay preparing its own.
  bool shared_prepared_crypto = true;
  double progress_every_s = 60;
  // Simulated CPU time of one engine call (IkewotApplication ProcessingDelay): ~1 ms is what a
  // handshake message costs a small device (a first-contact handshake is ~0.8 ms of CPU on this
  // machine's server core, docs/bench/handshake.md, over two messages a side). It gives the
  // lookahead that lets engine calls run on --threads threads with unchanged results.
  double processing_delay_ms = 1;
  // Threads running engine calls (the main thread included); 0: the number of CPUs. Needs
  // processingDelay > 0 to help; the results do not depend on it.
  uint32_t threads = 0;

  template <typename Visitor>
  void VisitOwn(Visitor&& visit) {
    visit("nodes", "Number of nodes (at least 2)", nodes);
    visit("handshakes", "Connections each node initiates", handshakes);
    visit("window", "Seconds over which the connections start", window_s);
    visit("groupSize", "Hosts per access router (at most 63)", group_size);
    visit("hold", "Seconds a connection stays up before it is deleted (frees its SAs)", hold_s);
    visit("keyType", "Node keys and AUTH signatures: ed25519 or ecdsa-p256", key_type);
    visit("peerCertificateCache",
          "Parsed peer certificates each node keeps (engine NodeConfig; 0: none)",
          peer_certificate_cache_entries);
    visit("peerKnowledge", "Peers whose suite and KE group each node remembers (0: none)",
          peer_knowledge_entries);
    visit("sharedPreparedCrypto",
          "One set of fetched OpenSSL algorithms and prepared contexts for all nodes",
          shared_prepared_crypto);
    visit("processingDelay",
          "Milliseconds of simulated CPU per engine call (0: inline, no parallelism)",
          processing_delay_ms);
    visit("threads", "Threads running engine calls, main included (0: the number of CPUs)",
          threads);
    visit("progressEvery",
          "Simulated seconds between progress lines (handshakes, CPU, RSS); 0: none",
          progress_every_s);
  }
};

inline constexpr const char* kLargeGroupUsage =
    "large-group: many nodes, many real IKEv2 handshakes between random peers; the scale "
    "measurement.";

// Figures: handshakes, handshakes_ok, handshakes_failed, setup_wall_seconds, setup_cpu_seconds,
// run_wall_seconds, run_cpu_seconds, threads, engine_calls_on_main, engine_calls_on_workers,
// cpu_ms_per_handshake, ns3_events, ns3_events_per_wall_second, handshakes_per_wall_second,
// rss_after_setup_mib, peak_rss_mib.
Result<ScenarioOutcome> RunLargeGroup(const LargeGroupConfig& config, const RunHooks& hooks);

}  // namespace ikewot::sim
