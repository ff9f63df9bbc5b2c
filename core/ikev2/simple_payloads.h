// Payloads with a small fixed header and one opaque field: Key Exchange, Nonce, Delete, Vendor ID
// and EAP. Each parser takes a Reader covering exactly the payload's content after the generic
// payload header; each writer appends that content.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

// Key Exchange payload (RFC 7296 §3.4).
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |   Diffie-Hellman Group Num    |           RESERVED            |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                       Key Exchange Data                       ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct KePayload {
  uint16_t dh_group = 0;  // a DhGroup value
  Bytes data;
  uint16_t reserved = 0;
  friend bool operator==(const KePayload&, const KePayload&) = default;
};
// The exact Key Exchange Data size of the classic groups (MODP: the prime's size, §3.4; ECP:
// x || y, RFC 5903; Curve25519/448: RFC 8031; Brainpool: RFC 6954; GOST: RFC 9385). nullopt for
// groups whose size is not fixed or not known here.
std::optional<size_t> KeyExchangeDataSize(uint16_t dh_group);
[[nodiscard]] Result<KePayload> ParseKePayload(Reader& body);
[[nodiscard]] Status WriteKePayload(const KePayload& ke, Writer& w);

// Nonce payload (RFC 7296 §3.9): 16..256 octets.
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                            Nonce Data                         ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
inline constexpr size_t kMinNonceSize = 16;
inline constexpr size_t kMaxNonceSize = 256;
struct NoncePayload {
  Bytes data;
  friend bool operator==(const NoncePayload&, const NoncePayload&) = default;
};
[[nodiscard]] Result<NoncePayload> ParseNoncePayload(Reader& body);
[[nodiscard]] Status WriteNoncePayload(const NoncePayload& nonce, Writer& w);

// Delete payload (RFC 7296 §3.11).
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Protocol ID   |   SPI Size    |          Num of SPIs          |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~               Security Parameter Index(es) (SPI)              ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// The SPI Size is kept explicitly: an AH/ESP delete with no SPIs still states size 4.
struct DeletePayload {
  ProtocolId protocol = ProtocolId::kIke;
  uint8_t spi_size = 0;  // 0 for IKE, 4 for AH/ESP
  std::vector<Bytes> spis;
  friend bool operator==(const DeletePayload&, const DeletePayload&) = default;
};
[[nodiscard]] Result<DeletePayload> ParseDeletePayload(Reader& body);
[[nodiscard]] Status WriteDeletePayload(const DeletePayload& del, Writer& w);

// Vendor ID payload (RFC 7296 §3.12).
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                        Vendor ID (VID)                        ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct VendorIdPayload {
  Bytes data;
  friend bool operator==(const VendorIdPayload&, const VendorIdPayload&) = default;
};
[[nodiscard]] Result<VendorIdPayload> ParseVendorIdPayload(Reader& body);
[[nodiscard]] Status WriteVendorIdPayload(const VendorIdPayload& vid, Writer& w);

// EAP payload (RFC 7296 §3.16) carrying one EAP message (RFC 3748 §4).
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                       EAP Message                             ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// EAP message:
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |     Code      | Identifier    |           Length              |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |     Type      | Type_Data...
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Request and Response carry Type and Type_Data; Success and Failure end after Length.
struct EapPayload {
  EapCode code = EapCode::kRequest;
  uint8_t identifier = 0;
  Bytes data;  // Type followed by Type_Data; empty for Success/Failure
  friend bool operator==(const EapPayload&, const EapPayload&) = default;
};
[[nodiscard]] Result<EapPayload> ParseEapPayload(Reader& body);
[[nodiscard]] Status WriteEapPayload(const EapPayload& eap, Writer& w);

}  // namespace ikewot::ikev2
