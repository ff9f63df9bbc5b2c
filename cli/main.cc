// ikewot: certificate trust without a CA for IPsec. See README.md and docs/cli.md.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>&);
};

constexpr Command kCommands[] = {
    {"decode", "decode an IKE datagram (raw, hex or pcap) field by field", ikewot::cli::RunDecode},
    {"id", "create or show this node's identity (key pair + self-signed certificate)",
     ikewot::cli::RunId},
    {"trust", "your trust decisions, and why a peer is trusted", ikewot::cli::RunTrust},
    {"share", "write the certificates you checked as a signed collection", ikewot::cli::RunShare},
    {"import", "import a collection shared by someone you checked", ikewot::cli::RunImport},
    {"collections", "list, enable, disable, remove imported collections",
     ikewot::cli::RunCollections},
    {"probe", "fetch peers' certificates by a partial IKEv2 negotiation", ikewot::cli::RunProbe},
    {"serve", "answer probes and connections (IKEv2 responder)", ikewot::cli::RunServe},
    {"connect", "IKE SA + CHILD SA to a peer, asking first if it is unknown",
     ikewot::cli::RunConnect},
};

void PrintUsage(FILE* out) {
  std::fprintf(out, "usage: ikewot COMMAND [ARGS...]\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\n'ikewot COMMAND --help' describes one command.\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return ikewot::cli::kExitUsage;
  }
  if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    PrintUsage(stdout);
    return ikewot::cli::kExitOk;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::printf("ikewot 0.1.0\n");
    return ikewot::cli::kExitOk;
  }
  std::vector<std::string> rest(argv + 2, argv + argc);
  for (const Command& c : kCommands) {
    if (!std::strcmp(argv[1], c.name)) return c.run(rest);
  }
  std::fprintf(stderr, "ikewot: unknown command '%s'\n\n", argv[1]);
  PrintUsage(stderr);
  return ikewot::cli::kExitUsage;
}
