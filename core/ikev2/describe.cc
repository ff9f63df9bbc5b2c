#include "core/ikev2/describe.h"

#include <cstdio>
#include <string>

#include "core/ikev2/internal/address_text.h"

namespace ikewot::ikev2 {
namespace {

using internal::AddressText;

std::string Hex64(uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof(text), "%016llx", static_cast<unsigned long long>(value));
  return text;
}

// Sets "<key>": value and "<key>_name": name.
void SetNamed(Json& object, const std::string& key, int value, std::string_view name) {
  object.Set(key, value);
  object.Set(key + "_name", name);
}

bool IsPrintable(const Bytes& data) {
  if (data.empty()) return false;
  for (uint8_t c : data) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

std::string Text(const Bytes& data) { return std::string(data.begin(), data.end()); }

Json DescribeTransform(const Transform& transform) {
  Json out = Json::MakeObject();
  uint8_t type = static_cast<uint8_t>(transform.type);
  SetNamed(out, "transform_type", type, TransformTypeName(type));
  SetNamed(out, "transform_id", transform.id, TransformIdName(type, transform.id));
  out.Set("reserved_after_last_substruc", transform.reserved_after_last_substruc);
  out.Set("reserved_after_type", transform.reserved_after_type);
  Json attributes = Json::MakeArray();
  for (const TransformAttribute& attribute : transform.attributes) {
    Json a = Json::MakeObject();
    SetNamed(a, "attribute_type", attribute.type, TransformAttributeTypeName(attribute.type));
    if (const uint16_t* tv = std::get_if<uint16_t>(&attribute.value)) {
      a.Set("format", "TV");
      a.Set("value", *tv);
    } else {
      a.Set("format", "TLV");
      a.Set("value", ToHex(std::get<Bytes>(attribute.value)));
    }
    attributes.Push(std::move(a));
  }
  out.Set("attributes", std::move(attributes));
  return out;
}

Json DescribeSa(const SaPayload& sa) {
  Json out = Json::MakeObject();
  Json proposals = Json::MakeArray();
  for (const Proposal& proposal : sa.proposals) {
    Json p = Json::MakeObject();
    p.Set("proposal_number", proposal.number);
    SetNamed(p, "protocol_id", static_cast<uint8_t>(proposal.protocol), Name(proposal.protocol));
    p.Set("spi", ToHex(proposal.spi));
    p.Set("reserved", proposal.reserved);
    Json transforms = Json::MakeArray();
    for (const Transform& transform : proposal.transforms) {
      transforms.Push(DescribeTransform(transform));
    }
    p.Set("transforms", std::move(transforms));
    proposals.Push(std::move(p));
  }
  out.Set("proposals", std::move(proposals));
  return out;
}

Json DescribeKe(const KePayload& ke) {
  Json out = Json::MakeObject();
  SetNamed(out, "dh_group", ke.dh_group, DhGroupName(ke.dh_group));
  out.Set("reserved", ke.reserved);
  out.Set("data_length", ke.data.size());
  out.Set("data", ToHex(ke.data));
  return out;
}

Json DescribeId(const IdPayload& id) {
  Json out = Json::MakeObject();
  SetNamed(out, "id_type", static_cast<uint8_t>(id.type), Name(id.type));
  out.Set("reserved", id.reserved);
  out.Set("data", ToHex(id.data));
  if (id.type == IdType::kIpv4Addr || id.type == IdType::kIpv6Addr) {
    out.Set("address", AddressText(id.data));
  } else if ((id.type == IdType::kFqdn || id.type == IdType::kRfc822Addr ||
              id.type == IdType::kKeyId) &&
             IsPrintable(id.data)) {
    out.Set("text", Text(id.data));
  }
  return out;
}

Json DescribeCert(const CertPayload& cert) {
  Json out = Json::MakeObject();
  SetNamed(out, "cert_encoding", static_cast<uint8_t>(cert.encoding), Name(cert.encoding));
  out.Set("data_length", cert.data.size());
  out.Set("data", ToHex(cert.data));
  return out;
}

Json DescribeCertReq(const CertReqPayload& certreq) {
  Json out = Json::MakeObject();
  SetNamed(out, "cert_encoding", static_cast<uint8_t>(certreq.encoding), Name(certreq.encoding));
  if (certreq.encoding == CertEncoding::kX509Signature) {
    Json hashes = Json::MakeArray();
    for (ByteView hash : certreq.AuthorityHashes()) hashes.Push(ToHex(hash));
    out.Set("authority_key_hashes", std::move(hashes));
  } else {
    out.Set("authorities", ToHex(certreq.authorities));
  }
  return out;
}

Json DescribeAuth(const AuthPayload& auth) {
  Json out = Json::MakeObject();
  SetNamed(out, "auth_method", static_cast<uint8_t>(auth.method), Name(auth.method));
  out.Set("reserved", auth.reserved);
  out.Set("data_length", auth.data.size());
  out.Set("data", ToHex(auth.data));
  if (auth.method == AuthMethod::kDigitalSignature) {
    Result<DigitalSignatureData> parts = ParseDigitalSignatureData(auth.data);
    if (parts.ok()) {
      out.Set("algorithm_identifier", ToHex(parts->algorithm_identifier));
      out.Set("signature", ToHex(parts->signature));
    }
  }
  return out;
}

Json DescribeNotify(const NotifyPayload& notify) {
  Json out = Json::MakeObject();
  SetNamed(out, "protocol_id", static_cast<uint8_t>(notify.protocol), Name(notify.protocol));
  out.Set("spi", ToHex(notify.spi));
  SetNamed(out, "notify_type", static_cast<uint16_t>(notify.type), Name(notify.type));
  out.Set("error", notify.IsError());
  out.Set("data", ToHex(notify.data));
  const Bytes& data = notify.data;
  switch (notify.type) {
    case NotifyType::kInvalidKePayload:
      if (data.size() == 2) {
        uint16_t group = static_cast<uint16_t>(data[0] << 8 | data[1]);
        SetNamed(out, "accepted_dh_group", group, DhGroupName(group));
      }
      break;
    case NotifyType::kUnsupportedCriticalPayload:
      if (data.size() == 1) SetNamed(out, "payload_type", data[0], PayloadTypeName(data[0]));
      break;
    case NotifyType::kSignatureHashAlgorithms: {
      Json algorithms = Json::MakeArray();
      for (size_t i = 0; i + 1 < data.size(); i += 2) {
        algorithms.Push(HashAlgorithmName(static_cast<uint16_t>(data[i] << 8 | data[i + 1])));
      }
      out.Set("hash_algorithms", std::move(algorithms));
      break;
    }
    case NotifyType::kAdditionalIp4Address:
    case NotifyType::kAdditionalIp6Address:
      out.Set("address", AddressText(data));
      break;
    default:
      break;
  }
  return out;
}

Json DescribeDelete(const DeletePayload& del) {
  Json out = Json::MakeObject();
  SetNamed(out, "protocol_id", static_cast<uint8_t>(del.protocol), Name(del.protocol));
  out.Set("spi_size", del.spi_size);
  Json spis = Json::MakeArray();
  for (const Bytes& spi : del.spis) spis.Push(ToHex(spi));
  out.Set("spis", std::move(spis));
  return out;
}

Json DescribeVendorId(const VendorIdPayload& vid) {
  Json out = Json::MakeObject();
  out.Set("data", ToHex(vid.data));
  if (IsPrintable(vid.data)) out.Set("text", Text(vid.data));
  return out;
}

Json DescribeTs(const TsPayload& ts) {
  Json out = Json::MakeObject();
  out.Set("reserved", ts.reserved);
  Json selectors = Json::MakeArray();
  for (const TrafficSelector& selector : ts.selectors) {
    Json s = Json::MakeObject();
    SetNamed(s, "ts_type", static_cast<uint8_t>(selector.type), Name(selector.type));
    s.Set("ip_protocol", selector.ip_protocol);
    if (selector.IsAddressRange()) {
      s.Set("start_port", selector.start_port);
      s.Set("end_port", selector.end_port);
      s.Set("start_address", AddressText(selector.start_address));
      s.Set("end_address", AddressText(selector.end_address));
    } else {
      s.Set("opaque_data", ToHex(selector.opaque_data));
    }
    selectors.Push(std::move(s));
  }
  out.Set("selectors", std::move(selectors));
  return out;
}

Json DescribeEncrypted(const EncryptedPayload& sk) {
  Json out = Json::MakeObject();
  uint8_t inner = static_cast<uint8_t>(sk.first_inner_payload);
  SetNamed(out, "first_inner_payload", inner, PayloadTypeName(inner));
  out.Set("data_offset", sk.data_offset);
  out.Set("data_length", sk.data.size());
  out.Set("data", ToHex(sk.data));
  return out;
}

Json DescribeEncryptedFragment(const EncryptedFragmentPayload& skf) {
  Json out = Json::MakeObject();
  uint8_t inner = static_cast<uint8_t>(skf.first_inner_payload);
  SetNamed(out, "first_inner_payload", inner, PayloadTypeName(inner));
  out.Set("fragment_number", skf.fragment_number);
  out.Set("total_fragments", skf.total_fragments);
  out.Set("data_offset", skf.data_offset);
  out.Set("data_length", skf.data.size());
  out.Set("data", ToHex(skf.data));
  return out;
}

Json DescribeConfiguration(const ConfigurationPayload& cp) {
  Json out = Json::MakeObject();
  SetNamed(out, "cfg_type", static_cast<uint8_t>(cp.type), Name(cp.type));
  out.Set("reserved", cp.reserved);
  Json attributes = Json::MakeArray();
  for (const ConfigAttribute& attribute : cp.attributes) {
    Json a = Json::MakeObject();
    SetNamed(a, "attribute_type", attribute.type, CfgAttributeTypeName(attribute.type));
    a.Set("reserved_bit", attribute.reserved_bit);
    a.Set("value", ToHex(attribute.value));
    if (attribute.value.size() == 4 || attribute.value.size() == 16) {
      a.Set("address", AddressText(attribute.value));
    }
    attributes.Push(std::move(a));
  }
  out.Set("attributes", std::move(attributes));
  return out;
}

Json DescribeEap(const EapPayload& eap) {
  Json out = Json::MakeObject();
  uint8_t code = static_cast<uint8_t>(eap.code);
  SetNamed(out, "eap_code", code, EapCodeName(code));
  out.Set("identifier", eap.identifier);
  if (!eap.data.empty()) out.Set("eap_type", eap.data[0]);
  out.Set("data", ToHex(eap.data));
  return out;
}

struct BodyDescriber {
  Json operator()(const UnknownPayload& p) {
    Json out = Json::MakeObject();
    out.Set("body", ToHex(p.body));
    return out;
  }
  Json operator()(const SaPayload& p) { return DescribeSa(p); }
  Json operator()(const KePayload& p) { return DescribeKe(p); }
  Json operator()(const IdPayload& p) { return DescribeId(p); }
  Json operator()(const CertPayload& p) { return DescribeCert(p); }
  Json operator()(const CertReqPayload& p) { return DescribeCertReq(p); }
  Json operator()(const AuthPayload& p) { return DescribeAuth(p); }
  Json operator()(const NoncePayload& p) {
    Json out = Json::MakeObject();
    out.Set("data_length", p.data.size());
    out.Set("data", ToHex(p.data));
    return out;
  }
  Json operator()(const NotifyPayload& p) { return DescribeNotify(p); }
  Json operator()(const DeletePayload& p) { return DescribeDelete(p); }
  Json operator()(const VendorIdPayload& p) { return DescribeVendorId(p); }
  Json operator()(const TsPayload& p) { return DescribeTs(p); }
  Json operator()(const EncryptedPayload& p) { return DescribeEncrypted(p); }
  Json operator()(const ConfigurationPayload& p) { return DescribeConfiguration(p); }
  Json operator()(const EapPayload& p) { return DescribeEap(p); }
  Json operator()(const EncryptedFragmentPayload& p) { return DescribeEncryptedFragment(p); }
};

}  // namespace

Json DescribeHeader(const Header& header) {
  Json out = Json::MakeObject();
  out.Set("spi_i", Hex64(header.spi_i));
  out.Set("spi_r", Hex64(header.spi_r));
  uint8_t next = static_cast<uint8_t>(header.next_payload);
  SetNamed(out, "next_payload", next, PayloadTypeName(next));
  out.Set("major_version", header.major_version);
  out.Set("minor_version", header.minor_version);
  uint8_t exchange = static_cast<uint8_t>(header.exchange_type);
  SetNamed(out, "exchange_type", exchange, ExchangeTypeName(exchange));
  out.Set("flags", header.FlagsByte());
  out.Set("flag_response", header.response);
  out.Set("flag_version", header.version);
  out.Set("flag_initiator", header.initiator);
  out.Set("reserved_flags", header.reserved_flags);
  out.Set("message_id", header.message_id);
  out.Set("length", header.length);
  return out;
}

Json DescribePayload(const Payload& payload) {
  Json out = Json::MakeObject();
  uint8_t type = static_cast<uint8_t>(payload.type);
  SetNamed(out, "payload_type", type, PayloadTypeName(type));
  out.Set("payload_type_long_name", PayloadTypeLongName(type));
  out.Set("critical", payload.critical);
  out.Set("reserved", payload.reserved);
  out.Set("offset", payload.wire_offset);
  out.Set("body", std::visit(BodyDescriber{}, payload.body));
  return out;
}

Json DescribePayloads(const std::vector<Payload>& payloads) {
  Json out = Json::MakeArray();
  for (const Payload& payload : payloads) out.Push(DescribePayload(payload));
  return out;
}

Json DescribeMessage(const Message& message) {
  Json out = Json::MakeObject();
  out.Set("header", DescribeHeader(message.header));
  out.Set("payloads", DescribePayloads(message.payloads));
  return out;
}

}  // namespace ikewot::ikev2
