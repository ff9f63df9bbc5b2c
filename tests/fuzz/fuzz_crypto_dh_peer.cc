// libFuzzer target for key exchange peer-value validation (core/crypto/dh.h). Input:
// [group selector][peer Key Exchange Data]. Properties: every value is either refused with
// kInvalidPublicKey before any other failure, or yields a shared secret of the group's size
// that is not all zero and is reproducible.
#include <cstdint>
#include <cstdlib>
#include <memory>

#include "core/crypto/dh.h"
#include "core/crypto/random.h"
#include "core/crypto/transforms.h"

namespace {

using namespace ikewot;
using namespace ikewot::crypto;

constexpr uint16_t kGroups[] = {kDhModp2048, kDhModp3072, kDhModp4096,   kDhEcp256,
                                kDhEcp384,   kDhEcp521,   kDhCurve25519, kDhCurve448};
constexpr size_t kGroupCount = sizeof(kGroups) / sizeof(kGroups[0]);

size_t SecretSize(uint16_t group) {
  switch (group) {
    case kDhEcp256:
    case kDhEcp384:
    case kDhEcp521:
      return PublicValueSize(group) / 2;  // the x coordinate
    default:
      return PublicValueSize(group);
  }
}

// Key generation for the MODP groups costs milliseconds: one key per group for the whole run.
const KeyExchange& OwnKey(size_t index) {
  static std::unique_ptr<KeyExchange> keys[kGroupCount];
  if (!keys[index]) {
    DeterministicRng rng(index + 1);
    auto kex = KeyExchange::Create(kGroups[index], rng);
    if (!kex.ok()) std::abort();
    keys[index] = std::move(*kex);
  }
  return *keys[index];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t index = data[0] % kGroupCount;
  const uint16_t group = kGroups[index];
  const ByteView peer(data + 1, size - 1);
  const KeyExchange& own = OwnKey(index);
  auto secret = own.ComputeSharedSecret(peer);
  if (!secret.ok()) {
    if (secret.code() != ErrorCode::kInvalidPublicKey) std::abort();
    return 0;
  }
  if (peer.size() != PublicValueSize(group) || secret->size() != SecretSize(group)) std::abort();
  uint8_t any_bit = 0;
  for (uint8_t b : *secret) any_bit |= b;
  if (any_bit == 0) std::abort();
  auto again = own.ComputeSharedSecret(peer);
  if (!again.ok() || *again != *secret) std::abort();
  return 0;
}
