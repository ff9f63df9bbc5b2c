#include "core/base/json.h"

#include <cmath>
#include <cstdio>

namespace ikewot {

Json& Json::Set(std::string key, Json value) {
  auto& obj = std::get<Object>(v_);
  for (auto& [k, v] : obj) {
    if (k == key) {
      v = std::move(value);
      return v;
    }
  }
  obj.emplace_back(std::move(key), std::move(value));
  return obj.back().second;
}

Json& Json::Push(Json value) {
  auto& arr = std::get<Array>(v_);
  arr.push_back(std::move(value));
  return arr.back();
}

const Json* Json::Find(std::string_view key) const {
  const auto* obj = std::get_if<Object>(&v_);
  if (obj == nullptr) return nullptr;
  for (const auto& [k, v] : *obj) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string JsonEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

std::string Json::Dump(int indent) const {
  std::string out;
  DumpTo(&out, indent, 0);
  return out;
}

void Json::DumpTo(std::string* out, int indent, int depth) const {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out->push_back('\n');
    out->append(static_cast<size_t>(indent * d), ' ');
  };
  if (std::holds_alternative<std::nullptr_t>(v_)) {
    *out += "null";
  } else if (const auto* b = std::get_if<bool>(&v_)) {
    *out += *b ? "true" : "false";
  } else if (const auto* i = std::get_if<int64_t>(&v_)) {
    *out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&v_)) {
    if (!std::isfinite(*d)) {
      *out += "null";
    } else {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.17g", *d);
      *out += buf;
    }
  } else if (const auto* s = std::get_if<std::string>(&v_)) {
    out->push_back('"');
    *out += JsonEscape(*s);
    out->push_back('"');
  } else if (const auto* a = std::get_if<Array>(&v_)) {
    if (a->empty()) {
      *out += "[]";
      return;
    }
    out->push_back('[');
    for (size_t k = 0; k < a->size(); ++k) {
      if (k) out->push_back(',');
      newline(depth + 1);
      (*a)[k].DumpTo(out, indent, depth + 1);
    }
    newline(depth);
    out->push_back(']');
  } else if (const auto* o = std::get_if<Object>(&v_)) {
    if (o->empty()) {
      *out += "{}";
      return;
    }
    out->push_back('{');
    for (size_t k = 0; k < o->size(); ++k) {
      if (k) out->push_back(',');
      newline(depth + 1);
      out->push_back('"');
      *out += JsonEscape((*o)[k].first);
      *out += indent < 0 ? "\":" : "\": ";
      (*o)[k].second.DumpTo(out, indent, depth + 1);
    }
    newline(depth);
    out->push_back('}');
  }
}

}  // namespace ikewot
