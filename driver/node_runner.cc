#include "driver/node_runner.h"

#include "driver/address.h"

namespace ikewot::driver {

NodeRunner::~NodeRunner() {
  if (deadline_timer_) loop_.Cancel(*deadline_timer_);
  for (auto& s : sockets_) {
    loop_.Unwatch(s->ike.fd());
    if (s->natt) loop_.Unwatch(s->natt->fd());
  }
}

Result<engine::Endpoint> NodeRunner::Listen(const ListenSpec& spec) {
  auto ike = UdpSocket::Bind(engine::Endpoint{spec.address, spec.ike_port});
  if (!ike.ok()) return ike.error();
  std::optional<UdpSocket> natt;
  if (spec.natt_port) {
    auto n = UdpSocket::Bind(engine::Endpoint{spec.address, *spec.natt_port});
    if (!n.ok()) return n.error();
    natt.emplace(std::move(*n));
  }
  auto sockets = std::make_unique<Sockets>(Sockets{std::move(*ike), std::move(natt)});
  Sockets* raw = sockets.get();
  IKEWOT_RETURN_IF_ERROR(loop_.Watch(raw->ike.fd(), [this, raw] { OnReadable(*raw, false); }));
  if (raw->natt) {
    Status watched = loop_.Watch(raw->natt->fd(), [this, raw] { OnReadable(*raw, true); });
    if (!watched.ok()) {
      loop_.Unwatch(raw->ike.fd());
      return watched.error();
    }
  }
  engine::Endpoint bound = raw->ike.bound();
  sockets_.push_back(std::move(sockets));
  return bound;
}

Result<engine::Endpoint> NodeRunner::LocalEndpointFor(const engine::Endpoint& remote) const {
  for (const auto& s : sockets_) {
    const engine::Endpoint& bound = s->ike.bound();
    if (bound.address.size() != remote.address.size()) continue;
    if (!s->ike.wildcard()) return bound;
    auto source = SourceAddressFor(remote);
    if (!source.ok()) return source.error();
    return engine::Endpoint{*source, bound.port};
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   std::string("no ") + (remote.address.size() == 16 ? "IPv6" : "IPv4") +
                       " socket to reach " + FormatEndpoint(remote));
}

std::optional<engine::Endpoint> NodeRunner::NatTraversalEndpoint(size_t family_size) const {
  for (const auto& s : sockets_) {
    if (s->natt && s->natt->bound().address.size() == family_size) return s->natt->bound();
  }
  return std::nullopt;
}

UdpSocket* NodeRunner::SocketFor(const engine::Endpoint& local) {
  UdpSocket* fallback = nullptr;
  for (auto& s : sockets_) {
    if (s->ike.bound().address.size() != local.address.size()) continue;
    const bool address_matches = s->ike.wildcard() || s->ike.bound().address == local.address;
    UdpSocket* chosen = nullptr;
    if (s->ike.bound().port == local.port) {
      chosen = &s->ike;
    } else if (local.port == engine::kNatTraversalPort && s->natt) {
      chosen = &*s->natt;
    }
    if (!chosen) continue;
    if (address_matches) return chosen;
    if (!fallback) fallback = chosen;
  }
  return fallback;
}

Status NodeRunner::SendDatagram(const engine::Datagram& datagram) {
  UdpSocket* socket = SocketFor(datagram.local);
  if (!socket) {
    ++counters_.unroutable;
    return MakeError(ErrorCode::kNotFound,
                     "no socket for local endpoint " + FormatEndpoint(datagram.local));
  }
  Status sent = socket->Send(datagram);
  if (sent.ok()) {
    ++counters_.sent;
  } else {
    ++counters_.send_errors;
  }
  return sent;
}

void NodeRunner::OnReadable(Sockets& sockets, bool natt) {
  UdpSocket& socket = natt ? *sockets.natt : sockets.ike;
  // A bounded batch per wake-up so one busy socket cannot starve the others.
  for (int i = 0; i < 64; ++i) {
    auto received = socket.Receive();
    if (!received.ok()) {
      ++counters_.receive_errors;
      break;
    }
    if (!*received) break;
    engine::Datagram d = std::move(**received);
    ++counters_.received;
    if (natt) d.local.port = engine::kNatTraversalPort;  // the engine's view of NAT-T
    auto unframed = engine::UnframeDatagram(d);
    if (unframed.ok() && unframed->kind == engine::DatagramKind::kEsp) {
      ++counters_.esp_received;
      if (on_esp_) {
        on_esp_(d);
      } else {
        ++counters_.esp_dropped;
      }
      continue;
    }
    // Everything else (including what fails to unframe) is the engine's to judge and count.
    node_.HandleDatagram(d, loop_.Now());
  }
  Pump();
}

void NodeRunner::Pump() {
  if (pumping_) {
    pump_again_ = true;
    return;
  }
  pumping_ = true;
  do {
    pump_again_ = false;
    for (const engine::Datagram& d : node_.TakeOutgoing()) {
      // A failed send is counted; the engine's retransmission covers transient errors.
      [[maybe_unused]] Status s = SendDatagram(d);
    }
    // A handler may call the node (Delete, Connect); another round sends what that queued.
    for (const engine::Event& e : node_.TakeEvents()) {
      if (on_event_) on_event_(e);
      pump_again_ = true;
    }
  } while (pump_again_);
  pumping_ = false;
  ArmDeadline();
}

void NodeRunner::ArmDeadline() {
  const TimePoint next = node_.NextDeadline();
  if (deadline_timer_ && next == armed_for_) return;
  if (deadline_timer_) loop_.Cancel(*deadline_timer_);
  deadline_timer_.reset();
  armed_for_ = next;
  if (next == kNever) return;
  deadline_timer_ = loop_.At(next, [this] {
    deadline_timer_.reset();
    armed_for_ = kNever;
    node_.HandleTimeout(loop_.Now());
    Pump();
  });
}

}  // namespace ikewot::driver
