#include "cli/args.h"

#include <cstdlib>

namespace ikewot::cli {

std::optional<Args> Args::Parse(const std::vector<std::string>& argv,
                                const std::set<std::string>& value_flags,
                                const std::set<std::string>& bool_flags, std::string* error) {
  Args args;
  bool only_positionals = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (only_positionals || a.size() < 3 || a.compare(0, 2, "--") != 0) {
      if (a == "--") {
        only_positionals = true;
        continue;
      }
      args.positionals_.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> inline_value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (value_flags.count(name)) {
      if (inline_value) {
        args.values_.emplace(name, *inline_value);
      } else if (i + 1 < argv.size()) {
        args.values_.emplace(name, argv[++i]);
      } else {
        *error = "--" + name + " needs a value";
        return std::nullopt;
      }
    } else if (bool_flags.count(name)) {
      if (inline_value) {
        *error = "--" + name + " takes no value";
        return std::nullopt;
      }
      args.bools_.insert(name);
    } else {
      *error = "unknown option --" + name;
      return std::nullopt;
    }
  }
  return args;
}

std::optional<std::string> Args::Value(const std::string& flag) const {
  auto range = values_.equal_range(flag);
  if (range.first == range.second) return std::nullopt;
  return std::prev(range.second)->second;  // last one wins
}

std::vector<std::string> Args::Values(const std::string& flag) const {
  std::vector<std::string> out;
  auto range = values_.equal_range(flag);
  for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
  return out;
}

std::string ResolveHome(const Args& args) {
  if (auto home = args.Value("home")) return *home;
  if (const char* env = std::getenv("IKEWOT_HOME"); env && *env) return env;
  const char* user_home = std::getenv("HOME");
  return std::string(user_home && *user_home ? user_home : ".") + "/.ikewot";
}

}  // namespace ikewot::cli
