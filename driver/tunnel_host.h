// TunnelHost: the data plane beside a NodeRunner. For every CHILD SA it is given it builds an
// EspTunnel (driver/esp_tunnel.h: TUN device + core/esp), watches the TUN on the event loop,
// sends the tunnel's ESP out through the runner's sockets (ESP-in-UDP on the NAT-T socket) or a
// raw IP-50 EspSocket (plain ESP), and routes received ESP to the tunnel that owns its SPI.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/base/rng.h"
#include "core/engine/events.h"
#include "driver/esp_socket.h"
#include "driver/esp_tunnel.h"
#include "driver/node_runner.h"

namespace ikewot::driver {

struct TunnelOptions {
  std::string name;  // TUN device name; the second and later tunnels get a number appended
  int mtu = 1400;
};

class TunnelHost {
 public:
  // Takes over the runner's ESP handler. `rng` must outlive the host.
  TunnelHost(NodeRunner& runner, Rng& rng, TunnelOptions options);
  ~TunnelHost();
  TunnelHost(const TunnelHost&) = delete;
  TunnelHost& operator=(const TunnelHost&) = delete;

  // Builds the tunnel for a kChildSaEstablished event: the TUN gets our traffic selector's
  // address when it is a single host, and routes to the peer's selectors. Returns a line that
  // says what was set up.
  Result<std::string> Add(const engine::Event& child_event);
  void Remove(engine::SaHandle sa);

  size_t size() const { return tunnels_.size(); }
  const EspTunnel* Find(engine::SaHandle sa) const;
  uint64_t unclaimed_esp() const { return unclaimed_esp_; }

 private:
  void OnEsp(const engine::Datagram& datagram);
  Status EnsureEspSocket(const Bytes& local_address);

  NodeRunner& runner_;
  Rng& rng_;
  TunnelOptions options_;
  size_t created_ = 0;
  std::map<engine::SaHandle, std::unique_ptr<EspTunnel>> tunnels_;
  std::map<Bytes, std::unique_ptr<EspSocket>> esp_sockets_;  // by local address
  uint64_t unclaimed_esp_ = 0;
};

}  // namespace ikewot::driver
