#include "sim/scenarios/parameters.h"

#include <charconv>
#include <cmath>

namespace ikewot::sim {
namespace {

Error BadValue(const std::string& name, const std::string& wanted, std::string_view text) {
  return Error{ErrorCode::kInvalidArgument,
               name + " must be " + wanted + ", got \"" + std::string(text) + "\""};
}

}  // namespace

std::string_view ParameterKindName(ParameterKind kind) {
  switch (kind) {
    case ParameterKind::kBool:
      return "bool";
    case ParameterKind::kUnsigned:
      return "unsigned";
    case ParameterKind::kSigned:
      return "int";
    case ParameterKind::kDouble:
      return "float";
    case ParameterKind::kString:
      break;
  }
  return "str";
}

Status ParseBool(const std::string& name, std::string_view text, bool& out) {
  // ns-3's CommandLine spellings.
  if (text == "true" || text == "1" || text.empty()) {
    out = true;
  } else if (text == "false" || text == "0") {
    out = false;
  } else {
    return BadValue(name, "true or false", text);
  }
  return Status::Ok();
}

Status ParseUnsigned(const std::string& name, std::string_view text, uint64_t max, uint64_t& out) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > max) {
    return BadValue(name, "an unsigned integer up to " + std::to_string(max), text);
  }
  out = value;
  return Status::Ok();
}

Status ParseSigned(const std::string& name, std::string_view text, int64_t& out) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return BadValue(name, "an integer", text);
  out = value;
  return Status::Ok();
}

Status ParseDouble(const std::string& name, std::string_view text, double& out) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    return BadValue(name, "a finite number", text);
  }
  out = value;
  return Status::Ok();
}

}  // namespace ikewot::sim
