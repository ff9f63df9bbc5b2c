// Security Association payload (RFC 7296 §3.3): proposals -> transforms -> attributes.
//
// SA payload body (after the generic payload header):
//    ~                          <Proposals>                          ~
//
// Proposal substructure (§3.3.1):
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Last Substruc |   RESERVED    |         Proposal Length       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                        SPI (variable)                         ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                        <Transforms>                           ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Transform substructure (§3.3.2):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Last Substruc |   RESERVED    |        Transform Length       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |Transform Type |   RESERVED    |          Transform ID         |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                      Transform Attributes                     ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Transform attribute (§3.3.5):
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |A|       Attribute Type        |    AF=0  Attribute Length     |
//    |F|                             |    AF=1  Attribute Value      |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                   AF=0  Attribute Value                       |
//    |                   AF=1  Not Transmitted                       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Lengths, Last Substruc markers, SPI Size and Num Transforms are not stored: they follow from
// the vectors and are recomputed when writing (and checked for consistency when parsing).
#pragma once

#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

struct TransformAttribute {
  uint16_t type = 0;  // the 15-bit Attribute Type; the AF bit follows from `value`
  // uint16_t: TV format (AF = 1, value in the header); Bytes: TLV format (AF = 0).
  std::variant<uint16_t, Bytes> value;

  bool is_tv() const { return std::holds_alternative<uint16_t>(value); }
  friend bool operator==(const TransformAttribute&, const TransformAttribute&) = default;
};

struct Transform {
  TransformType type = TransformType::kEncryption;
  uint16_t id = 0;
  std::vector<TransformAttribute> attributes;
  uint8_t reserved_after_last_substruc = 0;
  uint8_t reserved_after_type = 0;

  // The Key Length attribute's value, if present.
  std::optional<uint16_t> KeyLength() const;
  friend bool operator==(const Transform&, const Transform&) = default;
};

struct Proposal {
  uint8_t number = 1;
  ProtocolId protocol = ProtocolId::kIke;
  Bytes spi;  // empty, 4 (AH/ESP) or 8 (IKE rekey) octets
  std::vector<Transform> transforms;
  uint8_t reserved = 0;

  friend bool operator==(const Proposal&, const Proposal&) = default;
};

struct SaPayload {
  std::vector<Proposal> proposals;
  friend bool operator==(const SaPayload&, const SaPayload&) = default;
};

// Builds a transform, with a Key Length attribute when `key_length_bits` is non-zero.
Transform MakeTransform(TransformType type, uint16_t id, uint16_t key_length_bits = 0);

// `body` covers exactly the payload's content after the generic header.
[[nodiscard]] Result<SaPayload> ParseSaPayload(Reader& body);
[[nodiscard]] Status WriteSaPayload(const SaPayload& sa, Writer& w);

}  // namespace ikewot::ikev2
