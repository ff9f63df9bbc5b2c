#include "core/engine/proposals.h"

#include <algorithm>
#include <climits>

#include "core/crypto/transforms.h"

namespace ikewot::engine {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform id constants

template <typename T>
bool Contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

int EncrStrength(EncrAlgorithm encr) {
  switch (encr.id) {
    case kEncrAesCbc:
    case kEncrAesGcm8:
    case kEncrAesGcm12:
    case kEncrAesGcm16:
      return encr.key_bits;
    case kEncrChaCha20Poly1305:
      return 256;
    default:
      return 0;
  }
}

int PrfStrength(uint16_t prf) {
  switch (prf) {
    case kPrfHmacSha1:
      return 128;  // HMAC-SHA1 as a PRF is still ~128-bit
    case kPrfAesXcbc128:
    case kPrfAesCmac128:
      return 128;
    case kPrfHmacSha2_256:
      return 256;
    case kPrfHmacSha2_384:
      return 384;
    case kPrfHmacSha2_512:
      return 512;
    default:
      return 0;
  }
}

int IntegStrength(uint16_t integ) {
  switch (integ) {
    case kIntegNone:
      return INT_MAX;  // only meaningful with AEAD; the cipher decides
    case kIntegHmacSha1_96:
      return 96;
    case kIntegHmacSha2_256_128:
      return 128;
    case kIntegHmacSha2_384_192:
      return 192;
    case kIntegHmacSha2_512_256:
      return 256;
    default:
      return 0;
  }
}

int GroupStrength(uint16_t group) {
  switch (group) {
    case kDhModp2048:
      return 112;
    case kDhModp3072:
      return 128;
    case kDhModp4096:
      return 152;
    case kDhEcp256:
      return 128;
    case kDhEcp384:
      return 192;
    case kDhEcp521:
      return 256;
    case kDhCurve25519:
      return 128;
    case kDhCurve448:
      return 224;
    default:
      return 0;
  }
}

std::string EncrName(EncrAlgorithm encr) {
  std::string name;
  switch (encr.id) {
    case kEncrAesCbc:
      name = "ENCR_AES_CBC";
      break;
    case kEncrAesGcm8:
      name = "ENCR_AES_GCM_8";
      break;
    case kEncrAesGcm12:
      name = "ENCR_AES_GCM_12";
      break;
    case kEncrAesGcm16:
      name = "ENCR_AES_GCM_16";
      break;
    case kEncrChaCha20Poly1305:
      return "ENCR_CHACHA20_POLY1305";
    default:
      name = "ENCR_" + std::to_string(encr.id);
  }
  return encr.key_bits ? name + "-" + std::to_string(encr.key_bits) : name;
}

std::string PrfName(uint16_t prf) {
  switch (prf) {
    case kPrfHmacSha1:
      return "PRF_HMAC_SHA1";
    case kPrfAesXcbc128:
      return "PRF_AES128_XCBC";
    case kPrfAesCmac128:
      return "PRF_AES128_CMAC";
    case kPrfHmacSha2_256:
      return "PRF_HMAC_SHA2_256";
    case kPrfHmacSha2_384:
      return "PRF_HMAC_SHA2_384";
    case kPrfHmacSha2_512:
      return "PRF_HMAC_SHA2_512";
    default:
      return "PRF_" + std::to_string(prf);
  }
}

std::string IntegName(uint16_t integ) {
  switch (integ) {
    case kIntegHmacSha1_96:
      return "AUTH_HMAC_SHA1_96";
    case kIntegHmacSha2_256_128:
      return "AUTH_HMAC_SHA2_256_128";
    case kIntegHmacSha2_384_192:
      return "AUTH_HMAC_SHA2_384_192";
    case kIntegHmacSha2_512_256:
      return "AUTH_HMAC_SHA2_512_256";
    default:
      return "AUTH_" + std::to_string(integ);
  }
}

std::string GroupName(uint16_t group) {
  switch (group) {
    case kDhModp2048:
      return "MODP_2048";
    case kDhModp3072:
      return "MODP_3072";
    case kDhModp4096:
      return "MODP_4096";
    case kDhEcp256:
      return "ECP_256";
    case kDhEcp384:
      return "ECP_384";
    case kDhEcp521:
      return "ECP_521";
    case kDhCurve25519:
      return "CURVE_25519";
    case kDhCurve448:
      return "CURVE_448";
    default:
      return "GROUP_" + std::to_string(group);
  }
}

// AEAD ciphers go with "no integrity"; others need an integrity transform (RFC 7296 §3.3).
std::vector<uint16_t> IntegOptions(const std::vector<uint16_t>& integ, EncrAlgorithm encr) {
  if (IsAeadEncr(encr.id)) {
    return integ.empty() || Contains(integ, kIntegNone) ? std::vector<uint16_t>{kIntegNone}
                                                        : std::vector<uint16_t>{};
  }
  std::vector<uint16_t> out;
  for (uint16_t i : integ) {
    if (i != kIntegNone) out.push_back(i);
  }
  return out;
}

}  // namespace

bool IsAeadEncr(uint16_t encr_id) {
  return encr_id == kEncrAesGcm8 || encr_id == kEncrAesGcm12 || encr_id == kEncrAesGcm16 ||
         encr_id == kEncrChaCha20Poly1305;
}

std::string IkeSuiteChoice::ToString() const {
  std::string out = EncrName(encr);
  if (integ != kIntegNone) out += "/" + IntegName(integ);
  return out + "/" + PrfName(prf) + "/" + GroupName(ke_group);
}

std::string EspSuiteChoice::ToString() const {
  std::string out = EncrName(encr);
  if (integ != kIntegNone) out += "/" + IntegName(integ);
  return out + (extended_sequence_numbers ? "/ESN" : "/NO_ESN");
}

