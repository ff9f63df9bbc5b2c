// The IKE header (RFC 7296 §3.1).
//
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       IKE SA Initiator's SPI                  |
//    |                                                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                       IKE SA Responder's SPI                  |
//    |                                                               |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                          Message ID                           |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                            Length                             |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
//    Flags: |X|X|R|V|I|X|X|X|   (R = response, V = version, I = initiator)
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

inline constexpr size_t kHeaderSize = 28;
inline constexpr uint8_t kIkev2MajorVersion = 2;
inline constexpr uint8_t kFlagResponse = 0x20;
inline constexpr uint8_t kFlagVersion = 0x10;
inline constexpr uint8_t kFlagInitiator = 0x08;
// The X bits: sent as zero, ignored on receipt, kept here so parse -> serialize is byte-exact.
inline constexpr uint8_t kReservedFlagsMask = 0xc7;

struct Header {
  uint64_t spi_i = 0;
  uint64_t spi_r = 0;
  // As read from the wire. SerializeMessage writes the first payload's type instead.
  PayloadType next_payload = PayloadType::kNoNextPayload;
  uint8_t major_version = kIkev2MajorVersion;  // 4 bits
  uint8_t minor_version = 0;                   // 4 bits
  ExchangeType exchange_type = ExchangeType::kIkeSaInit;
  bool response = false;
  bool version = false;  // "can speak a higher major version"
  bool initiator = false;
  uint8_t reserved_flags = 0;  // only the bits in kReservedFlagsMask
  uint32_t message_id = 0;
  // As read from the wire. SerializeMessage writes the real size instead.
  uint32_t length = 0;

  uint8_t FlagsByte() const;
  friend bool operator==(const Header&, const Header&) = default;
};

// Reads the 28-octet header. Checks only what the header alone can tell: the major version is 2.
[[nodiscard]] Result<Header> ParseHeader(Reader& r);

// Writes the header with `next_payload` and a reserved Length field, returned in `length` for the
// caller to Close() once the payloads are written.
[[nodiscard]] Status WriteHeader(const Header& header, uint8_t next_payload, Writer& w,
                                 Writer::Reservation* length);

}  // namespace ikewot::ikev2
