// FormatMessage: renders the DescribeMessage tree as indented text.
#include <cctype>
#include <string>

#include "core/ikev2/describe.h"

namespace ikewot::ikev2 {
namespace {

constexpr size_t kMaxHexOctetsShown = 64;
constexpr std::string_view kNameSuffix = "_name";

std::string Label(std::string_view key) {
  if (key == "spi_i") return "Initiator SPI";
  if (key == "spi_r") return "Responder SPI";
  if (key == "spi") return "SPI";
  if (key == "spis") return "SPIs";
  std::string label;
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('_', start);
    if (end == std::string_view::npos) end = key.size();
    std::string word(key.substr(start, end - start));
    if (word == "id" || word == "spi" || word == "dh" || word == "ip" || word == "ts" ||
        word == "eap" || word == "cfg" || word == "ke") {
      for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (!label.empty()) label += ' ';
    label += word;
    start = end + 1;
  }
  if (!label.empty())
    label[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(label[0])));
  return label;
}

// "proposals" -> "Proposal", "authority_key_hashes" -> "Authority key hash".
std::string Singular(std::string_view key) {
  std::string label = Label(key);
  if (label.size() > 3 && label.ends_with("ies")) return label.substr(0, label.size() - 3) + "y";
  if (label.size() > 2 && label.ends_with("es") && label[label.size() - 3] == 'h') {
    return label.substr(0, label.size() - 2);
  }
  if (label.size() > 1 && label.ends_with("s")) return label.substr(0, label.size() - 1);
  return label;
}

bool IsLongHex(const std::string& text) {
  if (text.size() <= 2 * kMaxHexOctetsShown) return false;
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::string Scalar(const Json& value) {
  if (const std::string* s = value.string()) {
    if (s->empty()) return "(empty)";
    if (IsLongHex(*s)) {
      return s->substr(0, 2 * kMaxHexOctetsShown) + "... (" + std::to_string(s->size() / 2) +
             " octets)";
    }
    return *s;
  }
  if (const int64_t* i = value.integer()) return std::to_string(*i);
  if (const bool* b = value.boolean()) return *b ? "yes" : "no";
  if (value.number() != nullptr) return value.Dump();
  return "null";
}

bool IsScalar(const Json& value) { return !value.is_object() && !value.is_array(); }

void Line(std::string* out, int indent, const std::string& text) {
  out->append(static_cast<size_t>(indent), ' ');
  out->append(text);
  out->push_back('\n');
}

void RenderObject(const Json& object, int indent, std::string* out);

void RenderMember(const Json& object, const std::string& key, const Json& value, int indent,
                  std::string* out) {
  if (key.ends_with(kNameSuffix) &&
      object.Find(std::string_view(key).substr(0, key.size() - kNameSuffix.size())) != nullptr) {
    return;  // shown beside its number
  }
  std::string label = Label(key);
  if (value.is_object()) {
    Line(out, indent, label);
    RenderObject(value, indent + 2, out);
    return;
  }
  if (value.is_array()) {
    const Json::Array& items = value.array();
    if (items.empty()) {
      Line(out, indent, label + ": (none)");
    } else if (IsScalar(items.front())) {
      std::string joined;
      for (const Json& item : items) joined += (joined.empty() ? "" : ", ") + Scalar(item);
      Line(out, indent, label + ": " + joined);
    } else {
      for (size_t i = 0; i < items.size(); ++i) {
        Line(out, indent, Singular(key) + " " + std::to_string(i + 1));
        RenderObject(items[i], indent + 2, out);
      }
    }
    return;
  }
  std::string text = Scalar(value);
  if (const Json* name = object.Find(key + std::string(kNameSuffix))) {
    text = Scalar(*name) + " (" + text + ")";
  }
  Line(out, indent, label + ": " + text);
}

void RenderObject(const Json& object, int indent, std::string* out) {
  if (!object.is_object()) return;
  for (const auto& [key, value] : object.object()) RenderMember(object, key, value, indent, out);
}

std::string FieldText(const Json& object, std::string_view key) {
  const Json* value = object.Find(key);
  return value == nullptr ? std::string() : Scalar(*value);
}

void RenderPayload(const Json& payload, size_t index, int indent, std::string* out) {
  Line(out, indent,
       "Payload " + std::to_string(index + 1) + ": " + FieldText(payload, "payload_type_name") +
           " - " + FieldText(payload, "payload_type_long_name") + " (" +
           FieldText(payload, "payload_type") + "), offset " + FieldText(payload, "offset"));
  Line(out, indent + 2, "Critical: " + FieldText(payload, "critical"));
  Line(out, indent + 2, "Reserved: " + FieldText(payload, "reserved"));
  if (const Json* body = payload.Find("body")) RenderObject(*body, indent + 2, out);
}

}  // namespace

std::string FormatPayloads(const std::vector<Payload>& payloads, int indent) {
  std::string out;
  Json described = DescribePayloads(payloads);
  for (size_t i = 0; i < described.array().size(); ++i) {
    RenderPayload(described.array()[i], i, indent, &out);
  }
  return out;
}

std::string FormatMessage(const Message& message) {
  const Header& h = message.header;
  std::string out;
  Line(&out, 0,
       "IKEv2 " + std::string(Name(h.exchange_type)) + (h.response ? " response" : " request") +
           (h.initiator ? " from the original initiator" : " from the original responder") +
           ", message ID " + std::to_string(h.message_id) + ", " +
           std::to_string(message.payloads.size()) + " payloads");
  Line(&out, 2, "Header");
  RenderObject(DescribeHeader(h), 4, &out);
  out += FormatPayloads(message.payloads, 2);
  return out;
}

}  // namespace ikewot::ikev2
