#include "core/ikev2/payload.h"

namespace ikewot::ikev2 {

bool BodyMatchesType(PayloadType type, const PayloadBody& body) {
  switch (type) {
    case PayloadType::kSecurityAssociation:
      return std::holds_alternative<SaPayload>(body);
    case PayloadType::kKeyExchange:
      return std::holds_alternative<KePayload>(body);
    case PayloadType::kIdInitiator:
    case PayloadType::kIdResponder:
      return std::holds_alternative<IdPayload>(body);
    case PayloadType::kCertificate:
      return std::holds_alternative<CertPayload>(body);
    case PayloadType::kCertificateRequest:
      return std::holds_alternative<CertReqPayload>(body);
    case PayloadType::kAuthentication:
      return std::holds_alternative<AuthPayload>(body);
    case PayloadType::kNonce:
      return std::holds_alternative<NoncePayload>(body);
    case PayloadType::kNotify:
      return std::holds_alternative<NotifyPayload>(body);
    case PayloadType::kDelete:
      return std::holds_alternative<DeletePayload>(body);
    case PayloadType::kVendorId:
      return std::holds_alternative<VendorIdPayload>(body);
    case PayloadType::kTsInitiator:
    case PayloadType::kTsResponder:
      return std::holds_alternative<TsPayload>(body);
    case PayloadType::kEncrypted:
      return std::holds_alternative<EncryptedPayload>(body);
    case PayloadType::kConfiguration:
      return std::holds_alternative<ConfigurationPayload>(body);
    case PayloadType::kEap:
      return std::holds_alternative<EapPayload>(body);
    case PayloadType::kEncryptedFragment:
      return std::holds_alternative<EncryptedFragmentPayload>(body);
    default:
      return std::holds_alternative<UnknownPayload>(body);
  }
}

const Payload* FindPayload(const std::vector<Payload>& payloads, PayloadType type) {
  for (const Payload& payload : payloads) {
    if (payload.type == type) return &payload;
  }
  return nullptr;
}

const NotifyPayload* FindNotify(const std::vector<Payload>& payloads, NotifyType type) {
  for (const Payload& payload : payloads) {
    const NotifyPayload* notify = payload.As<NotifyPayload>();
    if (notify != nullptr && notify->type == type) return notify;
  }
  return nullptr;
}

}  // namespace ikewot::ikev2
