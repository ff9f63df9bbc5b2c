#include "core/ikev1/phase1_proposals.h"

#include <algorithm>
#include <set>
#include <string>

namespace ikewot::ikev1 {
namespace {

uint16_t Basic(Phase1Attribute a) { return static_cast<uint16_t>(a); }

struct HashGroup {
  HashAlgorithm hash;
  uint16_t group;
};

}  // namespace

std::vector<Phase1Suite> DefaultPhase1Suites(const Phase1OfferOptions& options) {
  // Each hash with the groups of matching strength first, so a responder that takes the first
  // acceptable transform lands on a coherent suite.
  std::vector<HashGroup> pairs;
  const HashAlgorithm hashes[] = {HashAlgorithm::kSha2_256, HashAlgorithm::kSha2_384,
                                  HashAlgorithm::kSha1};
  for (HashAlgorithm hash : hashes) {
    for (uint16_t group : options.groups) {
      if (group == 2) continue;
      bool strong_group = group == 20 || group == 21;
      if (hash == HashAlgorithm::kSha2_384 && !strong_group && options.groups.size() > 1) continue;
      if (hash == HashAlgorithm::kSha1 && strong_group && options.groups.size() > 1) continue;
      pairs.push_back({hash, group});
    }
  }
  if (options.include_group2) pairs.push_back({HashAlgorithm::kSha1, 2});
  std::vector<Phase1Suite> suites;
  for (uint16_t key_bits : {256, 128}) {
    for (const HashGroup& pair : pairs) {
      for (AuthenticationMethod auth : options.auth_methods) {
        Phase1Suite s;
        s.encryption = EncryptionAlgorithm::kAesCbc;
        s.key_bits = key_bits;
        s.hash = pair.hash;
        s.group = pair.group;
        s.auth = auth;
        s.lifetime_seconds = kDefaultPhase1Lifetime;
        suites.push_back(s);
      }
    }
  }
  return suites;
}

SaPayload BuildPhase1Sa(const std::vector<Phase1Suite>& suites) {
  SaPayload sa;
  sa.doi = Doi::kIpsec;
  sa.situation = kSituationIdentityOnly;
  Proposal proposal;
  proposal.number = 1;
  proposal.protocol = ProtocolId::kIsakmp;
  uint8_t number = 1;
  for (const Phase1Suite& s : suites) {
    Transform t;
    t.number = number++;
    t.transform_id = kTransformKeyIke;
    t.attributes.push_back(Attribute::Basic(Basic(Phase1Attribute::kEncryptionAlgorithm),
                                            static_cast<uint16_t>(s.encryption)));
    t.attributes.push_back(Attribute::Basic(Basic(Phase1Attribute::kKeyLength), s.key_bits));
    t.attributes.push_back(
        Attribute::Basic(Basic(Phase1Attribute::kHashAlgorithm), static_cast<uint16_t>(s.hash)));
    t.attributes.push_back(Attribute::Basic(Basic(Phase1Attribute::kAuthenticationMethod),
                                            static_cast<uint16_t>(s.auth)));
    t.attributes.push_back(Attribute::Basic(Basic(Phase1Attribute::kGroupDescription), s.group));
    if (s.lifetime_seconds != 0) {
      t.attributes.push_back(Attribute::Basic(Basic(Phase1Attribute::kLifeType),
                                              static_cast<uint16_t>(LifeType::kSeconds)));
      if (s.lifetime_seconds <= 0xffff) {
        t.attributes.push_back(Attribute::Basic(Basic(Phase1Attribute::kLifeDuration),
                                                static_cast<uint16_t>(s.lifetime_seconds)));
      } else {
        uint32_t v = s.lifetime_seconds;
        t.attributes.push_back(
            Attribute::Variable(Basic(Phase1Attribute::kLifeDuration),
                                Bytes{static_cast<uint8_t>(v >> 24), static_cast<uint8_t>(v >> 16),
                                      static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v)}));
      }
    }
    proposal.transforms.push_back(std::move(t));
  }
  sa.proposals.push_back(std::move(proposal));
  return sa;
}

