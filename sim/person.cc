#include "sim/person.h"

#include <ns3/simulator.h>

#include <memory>
#include <optional>

namespace ikewot::sim {

namespace {
std::string Label(uint64_t run) { return "ikewot-sim person run " + std::to_string(run); }
}  // namespace

PersonModel::PersonModel(PersonParams params, uint64_t seed, uint64_t run)
    : params_(params), rng_(seed, AsBytes(Label(run))) {}

int64_t PersonModel::DrawCallDelay() {
  const double happens = static_cast<double>(rng_.NextU32()) / 4294967296.0;
  const uint64_t span = static_cast<uint64_t>(
      std::max<int64_t>(0, params_.max_call_delay_s - params_.min_call_delay_s) + 1);
  const int64_t delay = params_.min_call_delay_s + static_cast<int64_t>(rng_.NextU64() % span);
  return happens < params_.call_probability ? delay : -1;
}

bool PersonModel::CompareAndAccept(ns3::Ptr<IkewotApplication> verifier, const engine::Event& probe,
                                   uint32_t peer, const Directory& directory, int64_t duration_s) {
  const NodeRecord* record = directory.ById(peer);
  bool ok = record != nullptr && !probe.probe.certificates.empty() &&
            probe.probe.certificates.front().identification == record->identification;
  if (ok) ok = verifier->AcceptVerified(probe.probe.certificates.front().der).ok();
  verifier->RecordVerification(peer, ok, duration_s);
  return ok;
}

void PersonModel::PhoneCall(ns3::Ptr<IkewotApplication> a, const engine::Event& a_probe,
                            ns3::Ptr<IkewotApplication> b, const engine::Event& b_probe,
                            const Directory& directory, std::function<void(bool, bool)> done) {
  const int64_t delay = DrawCallDelay();
  if (delay < 0) {
    a->RecordVerification(b->node_id(), false, 0);
    b->RecordVerification(a->node_id(), false, 0);
    if (done) done(false, false);
    return;
  }
  ns3::Simulator::Schedule(ns3::Seconds(static_cast<double>(delay)), [=, this, &directory] {
    const bool a_ok = CompareAndAccept(a, a_probe, b->node_id(), directory, delay);
    const bool b_ok = CompareAndAccept(b, b_probe, a->node_id(), directory, delay);
    if (done) done(a_ok, b_ok);
  });
}

void PersonModel::MeetAndVerify(ns3::Ptr<IkewotApplication> a, ns3::Ptr<IkewotApplication> b,
                                const Directory& directory, std::function<void(bool, bool)> done,
                                const Bytes& b_address) {
  struct Meeting {
    std::optional<engine::Event> a_probe;
    std::optional<engine::Event> b_probe;
  };
  auto meeting = std::make_shared<Meeting>();
  auto maybe_call = [this, a, b, meeting, &directory, done] {
    if (!meeting->a_probe || !meeting->b_probe) return;
    auto fetched = [](const engine::Event& e) {
      return e.probe.stop == engine::ProbeStop::kCompleted && !e.probe.certificates.empty();
    };
    if (!fetched(*meeting->a_probe) || !fetched(*meeting->b_probe)) {
      if (done) done(false, false);
      return;
    }
    PhoneCall(a, *meeting->a_probe, b, *meeting->b_probe, directory, done);
  };
  a->Probe(b_address.empty() ? b->address() : b_address,
           [meeting, maybe_call](const engine::Event& e) {
             meeting->a_probe = e;
             maybe_call();
           });
  b->Probe(a->address(), [meeting, maybe_call](const engine::Event& e) {
    meeting->b_probe = e;
    maybe_call();
  });
}

}  // namespace ikewot::sim
