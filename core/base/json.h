// A small JSON value for the stable machine-readable forms the CLI prints (--json) and the
// simulation logs. Objects keep insertion order so output is deterministic and diffable.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ikewot {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() : v_(nullptr) {}
  Json(std::nullptr_t) : v_(nullptr) {}        // NOLINT
  Json(bool b) : v_(b) {}                      // NOLINT
  Json(int v) : v_(static_cast<int64_t>(v)) {}  // NOLINT
  Json(int64_t v) : v_(v) {}                   // NOLINT
  Json(uint32_t v) : v_(static_cast<int64_t>(v)) {}  // NOLINT
  Json(uint64_t v) : v_(static_cast<double>(v)) {    // NOLINT
    if (v <= static_cast<uint64_t>(INT64_MAX)) v_ = static_cast<int64_t>(v);
  }
  Json(double v) : v_(v) {}                             // NOLINT
  Json(const char* s) : v_(std::string(s)) {}           // NOLINT
  Json(std::string s) : v_(std::move(s)) {}             // NOLINT
  Json(std::string_view s) : v_(std::string(s)) {}      // NOLINT
  Json(Array a) : v_(std::move(a)) {}                   // NOLINT
  Json(Object o) : v_(std::move(o)) {}                  // NOLINT

  static Json MakeObject() { return Json(Object{}); }
  static Json MakeArray() { return Json(Array{}); }

  bool is_null() const { return std::holds_alternative<std::nullptr_t>(v_); }
  bool is_object() const { return std::holds_alternative<Object>(v_); }
  bool is_array() const { return std::holds_alternative<Array>(v_); }

  // Object: appends (or replaces) a member. Array: appends an element.
  Json& Set(std::string key, Json value);
  Json& Push(Json value);
  // Object member lookup; nullptr when absent or not an object.
  const Json* Find(std::string_view key) const;

  const Array& array() const { return std::get<Array>(v_); }
  const Object& object() const { return std::get<Object>(v_); }
  const std::string* string() const { return std::get_if<std::string>(&v_); }
  const int64_t* integer() const { return std::get_if<int64_t>(&v_); }
  const bool* boolean() const { return std::get_if<bool>(&v_); }
  const double* number() const { return std::get_if<double>(&v_); }

  // indent < 0: compact one line. indent >= 0: pretty with that many spaces.
  std::string Dump(int indent = -1) const;

 private:
  void DumpTo(std::string* out, int indent, int depth) const;
  std::variant<std::nullptr_t, bool, int64_t, double, std::string, Array, Object> v_;
};

// Escapes a string for a JSON string literal (without the quotes).
std::string JsonEscape(std::string_view s);

}  // namespace ikewot
