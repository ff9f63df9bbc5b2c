#include "core/esp/udp_encapsulation.h"

#include <string>

#include "core/base/reader.h"

namespace ikewot::esp {

Result<UdpPayloadKind> ClassifyUdp4500(ByteView payload) {
  if (payload.size() == 1 && payload[0] == 0xFF) return UdpPayloadKind::kNatKeepalive;
  Reader r(payload);
  uint32_t first_word = 0;
  if (!r.ReadU32(&first_word)) {
    return r.Fail(ErrorCode::kTruncated, "UDP payload on port 4500 has " +
                                             std::to_string(payload.size()) +
                                             " octets: neither a keepalive nor a marker or SPI");
  }
  if (first_word == 0) return UdpPayloadKind::kIke;  // Non-ESP Marker
  uint32_t sequence = 0;
  if (!r.ReadU32(&sequence)) {
    return r.Fail(ErrorCode::kTruncated, "ESP-in-UDP payload ends inside the Sequence Number");
  }
  return UdpPayloadKind::kEsp;
}

Result<uint32_t> PeekSpi(ByteView esp_packet) {
  Reader r(esp_packet);
  uint32_t spi = 0;
  if (!r.ReadU32(&spi)) return r.Fail(ErrorCode::kTruncated, "ESP packet ends inside the SPI");
  return spi;
}

engine::Datagram MakeNatKeepalive(const engine::Endpoint& local, const engine::Endpoint& remote) {
  return engine::Datagram{local, remote, Bytes{0xFF}};
}

engine::Datagram MakeEspDatagram(const engine::Endpoint& local, const engine::Endpoint& remote,
                                 bool udp_encapsulation, Bytes esp_packet) {
  engine::Datagram d{local, remote, std::move(esp_packet)};
  if (!udp_encapsulation) {
    d.local.port = 0;
    d.remote.port = 0;
  }
  return d;
}

}  // namespace ikewot::esp
