#include "driver/address.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ikewot::driver {
namespace {

Result<uint16_t> ParsePort(std::string_view text, std::string_view whole) {
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(whole) + "': bad port");
  }
  unsigned long port = std::stoul(std::string(text));
  if (port == 0 || port > 65535) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "'" + std::string(whole) + "': port must be 1..65535");
  }
  return static_cast<uint16_t>(port);
}

}  // namespace

Result<HostPort> SplitHostPort(std::string_view text) {
  if (text.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty host");
  HostPort out;
  if (text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "': missing ']'");
    }
    out.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return MakeError(ErrorCode::kInvalidArgument,
                         "'" + std::string(text) + "': expected ':PORT' after ']'");
      }
      auto port = ParsePort(rest.substr(1), text);
      if (!port.ok()) return port.error();
      out.port = *port;
    }
  } else if (std::count(text.begin(), text.end(), ':') > 1) {
    out.host = std::string(text);  // bare IPv6 address: no port
  } else if (size_t colon = text.find(':'); colon != std::string_view::npos) {
    out.host = std::string(text.substr(0, colon));
    auto port = ParsePort(text.substr(colon + 1), text);
    if (!port.ok()) return port.error();
    out.port = *port;
  } else {
    out.host = std::string(text);
  }
  if (out.host.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "'" + std::string(text) + "': empty host");
  }
  return out;
}

Result<Bytes> ParseIpAddress(std::string_view text) {
  std::string s(text);
  in_addr v4;
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v4);
    return Bytes(p, p + 4);
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) return Bytes(v6.s6_addr, v6.s6_addr + 16);
  return MakeError(ErrorCode::kInvalidArgument, "'" + s + "' is not an IPv4 or IPv6 address");
}

std::string FormatIpAddress(const Bytes& address) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (address.size() == 4) {
    inet_ntop(AF_INET, address.data(), buf, sizeof(buf));
  } else if (address.size() == 16) {
    inet_ntop(AF_INET6, address.data(), buf, sizeof(buf));
  } else {
    return "(invalid address)";
  }
  return buf;
}

std::string FormatEndpoint(const engine::Endpoint& endpoint) {
  const std::string host = FormatIpAddress(endpoint.address);
  return (endpoint.address.size() == 16 ? "[" + host + "]" : host) + ":" +
         std::to_string(endpoint.port);
}

Result<std::vector<Bytes>> ResolveHost(const std::string& host, Family family) {
  if (auto numeric = ParseIpAddress(host); numeric.ok()) {
    if ((family == Family::kIpv4 && numeric->size() != 4) ||
        (family == Family::kIpv6 && numeric->size() != 16)) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          host + " is not an " + (family == Family::kIpv4 ? "IPv4" : "IPv6") + " address");
    }
    return std::vector<Bytes>{*numeric};
  }
  addrinfo hints{};
  hints.ai_family = family == Family::kIpv4   ? AF_INET
                    : family == Family::kIpv6 ? AF_INET6
                                              : AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return MakeError(ErrorCode::kNotFound, "cannot resolve " + host + ": " + gai_strerror(rc));
  }
  std::vector<Bytes> out;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, ai->ai_addr, std::min<size_t>(ai->ai_addrlen, sizeof(ss)));
    Bytes a = FromSockaddr(ss).address;
    if (!a.empty() && std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  freeaddrinfo(found);
  if (out.empty()) return MakeError(ErrorCode::kNotFound, "no address for " + host);
  return out;
}

Result<Bytes> SourceAddressFor(const engine::Endpoint& remote) {
  sockaddr_storage ss;
  socklen_t len = ToSockaddr(remote, &ss);
  if (len == 0) return MakeError(ErrorCode::kInvalidArgument, "invalid remote address");
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    int saved = errno;
    close(fd);
    return MakeError(ErrorCode::kIo,
                     "no route to " + FormatEndpoint(remote) + ": " + std::strerror(saved));
  }
  sockaddr_storage local{};
  socklen_t local_len = sizeof(local);
  int rc = getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len);
  int saved = errno;
  close(fd);
  if (rc != 0)
    return MakeError(ErrorCode::kIo, std::string("getsockname: ") + std::strerror(saved));
  return FromSockaddr(local).address;
}

socklen_t ToSockaddr(const engine::Endpoint& endpoint, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (endpoint.address.size() == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(endpoint.port);
    std::memcpy(&sin->sin_addr, endpoint.address.data(), 4);
    return sizeof(sockaddr_in);
  }
  if (endpoint.address.size() == 16) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(endpoint.port);
    std::memcpy(&sin6->sin6_addr, endpoint.address.data(), 16);
    return sizeof(sockaddr_in6);
  }
  return 0;
}

engine::Endpoint FromSockaddr(const sockaddr_storage& address) {
  engine::Endpoint out;
  if (address.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&address);
    const auto* p = reinterpret_cast<const uint8_t*>(&sin->sin_addr);
    out.address.assign(p, p + 4);
    out.port = ntohs(sin->sin_port);
  } else if (address.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address);
    out.address.assign(sin6->sin6_addr.s6_addr, sin6->sin6_addr.s6_addr + 16);
    out.port = ntohs(sin6->sin6_port);
  }
  return out;
}

bool IsUnspecified(const Bytes& address) {
  return std::all_of(address.begin(), address.end(), [](uint8_t b) { return b == 0; });
}

}  // namespace ikewot::driver
