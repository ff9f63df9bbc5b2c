// The node's connect(peer) rule from issue 5 as far as the first contact: is a peer already
// trusted? If not, probe it, show the identification string, ask (or --yes) and store the
// certificate as checked by this user. Used by `ikewot connect` and `ikewot trust accept`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/net_common.h"
#include "core/trust/trust_store.h"
#include "driver/prober.h"

namespace ikewot::cli {

// Whether the store trusts some certificate it knows for this peer (by the name or address the
// user typed, and by the address it resolved to).
bool PeerKnownTrusted(trust::TrustStore& store, const Target& target);

struct AcceptResult {
  int exit_code = kExitOk;  // kExitOk: stored (or already trusted)
  std::string message;      // why not, for stderr
  Bytes fingerprint;        // the accepted certificate
  std::optional<trust::LocalEntry> entry;
};

// Probes `target` with `policy`, prints the certificate's subject, SHA-256 fingerprint and
// identification string to stderr, asks on the terminal unless `yes`, and stores the
// certificate as accepted with the peer's name/address as an extra identity.
AcceptResult ProbeAndAccept(trust::TrustStore& store, const Target& target,
                            const engine::Policy& policy, const driver::ProbeOptions& options,
                            bool yes);

// --local-ts / --remote-ts: "10.1.0.0/16", "192.0.2.7", "2001:db8::/64".
Result<engine::TrafficSelector> ParseSelector(const std::string& text);

}  // namespace ikewot::cli
