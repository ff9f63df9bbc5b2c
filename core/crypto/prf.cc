#include "core/crypto/prf.h"

#include <openssl/crypto.h>

#include <string>

#include "core/crypto/transforms.h"

namespace ikewot::crypto {
namespace {

constexpr size_t kAesPrfKeySize = 16;

std::string_view HmacDigest(uint16_t prf_id) {
  switch (prf_id) {
    case kPrfHmacSha1:
      return "SHA1";
    case kPrfHmacSha2_256:
      return "SHA2-256";
    case kPrfHmacSha2_384:
      return "SHA2-384";
    case kPrfHmacSha2_512:
      return "SHA2-512";
    default:
      return {};
  }
}

// RFC 4434 §2 (XCBC) and RFC 4615 §3 (CMAC): a 16-octet key is used as is, a shorter one is
// zero-padded (XCBC) and any other length is first compressed with the MAC under a zero key.
Result<Bytes> NormalizeAesPrfKey(uint16_t prf_id, ByteView key) {
  if (key.size() == kAesPrfKeySize) return Bytes(key.begin(), key.end());
  if (prf_id == kPrfAesXcbc128 && key.size() < kAesPrfKeySize) {
    Bytes padded(key.begin(), key.end());
    padded.resize(kAesPrfKeySize, 0);
    return padded;
  }
  const uint8_t zero_key[kAesPrfKeySize] = {0};
  auto mac = prf_id == kPrfAesXcbc128 ? Mac::CreateAesXcbc(zero_key) : Mac::CreateAesCmac(zero_key);
  if (!mac.ok()) return mac.error();
  return mac->Compute({key});
}

}  // namespace

bool IsSupportedPrf(uint16_t prf_id) { return PrfOutputSize(prf_id) != 0; }

size_t PrfOutputSize(uint16_t prf_id) {
  switch (prf_id) {
    case kPrfHmacSha1:
      return 20;
    case kPrfAesXcbc128:
    case kPrfAesCmac128:
      return 16;
    case kPrfHmacSha2_256:
      return 32;
    case kPrfHmacSha2_384:
      return 48;
    case kPrfHmacSha2_512:
      return 64;
    default:
      return 0;
  }
}

size_t PrfPreferredKeySize(uint16_t prf_id) { return PrfOutputSize(prf_id); }

bool PrfHasFixedKeySize(uint16_t prf_id) {
  return prf_id == kPrfAesXcbc128 || prf_id == kPrfAesCmac128;
}

Result<KeyedPrf> KeyedPrf::Create(uint16_t prf_id, ByteView key, PreparedCrypto* prepared) {
  if (std::string_view digest = HmacDigest(prf_id); !digest.empty()) {
    auto mac = Mac::CreateHmac(digest, key, prepared);
    if (!mac.ok()) return mac.error();
    return KeyedPrf(std::move(*mac));
  }
  if (PrfHasFixedKeySize(prf_id)) {
    auto real_key = NormalizeAesPrfKey(prf_id, key);
    if (!real_key.ok()) return real_key.error();
    auto mac =
        prf_id == kPrfAesXcbc128 ? Mac::CreateAesXcbc(*real_key) : Mac::CreateAesCmac(*real_key);
    OPENSSL_cleanse(real_key->data(), real_key->size());
    if (!mac.ok()) return mac.error();
    return KeyedPrf(std::move(*mac));
  }
  return MakeError(ErrorCode::kUnsupported, "PRF " + std::to_string(prf_id) + " is not supported");
}

Result<Bytes> KeyedPrf::Compute(std::initializer_list<ByteView> data_parts) {
  return mac_.Compute(data_parts);
}

Result<Bytes> Prf(uint16_t prf_id, ByteView key, ByteView data, PreparedCrypto* prepared) {
  auto prf = KeyedPrf::Create(prf_id, key, prepared);
  if (!prf.ok()) return prf.error();
  return prf->Compute({data});
}

Result<Bytes> PrfPlus(uint16_t prf_id, ByteView key, ByteView seed, size_t length,
                      PreparedCrypto* prepared) {
  constexpr size_t kMaxBlocks = 255;
  auto prf = KeyedPrf::Create(prf_id, key, prepared);
  if (!prf.ok()) return prf.error();
  const size_t block = prf->output_size();
  if (length > kMaxBlocks * block) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "prf+ can produce at most 255 blocks (" + std::to_string(kMaxBlocks * block) +
                         " octets), " + std::to_string(length) + " requested");
  }
  Bytes out;
  out.reserve(length + block);
  Bytes previous;
  for (size_t counter = 1; out.size() < length; ++counter) {
    const uint8_t counter_byte = static_cast<uint8_t>(counter);
    auto t = prf->Compute({previous, seed, ByteView(&counter_byte, 1)});
    if (!t.ok()) return t.error();
    OPENSSL_cleanse(previous.data(), previous.size());
    previous = std::move(*t);
    out.insert(out.end(), previous.begin(), previous.end());
  }
  OPENSSL_cleanse(previous.data(), previous.size());
  // Wipe the surplus of the last block before dropping it.
  OPENSSL_cleanse(out.data() + length, out.size() - length);
  out.resize(length);
  return out;
}

}  // namespace ikewot::crypto
