#include "core/engine/sa_convert.h"

#include <algorithm>

#include "core/crypto/transforms.h"

namespace ikewot::engine {
namespace {

using ikev2::MakeTransform;
using ikev2::Proposal;
using ikev2::ProtocolId;
using ikev2::SaPayload;
using ikev2::Transform;
using ikev2::TransformType;

Bytes SpiBytes(uint32_t spi) {
  return Bytes{static_cast<uint8_t>(spi >> 24), static_cast<uint8_t>(spi >> 16),
               static_cast<uint8_t>(spi >> 8), static_cast<uint8_t>(spi)};
}

uint32_t SpiValue(const Bytes& spi) {
  return static_cast<uint32_t>(spi[0]) << 24 | spi[1] << 16 | spi[2] << 8 | spi[3];
}

// Only the Key Length attribute is understood; a transform with any other attribute is unusable.
bool OnlyKeyLength(const Transform& t) {
  for (const ikev2::TransformAttribute& a : t.attributes) {
    if (a.type != static_cast<uint16_t>(ikev2::TransformAttributeType::kKeyLength) || !a.is_tv()) {
      return false;
    }
  }
  return true;
}

void AppendEncr(std::vector<Transform>& out, const std::vector<EncrAlgorithm>& encr) {
  for (EncrAlgorithm e : encr)
    out.push_back(MakeTransform(TransformType::kEncryption, e.id, e.key_bits));
}

struct Collected {
  std::vector<EncrAlgorithm> encr;
  std::vector<uint16_t> prf, integ, ke, esn;
  int unknown_types = 0;
};

Collected Collect(const Proposal& p) {
  Collected c;
  for (const Transform& t : p.transforms) {
    if (!OnlyKeyLength(t)) continue;
    switch (t.type) {
      case TransformType::kEncryption:
        c.encr.push_back({t.id, t.KeyLength().value_or(0)});
        break;
      case TransformType::kPrf:
        c.prf.push_back(t.id);
        break;
      case TransformType::kIntegrity:
        c.integ.push_back(t.id);
        break;
      case TransformType::kKeyExchange:
        c.ke.push_back(t.id);
        break;
      case TransformType::kSequenceNumbers:
        c.esn.push_back(t.id);
        break;
      default:
        ++c.unknown_types;
        break;
    }
  }
  return c;
}

}  // namespace

SaPayload IkeOfferToSa(const std::vector<IkeProposalSpec>& offer) {
  SaPayload sa;
  for (size_t i = 0; i < offer.size(); ++i) {
    Proposal p;
    p.number = static_cast<uint8_t>(i + 1);
    p.protocol = ProtocolId::kIke;
    AppendEncr(p.transforms, offer[i].encr);
    for (uint16_t id : offer[i].prf) p.transforms.push_back(MakeTransform(TransformType::kPrf, id));
    for (uint16_t id : offer[i].integ) {
      p.transforms.push_back(MakeTransform(TransformType::kIntegrity, id));
    }
    for (uint16_t id : offer[i].ke_groups) {
      p.transforms.push_back(MakeTransform(TransformType::kKeyExchange, id));
    }
    sa.proposals.push_back(std::move(p));
  }
  return sa;
}

std::vector<IkeProposalSpec> IkeOfferFromSa(const SaPayload& sa) {
  std::vector<IkeProposalSpec> out;
  for (const Proposal& p : sa.proposals) {
    IkeProposalSpec spec;
    // Additional key exchanges (RFC 9370) and IKE SPIs in IKE_SA_INIT are not ours to accept.
    if (p.protocol == ProtocolId::kIke && p.spi.empty()) {
      Collected c = Collect(p);
      if (c.unknown_types == 0) spec = IkeProposalSpec{c.encr, c.prf, c.integ, c.ke};
    }
    out.push_back(std::move(spec));
  }
  return out;
}

SaPayload IkeChoiceToSa(const IkeSuiteChoice& choice, uint8_t proposal_number) {
  IkeProposalSpec one{{choice.encr}, {choice.prf}, {}, {choice.ke_group}};
  if (choice.integ != crypto::kIntegNone) one.integ.push_back(choice.integ);
  SaPayload sa = IkeOfferToSa({one});
  sa.proposals[0].number = proposal_number;
  return sa;
}

Result<IkeSuiteChoice> IkeChoiceFromSa(const SaPayload& sa) {
  if (sa.proposals.size() != 1 || sa.proposals[0].protocol != ProtocolId::kIke) {
    return MakeError(ErrorCode::kBadValue, "responder SA must hold exactly one IKE proposal");
  }
  Collected c = Collect(sa.proposals[0]);
  if (c.encr.size() != 1 || c.prf.size() != 1 || c.ke.size() != 1 || c.integ.size() > 1 ||
      c.unknown_types != 0 || !c.esn.empty() ||
      c.encr.size() + c.prf.size() + c.ke.size() + c.integ.size() !=
          sa.proposals[0].transforms.size()) {
    return MakeError(ErrorCode::kBadValue,
                     "responder IKE proposal must name exactly one transform of each type");
  }
  return IkeSuiteChoice{c.encr[0], c.prf[0], c.integ.empty() ? crypto::kIntegNone : c.integ[0],
                        c.ke[0]};
}

SaPayload EspOfferToSa(const std::vector<EspProposalSpec>& offer, uint32_t spi) {
  SaPayload sa;
  for (size_t i = 0; i < offer.size(); ++i) {
    Proposal p;
    p.number = static_cast<uint8_t>(i + 1);
    p.protocol = ProtocolId::kEsp;
    p.spi = SpiBytes(spi);
    AppendEncr(p.transforms, offer[i].encr);
    for (uint16_t id : offer[i].integ) {
      p.transforms.push_back(MakeTransform(TransformType::kIntegrity, id));
    }
    p.transforms.push_back(
        MakeTransform(TransformType::kSequenceNumbers, offer[i].extended_sequence_numbers ? 1 : 0));
    sa.proposals.push_back(std::move(p));
  }
  return sa;
}

EspOffer EspOfferFromSa(const SaPayload& sa) {
  EspOffer out;
  for (const Proposal& p : sa.proposals) {
    EspProposalSpec spec;
    uint32_t spi = 0;
    if (p.protocol == ProtocolId::kEsp && p.spi.size() == 4) {
      Collected c = Collect(p);
      // Both ESN values offered means "either": the responder's own preference decides.
      if (c.unknown_types == 0 && c.ke.empty() && c.prf.empty() && !c.esn.empty()) {
        const bool with_esn = std::find(c.esn.begin(), c.esn.end(), 1) != c.esn.end();
        const bool without_esn = std::find(c.esn.begin(), c.esn.end(), 0) != c.esn.end();
        spec = EspProposalSpec{c.encr, c.integ, with_esn && !without_esn};
        spec.either_sequence_numbers = with_esn && without_esn;
        spi = SpiValue(p.spi);
      }
    }
    out.proposals.push_back(std::move(spec));
    out.spis.push_back(spi);
  }
  return out;
}

SaPayload EspChoiceToSa(const EspSuiteChoice& choice, uint8_t proposal_number, uint32_t spi) {
  EspProposalSpec one{{choice.encr}, {}, choice.extended_sequence_numbers};
  if (choice.integ != crypto::kIntegNone) one.integ.push_back(choice.integ);
  SaPayload sa = EspOfferToSa({one}, spi);
  sa.proposals[0].number = proposal_number;
  return sa;
}

Result<EspAnswer> EspChoiceFromSa(const SaPayload& sa) {
  if (sa.proposals.size() != 1 || sa.proposals[0].protocol != ProtocolId::kEsp ||
      sa.proposals[0].spi.size() != 4) {
    return MakeError(ErrorCode::kBadValue,
                     "responder CHILD SA must hold exactly one ESP proposal with a 4-octet SPI");
  }
  Collected c = Collect(sa.proposals[0]);
  if (c.encr.size() != 1 || c.integ.size() > 1 || c.esn.size() != 1 || !c.prf.empty() ||
      !c.ke.empty() || c.unknown_types != 0) {
    return MakeError(ErrorCode::kBadValue,
                     "responder ESP proposal must name exactly one transform of each type");
  }
  return EspAnswer{
      EspSuiteChoice{c.encr[0], c.integ.empty() ? crypto::kIntegNone : c.integ[0], c.esn[0] == 1},
      SpiValue(sa.proposals[0].spi)};
}

}  // namespace ikewot::engine
