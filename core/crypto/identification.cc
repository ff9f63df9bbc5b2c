#include "core/crypto/identification.h"

#include <cstdio>

namespace ikewot::crypto {
namespace {

constexpr size_t kSha256Size = 32;
constexpr uint64_t kGroupModulus = 100000;  // 10^kIdentificationDigitsPerGroup

std::string GroupDigits(std::string_view digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && i % kIdentificationDigitsPerGroup == 0) out.push_back(' ');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string FormatFingerprintHex(ByteView digest) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < digest.size(); ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

std::string FingerprintHex(const Certificate& cert) {
  return FormatFingerprintHex(cert.Sha256Fingerprint());
}

Result<std::string> SpokenIdentificationFromFingerprint(ByteView sha256) {
  if (sha256.size() != kSha256Size) {
    return MakeError(ErrorCode::kBadLength,
                     "a SHA-256 fingerprint is 32 octets, got " + std::to_string(sha256.size()));
  }
  std::string digits;
  for (size_t group = 0; group < kIdentificationGroups; ++group) {
    uint64_t value = 0;
    for (size_t i = 0; i < kIdentificationOctetsPerGroup; ++i) {
      value = value << 8 | sha256[group * kIdentificationOctetsPerGroup + i];
    }
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%05u", static_cast<unsigned>(value % kGroupModulus));
    digits += buf;
  }
  return GroupDigits(digits);
}

std::string SpokenIdentification(const Certificate& cert) {
  // A parsed certificate always has a 32-octet fingerprint, so this cannot fail.
  auto spoken = SpokenIdentificationFromFingerprint(cert.Sha256Fingerprint());
  return spoken.ok() ? *spoken : std::string();
}

Result<std::string> NormalizeSpokenIdentification(std::string_view typed) {
  std::string digits;
  for (size_t i = 0; i < typed.size(); ++i) {
    char c = typed[i];
    if (c == ' ' || c == '\t' || c == '-' || c == '\n' || c == '\r') continue;
    if (c < '0' || c > '9') {
      return MakeError(ErrorCode::kBadValue, "identification may only contain digits", i);
    }
    if (digits.size() == kIdentificationDigits) {
      return MakeError(ErrorCode::kBadValue, "identification has more than 30 digits", i);
    }
    digits.push_back(c);
  }
  if (digits.size() != kIdentificationDigits) {
    return MakeError(ErrorCode::kBadValue, "identification has " + std::to_string(digits.size()) +
                                               " digits, expected 30");
  }
  return GroupDigits(digits);
}

bool SpokenIdentificationMatches(std::string_view typed, const Certificate& cert) {
  auto normalized = NormalizeSpokenIdentification(typed);
  return normalized.ok() && *normalized == SpokenIdentification(cert);
}

}  // namespace ikewot::crypto
