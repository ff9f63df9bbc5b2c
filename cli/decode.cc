#include "cli/commands.h"
namespace ikewot::cli {
int RunDecode(const std::vector<std::string>&) { return kExitFailure; }  // replaced by the codec work
}
