#include "driver/tun.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

extern char** environ;

namespace ikewot::driver {
namespace {

using Uint128 = unsigned __int128;

Error IoError(const std::string& what) {
  return MakeError(ErrorCode::kIo, what + ": " + std::strerror(errno));
}

Uint128 ToNumber(ByteView address) {
  Uint128 v = 0;
  for (uint8_t b : address) v = v << 8 | b;
  return v;
}

Bytes FromNumber(Uint128 v, size_t size) {
  Bytes out(size);
  for (size_t i = size; i-- > 0;) {
    out[i] = static_cast<uint8_t>(v);
    v >>= 8;
  }
  return out;
}

// All-ones in the low `bits` bits (bits may be 128).
Uint128 LowMask(unsigned bits) { return bits >= 128 ? ~Uint128{0} : (Uint128{1} << bits) - 1; }

std::string AddressText(ByteView address) {
  char text[INET6_ADDRSTRLEN] = {};
  const int family = address.size() == 4 ? AF_INET : AF_INET6;
  if (inet_ntop(family, address.data(), text, sizeof(text)) == nullptr) return "<invalid>";
  return text;
}

}  // namespace

std::string IpPrefix::ToString() const {
  return AddressText(address) + "/" + std::to_string(length);
}

std::vector<IpPrefix> PrefixesOfSelector(const engine::TrafficSelector& ts) {
  std::vector<IpPrefix> out;
  const size_t size = ts.start_address.size();
  if ((size != 4 && size != 16) || ts.end_address.size() != size) return out;
  const unsigned bits = static_cast<unsigned>(size * 8);
  Uint128 start = ToNumber(ts.start_address);
  const Uint128 end = ToNumber(ts.end_address);
  const Uint128 top = LowMask(bits);
  while (start <= end) {
    // The largest aligned block starting at `start` that stays within `end`.
    unsigned k = 0;
    while (k < bits && (start & LowMask(k + 1)) == 0 && end - start >= LowMask(k + 1)) ++k;
    out.push_back(IpPrefix{FromNumber(start, size), static_cast<uint8_t>(bits - k)});
    if (start + LowMask(k) == top) break;  // reached the end of the address space
    start += LowMask(k) + 1;
  }
  return out;
}

Status RunCommand(const std::vector<std::string>& argv) {
  if (argv.empty()) return MakeError(ErrorCode::kInvalidArgument, "empty command");
  int err_pipe[2];
  if (pipe2(err_pipe, O_CLOEXEC) != 0) return IoError("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(err_pipe[1]);
  std::string command;
  for (const std::string& a : argv) command += (command.empty() ? "" : " ") + a;
  if (spawned != 0) {
    close(err_pipe[0]);
    return MakeError(ErrorCode::kIo, "cannot run '" + command + "': " + std::strerror(spawned));
  }
  std::string stderr_text;
  char buf[512];
  ssize_t n = 0;
  while ((n = read(err_pipe[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0 && stderr_text.size() < 4096) stderr_text.append(buf, static_cast<size_t>(n));
  }
  close(err_pipe[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0) {
    if (errno != EINTR) return IoError("waitpid for '" + command + "'");
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    while (!stderr_text.empty() && stderr_text.back() == '\n') stderr_text.pop_back();
    return MakeError(ErrorCode::kIo, "'" + command + "' failed: " + stderr_text);
  }
  return Status::Ok();
}

Result<Tun> Tun::Open(const TunSettings& settings) {
  if (settings.name.size() >= IFNAMSIZ) {
    return MakeError(ErrorCode::kInvalidArgument, "TUN name '" + settings.name + "' is too long");
  }
  const int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return IoError("open /dev/net/tun");
  struct ifreq ifr;
  std::memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, settings.name.data(), settings.name.size());
  if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
    Error e = IoError("TUNSETIFF " + settings.name);
    close(fd);
    return e;
  }
  Tun tun(fd, std::string(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ)));
  IKEWOT_RETURN_IF_ERROR(RunCommand(
      {"ip", "link", "set", "dev", tun.name_, "mtu", std::to_string(settings.mtu), "up"}));
  if (!settings.address.empty()) {
    if (settings.address.size() != 4 && settings.address.size() != 16) {
      return MakeError(ErrorCode::kInvalidArgument, "TUN address must be IPv4 or IPv6");
    }
    const IpPrefix own{settings.address, settings.prefix_length};
    IKEWOT_RETURN_IF_ERROR(RunCommand({"ip", "addr", "add", own.ToString(), "dev", tun.name_}));
  }
  for (const IpPrefix& route : settings.routes) IKEWOT_RETURN_IF_ERROR(tun.AddRoute(route));
  return tun;
}

Tun::Tun(Tun&& other) noexcept : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)) {}

Tun& Tun::operator=(Tun&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
  }
  return *this;
}

Tun::~Tun() {
  if (fd_ >= 0) close(fd_);  // the kernel removes a non-persistent device and its routes
}

Result<Bytes> Tun::Read() {
  Bytes packet(65536);
  for (;;) {
    const ssize_t n = read(fd_, packet.data(), packet.size());
    if (n >= 0) {
      packet.resize(static_cast<size_t>(n));
      return packet;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Bytes{};
    return IoError("read from " + name_);
  }
}

Status Tun::Write(ByteView packet) {
  for (;;) {
    const ssize_t n = write(fd_, packet.data(), packet.size());
    if (n == static_cast<ssize_t>(packet.size())) return Status::Ok();
    if (n < 0 && errno == EINTR) continue;
    if (n >= 0) return MakeError(ErrorCode::kIo, "short write to " + name_);
    return IoError("write to " + name_);
  }
}

Status Tun::AddRoute(const IpPrefix& prefix) {
  return RunCommand({"ip", prefix.address.size() == 16 ? "-6" : "-4", "route", "replace",
                     prefix.ToString(), "dev", name_});
}

}  // namespace ikewot::driver
