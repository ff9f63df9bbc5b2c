#include "core/ikev2/validate.h"

#include <algorithm>
#include <set>
#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

constexpr size_t kSpiROffset = 8;
constexpr size_t kMessageIdOffset = 20;

Error Invalid(const Payload& payload, std::string message) {
  return MakeError(ErrorCode::kBadValue, std::move(message), payload.wire_offset);
}

bool HasTransformType(const Proposal& proposal, TransformType type) {
  return std::any_of(proposal.transforms.begin(), proposal.transforms.end(),
                     [type](const Transform& t) { return t.type == type; });
}

Status CheckDhGroupNumber(uint16_t group, const Payload& payload, std::string_view where) {
  if (group >= kFirstPrivateDhGroup) {
    return Invalid(payload, std::string(where) + " uses private-use D-H group " + Num(group));
  }
  return Status::Ok();
}

Status CheckProposal(const Header& header, const Proposal& proposal, const Payload& payload) {
  std::string label = "proposal " + Num(proposal.number);
  for (const Transform& transform : proposal.transforms) {
    if (IsKeyExchangeTransformType(static_cast<uint8_t>(transform.type))) {
      IKEWOT_RETURN_IF_ERROR(CheckDhGroupNumber(transform.id, payload, label));
    }
  }
  if (header.response) {
    std::set<TransformType> seen;
    for (const Transform& transform : proposal.transforms) {
      if (!seen.insert(transform.type).second) {
        return Invalid(payload, "accepted " + label + " holds two " +
                                    std::string(Name(transform.type)) + " transforms");
      }
    }
  }
  if (proposal.protocol != ProtocolId::kIke) return Status::Ok();
  if (!HasTransformType(proposal, TransformType::kEncryption) ||
      !HasTransformType(proposal, TransformType::kPrf)) {
    return Invalid(payload, "IKE " + label + " lacks an ENCR or PRF transform");
  }
  bool needs_key_exchange = header.exchange_type == ExchangeType::kIkeSaInit ||
                            header.exchange_type == ExchangeType::kCreateChildSa;
  bool has_key_exchange =
      std::any_of(proposal.transforms.begin(), proposal.transforms.end(), [](const Transform& t) {
        return t.type == TransformType::kKeyExchange &&
               t.id != static_cast<uint16_t>(DhGroup::kNone);
      });
  if (needs_key_exchange && !has_key_exchange) {
    return Invalid(payload, "IKE " + label + " in " + std::string(Name(header.exchange_type)) +
                                " has no D-H (key exchange) transform");
  }
  return Status::Ok();
}

Status CheckSa(const Header& header, const SaPayload& sa, const Payload& payload) {
  if (header.response && sa.proposals.size() != 1) {
    return Invalid(payload, "a response SA must hold exactly the accepted proposal, got " +
                                Num(sa.proposals.size()));
  }
  for (const Proposal& proposal : sa.proposals) {
    IKEWOT_RETURN_IF_ERROR(CheckProposal(header, proposal, payload));
  }
  return Status::Ok();
}

Status CheckSelector(const TrafficSelector& ts, size_t index, const Payload& payload) {
  if (!ts.IsAddressRange()) return Status::Ok();
  std::string label = "traffic selector " + Num(index + 1);
  size_t address_size = ts.type == TsType::kIpv4AddrRange ? 4 : 16;
  if (ts.start_address.size() != address_size || ts.end_address.size() != address_size) {
    return Invalid(payload, label + " of type " + std::string(Name(ts.type)) +
                                " has addresses of " + Num(ts.start_address.size()) + " and " +
                                Num(ts.end_address.size()) + " octets");
  }
  // Same-size big-endian addresses compare like their byte strings.
  if (ts.start_address > ts.end_address) {
    return Invalid(payload, label + " starts at a higher address than it ends");
  }
  bool opaque_ports = ts.start_port == kOpaqueStartPort && ts.end_port == kOpaqueEndPort;
  if (ts.start_port > ts.end_port && !opaque_ports) {
    return Invalid(payload, label + " has start port " + Num(ts.start_port) + " above end port " +
                                Num(ts.end_port));
  }
  return Status::Ok();
}

