// Probe and connect on the real IKE ports 500 and 4500 between two network namespaces joined
// by a veth pair, created and removed by the test (root only: namespaces need CAP_SYS_ADMIN).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace ikewot {
namespace {

using namespace std::chrono_literals;

struct ShellRun {
  int exit_code = -1;
  std::string out;
};

ShellRun Shell(const std::string& command) {
  ShellRun run;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) run.out.append(buf, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class NetnsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to create network namespaces (ip netns)";
    const std::string tag = std::to_string(getpid() % 100000);
    server_ns_ = "ikw-srv-" + tag;
    client_ns_ = "ikw-cli-" + tag;
    char pattern[] = "/tmp/ikewot-netns-XXXXXX";
    scratch_ = mkdtemp(pattern);
    created_ = true;
    for (const std::string& step :
         {"ip netns add " + server_ns_, "ip netns add " + client_ns_,
          "ip link add ikw" + tag + "a netns " + server_ns_ + " type veth peer name ikw" + tag +
              "b netns " + client_ns_,
          "ip -n " + server_ns_ + " addr add 10.250.7.1/24 dev ikw" + tag + "a",
          "ip -n " + client_ns_ + " addr add 10.250.7.2/24 dev ikw" + tag + "b",
          "ip -n " + server_ns_ + " link set ikw" + tag + "a up",
          "ip -n " + client_ns_ + " link set ikw" + tag + "b up",
          "ip -n " + server_ns_ + " link set lo up", "ip -n " + client_ns_ + " link set lo up"}) {
      ShellRun r = Shell(step);
      ASSERT_EQ(r.exit_code, 0) << step << ": " << r.out;
    }
  }
  void TearDown() override {
    if (server_pid_ > 0) {
      kill(server_pid_, SIGKILL);
      waitpid(server_pid_, nullptr, 0);
    }
    if (!created_) return;
    // Deleting a namespace removes its end of the veth pair, and with it the other end.
    Shell("ip netns del " + server_ns_);
    Shell("ip netns del " + client_ns_);
    std::filesystem::remove_all(scratch_);
  }

  std::string Ikewot(const std::string& ns, const std::string& args) {
    return "ip netns exec " + ns + " '" + std::string(IKEWOT_CLI_PATH) + "' " + args;
  }

