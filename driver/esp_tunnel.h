// A userspace ESP tunnel (the design of strongSwan's libipsec and wireguard-go): a TUN device on
// one side, ESP datagrams on the other, the pure ESP code of core/esp in between. Built from the
// engine's kChildSaEstablished event; the driver's event loop watches fd() and hands ESP
// datagrams over (ESP-in-UDP on port 4500 when the CHILD SA uses UDP encapsulation, or plain
// ESP, IP protocol 50, read from an EspSocket).
//
//   TUN --read--> selector check --> OutboundSa::Encapsulate --> send_esp(Datagram)
//   HandleEspDatagram(Datagram) --> InboundSa::Decapsulate --> selector check --> TUN write
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/base/time.h"
#include "core/engine/datagram.h"
#include "core/engine/events.h"
#include "core/esp/esp_sa.h"
#include "driver/tun.h"

namespace ikewot::driver {

struct EspTunnelCounters {
  uint64_t tun_packets_read = 0;
  uint64_t sent = 0;                       // ESP packets handed to send_esp
  uint64_t dropped_outside_selectors = 0;  // TUN packet not covered by the CHILD SA's selectors
  uint64_t dropped_encapsulation = 0;      // not IP, or sequence numbers exhausted
  uint64_t esp_received = 0;
  uint64_t delivered = 0;  // inner packets written to the TUN
  uint64_t dropped_inbound_selectors =
      0;                         // authentic packet whose inner addresses the SA does not cover
  uint64_t dropped_not_esp = 0;  // datagram that is not ESP (keepalive, empty, marker)
  uint64_t tun_write_errors = 0;
};

struct EspTunnelConfig {
  engine::ChildSaInfo child;
  bool initiator = false;  // our role in the CHILD SA (picks keys and SPIs)
  // Outer endpoints of the IKE SA. With child.udp_encapsulation the datagrams use these as they
  // are (port 4500 after NAT detection); otherwise ports are 0 and the payload is plain ESP
  // (IP protocol 50, see driver/esp_socket.h).
  engine::Endpoint local_outer;
  engine::Endpoint remote_outer;
  // TUN device: name, MTU, our inner address. Routes: when tun.routes is empty, the remote
  // traffic selectors (converted to prefixes) are routed into the device.
  TunSettings tun;
  esp::InboundOptions inbound;
};

class EspTunnel {
 public:
  using SendEsp = std::function<void(engine::Datagram)>;

  // Opens and configures the TUN device and builds both SAs. `rng` (CBC IVs) must outlive the
  // tunnel. kIo when the device cannot be created (not root, no /dev/net/tun), kUnsupported for
  // a suite core/esp does not implement.
  static Result<std::unique_ptr<EspTunnel>> Create(EspTunnelConfig config, SendEsp send_esp,
                                                   Rng& rng);
  ~EspTunnel();
  EspTunnel(const EspTunnel&) = delete;
  EspTunnel& operator=(const EspTunnel&) = delete;

  // The TUN file descriptor (non-blocking) for the event loop to poll for reading.
  int fd() const;
  const std::string& interface_name() const;

  // Reads every packet the TUN holds now, encapsulates those the selectors cover, and sends them.
  void HandleTunReadable(TimePoint now);
  // Decapsulates one ESP datagram (UDP payload on 4500 without marker, or the ESP packet of a
  // raw IP-50 datagram) and writes the inner packet to the TUN. Errors are also counted.
  Status HandleEspDatagram(const engine::Datagram& datagram, TimePoint now);

  // Whether a datagram belongs to this tunnel: its first four octets are our inbound SPI.
  bool OwnsDatagram(const engine::Datagram& datagram) const;
  uint32_t inbound_spi() const;
  uint32_t outbound_spi() const;

  const EspTunnelCounters& counters() const { return counters_; }
  const esp::InboundCounters& inbound_counters() const;
  const esp::OutboundCounters& outbound_counters() const;
  TimePoint last_activity() const { return last_activity_; }

 private:
  EspTunnel(EspTunnelConfig config, SendEsp send_esp, Rng& rng, Tun tun, esp::OutboundSa out,
            esp::InboundSa in);
  void SendInner(ByteView packet);

  EspTunnelConfig config_;
  SendEsp send_esp_;
  Rng& rng_;
  Tun tun_;
  esp::OutboundSa outbound_;
  esp::InboundSa inbound_;
  EspTunnelCounters counters_;
  TimePoint last_activity_{};
};

}  // namespace ikewot::driver
