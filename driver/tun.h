// A Linux TUN device (/dev/net/tun, IFF_TUN | IFF_NO_PI: whole IP packets, no extra header),
// configured with MTU, one address and routes. Configuration runs the `ip` command (iproute2) by
// fork/exec without a shell: it is the tool every admin knows, its errors are readable, and it
// keeps netlink message building out of ikewot; the argument vector is built from parsed values
// only, so nothing is ever interpreted by a shell.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/engine/events.h"

namespace ikewot::driver {

// An IPv4 or IPv6 prefix: address (4 or 16 octets) and length.
struct IpPrefix {
  Bytes address;
  uint8_t length = 0;
  std::string ToString() const;  // "198.51.100.0/24", "2001:db8::/32"
};

// The fewest prefixes that cover exactly the address range of a traffic selector.
std::vector<IpPrefix> PrefixesOfSelector(const engine::TrafficSelector& ts);

struct TunSettings {
  std::string name;  // empty: the kernel picks "tunN"
  int mtu = 1400;
  // Our inner address (4 or 16 octets) and its prefix length; empty: no address.
  Bytes address;
  uint8_t prefix_length = 32;
  std::vector<IpPrefix> routes;  // routed into the device
};

class Tun {
 public:
  // Creates the device, brings it up and applies the settings. kIo with the reason on failure.
  static Result<Tun> Open(const TunSettings& settings);
  Tun(Tun&& other) noexcept;
  Tun& operator=(Tun&& other) noexcept;
  Tun(const Tun&) = delete;
  Tun& operator=(const Tun&) = delete;
  ~Tun();

  int fd() const { return fd_; }  // non-blocking
  const std::string& name() const { return name_; }

  // One packet, or an empty Bytes when none is waiting (EAGAIN). kIo on other errors.
  Result<Bytes> Read();
  Status Write(ByteView packet);
  Status AddRoute(const IpPrefix& prefix);

 private:
  Tun(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  int fd_ = -1;
  std::string name_;
};

// Runs a program (argv[0] looked up in PATH) without a shell and waits for it; kIo with its
// standard error when it exits non-zero.
Status RunCommand(const std::vector<std::string>& argv);

}  // namespace ikewot::driver
