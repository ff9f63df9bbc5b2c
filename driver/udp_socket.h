// One non-blocking UDP socket bound to an address and port (IPv4 or IPv6; port 0 lets the kernel
// choose). Bound to the unspecified address it learns each datagram's destination address
// (IP_PKTINFO / IPV6_RECVPKTINFO) and sends from the address the engine names, so a responder
// listening on 0.0.0.0 answers from the address it was asked on.
#pragma once

#include <optional>

#include "core/base/status.h"
#include "core/engine/datagram.h"

namespace ikewot::driver {

class UdpSocket {
 public:
  // IPv6 sockets are IPv6-only (V6ONLY): IPv4 needs its own socket.
  static Result<UdpSocket> Bind(const engine::Endpoint& local);

  UdpSocket(UdpSocket&& other) noexcept;
  UdpSocket& operator=(UdpSocket&& other) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;
  ~UdpSocket();

  int fd() const { return fd_; }
  // The bound address and the actual port (after the kernel chose one for port 0).
  const engine::Endpoint& bound() const { return bound_; }
  bool wildcard() const { return wildcard_; }

  // One datagram, or nullopt when none is waiting. `local` is the address it was sent to and
  // the socket's port; `remote` the sender.
  Result<std::optional<engine::Datagram>> Receive();
  // Sends `datagram.payload` to `datagram.remote`, from `datagram.local.address` when bound to
  // the unspecified address (the port is always the socket's own).
  [[nodiscard]] Status Send(const engine::Datagram& datagram);

 private:
  UdpSocket(int fd, engine::Endpoint bound, bool wildcard)
      : fd_(fd), bound_(std::move(bound)), wildcard_(wildcard) {}

  int fd_ = -1;
  engine::Endpoint bound_;
  bool wildcard_ = false;
};

}  // namespace ikewot::driver
