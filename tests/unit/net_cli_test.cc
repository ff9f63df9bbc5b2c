// `ikewot probe`, `serve`, `connect` and `trust accept` end to end: the real binary
// (IKEWOT_CLI_PATH) over real UDP on loopback high ports, in temporary homes. Every exit code the
// commands document is provoked once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "driver/udp_socket.h"

namespace ikewot {
namespace {

using namespace std::chrono_literals;

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A free UDP port on 127.0.0.1 (bound and released: the kernel does not hand it out again soon).
uint16_t FreePort(const Bytes& address = {127, 0, 0, 1}) {
  auto s = driver::UdpSocket::Bind(engine::Endpoint{address, 0});
  EXPECT_TRUE(s.ok());
  return s.ok() ? s->bound().port : 0;
}

Bytes Loopback6() {
  Bytes a(16, 0);
  a[15] = 1;
  return a;
}

class Scratch {
 public:
  Scratch() {
    char pattern[] = "/tmp/ikewot-net-cli-XXXXXX";
    root_ = mkdtemp(pattern);
  }
  ~Scratch() { std::filesystem::remove_all(root_); }
  std::string Path(const std::string& name) const { return root_ + "/" + name; }

  // Runs `ikewot ARGS` with stdin from /dev/null (or `input`), capturing both streams.
  CliRun Run(const std::string& args, const std::string& input = "") const {
    const std::string in = Path("stdin"), err = Path("stderr");
    std::ofstream(in) << input;
    std::string command =
        "'" + std::string(IKEWOT_CLI_PATH) + "' " + args + " <'" + in + "' 2>'" + err + "'";
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) run.out.append(buf, n);
    int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = ReadFile(err);
    return run;
  }

 private:
  std::string root_;
};

// `ikewot serve ...` in the background, its output in a file.
class Server {
 public:
  Server(const Scratch& scratch, const std::string& args) : log_(scratch.Path("serve.log")) {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      execl("/bin/sh", "sh", "-c",
            ("exec '" + std::string(IKEWOT_CLI_PATH) + "' serve " + args).c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Server() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool WaitFor(const std::string& text, std::chrono::milliseconds limit = 5000ms) {
    for (auto waited = 0ms; waited < limit; waited += 10ms) {
      if (Log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }
  // Sends `signal` (0: none, wait for it to end by itself) and returns the exit code; -1 if it
  // has not ended within 5 s (then it is killed).
  int Stop(int signal = SIGTERM) {
    if (signal != 0) kill(pid_, signal);
    int status = 0;
    for (int i = 0; i < 500; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }
  std::string Log() const { return ReadFile(log_); }

 private:
  std::string log_;
  pid_t pid_ = -1;
};

std::string FieldOf(const std::string& text, const std::string& label) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(label, 0) == 0) {
      std::string value = line.substr(label.size());
      size_t start = value.find_first_not_of(' ');
      return start == std::string::npos ? "" : value.substr(start);
    }
  }
  return "";
}

class NetCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_home_ = scratch_.Path("server");
    client_home_ = scratch_.Path("client");
    ASSERT_EQ(scratch_.Run("id init --name gw.test --home " + server_home_).exit_code, 0);
    ASSERT_EQ(scratch_.Run("id init --name client.test --home " + client_home_).exit_code, 0);
    server_id_ = FieldOf(scratch_.Run("id show --home " + server_home_).out, "identification:");
    ASSERT_FALSE(server_id_.empty());
  }

  std::string ServeArgs(const std::string& listen, const std::string& extra) {
    return "--home " + server_home_ + " --listen " + listen + " --natt-port " +
           std::to_string(FreePort()) + " " + extra;
  }

