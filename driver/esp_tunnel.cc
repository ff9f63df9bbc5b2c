#include "driver/esp_tunnel.h"

#include <utility>

#include "core/esp/inner_packet.h"
#include "core/esp/udp_encapsulation.h"

namespace ikewot::driver {
namespace {

// Packets taken from the TUN per HandleTunReadable call, so one busy tunnel cannot starve the
// rest of the event loop; the fd stays readable and the loop comes back.
constexpr int kMaxPacketsPerWakeup = 256;

const std::vector<engine::TrafficSelector>& LocalSelectors(const EspTunnelConfig& c) {
  return c.initiator ? c.child.ts_initiator : c.child.ts_responder;
}
const std::vector<engine::TrafficSelector>& RemoteSelectors(const EspTunnelConfig& c) {
  return c.initiator ? c.child.ts_responder : c.child.ts_initiator;
}

}  // namespace

Result<std::unique_ptr<EspTunnel>> EspTunnel::Create(EspTunnelConfig config, SendEsp send_esp,
                                                     Rng& rng) {
  if (!send_esp) return MakeError(ErrorCode::kInvalidArgument, "EspTunnel needs a send_esp");
  auto out = esp::OutboundSa::Create(esp::OutboundParameters(config.child, config.initiator));
  if (!out.ok()) return out.error();
  auto in = esp::InboundSa::Create(esp::InboundParameters(config.child, config.initiator),
                                   config.inbound);
  if (!in.ok()) return in.error();
  if (config.tun.routes.empty()) {
    for (const engine::TrafficSelector& ts : RemoteSelectors(config)) {
      for (IpPrefix& p : PrefixesOfSelector(ts)) config.tun.routes.push_back(std::move(p));
    }
  }
  auto tun = Tun::Open(config.tun);
  if (!tun.ok()) return tun.error();
  return std::unique_ptr<EspTunnel>(new EspTunnel(std::move(config), std::move(send_esp), rng,
                                                  std::move(*tun), std::move(*out),
                                                  std::move(*in)));
}

EspTunnel::EspTunnel(EspTunnelConfig config, SendEsp send_esp, Rng& rng, Tun tun,
                     esp::OutboundSa out, esp::InboundSa in)
    : config_(std::move(config)),
      send_esp_(std::move(send_esp)),
      rng_(rng),
      tun_(std::move(tun)),
      outbound_(std::move(out)),
      inbound_(std::move(in)) {}

EspTunnel::~EspTunnel() = default;

int EspTunnel::fd() const { return tun_.fd(); }
const std::string& EspTunnel::interface_name() const { return tun_.name(); }
uint32_t EspTunnel::inbound_spi() const { return inbound_.spi(); }
uint32_t EspTunnel::outbound_spi() const { return outbound_.spi(); }
const esp::InboundCounters& EspTunnel::inbound_counters() const { return inbound_.counters(); }
const esp::OutboundCounters& EspTunnel::outbound_counters() const { return outbound_.counters(); }

void EspTunnel::HandleTunReadable(TimePoint now) {
  for (int i = 0; i < kMaxPacketsPerWakeup; ++i) {
    Result<Bytes> packet = tun_.Read();
    if (!packet.ok() || packet->empty()) return;
    ++counters_.tun_packets_read;
    last_activity_ = now;
    SendInner(*packet);
  }
}

void EspTunnel::SendInner(ByteView packet) {
  // RFC 4301 §5.1: only traffic the SA's selectors cover may use it; the rest is dropped
  // (the routes normally keep it away, but a TUN accepts whatever the host sends).
  Result<esp::InnerPacketInfo> info = esp::ParseInnerPacket(packet);
  if (!info.ok() ||
      !esp::SelectorsCover(LocalSelectors(config_), RemoteSelectors(config_), *info, true)) {
    ++counters_.dropped_outside_selectors;
    return;
  }
  Result<Bytes> esp_packet = outbound_.Encapsulate(packet, rng_);
  if (!esp_packet.ok()) {
    ++counters_.dropped_encapsulation;
    return;
  }
  ++counters_.sent;
  send_esp_(esp::MakeEspDatagram(config_.local_outer, config_.remote_outer,
                                 config_.child.udp_encapsulation, std::move(*esp_packet)));
}

bool EspTunnel::OwnsDatagram(const engine::Datagram& datagram) const {
  Result<uint32_t> spi = esp::PeekSpi(datagram.payload);
  return spi.ok() && *spi == inbound_.spi();
}

Status EspTunnel::HandleEspDatagram(const engine::Datagram& datagram, TimePoint now) {
  ++counters_.esp_received;
  if (datagram.remote.port != 0) {
    // ESP-in-UDP: only ESP, not IKE (marker) or keepalives, belongs here (RFC 3948 §2.2).
    Result<esp::UdpPayloadKind> kind = esp::ClassifyUdp4500(datagram.payload);
    if (!kind.ok() || *kind != esp::UdpPayloadKind::kEsp) {
      ++counters_.dropped_not_esp;
      return kind.ok() ? MakeError(ErrorCode::kInvalidArgument,
                                   "datagram on port 4500 is IKE or a keepalive, not ESP")
                       : kind.status();
    }
  }
  Result<esp::Decapsulated> out = inbound_.Decapsulate(datagram.payload);
  if (!out.ok()) return out.status();  // counted by the InboundSa
  last_activity_ = now;
  if (out->next_header == esp::kNextHeaderNoNext) return Status::Ok();  // dummy: discarded
  // RFC 4301 §5.2: the decrypted packet must match the SA's selectors, or a peer could inject
  // traffic for addresses it never negotiated.
  Result<esp::InnerPacketInfo> info = esp::ParseInnerPacket(out->inner);
  if (!info.ok()) {
    ++counters_.dropped_inbound_selectors;
    return info.status();
  }
  if (!esp::SelectorsCover(LocalSelectors(config_), RemoteSelectors(config_), *info, false)) {
    ++counters_.dropped_inbound_selectors;
    return MakeError(ErrorCode::kBadValue,
                     "decrypted packet lies outside the CHILD SA's traffic selectors");
  }
  Status written = tun_.Write(out->inner);
  if (!written.ok()) {
    ++counters_.tun_write_errors;
    return written;
  }
  ++counters_.delivered;
  return Status::Ok();
}

}  // namespace ikewot::driver
