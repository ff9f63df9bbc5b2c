// `ikewot probe --ike 1|auto --mode ...` as a user runs it (IKEWOT_CLI_PATH): usage errors, an
// IKEv1 probe of a silent loopback port (exit 3, JSON says IKEv1 and the mode), and --ike auto
// falling back to IKEv1 after IKEv2 silence, saying why.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
};

CliRun Probe(const std::string& args) {
  static int counter = 0;
  const std::string home =
      std::filesystem::temp_directory_path() /
      ("ikewot-ikev1-cli-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::create_directories(home);
  const std::string command =
      "'" + std::string(IKEWOT_CLI_PATH) + "' probe --home '" + home + "' " + args + " 2>/dev/null";
  CliRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove_all(home);
  return run;
}

// A loopback port nobody listens on (UDP: the probe just hears nothing).
constexpr const char* kSilent = "127.0.0.1:5999";

TEST(Ikev1InitiatorCliTest, UsageErrors) {
  EXPECT_EQ(Probe("--ike 1 --mode sideways 127.0.0.1").exit_code, 2);
  EXPECT_EQ(Probe("--mode main 127.0.0.1").exit_code, 2) << "--mode without IKEv1";
  EXPECT_EQ(Probe("--ike 3 127.0.0.1").exit_code, 2) << "neither a version nor proposals";
}

TEST(Ikev1InitiatorCliTest, SilentTargetTimesOutAsIkev1) {
  CliRun run =
      Probe(std::string("--json --ike 1 --mode main --timeout 0.05 --retransmits 1 ") + kSilent);
  EXPECT_EQ(run.exit_code, 3) << run.out;
  EXPECT_NE(run.out.find("\"ike_version\":1"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"mode\":\"main\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("no IKEv1 answer to MM1 after 2 tries"), std::string::npos) << run.out;
}

TEST(Ikev1InitiatorCliTest, AutoFallsBackToIkev1AfterIkev2Silence) {
  CliRun run = Probe(
      std::string("--json --ike auto --timeout 0.05 --retransmits 1 --fallback none ") + kSilent);
  EXPECT_EQ(run.exit_code, 3) << run.out;
  EXPECT_NE(run.out.find("\"mode\":\"aggressive\""), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"version_fallback\":\"no answer to IKEv2"), std::string::npos)
      << run.out;
}

}  // namespace
