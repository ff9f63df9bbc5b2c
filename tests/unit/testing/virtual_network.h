// An in-memory, virtual-time network for exchange tests (header-only: the unit-test glob only
// compiles tests/unit/*_test.cc). Hosts are sans-I/O engines seen through four callbacks; the
// network moves datagrams between them with a delay, and can lose, duplicate and reorder them by
// a seeded rule, rewrite addresses and ports like a NAT, and drop datagrams above a size (a
// firewall that drops IP fragments). An hour of virtual time runs in microseconds.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "core/base/time.h"
#include "core/engine/datagram.h"

namespace ikewot::testing {

using engine::Datagram;
using engine::Endpoint;

struct LinkImpairment {
  Duration delay = std::chrono::milliseconds(10);
  Duration jitter{0};       // extra uniform random delay in [0, jitter]: reorders when > gaps
  double loss = 0.0;        // probability a datagram vanishes
  double duplicate = 0.0;   // probability a datagram arrives twice
  size_t max_size = 65535;  // datagrams with a larger UDP payload are dropped
  // Deterministic rule on top: return true to drop this datagram (n = 0-based send index).
  std::function<bool(const Datagram&, uint64_t n)> drop_if;
};

// A host as the network sees it: exactly the engine's sans-I/O surface.
struct VirtualHost {
  std::function<void(const Datagram&, TimePoint)> deliver;
  std::function<TimePoint()> next_deadline;
  std::function<void(TimePoint)> handle_timeout;
  std::function<std::vector<Datagram>()> take_outgoing;
};

// Source NAT: datagrams from `inside_address` to anywhere else leave with `public_address` and a
// mapped port; answers to that public port are mapped back.
struct NatRule {
  Bytes inside_address;
  Bytes public_address;
  uint16_t next_port = 40000;
};

class VirtualNetwork {
 public:
  explicit VirtualNetwork(uint64_t seed, TimePoint start = TimePoint::FromUnixSeconds(1700000000))
      : random_(seed), now_(start) {}

  TimePoint now() const { return now_; }
  LinkImpairment& impairment() { return impairment_; }
  uint64_t sent() const { return sent_; }
  uint64_t dropped() const { return dropped_; }
  std::vector<Datagram>& log() { return log_; }  // every datagram as sent (before NAT)

  // Hosts are addressed by IP address; any port of that address reaches them.
  void AddHost(Bytes address, VirtualHost host) { hosts_[std::move(address)] = std::move(host); }
  void AddNat(NatRule rule) { nats_.push_back(std::move(rule)); }

  void Send(Datagram d) {
    log_.push_back(d);
    const uint64_t n = sent_++;
    if (d.payload.size() > impairment_.max_size ||
        (impairment_.drop_if && impairment_.drop_if(d, n)) || Chance(impairment_.loss)) {
      ++dropped_;
      return;
    }
    ApplyOutboundNat(d);
    int copies = Chance(impairment_.duplicate) ? 2 : 1;
    for (int i = 0; i < copies; ++i) {
      Duration extra{0};
      if (impairment_.jitter.count() > 0) {
        extra = Duration(
            std::uniform_int_distribution<int64_t>(0, impairment_.jitter.count())(random_));
      }
      in_flight_.push_back({now_ + impairment_.delay + extra, order_++, d});
    }
  }

  // Collects what every host wants to send.
  void Flush() {
    for (auto& [address, host] : hosts_) {
      for (Datagram& d : host.take_outgoing()) Send(std::move(d));
    }
  }

  // Runs one event (a delivery or a host timer), the earliest first. False when nothing is left
  // before `limit`.
  bool Step(TimePoint limit) {
    Flush();
    TimePoint next = kNever;
    auto earliest = std::min_element(in_flight_.begin(), in_flight_.end(), Earlier);
    if (earliest != in_flight_.end()) next = earliest->at;
    VirtualHost* timer_host = nullptr;
    for (auto& [address, host] : hosts_) {
      TimePoint deadline = host.next_deadline();
      if (deadline < next) {
        next = deadline;
        timer_host = &host;
      }
    }
    if (next == kNever || next > limit) return false;
    now_ = std::max(now_, next);
    if (timer_host != nullptr) {
      timer_host->handle_timeout(now_);
    } else {
      InFlight item = *earliest;
      in_flight_.erase(earliest);
      Deliver(item.datagram);
    }
    Flush();
    return true;
  }

  // Runs until nothing is scheduled before `now() + horizon`; returns the number of events.
  size_t Run(Duration horizon = std::chrono::minutes(5)) {
    const TimePoint limit = now_ + horizon;
    size_t events = 0;
    while (Step(limit) && events < 100000) ++events;
    return events;
  }
  // Runs until `done()` holds or the horizon passes.
  bool RunUntil(const std::function<bool()>& done, Duration horizon = std::chrono::minutes(5)) {
    const TimePoint limit = now_ + horizon;
    for (size_t events = 0; !done() && events < 100000; ++events) {
      if (!Step(limit)) break;
    }
    return done();
  }
  void AdvanceTo(TimePoint t) { now_ = std::max(now_, t); }

 private:
  struct InFlight {
    TimePoint at;
    uint64_t order;
    Datagram datagram;
  };
  static bool Earlier(const InFlight& a, const InFlight& b) {
    return a.at != b.at ? a.at < b.at : a.order < b.order;
  }
  bool Chance(double p) {
    return p > 0 && std::uniform_real_distribution<double>(0.0, 1.0)(random_) < p;
  }

  void ApplyOutboundNat(Datagram& d) {
    for (NatRule& nat : nats_) {
      if (d.local.address != nat.inside_address || d.remote.address == nat.inside_address) continue;
      Endpoint inside = d.local;
      auto it = std::find_if(mappings_.begin(), mappings_.end(),
                             [&](const auto& m) { return m.second == inside; });
      uint16_t port = 0;
      if (it != mappings_.end()) {
        port = it->first.port;
      } else {
        port = nat.next_port++;
        mappings_[Endpoint{nat.public_address, port}] = inside;
      }
      d.local = Endpoint{nat.public_address, port};
    }
  }

  void Deliver(Datagram d) {
    // Inbound NAT: a datagram to a mapped public endpoint goes to the inside host.
    auto mapped = mappings_.find(d.remote);
    if (mapped != mappings_.end()) d.remote = mapped->second;
    auto host = hosts_.find(d.remote.address);
    if (host == hosts_.end()) return;
    Datagram received{d.remote, d.local, std::move(d.payload)};
    host->second.deliver(received, now_);
  }

  std::mt19937_64 random_;
  TimePoint now_;
  LinkImpairment impairment_;
  std::map<Bytes, VirtualHost> hosts_;
  std::vector<NatRule> nats_;
  std::map<Endpoint, Endpoint> mappings_;
  std::vector<InFlight> in_flight_;
  std::vector<Datagram> log_;
  uint64_t order_ = 0;
  uint64_t sent_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace ikewot::testing
