// Encrypted and Authenticated payload SK (RFC 7296 §3.14) and Encrypted and Authenticated
// Fragment payload SKF (RFC 7383 §2.5). The codec keeps their protected bytes opaque; the engine
// decrypts them and parses the plaintext with ParsePayloadChain.
//
// SK, including its generic header:
//                         1                   2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Next Payload  |C|  RESERVED   |         Payload Length        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                     Initialization Vector                     |
//    |         (length is block size for encryption algorithm)       |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                    Encrypted IKE Payloads                     ~
//    +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |               |             Padding (0-255 octets)            |
//    +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//    |                                               |  Pad Length   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                    Integrity Checksum Data                    ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Next Payload holds the type of the first payload inside the encryption.
//
// SKF, including its generic header:
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    | Next Payload  |C|  RESERVED   |         Payload Length        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |        Fragment Number        |        Total Fragments        |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |                     Initialization Vector                     |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                      Encrypted content                        ~
//    +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |               |             Padding (0-255 octets)            |
//    +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
//    |                                               |  Pad Length   |
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    ~                    Integrity Checksum Data                    ~
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
// Next Payload is the first inner payload's type in fragment 1 and 0 in the others.
//
// Both must be the last payload of a message.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/base/bytes.h"
#include "core/base/reader.h"
#include "core/base/status.h"
#include "core/base/writer.h"
#include "core/ikev2/constants.h"

namespace ikewot::ikev2 {

struct EncryptedPayload {
  PayloadType first_inner_payload = PayloadType::kNoNextPayload;
  Bytes data;  // IV || ciphertext (with padding and Pad Length) || ICV
  // Where `data` starts in the parsed datagram (0 when built in code). Everything before it is
  // the AEAD associated data (RFC 5282 §5.1); it is provenance, not part of the value.
  size_t data_offset = 0;

  friend bool operator==(const EncryptedPayload& a, const EncryptedPayload& b) {
    return a.first_inner_payload == b.first_inner_payload && a.data == b.data;
  }
};

struct EncryptedFragmentPayload {
  PayloadType first_inner_payload = PayloadType::kNoNextPayload;
  uint16_t fragment_number = 1;  // 1..total_fragments
  uint16_t total_fragments = 1;
  Bytes data;              // IV || ciphertext || ICV
  size_t data_offset = 0;  // as for EncryptedPayload

  friend bool operator==(const EncryptedFragmentPayload& a, const EncryptedFragmentPayload& b) {
    return a.first_inner_payload == b.first_inner_payload &&
           a.fragment_number == b.fragment_number && a.total_fragments == b.total_fragments &&
           a.data == b.data;
  }
};

// `next_payload_field` is the value of the payload's generic-header Next Payload field.
[[nodiscard]] Result<EncryptedPayload> ParseEncryptedPayload(Reader& body,
                                                             uint8_t next_payload_field);
[[nodiscard]] Status WriteEncryptedPayload(const EncryptedPayload& sk, Writer& w);

[[nodiscard]] Result<EncryptedFragmentPayload> ParseEncryptedFragmentPayload(
    Reader& body, uint8_t next_payload_field);
[[nodiscard]] Status WriteEncryptedFragmentPayload(const EncryptedFragmentPayload& skf, Writer& w);

}  // namespace ikewot::ikev2
