#include "cli/commands.h"
namespace ikewot::cli {
int RunId(const std::vector<std::string>&) { return kExitFailure; }  // replaced by the identity work
}
