#include "core/ikev2/config_payload.h"

#include <string>

#include "core/ikev2/internal/wire.h"

namespace ikewot::ikev2 {
namespace {

using internal::Num;

// §3.15.1 value sizes: most attributes are empty (a request) or one fixed size.
Status CheckAttributeValue(const ConfigAttribute& attribute, size_t offset) {
  size_t size = attribute.value.size();
  size_t fixed = 0;
  switch (static_cast<CfgAttributeType>(attribute.type)) {
    case CfgAttributeType::kInternalIp4Address:
    case CfgAttributeType::kInternalIp4Netmask:
    case CfgAttributeType::kInternalIp4Dns:
    case CfgAttributeType::kInternalIp4Nbns:
    case CfgAttributeType::kInternalIp4Dhcp:
      fixed = 4;
      break;
    case CfgAttributeType::kInternalIp6Dns:
    case CfgAttributeType::kInternalIp6Dhcp:
      fixed = 16;
      break;
    case CfgAttributeType::kInternalIp4Subnet:
      fixed = 8;  // address and netmask
      break;
    case CfgAttributeType::kInternalIp6Address:
    case CfgAttributeType::kInternalIp6Subnet:
      fixed = 17;  // address and prefix length
      break;
    case CfgAttributeType::kSupportedAttributes:
      if (size % 2 == 0) return Status::Ok();
      return MakeError(ErrorCode::kBadLength,
                       "SUPPORTED_ATTRIBUTES must be a multiple of 2 octets, got " + Num(size),
                       offset);
    default:
      return Status::Ok();
  }
  if (size == 0 || size == fixed) return Status::Ok();
  return MakeError(ErrorCode::kBadLength,
                   std::string(CfgAttributeTypeName(attribute.type)) + " must be 0 or " +
                       Num(fixed) + " octets, got " + Num(size),
                   offset);
}

Status ParseAttribute(Reader& r, ConfigAttribute* out) {
  size_t start = r.offset();
  uint16_t type = 0, length = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "configuration attribute type", &type));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU16(r, "configuration attribute length", &length));
  out->reserved_bit = (type & 0x8000) != 0;
  out->type = type & 0x7fff;
  IKEWOT_RETURN_IF_ERROR(
      internal::CopyBytes(r, length, "configuration attribute value", &out->value));
  return CheckAttributeValue(*out, start + 4);
}

}  // namespace

Result<ConfigurationPayload> ParseConfigurationPayload(Reader& body) {
  ConfigurationPayload cp;
  uint8_t type = 0;
  IKEWOT_RETURN_IF_ERROR(internal::ReadU8(body, "CFG type", &type));
  IKEWOT_RETURN_IF_ERROR(internal::ReadU24(body, "CP reserved field", &cp.reserved));
  cp.type = static_cast<CfgType>(type);
  while (!body.empty()) {
    ConfigAttribute attribute;
    IKEWOT_RETURN_IF_ERROR(ParseAttribute(body, &attribute));
    cp.attributes.push_back(std::move(attribute));
  }
  return cp;
}

Status WriteConfigurationPayload(const ConfigurationPayload& cp, Writer& w) {
  IKEWOT_RETURN_IF_ERROR(internal::CheckFits(cp.reserved, 24, "CP reserved field"));
  w.U8(static_cast<uint8_t>(cp.type));
  w.U24(cp.reserved);
  for (const ConfigAttribute& attribute : cp.attributes) {
    IKEWOT_RETURN_IF_ERROR(internal::CheckFits(attribute.type, 15, "configuration attribute type"));
    size_t start = w.size();
    IKEWOT_RETURN_IF_ERROR(CheckAttributeValue(attribute, start + 4));
    w.U16(static_cast<uint16_t>((attribute.reserved_bit ? 0x8000 : 0) | attribute.type));
    auto length = w.Reserve16(start + 4);  // counts the value only
    w.Append(attribute.value);
    IKEWOT_RETURN_IF_ERROR(w.Close(length));
  }
  return Status::Ok();
}

}  // namespace ikewot::ikev2
