#include "driver/tunnel_host.h"

#include "driver/address.h"

namespace ikewot::driver {

TunnelHost::TunnelHost(NodeRunner& runner, Rng& rng, TunnelOptions options)
    : runner_(runner), rng_(rng), options_(std::move(options)) {
  runner_.SetEspHandler([this](const engine::Datagram& d) { OnEsp(d); });
}

TunnelHost::~TunnelHost() {
  runner_.SetEspHandler(nullptr);
  for (auto& [sa, tunnel] : tunnels_) runner_.loop().Unwatch(tunnel->fd());
  for (auto& [address, socket] : esp_sockets_) runner_.loop().Unwatch(socket->fd());
}

const EspTunnel* TunnelHost::Find(engine::SaHandle sa) const {
  auto it = tunnels_.find(sa);
  return it == tunnels_.end() ? nullptr : it->second.get();
}

Status TunnelHost::EnsureEspSocket(const Bytes& local_address) {
  if (esp_sockets_.count(local_address)) return Status::Ok();
  auto socket = EspSocket::Open(engine::Endpoint{local_address, 0});
  if (!socket.ok()) return socket.error();
  auto owned = std::make_unique<EspSocket>(std::move(*socket));
  EspSocket* raw = owned.get();
  IKEWOT_RETURN_IF_ERROR(runner_.loop().Watch(raw->fd(), [this, raw] {
    for (int i = 0; i < 64; ++i) {
      auto received = raw->Receive();
      if (!received.ok() || !*received) break;
      OnEsp(**received);
    }
  }));
  esp_sockets_[local_address] = std::move(owned);
  return Status::Ok();
}

Result<std::string> TunnelHost::Add(const engine::Event& e) {
  if (e.kind != engine::EventKind::kChildSaEstablished) {
    return MakeError(ErrorCode::kInvalidArgument, "not a CHILD SA event");
  }
  const engine::IkeSa* sa = runner_.node().Find(e.sa);
  if (!sa) return MakeError(ErrorCode::kNotFound, "IKE SA " + std::to_string(e.sa) + " is gone");
  EspTunnelConfig config;
  config.child = e.child;
  config.initiator = e.initiator;
  if (e.child.udp_encapsulation) {
    config.local_outer = sa->local();
    config.remote_outer = sa->remote();
  } else {
    config.local_outer = engine::Endpoint{sa->local().address, 0};
    config.remote_outer = engine::Endpoint{sa->remote().address, 0};
    IKEWOT_RETURN_IF_ERROR(EnsureEspSocket(sa->local().address));
  }
  config.tun.name = options_.name;
  if (created_ > 0 && !options_.name.empty()) config.tun.name += std::to_string(created_);
  config.tun.mtu = options_.mtu;
  const auto& ours = e.initiator ? e.child.ts_initiator : e.child.ts_responder;
  if (!ours.empty() && ours.front().start_address == ours.front().end_address) {
    config.tun.address = ours.front().start_address;
    config.tun.prefix_length = static_cast<uint8_t>(ours.front().start_address.size() * 8);
  }
  auto tunnel = EspTunnel::Create(
      config,
      [this](engine::Datagram d) {
        if (d.local.port != 0) {
          [[maybe_unused]] Status s = runner_.SendDatagram(d);
          return;
        }
        auto it = esp_sockets_.find(d.local.address);
        if (it != esp_sockets_.end()) [[maybe_unused]]
          Status s = it->second->Send(d);
      },
      rng_);
  if (!tunnel.ok()) return tunnel.error();
  EspTunnel* raw = tunnel->get();
  IKEWOT_RETURN_IF_ERROR(runner_.loop().Watch(
      raw->fd(), [this, raw] { raw->HandleTunReadable(runner_.loop().Now()); }));
  ++created_;
  std::string line = raw->interface_name() + ": " +
                     (config.tun.address.empty() ? std::string("no address")
                                                 : FormatIpAddress(config.tun.address)) +
                     ", ESP " + (e.child.udp_encapsulation ? "in UDP " : "") + "to " +
                     FormatIpAddress(config.remote_outer.address);
  tunnels_[e.sa] = std::move(*tunnel);
  return line;
}

void TunnelHost::Remove(engine::SaHandle sa) {
  auto it = tunnels_.find(sa);
  if (it == tunnels_.end()) return;
  runner_.loop().Unwatch(it->second->fd());
  tunnels_.erase(it);
}

void TunnelHost::OnEsp(const engine::Datagram& datagram) {
  for (auto& [sa, tunnel] : tunnels_) {
    if (tunnel->OwnsDatagram(datagram)) {
      // Failures (bad ICV, replay, outside selectors) are counted by the tunnel.
      [[maybe_unused]] Status s = tunnel->HandleEspDatagram(datagram, runner_.loop().Now());
      return;
    }
  }
  ++unclaimed_esp_;
}

}  // namespace ikewot::driver
