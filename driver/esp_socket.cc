#include "driver/esp_socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "core/base/reader.h"

namespace ikewot::driver {
namespace {

Error IoError(const std::string& what) {
  return MakeError(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

// Fills a sockaddr for an address (port unused by raw sockets).
socklen_t ToSockaddr(ByteView address, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof(out));
  if (address.size() == 4) {
    auto* in4 = reinterpret_cast<sockaddr_in*>(&out);
    in4->sin_family = AF_INET;
    std::memcpy(&in4->sin_addr, address.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&out);
  in6->sin6_family = AF_INET6;
  std::memcpy(&in6->sin6_addr, address.data(), 16);
  return sizeof(sockaddr_in6);
}

}  // namespace

Result<EspSocket> EspSocket::Open(const engine::Endpoint& local) {
  if (!local.valid()) return MakeError(ErrorCode::kInvalidArgument, "ESP socket needs an address");
  const int family = local.address.size() == 4 ? AF_INET : AF_INET6;
  const int fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, kIpProtocolEsp);
  if (fd < 0) return IoError("raw socket for IP protocol 50 (needs CAP_NET_RAW)");
  sockaddr_storage addr;
  const socklen_t len = ToSockaddr(local.address, addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    Error e = IoError("bind raw ESP socket to " + local.ToString());
    close(fd);
    return e;
  }
  engine::Endpoint bound = local;
  bound.port = 0;
  return EspSocket(fd, std::move(bound));
}

EspSocket::EspSocket(EspSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), local_(std::move(other.local_)) {}

EspSocket& EspSocket::operator=(EspSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    local_ = std::move(other.local_);
  }
  return *this;
}

EspSocket::~EspSocket() {
  if (fd_ >= 0) close(fd_);
}

Status EspSocket::Send(const engine::Datagram& datagram) {
  if (datagram.remote.address.size() != local_.address.size()) {
    return MakeError(ErrorCode::kInvalidArgument, "ESP datagram to " + datagram.remote.ToString() +
                                                      " on a socket of the " +
                                                      "other address family");
  }
  sockaddr_storage addr;
  const socklen_t len = ToSockaddr(datagram.remote.address, addr);
  for (;;) {
    const ssize_t n = sendto(fd_, datagram.payload.data(), datagram.payload.size(), 0,
                             reinterpret_cast<sockaddr*>(&addr), len);
    if (n == static_cast<ssize_t>(datagram.payload.size())) return Status::Ok();
    if (n < 0 && errno == EINTR) continue;
    return IoError("send ESP to " + datagram.remote.ToString());
  }
}

Result<std::optional<engine::Datagram>> EspSocket::Receive() {
  Bytes buffer(65536);
  sockaddr_storage from;
  for (;;) {
    socklen_t from_len = sizeof(from);
    const ssize_t n = recvfrom(fd_, buffer.data(), buffer.size(), 0,
                               reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return std::optional<engine::Datagram>();
    }
    if (n < 0) return IoError("receive ESP");
    buffer.resize(static_cast<size_t>(n));
    break;
  }
  engine::Datagram d;
  d.local = local_;
  ByteView esp = buffer;
  if (from.ss_family == AF_INET) {
    // IPv4 raw sockets hand over the IP header too (raw(7)); skip IHL words of it.
    Reader r(buffer);
    uint8_t version_ihl = 0;
    if (!r.ReadU8(&version_ihl)) return r.Fail(ErrorCode::kTruncated, "empty raw IPv4 packet");
    const size_t header = static_cast<size_t>(version_ihl & 0x0F) * 4;
    ByteView skipped;
    if (header < 20 || !r.ReadBytes(header - 1, &skipped)) {
      return r.Fail(ErrorCode::kTruncated, "raw IPv4 packet shorter than its header");
    }
    esp = r.Rest();
    const auto* in4 = reinterpret_cast<const sockaddr_in*>(&from);
    const auto* a = reinterpret_cast<const uint8_t*>(&in4->sin_addr);
    d.remote.address.assign(a, a + 4);
  } else {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&from);
    const auto* a = reinterpret_cast<const uint8_t*>(&in6->sin6_addr);
    d.remote.address.assign(a, a + 16);
  }
  d.payload.assign(esp.begin(), esp.end());
  return std::optional<engine::Datagram>(std::move(d));
}

}  // namespace ikewot::driver
