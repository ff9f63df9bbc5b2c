// Semantic checks of IKEv1 messages, separate from syntax: everything here is well-formed on the
// wire but breaks a rule of RFC 2408, RFC 2407, RFC 2409 or RFC 3947.
#include <algorithm>
#include <set>
#include <string>

#include "core/base/writer.h"
#include "core/ikev1/message.h"
#include "core/ikev1/payload_codec.h"

namespace ikewot::ikev1 {
namespace {

// Where a finding is: the payload's index, type and absolute offset.
struct Location {
  size_t index = 0;
  PayloadType type = PayloadType::kNone;
  size_t offset = 0;

  Error Fail(ErrorCode code, const std::string& why) const {
    return MakeError(
        code, "payload #" + std::to_string(index + 1) + " (" + PayloadTypeName(type) + "): " + why,
        offset);
  }
};

bool IsPhase1Exchange(ExchangeType type) {
  return type == ExchangeType::kBase || type == ExchangeType::kIdentityProtection ||
         type == ExchangeType::kAuthenticationOnly || type == ExchangeType::kAggressive;
}

bool IsKnownExchange(ExchangeType type) {
  switch (type) {
    case ExchangeType::kBase:
    case ExchangeType::kIdentityProtection:
    case ExchangeType::kAuthenticationOnly:
    case ExchangeType::kAggressive:
    case ExchangeType::kInformational:
    case ExchangeType::kTransaction:
    case ExchangeType::kQuickMode:
    case ExchangeType::kNewGroupMode:
      return true;
    default:
      return false;
  }
}

// RFC 2409 Appendix A: classes marked "B" must be sent as basic attributes; "V" classes may be
// basic when the value fits two octets.
bool Phase1ClassIsBasic(uint16_t type) {
  switch (static_cast<Phase1Attribute>(type)) {
    case Phase1Attribute::kGroupPrime:
    case Phase1Attribute::kGroupGeneratorOne:
    case Phase1Attribute::kGroupGeneratorTwo:
    case Phase1Attribute::kGroupCurveA:
    case Phase1Attribute::kGroupCurveB:
    case Phase1Attribute::kLifeDuration:
    case Phase1Attribute::kGroupOrder:
      return false;
    default:
      return true;
  }
}

// RFC 2407 §4.5: only SA Life Duration is variable.
bool IpsecClassIsBasic(uint16_t type) {
  return static_cast<IpsecAttribute>(type) != IpsecAttribute::kSaLifeDuration;
}

bool CipherHasVariableKey(uint64_t cipher) {
  switch (static_cast<EncryptionAlgorithm>(cipher)) {
    case EncryptionAlgorithm::kBlowfishCbc:
    case EncryptionAlgorithm::kRc5R16B64Cbc:
    case EncryptionAlgorithm::kCastCbc:
    case EncryptionAlgorithm::kAesCbc:
    case EncryptionAlgorithm::kCamelliaCbc:
      return true;
    default:
      return false;
  }
}

// Attribute rules shared by both DOIs; `life_type`/`life_duration` are the classes of the pair
// that may repeat (RFC 2409 Appendix A, RFC 2407 §4.5: a duration follows its type).
Status CheckAttributeList(const std::vector<Attribute>& attributes, bool phase1,
                          const std::string& where, const Location& at) {
  uint16_t life_type = phase1 ? static_cast<uint16_t>(Phase1Attribute::kLifeType)
                              : static_cast<uint16_t>(IpsecAttribute::kSaLifeType);
  uint16_t life_duration = phase1 ? static_cast<uint16_t>(Phase1Attribute::kLifeDuration)
                                  : static_cast<uint16_t>(IpsecAttribute::kSaLifeDuration);
  std::set<uint16_t> seen;
  std::set<uint64_t> life_types_seen;
  ProtocolId names = phase1 ? ProtocolId::kIsakmp : ProtocolId::kEsp;
  for (size_t i = 0; i < attributes.size(); ++i) {
    const Attribute& a = attributes[i];
    std::string label = where + " attribute " + AttributeTypeName(names, a.type);
    if (a.type == 0) return at.Fail(ErrorCode::kBadValue, where + " attribute class 0 is reserved");
    bool must_be_basic = phase1 ? Phase1ClassIsBasic(a.type) : IpsecClassIsBasic(a.type);
    if (must_be_basic && !a.basic) {
      return at.Fail(ErrorCode::kBadValue, label + " must be a basic (TV) attribute");
    }
    if (!a.basic && a.variable_value.empty()) {
      return at.Fail(ErrorCode::kBadLength, label + " has an empty variable value");
    }
    if (a.type == life_type) {
      if (!life_types_seen.insert(a.basic_value).second) {
        return at.Fail(ErrorCode::kBadValue,
                       label + " repeats life type " + std::to_string(a.basic_value));
      }
      continue;
    }
    if (a.type == life_duration) {
      if (i == 0 || attributes[i - 1].type != life_type) {
        return at.Fail(ErrorCode::kBadValue, label + " must immediately follow a life type");
      }
      if (!a.IntegerValue()) {
        return at.Fail(ErrorCode::kBadLength, label + " is longer than 8 octets");
      }
      continue;
    }
    if (!seen.insert(a.type).second) {
      return at.Fail(ErrorCode::kBadValue, label + " appears twice in one transform");
    }
  }
  return Status::Ok();
}

const Attribute* FindAttribute(const Transform& t, uint16_t type) {
  for (const Attribute& a : t.attributes) {
    if (a.type == type) return &a;
  }
  return nullptr;
}

// RFC 2409 §5: encryption, hash, authentication method and group are mandatory in phase 1.
Status CheckPhase1Transform(const Transform& t, const std::string& where, const Location& at) {
  if (t.transform_id != kTransformKeyIke) {
    return at.Fail(ErrorCode::kBadValue, where + " transform ID " + std::to_string(t.transform_id) +
                                             " is not KEY_IKE (RFC 2407 §4.4.2)");
  }
  IKEWOT_RETURN_IF_ERROR(CheckAttributeList(t.attributes, true, where, at));
  auto has = [&t](Phase1Attribute a) {
    return FindAttribute(t, static_cast<uint16_t>(a)) != nullptr;
  };
  for (auto [required, name] :
       {std::pair{Phase1Attribute::kEncryptionAlgorithm, "Encryption Algorithm"},
        std::pair{Phase1Attribute::kHashAlgorithm, "Hash Algorithm"},
        std::pair{Phase1Attribute::kAuthenticationMethod, "Authentication Method"}}) {
    if (!has(required)) {
      return at.Fail(ErrorCode::kBadValue,
                     where + " lacks the mandatory " + std::string(name) + " (RFC 2409 §5)");
    }
  }
  if (!has(Phase1Attribute::kGroupDescription) && !has(Phase1Attribute::kGroupType)) {
    return at.Fail(ErrorCode::kBadValue,
                   where + " names neither a Group Description nor a Group Type (RFC 2409 §5)");
  }
  const Attribute* key_length =
      FindAttribute(t, static_cast<uint16_t>(Phase1Attribute::kKeyLength));
  if (key_length != nullptr) {
    uint64_t cipher = FindAttribute(t, static_cast<uint16_t>(Phase1Attribute::kEncryptionAlgorithm))
                          ->IntegerValue()
                          .value_or(0);
    if (!CipherHasVariableKey(cipher)) {
      return at.Fail(ErrorCode::kBadValue,
                     where + " gives a Key Length for a fixed-key cipher (RFC 2409 Appendix A)");
    }
    if (static_cast<EncryptionAlgorithm>(cipher) == EncryptionAlgorithm::kAesCbc &&
        key_length->basic_value != 128 && key_length->basic_value != 192 &&
        key_length->basic_value != 256) {
      return at.Fail(ErrorCode::kBadValue, where + " AES key length " +
                                               std::to_string(key_length->basic_value) +
                                               " is not 128, 192 or 256 (RFC 3602)");
    }
  }
  return Status::Ok();
}

std::string SpiSizeRule(ProtocolId protocol, size_t size) {
  switch (protocol) {
    case ProtocolId::kIsakmp:
      return size == 0 || size == 16 ? "" : "an ISAKMP SPI must be 0 or 16 octets";
    case ProtocolId::kAh:
    case ProtocolId::kEsp:
      return size == 4 ? "" : "an AH/ESP SPI must be 4 octets";
    case ProtocolId::kIpcomp:
      return size == 2 || size == 4 ? "" : "an IPComp CPI must be 2 (or 4) octets";
    default:
      return "protocol " + std::to_string(static_cast<unsigned>(protocol)) + " is unknown";
  }
}

Status CheckSa(const SaPayload& sa, ExchangeType exchange, const Location& at) {
  if (sa.doi != Doi::kIpsec) {
    return at.Fail(ErrorCode::kUnsupported,
                   "DOI " + std::to_string(static_cast<uint32_t>(sa.doi)) +
                       " has no known situation format (only the IPsec DOI, RFC 2407)");
  }
  if (sa.situation & ~(kSituationIdentityOnly | kSituationSecrecy | kSituationIntegrity)) {
    return at.Fail(ErrorCode::kBadValue, "situation has undefined bits set");
  }
  if (sa.proposals.empty()) return at.Fail(ErrorCode::kBadValue, "SA payload has no proposal");
  bool phase1 = IsPhase1Exchange(exchange);
  for (size_t p = 0; p < sa.proposals.size(); ++p) {
    const Proposal& proposal = sa.proposals[p];
    std::string where = "proposal " + std::to_string(proposal.number);
    // RFC 2408 §4.2: proposal numbers increase; equal numbers AND protocols into one proposal.
    if (p > 0 && proposal.number < sa.proposals[p - 1].number) {
      return at.Fail(ErrorCode::kBadValue,
                     where + " follows proposal " + std::to_string(sa.proposals[p - 1].number) +
                         ": proposal numbers must not decrease (RFC 2408 §4.2)");
    }
    if (proposal.transforms.empty()) {
      return at.Fail(ErrorCode::kBadValue, where + " has no transform");
    }
    if (phase1 && proposal.protocol != ProtocolId::kIsakmp) {
      return at.Fail(ErrorCode::kBadValue, where + " protocol " +
                                               ProtocolIdName(proposal.protocol) +
                                               " in a phase-1 exchange (PROTO_ISAKMP required)");
    }
    if (std::string rule = SpiSizeRule(proposal.protocol, proposal.spi.size()); !rule.empty()) {
      return at.Fail(ErrorCode::kBadValue, where + ": " + rule);
    }
    std::set<uint8_t> numbers;
    for (const Transform& t : proposal.transforms) {
      std::string twhere = where + " transform " + std::to_string(t.number);
      if (!numbers.insert(t.number).second) {
        return at.Fail(ErrorCode::kBadValue,
                       twhere + ": transform numbers must be unique in a proposal (RFC 2408 §3.6)");
      }
      if (proposal.protocol == ProtocolId::kIsakmp) {
        IKEWOT_RETURN_IF_ERROR(CheckPhase1Transform(t, twhere, at));
      } else {
        IKEWOT_RETURN_IF_ERROR(CheckAttributeList(t.attributes, false, twhere, at));
      }
    }
  }
  return Status::Ok();
}

// RFC 2407 §4.6.2.1 address lengths of the address ID types.
size_t AddressIdLength(IdType type) {
  switch (type) {
    case IdType::kIpv4Address:
      return 4;
    case IdType::kIpv4Subnet:
    case IdType::kIpv4Range:
      return 8;
    case IdType::kIpv6Address:
      return 16;
    case IdType::kIpv6Subnet:
    case IdType::kIpv6Range:
      return 32;
    default:
      return 0;
  }
}

Status CheckPayload(const Payload& payload, const Message& message, const Location& at) {
  ExchangeType exchange = message.header.exchange_type;
  if (const auto* sa = payload.As<SaPayload>()) return CheckSa(*sa, exchange, at);
  if (const auto* ke = payload.As<KeyExchangePayload>()) {
    if (ke->data.empty()) return at.Fail(ErrorCode::kBadLength, "key exchange data is empty");
  }
  if (const auto* id = payload.As<IdentificationPayload>()) {
    size_t want = AddressIdLength(id->id_type);
    if (want != 0 && id->data.size() != want) {
      return at.Fail(ErrorCode::kBadLength, IdTypeName(id->id_type) + " data must be " +
                                                std::to_string(want) + " octets, got " +
                                                std::to_string(id->data.size()));
    }
    if (want == 0 && id->data.empty()) {
      return at.Fail(ErrorCode::kBadLength, "identification data is empty");
    }
    if (id->id_type == IdType::kReserved) {
      return at.Fail(ErrorCode::kBadValue, "ID type 0 is reserved");
    }
  }
  if (const auto* cert = payload.As<CertificatePayload>()) {
    if (cert->data.empty()) return at.Fail(ErrorCode::kBadLength, "certificate data is empty");
  }
  if (const auto* hash = payload.As<HashPayload>()) {
    if (hash->data.empty()) return at.Fail(ErrorCode::kBadLength, "hash data is empty");
  }
  if (const auto* sig = payload.As<SignaturePayload>()) {
    if (sig->data.empty()) return at.Fail(ErrorCode::kBadLength, "signature data is empty");
  }
  if (const auto* nonce = payload.As<NoncePayload>()) {
    // RFC 2409 §5: "the length of nonce payload MUST be between 8 and 256 bytes inclusive".
    if (nonce->data.size() < 8 || nonce->data.size() > 256) {
      return at.Fail(ErrorCode::kBadLength, "nonce of " + std::to_string(nonce->data.size()) +
                                                " octets, RFC 2409 §5 requires 8..256");
    }
  }
  if (const auto* n = payload.As<NotificationPayload>()) {
    if (n->doi != Doi::kIpsec && n->doi != Doi::kIsakmp) {
      return at.Fail(ErrorCode::kUnsupported,
                     "notification DOI " + std::to_string(static_cast<uint32_t>(n->doi)));
    }
    if (!n->spi.empty()) {
      if (std::string rule = SpiSizeRule(n->protocol, n->spi.size()); !rule.empty()) {
        return at.Fail(ErrorCode::kBadValue, "notification SPI: " + rule);
      }
    }
    if (n->type == NotifyType{0}) {
      return at.Fail(ErrorCode::kBadValue, "notify message type 0 is reserved");
    }
  }
  if (const auto* d = payload.As<DeletePayload>()) {
    if (d->spis.empty()) return at.Fail(ErrorCode::kBadValue, "delete payload lists no SPI");
    std::string rule = SpiSizeRule(d->protocol, d->spi_size);
    if (d->protocol == ProtocolId::kIsakmp && d->spi_size != 16) {
      rule = "an ISAKMP SA is deleted by its 16-octet cookie pair (RFC 2408 §3.15)";
    }
    if (!rule.empty()) return at.Fail(ErrorCode::kBadValue, "delete: " + rule);
  }
  if (const auto* nat_d = payload.As<NatDiscoveryPayload>()) {
    if (nat_d->hash.empty()) return at.Fail(ErrorCode::kBadLength, "NAT-D hash is empty");
  }
  if (const auto* oa = payload.As<NatOriginalAddressPayload>()) {
    size_t want = oa->id_type == IdType::kIpv4Address   ? 4
                  : oa->id_type == IdType::kIpv6Address ? 16
                                                        : 0;
    if (want == 0) {
      return at.Fail(ErrorCode::kBadValue,
                     "NAT-OA ID type must be ID_IPV4_ADDR or ID_IPV6_ADDR (RFC 3947 §5.1)");
    }
    if (oa->address.size() != want) {
      return at.Fail(ErrorCode::kBadLength, "NAT-OA address must be " + std::to_string(want) +
                                                " octets, got " +
                                                std::to_string(oa->address.size()));
    }
  }
  if (const auto* frag = payload.As<FragmentPayload>()) {
    if (frag->number == 0) return at.Fail(ErrorCode::kBadValue, "fragment number 0 (1-based)");
    if (message.payloads.size() != 1) {
      return at.Fail(ErrorCode::kBadValue, "a fragment must be the only payload of its message");
    }
  }
  return Status::Ok();
}

Status CheckHeader(const Message& message) {
  const Header& h = message.header;
  if (std::all_of(h.initiator_cookie.begin(), h.initiator_cookie.end(),
                  [](uint8_t b) { return b == 0; })) {
    return MakeError(ErrorCode::kBadValue, "initiator cookie is zero (RFC 2408 §2.5.3)", 0);
  }
  if (h.minor_version != kMinorVersion) {
    return MakeError(
        ErrorCode::kUnsupported,
        "minor version " + std::to_string(h.minor_version) + " (RFC 2408 §3.1 defines 0)", 17);
  }
  if (!IsKnownExchange(h.exchange_type)) {
    return MakeError(ErrorCode::kUnsupported,
                     "exchange type " + ExchangeTypeName(h.exchange_type) + " is not known", 18);
  }
  if (h.flags & ~kKnownFlags) {
    return MakeError(ErrorCode::kBadValue, "undefined header flags " + FlagsName(h.flags), 19);
  }
  if (IsPhase1Exchange(h.exchange_type) && h.message_id != 0) {
    return MakeError(ErrorCode::kBadValue, "phase-1 message with non-zero message ID", 20);
  }
  if (h.exchange_type == ExchangeType::kQuickMode) {
    if (h.message_id == 0) {
      return MakeError(ErrorCode::kBadValue, "Quick Mode with message ID 0 (RFC 2409 §5.5)", 20);
    }
    if (!h.encrypted()) {
      return MakeError(ErrorCode::kBadValue,
                       "Quick Mode payloads must be encrypted (RFC 2409 §5.5)", 19);
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateMessage(const Message& message) {
  IKEWOT_RETURN_IF_ERROR(CheckHeader(message));
  ExchangeType exchange = message.header.exchange_type;
  size_t offset = kHeaderSize;
  for (size_t i = 0; i < message.payloads.size(); ++i) {
    const Payload& payload = message.payloads[i];
    Location at{i, payload.type, offset};
    if (IsPhase1Exchange(exchange) && payload.type == PayloadType::kSecurityAssociation && i != 0) {
      return at.Fail(ErrorCode::kBadValue,
                     "the SA payload must precede all others in phase 1 (RFC 2409 §5)");
    }
    IKEWOT_RETURN_IF_ERROR(CheckPayload(payload, message, at));
    // The next payload's offset is this one's encoded size further on.
    Bytes scratch;
    Writer w(&scratch);
    IKEWOT_RETURN_IF_ERROR(SerializePayload(payload, PayloadType::kNone, &w));
    offset += scratch.size();
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev1
