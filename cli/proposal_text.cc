#include "cli/proposal_text.h"

#include <algorithm>
#include <optional>

#include "core/crypto/transforms.h"

namespace ikewot::cli {
namespace {

using namespace ikewot::crypto;  // NOLINT: transform ids

struct Named {
  std::string_view name;
  uint16_t id;
  uint16_t key_bits;
};

// strongSwan's names (and the aliases its users write).
constexpr Named kEncr[] = {
    {"aes", kEncrAesCbc, 128},
    {"aes128", kEncrAesCbc, 128},
    {"aes192", kEncrAesCbc, 192},
    {"aes256", kEncrAesCbc, 256},
    {"aes128gcm8", kEncrAesGcm8, 128},
    {"aes128gcm64", kEncrAesGcm8, 128},
    {"aes192gcm8", kEncrAesGcm8, 192},
    {"aes192gcm64", kEncrAesGcm8, 192},
    {"aes256gcm8", kEncrAesGcm8, 256},
    {"aes256gcm64", kEncrAesGcm8, 256},
    {"aes128gcm12", kEncrAesGcm12, 128},
    {"aes128gcm96", kEncrAesGcm12, 128},
    {"aes192gcm12", kEncrAesGcm12, 192},
    {"aes192gcm96", kEncrAesGcm12, 192},
    {"aes256gcm12", kEncrAesGcm12, 256},
    {"aes256gcm96", kEncrAesGcm12, 256},
    {"aes128gcm16", kEncrAesGcm16, 128},
    {"aes128gcm128", kEncrAesGcm16, 128},
    {"aes128gcm", kEncrAesGcm16, 128},
    {"aes192gcm16", kEncrAesGcm16, 192},
    {"aes192gcm128", kEncrAesGcm16, 192},
    {"aes192gcm", kEncrAesGcm16, 192},
    {"aes256gcm16", kEncrAesGcm16, 256},
    {"aes256gcm128", kEncrAesGcm16, 256},
    {"aes256gcm", kEncrAesGcm16, 256},
    {"chacha20poly1305", kEncrChaCha20Poly1305, 0},
};
constexpr Named kInteg[] = {
    {"sha1", kIntegHmacSha1_96, 0},        {"sha", kIntegHmacSha1_96, 0},
    {"sha256", kIntegHmacSha2_256_128, 0}, {"sha2_256", kIntegHmacSha2_256_128, 0},
    {"sha384", kIntegHmacSha2_384_192, 0}, {"sha2_384", kIntegHmacSha2_384_192, 0},
    {"sha512", kIntegHmacSha2_512_256, 0}, {"sha2_512", kIntegHmacSha2_512_256, 0},
};
constexpr Named kPrf[] = {
    {"prfsha1", kPrfHmacSha1, 0},       {"prfsha256", kPrfHmacSha2_256, 0},
    {"prfsha384", kPrfHmacSha2_384, 0}, {"prfsha512", kPrfHmacSha2_512, 0},
    {"prfaesxcbc", kPrfAesXcbc128, 0},  {"prfaescmac", kPrfAesCmac128, 0},
};
constexpr Named kGroups[] = {
    {"modp2048", kDhModp2048, 0}, {"modp3072", kDhModp3072, 0},     {"modp4096", kDhModp4096, 0},
    {"ecp256", kDhEcp256, 0},     {"ecp384", kDhEcp384, 0},         {"ecp521", kDhEcp521, 0},
    {"x25519", kDhCurve25519, 0}, {"curve25519", kDhCurve25519, 0}, {"x448", kDhCurve448, 0},
    {"curve448", kDhCurve448, 0},
};

template <size_t N>
const Named* Find(const Named (&table)[N], std::string_view name) {
  for (const Named& n : table) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

template <typename T>
void AddUnique(std::vector<T>& list, T value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    out.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Error Bad(std::string_view proposal, const std::string& why) {
  return MakeError(ErrorCode::kInvalidArgument, "proposal '" + std::string(proposal) + "': " + why);
}

std::optional<uint16_t> PrfForInteg(uint16_t integ) {
  switch (integ) {
    case kIntegHmacSha1_96:
      return kPrfHmacSha1;
    case kIntegHmacSha2_256_128:
      return kPrfHmacSha2_256;
    case kIntegHmacSha2_384_192:
      return kPrfHmacSha2_384;
    case kIntegHmacSha2_512_256:
      return kPrfHmacSha2_512;
    default:
      return std::nullopt;
  }
}

// The transforms of one proposal before the IKE / ESP rules are applied.
struct Parsed {
  std::vector<engine::EncrAlgorithm> encr;
  std::vector<uint16_t> integ;
  std::vector<uint16_t> prf;
  std::vector<uint16_t> groups;
  bool esn = false;
  bool noesn = false;
  bool aead = false;
  bool classic = false;
};

Result<Parsed> ParseOne(std::string_view proposal) {
  if (proposal.empty()) return Bad(proposal, "empty proposal");
  Parsed p;
  for (std::string_view raw : Split(proposal, '-')) {
    const std::string token = Lower(raw);
    if (token.empty()) return Bad(proposal, "empty transform (two '-' in a row?)");
    if (const Named* n = Find(kEncr, token)) {
      (engine::IsAeadEncr(n->id) ? p.aead : p.classic) = true;
      AddUnique(p.encr, engine::EncrAlgorithm{n->id, n->key_bits});
    } else if (const Named* i = Find(kInteg, token)) {
      AddUnique(p.integ, i->id);
    } else if (const Named* f = Find(kPrf, token)) {
      AddUnique(p.prf, f->id);
    } else if (const Named* g = Find(kGroups, token)) {
      AddUnique(p.groups, g->id);
    } else if (token == "esn") {
      p.esn = true;
    } else if (token == "noesn") {
      p.noesn = true;
    } else {
      return Bad(proposal, "unknown transform '" + std::string(raw) + "'");
    }
  }
  if (p.encr.empty()) return Bad(proposal, "no encryption algorithm");
  if (p.aead && p.classic) {
    return Bad(proposal, "AEAD and non-AEAD encryption cannot share one proposal");
  }
  if (p.aead && !p.integ.empty()) {
    return Bad(proposal, "AEAD encryption takes no integrity algorithm");
  }
  if (p.classic && p.integ.empty()) {
    return Bad(proposal, "non-AEAD encryption needs an integrity algorithm (e.g. sha256)");
  }
  return p;
}

}  // namespace

Result<std::vector<engine::IkeProposalSpec>> ParseIkeProposals(std::string_view text) {
  std::vector<engine::IkeProposalSpec> out;
  for (std::string_view proposal : Split(text, ',')) {
    auto p = ParseOne(proposal);
    if (!p.ok()) return p.error();
    if (p->esn || p->noesn) return Bad(proposal, "esn/noesn belong to ESP proposals");
    if (p->groups.empty()) return Bad(proposal, "an IKE proposal needs a KE group (e.g. x25519)");
    if (p->prf.empty()) {
      if (p->aead) return Bad(proposal, "an AEAD IKE proposal needs a PRF (e.g. prfsha256)");
      for (uint16_t integ : p->integ) {
        if (auto prf = PrfForInteg(integ)) AddUnique(p->prf, *prf);
      }
    }
    out.push_back(engine::IkeProposalSpec{p->encr, p->prf, p->integ, p->groups});
  }
  if (out.size() > 255) return MakeError(ErrorCode::kInvalidArgument, "more than 255 proposals");
  return out;
}

Result<std::vector<engine::EspProposalSpec>> ParseEspProposals(std::string_view text) {
  std::vector<engine::EspProposalSpec> out;
  for (std::string_view proposal : Split(text, ',')) {
    auto p = ParseOne(proposal);
    if (!p.ok()) return p.error();
    if (!p->prf.empty()) return Bad(proposal, "ESP proposals take no PRF");
    if (!p->groups.empty()) {
      return Bad(proposal,
                 "a KE group in an ESP proposal means PFS at rekeying, which ikewot does not do "
                 "(the first CHILD SA never uses one)");
    }
    if (p->esn && p->noesn) return Bad(proposal, "choose one of esn and noesn");
    out.push_back(engine::EspProposalSpec{p->encr, p->integ, p->esn});
  }
  if (out.size() > 255) return MakeError(ErrorCode::kInvalidArgument, "more than 255 proposals");
  return out;
}

Result<uint16_t> ParseKeGroup(std::string_view text) {
  if (const Named* g = Find(kGroups, Lower(text))) return g->id;
  if (!text.empty() && text.size() <= 5 &&
      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    unsigned long id = std::stoul(std::string(text));
    for (const Named& g : kGroups) {
      if (g.id == id) return g.id;
    }
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown KE group '" + std::string(text) +
                       "' (x25519, x448, ecp256, ecp384, ecp521, modp2048, modp3072, modp4096)");
}

std::vector<engine::IkeProposalSpec> DefaultIkeProposals() {
  const std::vector<uint16_t> groups = {kDhCurve25519, kDhEcp256,   kDhEcp384,  kDhEcp521,
                                        kDhCurve448,   kDhModp3072, kDhModp4096};
  const std::vector<uint16_t> prfs = {kPrfHmacSha2_256, kPrfHmacSha2_384, kPrfHmacSha2_512};
  return {
      {{{kEncrAesGcm16, 256}, {kEncrAesGcm16, 128}, {kEncrChaCha20Poly1305, 0}}, prfs, {}, groups},
      {{{kEncrAesCbc, 256}, {kEncrAesCbc, 128}},
       prfs,
       {kIntegHmacSha2_256_128, kIntegHmacSha2_384_192, kIntegHmacSha2_512_256},
       groups},
  };
}

std::vector<engine::IkeProposalSpec> DefaultFallbackProposals() {
  return {{{{kEncrAesGcm16, 256}}, {kPrfHmacSha2_256}, {}, {kDhCurve25519, kDhEcp256}},
          {{{kEncrAesCbc, 256}}, {kPrfHmacSha2_256}, {kIntegHmacSha2_256_128}, {kDhEcp256}}};
}

std::vector<engine::EspProposalSpec> DefaultEspProposals() {
  return {
      {{{kEncrAesGcm16, 256}, {kEncrAesGcm16, 128}, {kEncrChaCha20Poly1305, 0}}, {}, false},
      {{{kEncrAesCbc, 256}, {kEncrAesCbc, 128}},
       {kIntegHmacSha2_256_128, kIntegHmacSha2_512_256},
       false},
  };
}

}  // namespace ikewot::cli