Status CheckPayload(const Header& header, const Payload& payload, bool inside_encryption) {
  if (const auto* sa = payload.As<SaPayload>()) {
    IKEWOT_RETURN_IF_ERROR(CheckSa(header, *sa, payload));
  } else if (const auto* ke = payload.As<KePayload>()) {
    IKEWOT_RETURN_IF_ERROR(CheckDhGroupNumber(ke->dh_group, payload, "KE payload"));
  } else if (const auto* notify = payload.As<NotifyPayload>()) {
    if (notify->type == NotifyType::kInvalidKePayload && notify->data.size() == 2) {
      uint16_t group = static_cast<uint16_t>(notify->data[0] << 8 | notify->data[1]);
      IKEWOT_RETURN_IF_ERROR(CheckDhGroupNumber(group, payload, "INVALID_KE_PAYLOAD"));
    }
  } else if (const auto* ts = payload.As<TsPayload>()) {
    for (size_t i = 0; i < ts->selectors.size(); ++i) {
      IKEWOT_RETURN_IF_ERROR(CheckSelector(ts->selectors[i], i, payload));
    }
  } else if (const auto* skf = payload.As<EncryptedFragmentPayload>()) {
    if (skf->fragment_number > 1 && skf->first_inner_payload != PayloadType::kNoNextPayload) {
      return Invalid(payload, "SKF fragment " + Num(skf->fragment_number) +
                                  " must have Next Payload 0, got " +
                                  Num(static_cast<uint8_t>(skf->first_inner_payload)));
    }
  }
  if (inside_encryption && (payload.As<EncryptedPayload>() != nullptr ||
                            payload.As<EncryptedFragmentPayload>() != nullptr)) {
    return Invalid(payload, std::string(Name(payload.type)) + " inside encrypted content");
  }
  return Status::Ok();
}

// §2.5: an unknown critical payload rejects the whole message, whatever else is wrong with it,
// so it is looked for first.
Status CheckCriticalPayloads(const std::vector<Payload>& payloads) {
  for (const Payload& payload : payloads) {
    if (payload.critical && payload.As<UnknownPayload>() != nullptr) {
      uint8_t type = static_cast<uint8_t>(payload.type);
      return MakeError(ErrorCode::kCriticalUnknown,
                       "unsupported critical payload type " + Num(type) + " (" +
                           std::string(PayloadTypeName(type)) + ")",
                       payload.wire_offset);
    }
  }
  return Status::Ok();
}

Status CheckPayloads(const Header& header, const std::vector<Payload>& payloads,
                     bool inside_encryption) {
  for (const Payload& payload : payloads) {
    IKEWOT_RETURN_IF_ERROR(CheckPayload(header, payload, inside_encryption));
  }
  return Status::Ok();
}

bool OnlyErrorNotifies(const std::vector<Payload>& payloads) {
  return !payloads.empty() && std::all_of(payloads.begin(), payloads.end(), [](const Payload& p) {
    const NotifyPayload* notify = p.As<NotifyPayload>();
    return notify != nullptr && notify->IsError();
  });
}

Status CheckHeader(const Message& message) {
  const Header& header = message.header;
  if (header.spi_i == 0) {
    return MakeError(ErrorCode::kBadValue, "initiator SPI is zero", 0);
  }
  bool has_encrypted = !message.payloads.empty() &&
                       (message.payloads.back().type == PayloadType::kEncrypted ||
                        message.payloads.back().type == PayloadType::kEncryptedFragment);
  switch (header.exchange_type) {
    case ExchangeType::kIkeSaInit:
      if (header.message_id != 0) {
        return MakeError(ErrorCode::kBadValue,
                         "IKE_SA_INIT message ID must be 0, got " + Num(header.message_id),
                         kMessageIdOffset);
      }
      if (!header.response && header.spi_r != 0) {
        return MakeError(ErrorCode::kBadValue, "IKE_SA_INIT request has a responder SPI",
                         kSpiROffset);
      }
      if (has_encrypted) {
        return Invalid(message.payloads.back(), "IKE_SA_INIT cannot carry encrypted payloads");
      }
      break;
    case ExchangeType::kInformational:
      // §2.21.4: INVALID_IKE_SPI and the like go out unprotected, as lone error notifies.
      if (!has_encrypted && OnlyErrorNotifies(message.payloads)) break;
      [[fallthrough]];
    case ExchangeType::kIkeAuth:
    case ExchangeType::kCreateChildSa:
    case ExchangeType::kIkeIntermediate:
    case ExchangeType::kIkeFollowupKe:
      if (!has_encrypted) {
        return MakeError(
            ErrorCode::kBadValue,
            std::string(Name(header.exchange_type)) + " message must end with an SK or SKF payload",
            kHeaderSize);
      }
      break;
    default:
      break;
  }
  return Status::Ok();
}

}  // namespace

Status ValidateMessage(const Message& message) {
  IKEWOT_RETURN_IF_ERROR(CheckCriticalPayloads(message.payloads));
  IKEWOT_RETURN_IF_ERROR(CheckHeader(message));
  return CheckPayloads(message.header, message.payloads, /*inside_encryption=*/false);
}

Status ValidateDecryptedPayloads(const Header& header, const std::vector<Payload>& payloads) {
  IKEWOT_RETURN_IF_ERROR(CheckCriticalPayloads(payloads));
  return CheckPayloads(header, payloads, /*inside_encryption=*/true);
}

std::optional<uint8_t> FindUnsupportedCriticalPayload(const std::vector<Payload>& payloads) {
  for (const Payload& payload : payloads) {
    if (payload.critical && payload.As<UnknownPayload>() != nullptr) {
      return static_cast<uint8_t>(payload.type);
    }
  }
  return std::nullopt;
}

}  // namespace ikewot::ikev2
