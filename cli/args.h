// Minimal command-line parsing shared by the ikewot subcommands:
// "--name value", "--name=value", boolean "--flag", and positionals.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ikewot::cli {

class Args {
 public:
  // `value_flags` take a value; `bool_flags` do not. Anything else starting with "--" is an error.
  static std::optional<Args> Parse(const std::vector<std::string>& argv,
                                   const std::set<std::string>& value_flags,
                                   const std::set<std::string>& bool_flags, std::string* error);

  bool Has(const std::string& flag) const { return values_.count(flag) || bools_.count(flag); }
  std::optional<std::string> Value(const std::string& flag) const;
  // All values of a flag that may repeat (e.g. --to A --to B).
  std::vector<std::string> Values(const std::string& flag) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::multimap<std::string, std::string> values_;
  std::set<std::string> bools_;
  std::vector<std::string> positionals_;
};

// The home directory every command that needs one uses: --home DIR, else $IKEWOT_HOME, else ~/.ikewot.
std::string ResolveHome(const Args& args);

}  // namespace ikewot::cli
