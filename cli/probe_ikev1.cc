#include "cli/probe_ikev1.h"

#include <algorithm>
#include <optional>
#include <string>

#include "cli/net_common.h"
#include "cli/proposal_text.h"
#include "driver/address.h"
#include "driver/udp_socket.h"

namespace ikewot::cli {
namespace {

// Drives one Initiator: datagrams from both sockets in, its datagrams out of the socket bound
// to their local port, its deadline as a loop timer.
class Ikev1ProbeRun {
 public:
  Ikev1ProbeRun(driver::EventLoop& loop, driver::UdpSocket ike, driver::UdpSocket natt)
      : loop_(loop), ike_(std::move(ike)), natt_(std::move(natt)) {}
  ~Ikev1ProbeRun() {
    if (timer_) loop_.Cancel(*timer_);
    loop_.Unwatch(ike_.fd());
    loop_.Unwatch(natt_.fd());
  }
  Ikev1ProbeRun(const Ikev1ProbeRun&) = delete;
  Ikev1ProbeRun& operator=(const Ikev1ProbeRun&) = delete;

  Result<engine::ProbeResult> Run(ikev1::Initiator& initiator) {
    initiator_ = &initiator;
    IKEWOT_RETURN_IF_ERROR(loop_.Watch(ike_.fd(), [this] { Drain(ike_); }));
    IKEWOT_RETURN_IF_ERROR(loop_.Watch(natt_.fd(), [this] { Drain(natt_); }));
    Pump();
    while (!initiator.done()) {
      auto exit = loop_.Run();
      if (!exit.ok()) return exit.error();
      if (initiator.done()) break;
      if (*exit != driver::EventLoop::Exit::kStopped || !stopped_by_us_) {
        engine::ProbeResult r = initiator.result();
        r.stop = engine::ProbeStop::kTimeout;
        r.detail = "interrupted";
        return r;
      }
    }
    return initiator.result();
  }

 private:
  void Drain(driver::UdpSocket& socket) {
    while (true) {
      auto d = socket.Receive();
      if (!d.ok() || !d->has_value()) break;
      initiator_->HandleDatagram(**d, loop_.Now());
    }
    Pump();
  }

  void Pump() {
    for (const engine::Datagram& d : initiator_->TakeOutgoing()) {
      driver::UdpSocket& socket = d.local.port == natt_.bound().port ? natt_ : ike_;
      (void)socket.Send(d);  // a lost datagram is what retransmission is for
    }
    initiator_->TakeEvents();
    if (timer_) loop_.Cancel(*timer_);
    timer_.reset();
    if (initiator_->done()) {
      stopped_by_us_ = true;
      loop_.Stop();
      return;
    }
    const TimePoint deadline = initiator_->NextDeadline();
    if (deadline != kNever) {
      timer_ = loop_.At(deadline, [this] {
        timer_.reset();
        initiator_->HandleTimeout(loop_.Now());
        Pump();
      });
    }
  }

  driver::EventLoop& loop_;
  driver::UdpSocket ike_;
  driver::UdpSocket natt_;
  ikev1::Initiator* initiator_ = nullptr;
  std::optional<driver::EventLoop::TimerId> timer_;
  bool stopped_by_us_ = false;
};

}  // namespace

Result<Ikev1ProbeOptions> Ikev1OptionsFromArgs(const Args& args, const engine::Policy& policy) {
  Ikev1ProbeOptions options;
  options.retransmit = policy.retransmit;
  options.identity = policy.identity;
  if (auto mode = args.Value("mode")) {
    if (*mode == "aggressive") {
      options.mode = ikev1::Phase1Mode::kAggressive;
    } else if (*mode == "main") {
      options.mode = ikev1::Phase1Mode::kMain;
    } else {
      return MakeError(ErrorCode::kInvalidArgument, "--mode must be aggressive or main");
    }
  }
  if (auto ke = args.Value("ke")) {
    if (*ke == "modp1024") {
      options.aggressive_group = 2;
      options.include_group2 = true;
    } else {
      auto group = ParseKeGroup(*ke);
      if (!group.ok()) {
        return MakeError(ErrorCode::kInvalidArgument, "--ke: " + group.error().message);
      }
      options.aggressive_group = *group;
    }
  }
  return options;
}

Result<engine::ProbeResult> RunIkev1Probe(driver::EventLoop& loop, const engine::Endpoint& remote,
                                          const Ikev1ProbeOptions& options, Rng& rng) {
  Bytes address = options.source;
  if (address.empty()) {
    auto route = driver::SourceAddressFor(remote);
    if (!route.ok()) return route.error();
    address = *route;
  }
  if (address.size() != remote.address.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "--source is not of the target's family");
  }
  auto ike = driver::UdpSocket::Bind(engine::Endpoint{address, options.local_port});
  if (!ike.ok()) return ike.error();
  auto natt = driver::UdpSocket::Bind(engine::Endpoint{address, options.local_natt_port});
  if (!natt.ok()) return natt.error();

  ikev1::InitiatorConfig config;
  config.mode = options.mode;
  config.local = ike->bound();
  config.remote = remote;
  config.local_natt = natt->bound();
  config.retransmit = options.retransmit;
  config.aggressive_group = options.aggressive_group;
  config.offer.include_group2 = options.include_group2;
  config.identity = options.identity;
  auto initiator = ikev1::Initiator::Start(std::move(config), rng, loop.Now());
  if (!initiator.ok()) return initiator.error();
  Ikev1ProbeRun run(loop, std::move(*ike), std::move(*natt));
  return run.Run(**initiator);
}

std::string Ikev1FallbackReason(const engine::ProbeResult& r) {
  const auto& notifies = r.behaviour.init_notify_types;
  constexpr uint16_t kInvalidMajorVersion = 5;
  if (std::find(notifies.begin(), notifies.end(), kInvalidMajorVersion) != notifies.end() ||
      r.detail.find("INVALID_MAJOR_VERSION") != std::string::npos) {
    return "the responder answered IKEv2 with INVALID_MAJOR_VERSION";
  }
  if (r.stop == engine::ProbeStop::kTimeout && r.round_trips == 0) {
    return "no answer to IKEv2" + (r.detail.empty() ? std::string() : " (" + r.detail + ")");
  }
  return "";
}

}  // namespace ikewot::cli
