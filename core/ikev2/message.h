// IKEv2 messages: parse a datagram into a Header and a payload list, serialize it back.
//
// Parse -> serialize is byte-exact for every message that parses: every reserved bit and field is
// kept, and Next Payload, lengths, counts and Last Substruc markers are recomputed (by
// reservation) from the value. Serializing applies the same field rules as parsing, so whatever
// serializes parses back. Semantic rules that need the whole message live in validate.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/ikev2/header.h"
#include "core/ikev2/payload.h"

namespace ikewot::ikev2 {

// Bound on the payloads of one chain (outer or decrypted), so hostile input cannot make
// thousands of 4-octet payloads for every later loop over them.
inline constexpr size_t kMaxPayloadsPerChain = 64;

struct Message {
  Header header;
  std::vector<Payload> payloads;
  friend bool operator==(const Message&, const Message&) = default;
};

// `datagram` is one IKE message without the non-ESP marker; the header's Length must equal its
// size. Errors carry the absolute offset of the offending field.
[[nodiscard]] Result<Message> ParseMessage(ByteView datagram);

[[nodiscard]] Result<Bytes> SerializeMessage(const Message& message);

struct EncodedMessage {
  Bytes bytes;
  // Offset of the SK/SKF data (IV onward) when the message ends with one; the bytes before it
  // are the AEAD associated data and the integrity check covers bytes[0, size - ICV).
  std::optional<size_t> encrypted_data_offset;
};
[[nodiscard]] Result<EncodedMessage> EncodeMessage(const Message& message);

// Parses a bare payload chain, e.g. the decrypted content of SK/SKF whose first payload type is
// the SK's Next Payload. `base_offset` is the absolute offset of `body` for error messages.
[[nodiscard]] Result<std::vector<Payload>> ParsePayloadChain(ByteView body,
                                                             uint8_t first_payload_type,
                                                             size_t base_offset = 0);
// The inverse: the chain's first payload type is payloads.front().type (0 when empty).
[[nodiscard]] Result<Bytes> SerializePayloadChain(const std::vector<Payload>& payloads);
PayloadType FirstPayloadType(const std::vector<Payload>& payloads);

}  // namespace ikewot::ikev2
