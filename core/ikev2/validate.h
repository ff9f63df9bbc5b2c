// Semantic checks on parsed (or built) IKEv2 messages, kept apart from the syntax checks of the
// parser: everything here needs the meaning of several fields or of the exchange.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/status.h"
#include "core/ikev2/message.h"

namespace ikewot::ikev2 {

// Rejects, with the offending payload's offset when it was parsed:
//  - an unknown payload with the critical bit set (kCriticalUnknown; RFC 7296 §2.5),
//  - in IKE_SA_INIT and CREATE_CHILD_SA, an IKE proposal without a key exchange (D-H) transform,
//    and any IKE proposal without ENCR or PRF (§3.3.3),
//  - a response SA with other than one proposal, or with two transforms of one type (§3.3.6),
//  - private-use D-H group numbers (>= 1024) in transforms, KE payloads and INVALID_KE_PAYLOAD,
//  - traffic selectors whose addresses do not fit the TS type, whose start address is above the
//    end address, or whose start port is above the end port (except OPAQUE: 65535..0),
//  - an SKF fragment after the first that names an inner payload (RFC 7383 §2.5),
//  - a zero initiator SPI; in IKE_SA_INIT a non-zero message ID, or a request with a responder
//    SPI; SK/SKF in IKE_SA_INIT, or a later exchange's message without SK/SKF (§3.14) other
//    than an unprotected INFORMATIONAL holding only error notifies (INVALID_IKE_SPI, §2.21.4).
// Errors are kBadValue except the critical-payload case.
[[nodiscard]] Status ValidateMessage(const Message& message);

// The payload rules above for the decrypted content of an SK/SKF payload of a message with
// `header`; SK and SKF themselves are refused inside encrypted content.
[[nodiscard]] Status ValidateDecryptedPayloads(const Header& header,
                                               const std::vector<Payload>& payloads);

// The type of the first unknown payload with the critical bit set, for the data of an
// UNSUPPORTED_CRITICAL_PAYLOAD notify.
std::optional<uint8_t> FindUnsupportedCriticalPayload(const std::vector<Payload>& payloads);

}  // namespace ikewot::ikev2
