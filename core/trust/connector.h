// The node's connect(peer), the seed's "IPsec client program": decide with the trust store
// whether to authenticate to a peer, asking the user only when nobody vouches for the peer's
// certificate. The peer is never disturbed: before anything is decided it is probed (the
// partial negotiation, which ends with a polite delete and never shows it our identity).
//
//   Connect(peer) --> probe --> certificate whose AUTH signature verified
//     trusted-direct / trusted-via     --> connect; the IKE_AUTH hook insists on that same
//                                          certificate (a peer that swaps it is refused)
//     unknown                          --> ask(question) --> yes: store "accepted", connect
//                                                        --> no:  store "rejected", kDeclined
//     conflict, expired, out-of-policy, rejected --> kRefused with the store's explanation
//
// Sans-I/O like the engine: the driver forwards the node's events (OnEvent) and collects the
// reports (TakeReports). IKE SAs coming up and going down are told to the store (SetPeerUp), so
// collections conditioned on "while connected to X" follow the real connection state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/base/status.h"
#include "core/base/time.h"
#include "core/engine/ike_node.h"
#include "core/trust/trust_store.h"

namespace ikewot::trust {

// What the user is asked about an unknown peer (the CLI prompts like ssh does).
struct PeerQuestion {
  std::string peer;  // the identity asked for, or the address when none was given
  engine::Endpoint address;
  std::string subject;
  std::string identification;  // the spoken form to compare with what the owner reads out
  std::string fingerprint_hex;
  Bytes certificate_der;
};
// True: trust this certificate.
using AskUser = std::function<bool(const PeerQuestion&)>;

enum class ConnectOutcome {
  kConnected,  // IKE SA (and CHILD SA when asked for) up with the decided certificate
  kDeclined,   // the user said no; recorded as rejected
  kRefused,    // the store said conflict / expired / out-of-policy / rejected
  kFailed,     // the probe or the connection failed (no certificate, bad AUTH, timeout, ...)
};
std::string_view ConnectOutcomeName(ConnectOutcome outcome);

struct ConnectTarget {
  engine::Endpoint local;
  engine::Endpoint remote;
  // Canonical identity the peer is expected to have ("dns:gw.example.org"); may be empty.
  std::string identity;
  // The connect's policy (our identity, proposals, ESP). The probe uses it without our identity.
  engine::Policy policy;
};

struct ConnectReport {
  uint64_t id = 0;
  ConnectOutcome outcome = ConnectOutcome::kFailed;
  std::string reason;                // one line for people
  std::optional<Decision> decision;  // the store's verdict on the probed certificate
  bool asked_user = false;
  engine::ProbeResult probe;
  engine::SaHandle sa = 0;  // the connected IKE SA
  std::optional<engine::ChildSaInfo> child;
};

class Connector {
 public:
  // `node`, `store` and `ask` must outlive the connector.
  Connector(engine::IkeNode& node, TrustStore& store, AskUser ask)
      : node_(node), store_(store), ask_(std::move(ask)) {}

  // Starts the probe toward target.remote; the outcome arrives as a report.
  Result<uint64_t> Connect(ConnectTarget target, TimePoint now);
  // Every event the node produced, in order (the driver calls this after node.TakeEvents()).
  void OnEvent(const engine::Event& event, TimePoint now);
  std::vector<ConnectReport> TakeReports() { return std::exchange(reports_, {}); }

 private:
  struct Attempt {
    ConnectTarget target;
    ConnectReport report;
    Bytes decided_fingerprint;
    engine::SaHandle probe_sa = 0;
  };
  void OnProbeCompleted(Attempt& attempt, const engine::ProbeResult& probe, TimePoint now);
  void StartConnect(Attempt& attempt, TimePoint now);
  void Finish(uint64_t id, ConnectOutcome outcome, std::string reason);
  std::string PeerName(const ConnectTarget& target) const;

  engine::IkeNode& node_;
  TrustStore& store_;
  AskUser ask_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Attempt> attempts_;
  std::map<engine::SaHandle, uint64_t> by_sa_;
  std::map<engine::SaHandle, std::string> up_peers_;  // connected SAs, for SetPeerUp(false)
  std::vector<ConnectReport> reports_;
};

}  // namespace ikewot::trust
