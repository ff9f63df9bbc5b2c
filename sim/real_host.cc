#include "sim/real_host.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <ns3/boolean.h>
#include <ns3/fd-net-device.h>
#include <ns3/global-value.h>
#include <ns3/ipv4.h>
#include <ns3/mac48-address.h>
#include <ns3/string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ikewot::sim {

void UseRealTime() {
  ns3::GlobalValue::Bind("SimulatorImplementationType",
                         ns3::StringValue("ns3::RealtimeSimulatorImpl"));
  ns3::GlobalValue::Bind("ChecksumEnabled", ns3::BooleanValue(true));
}

Result<RealHostLink> AttachTap(ns3::Ptr<ns3::Node> node, const std::string& tap_name,
                               ns3::Ipv4Address address, ns3::Ipv4Mask mask) {
  if (tap_name.empty() || tap_name.size() >= IFNAMSIZ) {
    return MakeError(ErrorCode::kInvalidArgument, "TAP name must be 1.." +
                                                      std::to_string(IFNAMSIZ - 1) +
                                                      " characters, got \"" + tap_name + "\"");
  }
  ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
  if (!ipv4) return MakeError(ErrorCode::kInvalidArgument, "install the IPv4 stack first");
  const int fd = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return MakeError(ErrorCode::kIo,
                     std::string("cannot open /dev/net/tun: ") + std::strerror(errno));
  }
  struct ifreq request;
  std::memset(&request, 0, sizeof(request));
  request.ifr_flags = IFF_TAP | IFF_NO_PI;
  std::memcpy(request.ifr_name, tap_name.data(), tap_name.size());
  if (::ioctl(fd, TUNSETIFF, &request) != 0) {
    const int error = errno;
    ::close(fd);
    return MakeError(ErrorCode::kIo,
                     "cannot attach to TAP " + tap_name + ": " + std::strerror(error));
  }
  ns3::Ptr<ns3::FdNetDevice> device = ns3::CreateObject<ns3::FdNetDevice>();
  device->SetAddress(ns3::Mac48Address::Allocate());
  device->SetEncapsulationMode(ns3::FdNetDevice::DIX);
  node->AddDevice(device);
  device->SetFileDescriptor(fd);  // the device closes it when it stops
  RealHostLink link;
  link.device = device;
  const int32_t interface = ipv4->AddInterface(device);
  ipv4->AddAddress(interface, ns3::Ipv4InterfaceAddress(address, mask));
  ipv4->SetMetric(interface, 1);
  ipv4->SetUp(interface);
  link.interface = static_cast<uint32_t>(interface);
  return link;
}

}  // namespace ikewot::sim