Result<Phase1Suite> SuiteFromTransform(const Transform& transform) {
  if (transform.transform_id != kTransformKeyIke) {
    return MakeError(ErrorCode::kBadValue, "phase-1 transform ID must be KEY_IKE (1), got " +
                                               std::to_string(transform.transform_id));
  }
  Phase1Suite s;
  s.key_bits = 0;
  std::set<uint16_t> seen;
  bool have_encr = false, have_hash = false, have_auth = false, have_group = false;
  uint16_t life_type = 0;
  for (const Attribute& a : transform.attributes) {
    if (!seen.insert(a.type).second && a.type != Basic(Phase1Attribute::kLifeType) &&
        a.type != Basic(Phase1Attribute::kLifeDuration)) {
      return MakeError(ErrorCode::kBadValue,
                       "phase-1 transform repeats attribute class " + std::to_string(a.type));
    }
    auto value = a.IntegerValue();
    if (!value) {
      return MakeError(ErrorCode::kBadValue, "phase-1 attribute class " + std::to_string(a.type) +
                                                 " does not hold a number");
    }
    switch (static_cast<Phase1Attribute>(a.type)) {
      case Phase1Attribute::kEncryptionAlgorithm:
        s.encryption = static_cast<EncryptionAlgorithm>(*value);
        have_encr = true;
        break;
      case Phase1Attribute::kKeyLength:
        s.key_bits = static_cast<uint16_t>(*value);
        break;
      case Phase1Attribute::kHashAlgorithm:
        s.hash = static_cast<HashAlgorithm>(*value);
        have_hash = true;
        break;
      case Phase1Attribute::kAuthenticationMethod:
        s.auth = static_cast<AuthenticationMethod>(*value);
        have_auth = true;
        break;
      case Phase1Attribute::kGroupDescription:
        s.group = static_cast<uint16_t>(*value);
        have_group = true;
        break;
      case Phase1Attribute::kLifeType:
        life_type = static_cast<uint16_t>(*value);
        break;
      case Phase1Attribute::kLifeDuration:
        if (life_type == static_cast<uint16_t>(LifeType::kSeconds)) {
          s.lifetime_seconds = static_cast<uint32_t>(std::min<uint64_t>(*value, UINT32_MAX));
        }
        break;
      case Phase1Attribute::kPrf:
        return MakeError(ErrorCode::kUnsupported, "the phase-1 PRF attribute is not supported");
      default:
        return MakeError(ErrorCode::kUnsupported,
                         "phase-1 attribute class " + std::to_string(a.type) +
                             " (private groups, field sizes) is not supported");
    }
  }
  if (!have_encr || !have_hash || !have_auth || !have_group) {
    return MakeError(ErrorCode::kBadValue,
                     "phase-1 transform lacks one of encryption, hash, authentication method "
                     "and group description");
  }
  if (s.encryption == EncryptionAlgorithm::kAesCbc && s.key_bits == 0) {
    return MakeError(ErrorCode::kBadValue, "AES-CBC transform without a key length");
  }
  return s;
}

Result<Phase1Suite> AcceptedSuite(const SaPayload& answer,
                                  const std::vector<Phase1Suite>& offered) {
  if (answer.doi != Doi::kIpsec || answer.proposals.size() != 1 ||
      answer.proposals[0].transforms.size() != 1) {
    return MakeError(ErrorCode::kBadValue,
                     "the responder's SA must hold one proposal with one transform");
  }
  if (answer.proposals[0].protocol != ProtocolId::kIsakmp) {
    return MakeError(ErrorCode::kBadValue, "the responder's proposal is not for ISAKMP");
  }
  auto suite = SuiteFromTransform(answer.proposals[0].transforms[0]);
  if (!suite.ok()) return suite.error();
  for (const Phase1Suite& o : offered) {
    // Responders may shorten the lifetime (RFC 2407 RESPONDER-LIFETIME); the rest must match.
    Phase1Suite cmp = *suite;
    cmp.lifetime_seconds = o.lifetime_seconds;
    if (cmp == o) return suite;
  }
  return MakeError(ErrorCode::kBadValue,
                   "the responder chose " + suite->ToString() + ", which we did not offer");
}

}  // namespace ikewot::ikev1
