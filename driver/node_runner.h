// NodeRunner: drives one engine::IkeNode with real UDP sockets on an EventLoop -- the driver's
// whole job from ike_node.h: received datagrams go in with the clock's time, HandleTimeout runs
// at NextDeadline, TakeOutgoing leaves from the socket bound to each datagram's local endpoint,
// TakeEvents goes to a callback. ESP-in-UDP on the NAT-T socket goes to a pluggable callback.
//
// Ports: each Listen() opens an IKE socket and (optionally) a NAT-T socket on one address. The
// engine's NAT-T switch is always to port 4500 (RFC 7296 §2.23), so datagrams on the NAT-T socket
// reach the engine with local port 4500 whatever port the socket has, and datagrams the engine
// sends from port 4500 leave from the NAT-T socket. One socket pair carries any number of SAs:
// the engine dispatches by SPI.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/base/status.h"
#include "core/engine/ike_node.h"
#include "driver/event_loop.h"
#include "driver/udp_socket.h"

namespace ikewot::driver {

struct ListenSpec {
  Bytes address;  // 4 or 16 octets; all zero: every local address of that family
  uint16_t ike_port = engine::kIkePort;  // 0: the kernel chooses
  // The NAT-T socket; nullopt: none; 0: the kernel chooses (fine for initiators).
  std::optional<uint16_t> natt_port = engine::kNatTraversalPort;
};

struct DriverCounters {
  uint64_t received = 0;
  uint64_t sent = 0;
  uint64_t send_errors = 0;
  uint64_t receive_errors = 0;
  uint64_t esp_received = 0;
  uint64_t esp_dropped = 0;  // ESP with no handler
  uint64_t unroutable = 0;   // the engine named a local endpoint we have no socket for
};

class NodeRunner {
 public:
  using EventHandler = std::function<void(const engine::Event&)>;
  using EspHandler = std::function<void(const engine::Datagram&)>;

  NodeRunner(EventLoop& loop, engine::IkeNode& node) : loop_(loop), node_(node) {}
  ~NodeRunner();
  NodeRunner(const NodeRunner&) = delete;
  NodeRunner& operator=(const NodeRunner&) = delete;

  // Opens the socket(s) and watches them. Returns the IKE socket's bound endpoint (with the
  // port the kernel chose for port 0).
  Result<engine::Endpoint> Listen(const ListenSpec& spec);

  // The `local` endpoint to give the engine for talking to `remote`: the IKE socket of that
  // family, with the routing source address when it is bound to the unspecified address.
  Result<engine::Endpoint> LocalEndpointFor(const engine::Endpoint& remote) const;
  // The NAT-T socket's real bound endpoint for `family_size` (4 or 16), if any.
  std::optional<engine::Endpoint> NatTraversalEndpoint(size_t family_size) const;

  void SetEventHandler(EventHandler handler) { on_event_ = std::move(handler); }
  void SetEspHandler(EspHandler handler) { on_esp_ = std::move(handler); }

  // Sends a datagram the engine did not make (ESP from a tunnel), by the same socket choice.
  [[nodiscard]] Status SendDatagram(const engine::Datagram& datagram);

  // Call after calling the node directly (StartProbe, Connect, Delete, ...): sends what it
  // queued, delivers its events and re-arms the deadline timer. Safe to call from an event
  // handler.
  void Pump();

  engine::IkeNode& node() { return node_; }
  EventLoop& loop() { return loop_; }
  const DriverCounters& counters() const { return counters_; }

 private:
  struct Sockets {
    UdpSocket ike;
    std::optional<UdpSocket> natt;
  };

  void OnReadable(Sockets& sockets, bool natt);
  UdpSocket* SocketFor(const engine::Endpoint& local);
  void ArmDeadline();

  EventLoop& loop_;
  engine::IkeNode& node_;
  std::vector<std::unique_ptr<Sockets>> sockets_;
  EventHandler on_event_;
  EspHandler on_esp_;
  DriverCounters counters_;
  std::optional<EventLoop::TimerId> deadline_timer_;
  TimePoint armed_for_ = kNever;
  bool pumping_ = false;
  bool pump_again_ = false;
};

}  // namespace ikewot::driver
