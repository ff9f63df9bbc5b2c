// FormatMessage: the human-readable decode of an IKEv1 message, one field per line, nested by
// indentation. Long byte strings wrap at 32 octets per line.
#include <cstdio>
#include <string>

#include "core/ikev1/describe_values.h"
#include "core/ikev1/message.h"

namespace ikewot::ikev1 {
namespace {

constexpr size_t kLabelWidth = 28;
constexpr size_t kHexBytesPerLine = 32;

std::string NumberAndName(uint64_t value, const std::string& name) {
  return std::to_string(value) + " (" + name + ")";
}

std::string Hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", value);
  return buf;
}

class TextBuilder {
 public:
  void Line(int depth, const std::string& text) {
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }
  void Field(int depth, const std::string& label, const std::string& value) {
    std::string text = label;
    if (text.size() + 1 < kLabelWidth)
      text.resize(kLabelWidth, ' ');
    else
      text += ' ';
    Line(depth, text + value);
  }
  // Hex in lines of 32 octets; `note` (e.g. a vendor name) follows the first line.
  void HexField(int depth, const std::string& label, ByteView data, const std::string& note = "") {
    std::string suffix = " (" + std::to_string(data.size()) + " octets)";
    if (!note.empty()) suffix += " " + note;
    if (data.empty()) {
      Field(depth, label, "(empty)");
      return;
    }
    for (size_t pos = 0; pos < data.size(); pos += kHexBytesPerLine) {
      ByteView chunk = data.subspan(pos, std::min(kHexBytesPerLine, data.size() - pos));
      Field(depth, pos == 0 ? label : "", ToHex(chunk) + (pos == 0 ? suffix : ""));
    }
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

void FormatSa(const SaPayload& sa, int depth, TextBuilder* t) {
  t->Field(depth, "DOI", NumberAndName(static_cast<uint32_t>(sa.doi), DoiName(sa.doi)));
  if (sa.doi != Doi::kIpsec) {
    t->HexField(depth, "DOI-specific body", sa.other_doi_body);
    return;
  }
  t->Field(depth, "situation", Hex32(sa.situation) + " (" + SituationText(sa.situation) + ")");
  for (const Proposal& p : sa.proposals) {
    t->Line(depth, "proposal #" + std::to_string(p.number) + ": " + ProtocolIdName(p.protocol) +
                       ", " + std::to_string(p.transforms.size()) + " transform(s)");
    t->Field(depth + 1, "SPI", p.spi.empty() ? "(none)" : ToHex(p.spi));
    for (const Transform& tr : p.transforms) {
      t->Line(depth + 1,
              "transform #" + std::to_string(tr.number) + ": " +
                  NumberAndName(tr.transform_id, TransformIdName(p.protocol, tr.transform_id)));
      for (const Attribute& a : tr.attributes) {
        std::string label =
            AttributeTypeName(p.protocol, a.type) + " (" + std::to_string(a.type) + ")";
        std::string value = AttributeValueText(p.protocol, a);
        if (!a.basic)
          value += "  [variable, " + std::to_string(a.variable_value.size()) + " octets]";
        t->Field(depth + 2, label, value);
      }
    }
  }
}

void FormatBody(const Payload& payload, int depth, TextBuilder* t) {
  struct Visitor {
    int depth;
    TextBuilder* t;
    void operator()(const SaPayload& sa) { FormatSa(sa, depth, t); }
    void operator()(const KeyExchangePayload& p) {
      t->HexField(depth, "key exchange data", p.data);
    }
    void operator()(const IdentificationPayload& p) {
      t->Field(depth, "ID type",
               NumberAndName(static_cast<uint8_t>(p.id_type), IdTypeName(p.id_type)));
      t->Field(depth, "protocol / port",
               std::to_string(p.protocol_id) + " / " + std::to_string(p.port));
      if (auto text = IdentificationText(p.id_type, p.data)) t->Field(depth, "identity", *text);
      t->HexField(depth, "data", p.data);
    }
    void operator()(const CertificatePayload& p) {
      t->Field(depth, "encoding",
               NumberAndName(static_cast<uint8_t>(p.encoding), CertEncodingName(p.encoding)));
      t->HexField(depth, "certificate data", p.data);
    }
    void operator()(const CertificateRequestPayload& p) {
      t->Field(depth, "certificate type",
               NumberAndName(static_cast<uint8_t>(p.cert_type), CertEncodingName(p.cert_type)));
      if (auto dn = DistinguishedNameText(p.authority)) t->Field(depth, "authority", *dn);
      t->HexField(depth, "authority data", p.authority);
    }
    void operator()(const HashPayload& p) { t->HexField(depth, "hash", p.data); }
    void operator()(const SignaturePayload& p) { t->HexField(depth, "signature", p.data); }
    void operator()(const NoncePayload& p) { t->HexField(depth, "nonce", p.data); }
    void operator()(const NotificationPayload& p) {
      t->Field(depth, "DOI", NumberAndName(static_cast<uint32_t>(p.doi), DoiName(p.doi)));
      t->Field(depth, "protocol",
               NumberAndName(static_cast<uint8_t>(p.protocol), ProtocolIdName(p.protocol)));
      t->Field(depth, "notify type",
               NumberAndName(static_cast<uint16_t>(p.type), NotifyTypeName(p.type)));
      t->Field(depth, "SPI", p.spi.empty() ? "(none)" : ToHex(p.spi));
      t->HexField(depth, "notification data", p.data);
    }
    void operator()(const DeletePayload& p) {
      t->Field(depth, "DOI", NumberAndName(static_cast<uint32_t>(p.doi), DoiName(p.doi)));
      t->Field(depth, "protocol",
               NumberAndName(static_cast<uint8_t>(p.protocol), ProtocolIdName(p.protocol)));
      t->Field(depth, "SPI size", std::to_string(p.spi_size));
      t->Field(depth, "SPIs", std::to_string(p.spis.size()));
      for (const Bytes& spi : p.spis) t->Field(depth + 1, "SPI", ToHex(spi));
    }
    void operator()(const VendorIdPayload& p) {
      auto known = KnownVendorId(p.data);
      t->HexField(depth, "vendor ID", p.data, known ? "= " + *known : "");
    }
    void operator()(const NatDiscoveryPayload& p) { t->HexField(depth, "hash", p.hash); }
    void operator()(const NatOriginalAddressPayload& p) {
      t->Field(depth, "ID type",
               NumberAndName(static_cast<uint8_t>(p.id_type), IdTypeName(p.id_type)));
      auto text = IdentificationText(p.id_type, p.address);
      t->Field(depth, "original address", text ? *text : "0x" + ToHex(p.address));
    }
    void operator()(const FragmentPayload& p) {
      t->Field(depth, "fragment ID", std::to_string(p.fragment_id));
      t->Field(depth, "fragment number", std::to_string(p.number));
      t->Field(depth, "flags", std::to_string(p.flags) + (p.last() ? " (LAST_FRAGMENT)" : ""));
      t->HexField(depth, "fragment data", p.data);
    }
    void operator()(const UnknownPayload& p) { t->HexField(depth, "body", p.data); }
  };
  std::visit(Visitor{depth, t}, payload.body);
}

}  // namespace

std::string FormatMessage(const Message& message) {
  const Header& h = message.header;
  TextBuilder t;
  t.Line(0, "IKEv1 message, " + std::to_string(h.length) + " octets");
  t.Field(1, "initiator cookie", ToHex(h.initiator_cookie));
  t.Field(1, "responder cookie", ToHex(h.responder_cookie));
  t.Field(1, "next payload",
          NumberAndName(static_cast<uint8_t>(h.next_payload), PayloadTypeName(h.next_payload)));
  t.Field(1, "version", std::to_string(h.major_version) + "." + std::to_string(h.minor_version));
  t.Field(1, "exchange type",
          NumberAndName(static_cast<uint8_t>(h.exchange_type), ExchangeTypeName(h.exchange_type)));
  char flags[8];
  std::snprintf(flags, sizeof(flags), "0x%02x", h.flags);
  t.Field(1, "flags", std::string(flags) + " (" + FlagsName(h.flags) + ")");
  t.Field(1, "message ID", Hex32(h.message_id));
  t.Field(1, "length", std::to_string(h.length));
  if (h.encrypted()) {
    t.HexField(1, "encrypted body", message.encrypted_body);
  }
  std::vector<PayloadSpan> spans = PayloadSpans(message);
  for (size_t i = 0; i < message.payloads.size(); ++i) {
    const Payload& payload = message.payloads[i];
    t.Line(1, "payload #" + std::to_string(i + 1) + ": " +
                  NumberAndName(static_cast<uint8_t>(payload.type), PayloadTypeName(payload.type)) +
                  ", " + std::to_string(spans[i].length) + " octets at offset " +
                  std::to_string(spans[i].offset));
    FormatBody(payload, 2, &t);
  }
  return t.Take();
}

}  // namespace ikewot::ikev1
