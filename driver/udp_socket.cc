#include "driver/udp_socket.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "driver/address.h"

namespace ikewot::driver {
namespace {

// Largest IKE or ESP-in-UDP datagram we accept (RFC 7296 allows up to 64 KiB messages).
constexpr size_t kMaxDatagram = 65535;

Error SocketError(const std::string& what, const engine::Endpoint& at, int error_number) {
  return MakeError(ErrorCode::kIo,
                   what + " " + FormatEndpoint(at) + ": " + std::strerror(error_number));
}

}  // namespace

Result<UdpSocket> UdpSocket::Bind(const engine::Endpoint& local) {
  if (!local.valid()) return MakeError(ErrorCode::kInvalidArgument, "bind: invalid address");
  const bool v6 = local.address.size() == 16;
  int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return SocketError("socket for", local, errno);
  auto fail = [&](const char* what) {
    int saved = errno;
    close(fd);
    return SocketError(what, local, saved);
  };
  const int one = 1;
  if (v6) {
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0)
      return fail("IPV6_V6ONLY");
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) != 0) {
      return fail("IPV6_RECVPKTINFO");
    }
  } else if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)) != 0) {
    return fail("IP_PKTINFO");
  }
  sockaddr_storage ss;
  socklen_t len = ToSockaddr(local, &ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return fail("bind");
  sockaddr_storage actual{};
  socklen_t actual_len = sizeof(actual);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&actual), &actual_len) != 0) {
    return fail("getsockname");
  }
  return UdpSocket(fd, FromSockaddr(actual), IsUnspecified(local.address));
}

UdpSocket::UdpSocket(UdpSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), bound_(other.bound_), wildcard_(other.wildcard_) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    bound_ = other.bound_;
    wildcard_ = other.wildcard_;
  }
  return *this;
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) close(fd_);
}

Result<std::optional<engine::Datagram>> UdpSocket::Receive() {
  Bytes buffer(kMaxDatagram);
  sockaddr_storage from{};
  iovec iov{buffer.data(), buffer.size()};
  alignas(cmsghdr)
      uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(in_pktinfo))];
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n;
  do {
    n = recvmsg(fd_, &msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    // Nothing waiting, or an ICMP error queued by an earlier send (port unreachable): not ours
    // to report as data.
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED)
      return std::optional<engine::Datagram>();
    return SocketError("recvmsg on", bound_, errno);
  }
  if (msg.msg_flags & MSG_TRUNC)
    return std::optional<engine::Datagram>();  // larger than any IKE message: drop
  engine::Datagram d;
  d.remote = FromSockaddr(from);
  d.local = bound_;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
      in_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      const auto* p = reinterpret_cast<const uint8_t*>(&info.ipi_addr);
      d.local.address.assign(p, p + 4);
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
      in6_pktinfo info;
      std::memcpy(&info, CMSG_DATA(c), sizeof(info));
      d.local.address.assign(info.ipi6_addr.s6_addr, info.ipi6_addr.s6_addr + 16);
    }
  }
  buffer.resize(static_cast<size_t>(n));
  d.payload = std::move(buffer);
  return std::optional<engine::Datagram>(std::move(d));
}

Status UdpSocket::Send(const engine::Datagram& datagram) {
  sockaddr_storage to;
  socklen_t to_len = ToSockaddr(datagram.remote, &to);
  if (to_len == 0 || datagram.remote.address.size() != bound_.address.size()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "cannot send to " + datagram.remote.ToString() + " from " + bound_.ToString());
  }
  iovec iov{const_cast<uint8_t*>(datagram.payload.data()), datagram.payload.size()};
  msghdr msg{};
  msg.msg_name = &to;
  msg.msg_namelen = to_len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  if (wildcard_ && datagram.local.address.size() == bound_.address.size() &&
      !IsUnspecified(datagram.local.address)) {
    msg.msg_control = control;
    cmsghdr* c = reinterpret_cast<cmsghdr*>(control);
    if (bound_.address.size() == 4) {
      msg.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo));
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      std::memcpy(&info.ipi_spec_dst, datagram.local.address.data(), 4);
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    } else {
      msg.msg_controllen = CMSG_SPACE(sizeof(in6_pktinfo));
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
      in6_pktinfo info{};
      std::memcpy(&info.ipi6_addr, datagram.local.address.data(), 16);
      std::memcpy(CMSG_DATA(c), &info, sizeof(info));
    }
  }
  ssize_t n;
  do {
    n = sendmsg(fd_, &msg, MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return SocketError("sendmsg to " + FormatEndpoint(datagram.remote) + " from", bound_, errno);
  return Status::Ok();
}

}  // namespace ikewot::driver