  Scratch scratch_;
  std::string server_home_, client_home_, server_id_;
};

TEST_F(NetCliTest, ProbeServeOverIpv4TextAndJson) {
  const std::string at = "127.0.0.1:" + std::to_string(FreePort());
  Server server(scratch_, ServeArgs(at, "--accept any"));
  ASSERT_TRUE(server.WaitFor("listening")) << server.Log();
  CliRun text = scratch_.Run("probe " + at + " --home " + scratch_.Path("nobody"));
  EXPECT_EQ(text.exit_code, 0) << text.out << text.err;
  EXPECT_EQ(FieldOf(text.out, "identification"), server_id_);
  EXPECT_EQ(FieldOf(text.out, "subject"), "CN=gw.test");
  EXPECT_EQ(FieldOf(text.out, "responder AUTH"), "verified (Digital Signature)");
  EXPECT_EQ(FieldOf(text.out, "result"), "completed");
  CliRun json = scratch_.Run("probe " + at + " --json --ike aes128gcm16-prfsha256-ecp256");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find("\"stop\":\"completed\""), std::string::npos) << json.out;
  EXPECT_NE(json.out.find("\"auth\":\"verified\""), std::string::npos);
  EXPECT_NE(json.out.find("\"identification\":\"" + server_id_ + "\""), std::string::npos);
  EXPECT_NE(json.out.find("ENCR_AES_GCM_16-128/PRF_HMAC_SHA2_256/ECP_256"), std::string::npos);
  EXPECT_NE(json.out.find("\"exit_code\":0"), std::string::npos);
  EXPECT_EQ(server.Stop(SIGTERM), 0);
  EXPECT_NE(server.Log().find("stopping signal 15"), std::string::npos) << server.Log();
}

TEST_F(NetCliTest, ProbeOverIpv6AndSeveralTargetsAsJsonLines) {
  if (!driver::UdpSocket::Bind(engine::Endpoint{Loopback6(), 0}).ok()) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  const std::string port = std::to_string(FreePort(Loopback6()));
  Server server(scratch_, "--home " + server_home_ + " --listen [::1]:" + port +
                              " --natt-port none --accept trusted --json");
  ASSERT_TRUE(server.WaitFor("listening")) << server.Log();
  std::ofstream(scratch_.Path("targets")) << "# two targets\n[::1]:" << port << "\n\n";
  CliRun run = scratch_.Run("probe -6 ::1 --port " + port + " --targets " +
                            scratch_.Path("targets") + " --json --timeout 0.2");
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  size_t lines = 0, completed = 0;
  std::istringstream in(run.out);
  for (std::string line; std::getline(in, line); ++lines) {
    completed += line.find("\"stop\":\"completed\"") != std::string::npos;
  }
  EXPECT_EQ(lines, 2u) << run.out;
  EXPECT_EQ(completed, 2u);
}

TEST_F(NetCliTest, ProbeExitCodesForEachFailure) {
  // No answer: nothing listens on this port.
  const std::string silent = "127.0.0.1:" + std::to_string(FreePort());
  CliRun none = scratch_.Run("probe " + silent + " --timeout 0.1 --retransmits 1 --fallback none");
  EXPECT_EQ(none.exit_code, 3) << none.err;
  EXPECT_NE(none.err.find("no answer"), std::string::npos) << none.err;

  const std::string at = "127.0.0.1:" + std::to_string(FreePort());
  Server server(scratch_,
                ServeArgs(at, "--accept trusted --no-probes --ike aes256gcm16-prfsha384-ecp384"));
  ASSERT_TRUE(server.WaitFor("listening")) << server.Log();
  // NO_PROPOSAL_CHOSEN.
  CliRun no_proposal = scratch_.Run("probe " + at + " --ike aes128-sha256-x25519 --timeout 0.2");
  EXPECT_EQ(no_proposal.exit_code, 4) << no_proposal.err;
  EXPECT_NE(no_proposal.err.find("NO_PROPOSAL_CHOSEN"), std::string::npos) << no_proposal.err;
  // The responder demands initiator authentication.
  CliRun demands = scratch_.Run("probe " + at + " --timeout 0.2");
  EXPECT_EQ(demands.exit_code, 5) << demands.out << demands.err;
  EXPECT_NE(demands.err.find("--with-auth"), std::string::npos) << demands.err;
  // With our AUTH the untrusted (ephemeral) initiator is refused: AUTHENTICATION_FAILED too.
  CliRun refused = scratch_.Run("probe " + at + " --with-auth --timeout 0.2");
  EXPECT_EQ(refused.exit_code, 5) << refused.err;
  EXPECT_NE(refused.err.find("refused our authentication"), std::string::npos) << refused.err;
  // Several targets: the exit code is the first failing target's.
  CliRun mixed = scratch_.Run("probe " + silent + " " + at +
                              " --timeout 0.1 --retransmits 0 --fallback none --json");
  EXPECT_EQ(mixed.exit_code, 3);
  EXPECT_NE(mixed.out.find("\"exit_code\":5"), std::string::npos) << mixed.out;
}

