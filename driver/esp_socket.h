// Plain ESP (IP protocol 50) on a raw socket, for peers that send ESP without UDP encapsulation
// (no NAT on the path). The kernel here has no ESP of its own, so raw IP-50 packets reach this
// socket untouched. IPv4 raw sockets deliver the IP header with the packet; Receive strips it so
// callers see the ESP packet either way, in an engine::Datagram with ports 0.
#pragma once

#include <cstdint>
#include <optional>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/datagram.h"

namespace ikewot::driver {

inline constexpr int kIpProtocolEsp = 50;

class EspSocket {
 public:
  // Opens a non-blocking raw IP-50 socket bound to `local` (address only; 4 or 16 octets).
  // kIo without CAP_NET_RAW.
  static Result<EspSocket> Open(const engine::Endpoint& local);
  EspSocket(EspSocket&& other) noexcept;
  EspSocket& operator=(EspSocket&& other) noexcept;
  EspSocket(const EspSocket&) = delete;
  EspSocket& operator=(const EspSocket&) = delete;
  ~EspSocket();

  int fd() const { return fd_; }
  // Sends datagram.payload (an ESP packet) to datagram.remote's address.
  Status Send(const engine::Datagram& datagram);
  // The next ESP packet, or nullopt when none is waiting. kIo on socket errors, kTruncated for
  // an IPv4 packet whose header does not parse.
  Result<std::optional<engine::Datagram>> Receive();

 private:
  EspSocket(int fd, engine::Endpoint local) : fd_(fd), local_(std::move(local)) {}
  int fd_ = -1;
  engine::Endpoint local_;
};

}  // namespace ikewot::driver
