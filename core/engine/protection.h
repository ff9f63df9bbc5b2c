// Protecting and unprotecting IKE messages after IKE_SA_INIT: the SK payload (RFC 7296 §3.14)
// and, when a message exceeds the path budget, RFC 7383 SKF fragments each protected on its own.
// The codec (ikev2/message.h) writes every length by reservation; the cipher fills the SK data
// in place afterwards, so the associated data it authenticates is exactly the final header.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/crypto/sk_cipher.h"
#include "core/ikev2/message.h"

namespace ikewot::engine {

// One SK message, or (when `fragment_budget` is set and the SK message would exceed it) SKF
// fragments of at most that many octets each. The header's Next Payload and Length are written
// by the codec.
Result<std::vector<Bytes>> ProtectMessage(const ikev2::Header& header,
                                          const std::vector<ikev2::Payload>& inner,
                                          crypto::SkCipher& cipher, Rng& rng,
                                          std::optional<size_t> fragment_budget);

// One SK message whose plaintext is `plaintext` as given (a payload chain starting with
// `first_inner`, or anything at all): for tests and the fuzzer, which protect bodies the codec
// could not have produced.
Result<Bytes> ProtectBody(const ikev2::Header& header, ikev2::PayloadType first_inner,
                          ByteView plaintext, crypto::SkCipher& cipher, Rng& rng);

// The decrypted inner payloads of a message whose last payload is SK. `datagram` is the whole
// message as received (the associated data is taken from it). kAuthFailure on any ICV failure.
Result<std::vector<ikev2::Payload>> UnprotectSk(ByteView datagram, const ikev2::Message& message,
                                                crypto::SkCipher& cipher);

struct DecryptedFragment {
  uint16_t number = 0;
  uint16_t total = 0;
  uint8_t first_inner_payload = 0;
  Bytes content;
};
Result<DecryptedFragment> UnprotectSkf(ByteView datagram, const ikev2::Message& message,
                                       crypto::SkCipher& cipher);

}  // namespace ikewot::engine