  void StartServer(const std::string& args) {
    const std::string log = scratch_ + "/serve.log";
    server_pid_ = fork();
    if (server_pid_ == 0) {
      int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      execl("/bin/sh", "sh", "-c", ("exec " + Ikewot(server_ns_, "serve " + args)).c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 500 && ReadFile(log).find("listening") == std::string::npos; ++i) {
      std::this_thread::sleep_for(10ms);
    }
  }
  std::string ServerLog() { return ReadFile(scratch_ + "/serve.log"); }

  std::string server_ns_, client_ns_, scratch_;
  bool created_ = false;
  pid_t server_pid_ = -1;
};

TEST_F(NetnsTest, ProbeAndConnectOnPorts500And4500) {
  const std::string server_home = scratch_ + "/server", client_home = scratch_ + "/client";
  ASSERT_EQ(
      Shell("'" + std::string(IKEWOT_CLI_PATH) + "' id init --name gw.netns --home " + server_home)
          .exit_code,
      0);
  ASSERT_EQ(
      Shell("'" + std::string(IKEWOT_CLI_PATH) + "' id init --name rw.netns --home " + client_home)
          .exit_code,
      0);
  StartServer("--home " + server_home + " --listen 0.0.0.0 --accept any");
  ASSERT_NE(ServerLog().find("listening 0.0.0.0:500 (NAT-T 0.0.0.0:4500)"), std::string::npos)
      << ServerLog();
  // The probe leaves from the real IKE port too.
  ShellRun probe = Shell(Ikewot(client_ns_,
                                "probe 10.250.7.1 --local-port 500 --natt-port 4500 "
                                "--timeout 0.3 --json --home " +
                                    client_home));
  EXPECT_EQ(probe.exit_code, 0) << probe.out;
  EXPECT_NE(probe.out.find("\"target\":\"10.250.7.1:500\""), std::string::npos) << probe.out;
  EXPECT_NE(probe.out.find("\"auth\":\"verified\""), std::string::npos);
  EXPECT_NE(probe.out.find("\"nat\":{\"detected\":false"), std::string::npos);
  ShellRun fingerprint =
      Shell("openssl x509 -noout -fingerprint -sha256 -in " + server_home + "/identity/cert.pem");
  ASSERT_EQ(fingerprint.exit_code, 0);
  std::string fp = fingerprint.out.substr(fingerprint.out.find('=') + 1);
  fp = fp.substr(0, fp.find('\n'));
  for (char& c : fp) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  EXPECT_NE(probe.out.find("\"sha256\":\"" + fp + "\""), std::string::npos) << fp;
  ShellRun connect =
      Shell(Ikewot(client_ns_, "connect 10.250.7.1 --yes --json --home " + client_home));
  EXPECT_EQ(connect.exit_code, 0) << connect.out;
  EXPECT_NE(connect.out.find("\"event\":\"child-sa-established\""), std::string::npos);
  EXPECT_NE(ServerLog().find("child-sa-established sa"), std::string::npos) << ServerLog();
  EXPECT_NE(ServerLog().find("from 10.250.7.2:"), std::string::npos);
}

TEST_F(NetnsTest, TunnelCarriesPingAsEspAndDeletesOnSignal) {
  const std::string server_home = scratch_ + "/server", client_home = scratch_ + "/client";
  const std::string cli = "'" + std::string(IKEWOT_CLI_PATH) + "'";
  ASSERT_EQ(Shell(cli + " id init --name gw.netns --home " + server_home).exit_code, 0);
  ASSERT_EQ(Shell(cli + " id init --name rw.netns --home " + client_home).exit_code, 0);
  StartServer("--home " + server_home + " --listen 10.250.7.1 --accept any --tunnel ikwsrv");
  // The client keeps its tunnel up in the background until it gets SIGTERM.
  const std::string client_log = scratch_ + "/connect.log";
  pid_t client = fork();
  if (client == 0) {
    int fd = open(client_log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    dup2(fd, 2);
    execl("/bin/sh", "sh", "-c",
          ("exec " + Ikewot(client_ns_,
                            "connect 10.250.7.1 --yes --tunnel ikwcli --local-ts "
                            "10.99.0.2 --remote-ts 10.99.0.1 --hold 30 --home " +
                                client_home))
              .c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  for (int i = 0; i < 500 && ReadFile(client_log).find("tunnel ikwcli") == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  for (int i = 0; i < 200 && ServerLog().find("tunnel ikwsrv") == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(ReadFile(client_log).find("tunnel ikwcli: 10.99.0.2"), std::string::npos)
      << ReadFile(client_log);
  EXPECT_NE(ServerLog().find("tunnel ikwsrv: 10.99.0.1"), std::string::npos) << ServerLog();
  // Cleartext goes in the TUN, crosses the veth as ESP, and the answer comes back the same way.
  ShellRun ping = Shell("ip netns exec " + client_ns_ + " ping -c 2 -W 2 10.99.0.1");
  EXPECT_EQ(ping.exit_code, 0) << ping.out << ReadFile(client_log) << ServerLog();
  EXPECT_NE(ping.out.find("2 received"), std::string::npos) << ping.out;
  kill(client, SIGTERM);
  int status = 0;
  waitpid(client, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << ReadFile(client_log);
  EXPECT_NE(ReadFile(client_log).find("deleted sa"), std::string::npos) << ReadFile(client_log);
  for (int i = 0; i < 200 && ServerLog().find("deleted sa") == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(ServerLog().find("deleted sa"), std::string::npos) << ServerLog();
}

}  // namespace
}  // namespace ikewot
