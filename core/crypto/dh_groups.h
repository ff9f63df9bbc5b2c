// Internal to dh*.cc: one factory per family of groups (dh_modp.cc, dh_ecp.cc, dh_ecx.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/base/rng.h"
#include "core/base/status.h"
#include "core/crypto/dh.h"

namespace ikewot::crypto::internal {

Result<std::unique_ptr<KeyExchange>> CreateModpKeyExchange(uint16_t group, Rng& rng);
Result<std::unique_ptr<KeyExchange>> CreateEcpKeyExchange(uint16_t group, Rng& rng);
Result<std::unique_ptr<KeyExchange>> CreateEcxKeyExchange(uint16_t group, Rng& rng,
                                                          PreparedCrypto* prepared);

// kInvalidPublicKey for `group` with a reason.
Error InvalidPublicKey(uint16_t group, const std::string& why);

}  // namespace ikewot::crypto::internal
