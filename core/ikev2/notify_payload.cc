#include "core/ikev2/notify_payload.h"

#include <limits>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

constexpr size_t kUnbounded = std::numeric_limits<uint16_t>::max();

NotifyDataSizeRule Exactly(size_t size) { return {size, size, 1, 0}; }
NotifyDataSizeRule Between(size_t min, size_t max) { return {min, max, 1, 0}; }
NotifyDataSizeRule MultipleOf(size_t multiple) { return {0, kUnbounded, multiple, 0}; }
NotifyDataSizeRule AtLeast(size_t min) { return {min, kUnbounded, 1, 0}; }

// §3.10: the SPI names an SA of the stated protocol; without an SPI the protocol is ignored.
Status CheckNotifySpi(const NotifyPayload& notify, size_t body_offset) {
  size_t size = notify.spi.size();
  if (size == 0) return Status::Ok();
  bool ok = false;
  switch (notify.protocol) {
    case ProtocolId::kIke:
      ok = size == 8;
      break;
    case ProtocolId::kAh:
    case ProtocolId::kEsp:
      ok = size == 4;
      break;
    default:
      break;
  }
  if (!ok) {
    return MakeError(ErrorCode::kBadValue,
                     "notify SPI size " + Num(size) + " is invalid for protocol " +
                         std::string(Name(notify.protocol)) + " (IKE takes 8 octets, AH and ESP 4)",
                     body_offset + 1);
  }
  return Status::Ok();
}

Status CheckNotify(const NotifyPayload& notify, size_t body_offset) {
  IKEWOT_RETURN_IF_ERROR(CheckNotifySpi(notify, body_offset));
  std::optional<NotifyDataSizeRule> rule = NotifyDataSize(notify.type);
  if (rule && !rule->Allows(notify.data.size())) {
    size_t data_offset = body_offset + 4 + notify.spi.size();
    return MakeError(ErrorCode::kBadLength,
                     std::string(Name(notify.type)) + " notify data must be " + rule->Describe() +
                         ", got " + Num(notify.data.size()),
                     data_offset);
  }
  return Status::Ok();
}

}  // namespace

bool NotifyDataSizeRule::Allows(size_t size) const {
  if (also_exactly != 0 && size == also_exactly) return true;
  return size >= min && size <= max && size % multiple == 0;
}

std::string NotifyDataSizeRule::Describe() const {
  std::string text;
  if (multiple != 1) {
    text = "a multiple of " + Num(multiple) + " octets";
  } else if (min == max) {
    text = Num(min) + " octets";
  } else if (max == kUnbounded) {
    text = "at least " + Num(min) + " octets";
  } else {
    text = Num(min) + ".." + Num(max) + " octets";
  }
  if (also_exactly != 0) text += " or " + Num(also_exactly) + " octets";
  return text;
}

