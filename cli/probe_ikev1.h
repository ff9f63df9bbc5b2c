// The IKEv1 probe over real UDP for `ikewot probe --ike 1|auto`: one ikev1::Initiator per
// target on the driver's event loop, with an IKE socket and a NAT-T socket (for the float to
// port 4500 in main mode). Targets are probed one after the other.
#pragma once

#include <cstdint>

#include "cli/args.h"
#include "core/base/rng.h"
#include "core/engine/policy.h"
#include "core/engine/probe_result.h"
#include "core/ikev1/initiator.h"
#include "driver/event_loop.h"

namespace ikewot::cli {

struct Ikev1ProbeOptions {
  ikev1::Phase1Mode mode = ikev1::Phase1Mode::kAggressive;
  Bytes source;  // empty: the route's source address
  uint16_t local_port = 0;
  uint16_t local_natt_port = 0;
  engine::RetransmitPolicy retransmit;
  uint16_t aggressive_group = 14;
  bool include_group2 = false;
  engine::LocalIdentity identity;  // main mode signs with it (else an ephemeral RSA key)
};

// --mode aggressive|main, --ke GROUP (aggressive mode's KE; "modp1024" allows group 2), and
// the retransmission settings of `policy`.
Result<Ikev1ProbeOptions> Ikev1OptionsFromArgs(const Args& args, const engine::Policy& policy);

// Runs one probe to completion (or until the loop is told to stop: then kTimeout,
// "interrupted"). Errors are local ones: no socket, no route.
Result<engine::ProbeResult> RunIkev1Probe(driver::EventLoop& loop, const engine::Endpoint& remote,
                                          const Ikev1ProbeOptions& options, Rng& rng);

// Whether an IKEv2 probe's outcome means "try IKEv1" for --ike auto, and why ("" if not).
std::string Ikev1FallbackReason(const engine::ProbeResult& ikev2_result);

}  // namespace ikewot::cli
