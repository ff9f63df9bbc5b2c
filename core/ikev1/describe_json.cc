// DescribeMessage: every header field and payload of an IKEv1 message as JSON, in the same shape
// as the IKEv2 description (core/ikev2/describe.h): a registry value appears as its number under
// the field's key and its name under "<key>_name"; octet strings are lower-case hex.
#include <string>

#include "core/ikev1/describe_values.h"
#include "core/ikev1/message.h"

namespace ikewot::ikev1 {
namespace {

// Sets "<key>": value and "<key>_name": name.
void SetNamed(Json& object, const std::string& key, uint64_t value, std::string name) {
  object.Set(key, value);
  object.Set(key + "_name", std::move(name));
}

Json DescribeAttribute(ProtocolId protocol, const Attribute& a) {
  Json out = Json::MakeObject();
  SetNamed(out, "attribute_type", a.type, AttributeTypeName(protocol, a.type));
  if (a.basic) {
    out.Set("format", "TV");
    out.Set("value", a.basic_value);
  } else {
    out.Set("format", "TLV");
    out.Set("value", ToHex(a.variable_value));
  }
  if (auto integer = a.IntegerValue()) {
    if (!a.basic) out.Set("value_integer", *integer);
    std::string name = AttributeValueName(protocol, a.type, *integer);
    if (!name.empty()) out.Set("value_name", name);
  }
  return out;
}

Json DescribeSa(const SaPayload& sa) {
  Json out = Json::MakeObject();
  SetNamed(out, "doi", static_cast<uint32_t>(sa.doi), DoiName(sa.doi));
  if (sa.doi != Doi::kIpsec) {
    out.Set("other_doi_body", ToHex(sa.other_doi_body));
    return out;
  }
  SetNamed(out, "situation", sa.situation, SituationText(sa.situation));
  Json proposals = Json::MakeArray();
  for (const Proposal& p : sa.proposals) {
    Json proposal = Json::MakeObject();
    proposal.Set("proposal_number", p.number);
    SetNamed(proposal, "protocol_id", static_cast<uint8_t>(p.protocol), ProtocolIdName(p.protocol));
    proposal.Set("spi", ToHex(p.spi));
    Json transforms = Json::MakeArray();
    for (const Transform& t : p.transforms) {
      Json transform = Json::MakeObject();
      transform.Set("transform_number", t.number);
      SetNamed(transform, "transform_id", t.transform_id,
               TransformIdName(p.protocol, t.transform_id));
      Json attributes = Json::MakeArray();
      for (const Attribute& a : t.attributes) attributes.Push(DescribeAttribute(p.protocol, a));
      transform.Set("attributes", std::move(attributes));
      transforms.Push(std::move(transform));
    }
    proposal.Set("transforms", std::move(transforms));
    proposals.Push(std::move(proposal));
  }
  out.Set("proposals", std::move(proposals));
  return out;
}

Json Data(ByteView data) {
  Json out = Json::MakeObject();
  out.Set("data_length", static_cast<uint64_t>(data.size()));
  out.Set("data", ToHex(data));
  return out;
}

Json DescribeBody(const Payload& payload) {
  struct Visitor {
    Json operator()(const SaPayload& sa) { return DescribeSa(sa); }
    Json operator()(const KeyExchangePayload& p) { return Data(p.data); }
    Json operator()(const IdentificationPayload& p) {
      Json out = Json::MakeObject();
      SetNamed(out, "id_type", static_cast<uint8_t>(p.id_type), IdTypeName(p.id_type));
      out.Set("protocol_id", p.protocol_id);
      out.Set("port", p.port);
      out.Set("data", ToHex(p.data));
      if (auto text = IdentificationText(p.id_type, p.data)) out.Set("text", *text);
      return out;
    }
    Json operator()(const CertificatePayload& p) {
      Json out = Data(p.data);
      SetNamed(out, "cert_encoding", static_cast<uint8_t>(p.encoding),
               CertEncodingName(p.encoding));
      return out;
    }
    Json operator()(const CertificateRequestPayload& p) {
      Json out = Json::MakeObject();
      SetNamed(out, "cert_encoding", static_cast<uint8_t>(p.cert_type),
               CertEncodingName(p.cert_type));
      out.Set("authority", ToHex(p.authority));
      if (auto dn = DistinguishedNameText(p.authority)) out.Set("authority_text", *dn);
      return out;
    }
    Json operator()(const HashPayload& p) { return Data(p.data); }
    Json operator()(const SignaturePayload& p) { return Data(p.data); }
    Json operator()(const NoncePayload& p) { return Data(p.data); }
    Json operator()(const NotificationPayload& p) {
      Json out = Json::MakeObject();
      SetNamed(out, "doi", static_cast<uint32_t>(p.doi), DoiName(p.doi));
      SetNamed(out, "protocol", static_cast<uint8_t>(p.protocol), ProtocolIdName(p.protocol));
      SetNamed(out, "notify_type", static_cast<uint16_t>(p.type), NotifyTypeName(p.type));
      out.Set("spi", ToHex(p.spi));
      out.Set("data", ToHex(p.data));
      return out;
    }
    Json operator()(const DeletePayload& p) {
      Json out = Json::MakeObject();
      SetNamed(out, "doi", static_cast<uint32_t>(p.doi), DoiName(p.doi));
      SetNamed(out, "protocol", static_cast<uint8_t>(p.protocol), ProtocolIdName(p.protocol));
      out.Set("spi_size", p.spi_size);
      Json spis = Json::MakeArray();
      for (const Bytes& spi : p.spis) spis.Push(ToHex(spi));
      out.Set("spis", std::move(spis));
      return out;
    }
    Json operator()(const VendorIdPayload& p) {
      Json out = Data(p.data);
      if (auto known = KnownVendorId(p.data)) out.Set("known_as", *known);
      return out;
    }
    Json operator()(const NatDiscoveryPayload& p) { return Data(p.hash); }
    Json operator()(const NatOriginalAddressPayload& p) {
      Json out = Json::MakeObject();
      SetNamed(out, "id_type", static_cast<uint8_t>(p.id_type), IdTypeName(p.id_type));
      out.Set("address", ToHex(p.address));
      if (auto text = IdentificationText(p.id_type, p.address)) out.Set("text", *text);
      return out;
    }
    Json operator()(const FragmentPayload& p) {
      Json out = Data(p.data);
      out.Set("fragment_id", p.fragment_id);
      out.Set("number", p.number);
      out.Set("flags", p.flags);
      out.Set("last", p.last());
      return out;
    }
    Json operator()(const UnknownPayload& p) { return Data(p.data); }
  };
  return std::visit(Visitor{}, payload.body);
}

Json DescribeHeader(const Header& h) {
  Json out = Json::MakeObject();
  out.Set("initiator_cookie", ToHex(h.initiator_cookie));
  out.Set("responder_cookie", ToHex(h.responder_cookie));
  SetNamed(out, "next_payload", static_cast<uint8_t>(h.next_payload),
           PayloadTypeName(h.next_payload));
  out.Set("major_version", h.major_version);
  out.Set("minor_version", h.minor_version);
  SetNamed(out, "exchange_type", static_cast<uint8_t>(h.exchange_type),
           ExchangeTypeName(h.exchange_type));
  out.Set("flags", h.flags);
  out.Set("flags_name", FlagsName(h.flags));
  out.Set("flag_encryption", h.encrypted());
  out.Set("flag_commit", h.commit());
  out.Set("flag_authentication_only", h.authentication_only());
  out.Set("message_id", h.message_id);
  out.Set("length", h.length);
  return out;
}

}  // namespace

Json DescribeMessage(const Message& message) {
  Json out = Json::MakeObject();
  out.Set("header", DescribeHeader(message.header));
  if (message.header.encrypted()) {
    Json body = Json::MakeObject();
    body.Set("length", static_cast<uint64_t>(message.encrypted_body.size()));
    body.Set("data", ToHex(message.encrypted_body));
    out.Set("encrypted_body", std::move(body));
  }
  std::vector<PayloadSpan> spans = PayloadSpans(message);
  Json payloads = Json::MakeArray();
  for (size_t i = 0; i < message.payloads.size(); ++i) {
    const Payload& payload = message.payloads[i];
    Json entry = Json::MakeObject();
    SetNamed(entry, "payload_type", static_cast<uint8_t>(payload.type),
             PayloadTypeName(payload.type));
    entry.Set("offset", static_cast<uint64_t>(spans[i].offset));
    entry.Set("length", static_cast<uint64_t>(spans[i].length));
    entry.Set("body", DescribeBody(payload));
    payloads.Push(std::move(entry));
  }
  out.Set("payloads", std::move(payloads));
  return out;
}

}  // namespace ikewot::ikev1
