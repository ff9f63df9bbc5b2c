// ISAKMP/IKEv1 messages (RFC 2408 §3.1, RFC 2409): parse, serialize byte-exact, validate,
// describe. Syntax (ParseMessage) and semantics (ValidateMessage) are separate steps: a message
// can be well-formed and still break the protocol's rules, and a decoder wants to show both.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/status.h"
#include "core/ikev1/constants.h"
#include "core/ikev1/payloads.h"

namespace ikewot::ikev1 {

using Cookie = std::array<uint8_t, kCookieSize>;

// RFC 2408 §3.1 ISAKMP Header. `next_payload` and `length` are what the wire said; the serializer
// derives both (next payload from the first payload, unless the body is encrypted).
struct Header {
  Cookie initiator_cookie{};
  Cookie responder_cookie{};
  PayloadType next_payload = PayloadType::kNone;
  uint8_t major_version = kMajorVersion;
  uint8_t minor_version = kMinorVersion;
  ExchangeType exchange_type = ExchangeType::kIdentityProtection;
  uint8_t flags = 0;
  uint32_t message_id = 0;
  uint32_t length = 0;

  bool encrypted() const { return (flags & kFlagEncryption) != 0; }
  bool commit() const { return (flags & kFlagCommit) != 0; }
  bool authentication_only() const { return (flags & kFlagAuthenticationOnly) != 0; }
  friend bool operator==(const Header&, const Header&) = default;
};

// With the E flag set everything after the header is ciphertext: `payloads` stays empty and the
// body is kept opaque in `encrypted_body` (decrypt it, then use ParseDecryptedBody).
struct Message {
  Header header;
  std::vector<Payload> payloads;
  Bytes encrypted_body;
  friend bool operator==(const Message&, const Message&) = default;
};

// Parses one IKE datagram (no non-ESP marker). Errors carry the absolute byte offset. Rejects a
// major version other than 1 (kUnsupported), a header length that disagrees with the datagram,
// IKEv2 payload numbers, payload lengths below the generic header, chains that run past the end
// and data after the last payload.
Result<Message> ParseMessage(ByteView datagram);

// Encodes `message`; lengths by reservation, next-payload fields from the payload order. For any
// message ParseMessage accepted, SerializeMessage returns exactly the parsed bytes.
Result<Bytes> SerializeMessage(const Message& message);

// Parses a payload chain starting with type `first` that must fill `data` exactly; offsets in
// errors are `base_offset` + position in `data`.
Result<std::vector<Payload>> ParsePayloadChain(ByteView data, uint8_t first, size_t base_offset);

// A decrypted IKEv1 body: the payload chain, then the cipher padding (RFC 2409 Appendix B)
// which IKEv1 does not delimit, so whatever follows the last payload is padding.
struct DecryptedBody {
  std::vector<Payload> payloads;
  Bytes padding;
};
Result<DecryptedBody> ParseDecryptedBody(ByteView plaintext, uint8_t first, size_t base_offset);

// Semantic checks on a parsed or constructed message: header fields, proposal and transform
// numbering, attribute sanity of phase-1 and IPsec transforms, SPI sizes, ID and NAT-OA address
// lengths, nonce sizes, payload order of the unencrypted phase-1 messages. Returns the first
// violation (kBadValue, kBadLength or kUnsupported) naming the payload and field.
Status ValidateMessage(const Message& message);

// Every header field and payload as JSON, shaped like ikev2::DescribeMessage: registry values
// as "<key>": number plus "<key>_name", octet strings in hex, each payload with its offset and
// length. Describes syntax only; run ValidateMessage for the semantic verdict.
Json DescribeMessage(const Message& message);
// The same fields as indented human-readable text, one per line.
std::string FormatMessage(const Message& message);

}  // namespace ikewot::ikev1