std::optional<NotifyDataSizeRule> NotifyDataSize(NotifyType type) {
  switch (type) {
    // One octet: the payload type / the highest supported major version.
    case NotifyType::kUnsupportedCriticalPayload:
      return Exactly(1);
    case NotifyType::kInvalidMessageId:  // the 4-octet message ID
    case NotifyType::kSetWindowSize:     // the 4-octet window size
    case NotifyType::kAuthLifetime:      // RFC 4478: 4-octet lifetime
    case NotifyType::kAdditionalIp4Address:
      return Exactly(4);
    case NotifyType::kInvalidKePayload:  // the 2-octet accepted group
      return Exactly(2);
    case NotifyType::kNatDetectionSourceIp:
    case NotifyType::kNatDetectionDestinationIp:
      return Exactly(20);  // SHA-1 hash (§2.23)
    case NotifyType::kCookie:
      return Between(1, 64);  // §2.6
    case NotifyType::kCookie2:
      return Between(8, 64);  // RFC 4555 §4.3
    case NotifyType::kAdditionalIp6Address:
      return Exactly(16);
    case NotifyType::kIpcompSupported:
      return AtLeast(3);  // 2-octet CPI, 1-octet transform ID, optional attributes (§3.10.1)
    case NotifyType::kNoNatsAllowed:
      return NotifyDataSizeRule{12, 12, 1, 36};  // two IPv4 or IPv6 addresses and two ports
    case NotifyType::kRedirect:
    case NotifyType::kRedirectedFrom:
      return AtLeast(2);  // RFC 5685: GW Ident Type and GW Ident Len at least
    case NotifyType::kIkev2MessageIdSync:
      return Exactly(12);                       // RFC 6311: nonce and two message IDs
    case NotifyType::kSignatureHashAlgorithms:  // RFC 7427: 2-octet hash algorithm IDs
    case NotifyType::kSecurePasswordMethods:    // RFC 6467: 2-octet method IDs
      return MultipleOf(2);
    // Pure flags and errors without data.
    case NotifyType::kInvalidMajorVersion:
    case NotifyType::kInvalidSyntax:
    case NotifyType::kNoProposalChosen:
    case NotifyType::kAuthenticationFailed:
    case NotifyType::kSinglePairRequired:
    case NotifyType::kNoAdditionalSas:
    case NotifyType::kInternalAddressFailure:
    case NotifyType::kFailedCpRequired:
    case NotifyType::kTsUnacceptable:
    case NotifyType::kTemporaryFailure:
    case NotifyType::kChildSaNotFound:
    case NotifyType::kInitialContact:
    case NotifyType::kAdditionalTsPossible:
    case NotifyType::kUseTransportMode:
    case NotifyType::kHttpCertLookupSupported:
    case NotifyType::kRekeySa:
    case NotifyType::kEspTfcPaddingNotSupported:
    case NotifyType::kNonFirstFragmentsAlso:
    case NotifyType::kMobikeSupported:
    case NotifyType::kNoAdditionalAddresses:
    case NotifyType::kUpdateSaAddresses:
    case NotifyType::kMultipleAuthSupported:
    case NotifyType::kAnotherAuthFollows:
    case NotifyType::kRedirectSupported:
    case NotifyType::kEapOnlyAuthentication:
    case NotifyType::kChildlessIkev2Supported:
    case NotifyType::kIkev2MessageIdSyncSupported:
    case NotifyType::kIpsecReplayCounterSyncSupported:
    case NotifyType::kIkev2FragmentationSupported:
    case NotifyType::kCloneIkeSaSupported:
    case NotifyType::kUsePpk:
    case NotifyType::kIntermediateExchangeSupported:
    case NotifyType::kIp4Allowed:
    case NotifyType::kIp6Allowed:
      return Exactly(0);
    default:
      return std::nullopt;
  }
}

NotifyPayload MakeNotify(NotifyType type, Bytes data) {
  NotifyPayload notify;
  notify.type = type;
  notify.data = std::move(data);
  return notify;
}

Result<NotifyPayload> ParseNotifyPayload(Reader& body) {
  size_t start = body.offset();
  NotifyPayload notify;
  uint8_t protocol = 0, spi_size = 0;
  uint16_t type = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "notify protocol ID", &protocol));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "notify SPI size", &spi_size));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(body, "notify message type", &type));
  IKEWOT_RETURN_IF_ERROR(internal::CopyBytes(body, spi_size, "notify SPI", &notify.spi));
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(body, body.remaining(), "notification data", &notify.data));
  notify.protocol = static_cast<ProtocolId>(protocol);
  notify.type = static_cast<NotifyType>(type);
  IKEWOT_RETURN_IF_ERROR(CheckNotify(notify, start));
  return notify;
}

Status WriteNotifyPayload(const NotifyPayload& notify, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(CheckNotify(notify, w.size()));
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(notify.spi.size(), 8, "notify SPI size"));
  w.U8(static_cast<uint8_t>(notify.protocol));
  w.U8(static_cast<uint8_t>(notify.spi.size()));
  w.U16(static_cast<uint16_t>(notify.type));
  w.Append(notify.spi);
  w.Append(notify.data);
  return Status::Ok();
}

}  // namespace ikewot::ikev2
