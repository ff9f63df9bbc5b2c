#include "core/crypto/dh.h"

#include <string>

#include "core/crypto/dh_groups.h"
#include "core/crypto/transforms.h"

namespace ikewot::crypto {

bool IsSupportedGroup(uint16_t group) { return PublicValueSize(group) != 0; }

size_t PublicValueSize(uint16_t group) {
  switch (group) {
    case kDhModp2048:
      return 256;
    case kDhModp3072:
      return 384;
    case kDhModp4096:
      return 512;
    case kDhEcp256:
      return 64;
    case kDhEcp384:
      return 96;
    case kDhEcp521:
      return 132;
    case kDhCurve25519:
      return 32;
    case kDhCurve448:
      return 56;
    default:
      return 0;
  }
}

Result<std::unique_ptr<KeyExchange>> KeyExchange::Create(uint16_t group, Rng& rng,
                                                         PreparedCrypto* prepared) {
  switch (group) {
    case kDhModp2048:
    case kDhModp3072:
    case kDhModp4096:
      return internal::CreateModpKeyExchange(group, rng);
    case kDhEcp256:
    case kDhEcp384:
    case kDhEcp521:
      return internal::CreateEcpKeyExchange(group, rng);
    case kDhCurve25519:
    case kDhCurve448:
      return internal::CreateEcxKeyExchange(group, rng, prepared);
    default:
      return MakeError(ErrorCode::kUnsupported,
                       "key exchange group " + std::to_string(group) + " is not supported");
  }
}

namespace internal {
Error InvalidPublicKey(uint16_t group, const std::string& why) {
  return MakeError(ErrorCode::kInvalidPublicKey,
                   "group " + std::to_string(group) + " public value rejected: " + why);
}
}  // namespace internal

}  // namespace ikewot::crypto