int SuiteStrengthBits(const IkeSuiteChoice& suite) {
  int strength = std::min({EncrStrength(suite.encr), PrfStrength(suite.prf),
                           GroupStrength(suite.ke_group), IntegStrength(suite.integ)});
  if (!IsAeadEncr(suite.encr.id) && suite.integ == kIntegNone) return 0;
  return strength;
}

int WeakestStrengthBits(const std::vector<IkeProposalSpec>& proposals) {
  int weakest = INT_MAX;
  for (const IkeProposalSpec& p : proposals) {
    for (EncrAlgorithm e : p.encr) {
      for (uint16_t integ : IntegOptions(p.integ, e)) {
        for (uint16_t prf : p.prf) {
          for (uint16_t g : p.ke_groups) {
            weakest = std::min(weakest, SuiteStrengthBits({e, prf, integ, g}));
          }
        }
      }
    }
  }
  return weakest == INT_MAX ? 0 : weakest;
}

std::vector<IkeProposalSpec> RestrictToMinimum(const std::vector<IkeProposalSpec>& proposals,
                                               int minimum_bits) {
  std::vector<IkeProposalSpec> out;
  for (const IkeProposalSpec& p : proposals) {
    IkeProposalSpec kept;
    for (EncrAlgorithm e : p.encr) {
      if (EncrStrength(e) >= minimum_bits) kept.encr.push_back(e);
    }
    for (uint16_t prf : p.prf) {
      if (PrfStrength(prf) >= minimum_bits) kept.prf.push_back(prf);
    }
    for (uint16_t integ : p.integ) {
      if (IntegStrength(integ) >= minimum_bits) kept.integ.push_back(integ);
    }
    for (uint16_t g : p.ke_groups) {
      if (GroupStrength(g) >= minimum_bits) kept.ke_groups.push_back(g);
    }
    const bool needs_integ = std::any_of(kept.encr.begin(), kept.encr.end(),
                                         [](EncrAlgorithm e) { return !IsAeadEncr(e.id); });
    if (needs_integ && kept.integ.empty()) {
      std::erase_if(kept.encr, [](EncrAlgorithm e) { return !IsAeadEncr(e.id); });
    }
    if (kept.encr.empty() || kept.prf.empty() || kept.ke_groups.empty()) continue;
    out.push_back(std::move(kept));
  }
  return out;
}

std::optional<IkeChoice> ChooseIkeSuite(const std::vector<IkeProposalSpec>& offered,
                                        const std::vector<IkeProposalSpec>& acceptable,
                                        std::optional<uint16_t> preferred_group) {
  for (const IkeProposalSpec& mine : acceptable) {
    for (size_t n = 0; n < offered.size() && n < 255; ++n) {
      const IkeProposalSpec& theirs = offered[n];
      std::optional<IkeSuiteChoice> best;
      for (EncrAlgorithm e : mine.encr) {
        if (!Contains(theirs.encr, e)) continue;
        for (uint16_t integ : IntegOptions(mine.integ, e)) {
          if (!Contains(IntegOptions(theirs.integ, e), integ)) continue;
          for (uint16_t prf : mine.prf) {
            if (!Contains(theirs.prf, prf)) continue;
            std::optional<uint16_t> group;
            if (preferred_group && Contains(mine.ke_groups, *preferred_group) &&
                Contains(theirs.ke_groups, *preferred_group)) {
              group = preferred_group;
            }
            for (size_t g = 0; !group && g < mine.ke_groups.size(); ++g) {
              if (Contains(theirs.ke_groups, mine.ke_groups[g])) group = mine.ke_groups[g];
            }
            if (group) {
              best = IkeSuiteChoice{e, prf, integ, *group};
              break;
            }
          }
          if (best) break;
        }
        if (best) break;
      }
      if (best) return IkeChoice{*best, static_cast<uint8_t>(n + 1)};
    }
  }
  return std::nullopt;
}

std::optional<EspChoice> ChooseEspSuite(const std::vector<EspProposalSpec>& offered,
                                        const std::vector<EspProposalSpec>& acceptable) {
  for (const EspProposalSpec& mine : acceptable) {
    for (size_t n = 0; n < offered.size() && n < 255; ++n) {
      const EspProposalSpec& theirs = offered[n];
      if (!theirs.AllowsSequenceNumbers(mine.extended_sequence_numbers)) continue;
      for (EncrAlgorithm e : mine.encr) {
        if (!Contains(theirs.encr, e)) continue;
        for (uint16_t integ : IntegOptions(mine.integ, e)) {
          if (!Contains(IntegOptions(theirs.integ, e), integ)) continue;
          return EspChoice{EspSuiteChoice{e, integ, mine.extended_sequence_numbers},
                           static_cast<uint8_t>(n + 1)};
        }
      }
    }
  }
  return std::nullopt;
}

bool OfferAllows(const std::vector<IkeProposalSpec>& offered, const IkeSuiteChoice& suite) {
  for (const IkeProposalSpec& p : offered) {
    if (Contains(p.encr, suite.encr) && Contains(IntegOptions(p.integ, suite.encr), suite.integ) &&
        Contains(p.prf, suite.prf) && Contains(p.ke_groups, suite.ke_group)) {
      return true;
    }
  }
  return false;
}

bool OfferAllows(const std::vector<EspProposalSpec>& offered, const EspSuiteChoice& suite) {
  for (const EspProposalSpec& p : offered) {
    if (p.AllowsSequenceNumbers(suite.extended_sequence_numbers) && Contains(p.encr, suite.encr) &&
        Contains(IntegOptions(p.integ, suite.encr), suite.integ)) {
      return true;
    }
  }
  return false;
}

}  // namespace ikewot::engine