TEST_F(NetCliTest, WrongArgumentsExitTwo) {
  for (const char* args :
       {"probe", "probe 127.0.0.1 --ike aes256-x25519-bogus", "probe 127.0.0.1 --timeout -1",
        "probe 127.0.0.1:99999", "probe 127.0.0.1 --ke nope", "probe 127.0.0.1 --frobnicate",
        "probe 127.0.0.1 --ike aes256gcm16-x25519", "serve --listen 127.0.0.1:5000",
        "serve --accept any", "serve --listen nowhere --accept any", "connect",
        "connect 127.0.0.1 --local-ts 10.0.0.0/33", "trust accept"}) {
    SCOPED_TRACE(args);
    CliRun run = scratch_.Run(std::string(args) + " --home " + client_home_);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_FALSE(run.err.empty());
  }
}

TEST_F(NetCliTest, ConnectAsksThenRemembersAndTrustedServeRefusesStrangers) {
  const std::string at = "127.0.0.1:" + std::to_string(FreePort());
  Server server(scratch_, ServeArgs(at, "--accept trusted"));
  ASSERT_TRUE(server.WaitFor("listening")) << server.Log();
  // Unknown peer, answer "n": nothing stored, exit 7.
  CliRun declined = scratch_.Run("connect " + at + " --home " + client_home_, "n\n");
  EXPECT_EQ(declined.exit_code, 7) << declined.err;
  EXPECT_NE(declined.err.find(server_id_), std::string::npos) << declined.err;
  // The server trusts only initiators in its store: we are refused (AUTHENTICATION_FAILED).
  CliRun refused = scratch_.Run("connect " + at + " --yes --json --home " + client_home_);
  EXPECT_EQ(refused.exit_code, 5) << refused.out << refused.err;
  EXPECT_TRUE(server.WaitFor("refused")) << server.Log();
  // The server's owner accepts our certificate; now the connection comes up, without asking
  // us again (our acceptance of the server was stored by the --yes above).
  CliRun show = scratch_.Run("id show --pem --home " + client_home_);
  std::ofstream(scratch_.Path("client.pem")) << show.out.substr(show.out.find("-----BEGIN"));
  ASSERT_EQ(
      scratch_.Run("trust add " + scratch_.Path("client.pem") + " --yes --home " + server_home_)
          .exit_code,
      0);
  CliRun ok =
      scratch_.Run("connect " + at + " --json --remote-ts 10.9.0.0/24 --home " + client_home_);
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("\"event\":\"child-sa-established\""), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("\"ts_responder\":[\"10.9.0.0/24\"]"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("\"spi_initiator\""), std::string::npos);
  EXPECT_EQ(ok.out.find("\"keys\""), std::string::npos);  // only with --show-keys
  EXPECT_NE(ok.out.find("\"event\":\"deleted\""), std::string::npos);
  EXPECT_TRUE(server.WaitFor("deleted sa")) << server.Log();
  EXPECT_EQ(server.Stop(SIGINT), 0);
}

TEST_F(NetCliTest, TrustAcceptStoresTheProbedCertificateAndServeOnceEnds) {
  const std::string at = "127.0.0.1:" + std::to_string(FreePort());
  Server server(scratch_, ServeArgs(at, "--accept any --once --json"));
  ASSERT_TRUE(server.WaitFor("listening")) << server.Log();
  CliRun accepted = scratch_.Run("trust accept " + at + " --yes --json --home " + client_home_);
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_NE(accepted.err.find(server_id_), std::string::npos);
  CliRun why = scratch_.Run("trust why 127.0.0.1 --home " + client_home_);
  EXPECT_EQ(why.exit_code, 0) << why.out << why.err;
  // An opportunistic server records us as unverified; --once ends after the one IKE SA.
  CliRun connected = scratch_.Run("connect " + at + " --hold 0.2 --home " + client_home_);
  EXPECT_EQ(connected.exit_code, 0) << connected.err;
  EXPECT_EQ(server.Stop(0), 0);  // signal 0: just wait for it to exit by itself
  EXPECT_NE(server.Log().find("\"event\":\"child-sa-established\""), std::string::npos);
  CliRun list = scratch_.Run("trust list --home " + server_home_);
  EXPECT_NE(list.out.find("unverified"), std::string::npos) << list.out;
}

}  // namespace
}  // namespace ikewot
