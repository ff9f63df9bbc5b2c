// People, not only nodes: a person compares the identification string their node fetched by a
// probe with the one the peer's owner reads over the phone. That takes simulated time (a call
// has to happen), and sometimes it does not happen at all. The comparison itself is real: the
// string the probe returned (from the certificate actually received, which a man in the middle
// may have replaced) against the peer's genuine one.
#pragma once

#include <ns3/nstime.h>
#include <ns3/ptr.h>

#include <cstdint>
#include <functional>
#include <string>

#include "core/crypto/random.h"
#include "core/engine/events.h"
#include "sim/directory.h"
#include "sim/ikewot_application.h"

namespace ikewot::sim {

struct PersonParams {
  int64_t min_call_delay_s = 60;  // the call happens uniformly within [min, max] seconds
  int64_t max_call_delay_s = 600;
  double call_probability = 1.0;  // chance the call happens at all
};

class PersonModel {
 public:
  // The randomness of people is separate from the engines' (label "person", seed and run), so
  // protocol changes do not reshuffle who calls whom when.
  PersonModel(PersonParams params, uint64_t seed, uint64_t run);

  // Draws when (and whether) the call happens: seconds from now, or -1 if it never does.
  int64_t DrawCallDelay();

  // A call between `a` and `b` after both probed each other: each compares what their probe
  // fetched with the other's genuine identification and accepts on a match. `a_probe` /
  // `b_probe` are the probe events each side got (a's probe of b, b's probe of a). `done`
  // gets (a accepted b, b accepted a) when the call is over (immediately false, false if the
  // call never happens; a verify ok=false is logged then).
  void PhoneCall(ns3::Ptr<IkewotApplication> a, const engine::Event& a_probe,
                 ns3::Ptr<IkewotApplication> b, const engine::Event& b_probe,
                 const Directory& directory, std::function<void(bool, bool)> done);

  // The whole ritual: `a` and `b` probe each other (real partial IKE negotiations), then call;
  // each compares and accepts on a match. `b_address` is where `a` looks for b (a man in the
  // middle may answer there instead). `done` gets (a accepted b, b accepted a).
  void MeetAndVerify(ns3::Ptr<IkewotApplication> a, ns3::Ptr<IkewotApplication> b,
                     const Directory& directory, std::function<void(bool, bool)> done,
                     const Bytes& b_address = {});

  // One direction only: `verifier` checks `peer` (the peer reads out its string).
  bool CompareAndAccept(ns3::Ptr<IkewotApplication> verifier, const engine::Event& probe,
                        uint32_t peer, const Directory& directory, int64_t duration_s);

 private:
  PersonParams params_;
  DeterministicRng rng_;
};

}  // namespace ikewot::sim
