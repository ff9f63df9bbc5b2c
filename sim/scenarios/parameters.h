// A scenario's parameters as data. Each config struct lists its options once, in
// `Visit(visitor)` as visitor(name, help, field); from that one list come the programs'
// ns-3 CommandLine options, the Python keyword arguments (by name, typed, with the option's name
// in every error) and the parameters recorded in run.json.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/base/json.h"
#include "core/base/status.h"

namespace ikewot::sim {

enum class ParameterKind { kBool, kUnsigned, kSigned, kDouble, kString };

// "bool", "unsigned", "int", "float", "str".
std::string_view ParameterKindName(ParameterKind kind);

struct Parameter {
  std::string name;
  std::string help;
  ParameterKind kind = ParameterKind::kString;
  Json value;  // the current value (the default before anything is set)
  // Parses `text` as this parameter's kind and stores it in the config; the error names the
  // parameter ("nodes must be an unsigned integer below 4294967296, got \"-1\"").
  std::function<Status(std::string_view text)> set;
};

// Parsers behind Parameter::set (text as a CommandLine or Python would give it).
Status ParseBool(const std::string& name, std::string_view text, bool& out);
Status ParseUnsigned(const std::string& name, std::string_view text, uint64_t max, uint64_t& out);
Status ParseSigned(const std::string& name, std::string_view text, int64_t& out);
Status ParseDouble(const std::string& name, std::string_view text, double& out);

namespace internal {

template <typename T>
Parameter MakeParameter(const char* name, const char* help, T& field) {
  Parameter p{name, help, ParameterKind::kString, Json(), nullptr};
  const std::string key = name;
  if constexpr (std::is_same_v<T, bool>) {
    p.kind = ParameterKind::kBool;
    p.value = Json(field);
    p.set = [key, &field](std::string_view text) { return ParseBool(key, text, field); };
  } else if constexpr (std::is_same_v<T, std::string>) {
    p.value = Json(field);
    p.set = [&field](std::string_view text) {
      field = std::string(text);
      return Status::Ok();
    };
  } else if constexpr (std::is_floating_point_v<T>) {
    p.kind = ParameterKind::kDouble;
    p.value = Json(static_cast<double>(field));
    p.set = [key, &field](std::string_view text) {
      double value = 0;
      Status parsed = ParseDouble(key, text, value);
      if (parsed.ok()) field = static_cast<T>(value);
      return parsed;
    };
  } else if constexpr (std::is_unsigned_v<T>) {
    p.kind = ParameterKind::kUnsigned;
    p.value = Json(static_cast<uint64_t>(field));
    p.set = [key, &field](std::string_view text) {
      uint64_t value = 0;
      Status parsed = ParseUnsigned(key, text, std::numeric_limits<T>::max(), value);
      if (parsed.ok()) field = static_cast<T>(value);
      return parsed;
    };
  } else {
    static_assert(std::is_same_v<T, int64_t>,
                  "parameter fields: bool, string, double, "
                  "unsigned integers or int64_t");
    p.kind = ParameterKind::kSigned;
    p.value = Json(field);
    p.set = [key, &field](std::string_view text) { return ParseSigned(key, text, field); };
  }
  return p;
}

}  // namespace internal

// The parameters of `config`: the common options, then the scenario's own. The setters write
// into `config`, which must outlive the result.
template <typename Config>
std::vector<Parameter> ParametersOf(Config& config) {
  std::vector<Parameter> parameters;
  auto collect = [&](const char* name, const char* help, auto& field) {
    parameters.push_back(internal::MakeParameter(name, help, field));
  };
  config.common.Visit(collect);
  config.VisitOwn(collect);
  return parameters;
}

// Sets each (name, text) pair on `config`; an unknown name is an error listing the known ones.
template <typename Config>
Status SetParameters(Config& config, const std::string& scenario,
                     const std::vector<std::pair<std::string, std::string>>& values) {
  std::vector<Parameter> parameters = ParametersOf(config);
  for (const auto& [name, text] : values) {
    const Parameter* match = nullptr;
    for (const Parameter& p : parameters) {
      if (p.name == name) match = &p;
    }
    if (match == nullptr) {
      std::string known;
      for (const Parameter& p : parameters) known += (known.empty() ? "" : ", ") + p.name;
      return Error{ErrorCode::kInvalidArgument, "unknown parameter \"" + name + "\" for " +
                                                    scenario + " (known: " + known + ")"};
    }
    Status set = match->set(text);
    if (!set.ok()) return set;
  }
  return Status::Ok();
}

// The scenario's own parameters (not the common options) with their values, for run.json.
template <typename Config>
Json OwnParametersJson(const Config& config) {
  Config copy = config;
  Json json = Json::MakeObject();
  copy.VisitOwn([&](const char* name, const char* help, auto& field) {
    json.Set(name, internal::MakeParameter(name, help, field).value);
  });
  return json;
}

}  // namespace ikewot::sim
