// `ikewot id` end to end: the real binary (IKEWOT_CLI_PATH) in temporary homes.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace ikewot {
namespace {

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

class TempHome {
 public:
  TempHome() {
    char pattern[] = "/tmp/ikewot-id-cli-XXXXXX";
    root_ = mkdtemp(pattern);
    home_ = root_ + "/home";
  }
  ~TempHome() { std::filesystem::remove_all(root_); }
  const std::string& path() const { return home_; }
  std::string File(const std::string& relative) const { return home_ + "/" + relative; }
  std::string Scratch(const std::string& name) const { return root_ + "/" + name; }

  // Runs `ikewot <args> --home HOME` (unless args already choose), capturing both streams.
  CliRun Ikewot(const std::string& args, bool add_home = true, const std::string& env = "") const {
    std::string command = env + " '" + std::string(IKEWOT_CLI_PATH) + "' " + args +
                          (add_home ? " --home '" + home_ + "'" : "") + " 2>'" + Scratch("stderr") +
                          "'";
    CliRun run = Shell(command);
    run.err = Read(Scratch("stderr"));
    return run;
  }

  static CliRun Shell(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return {-1, "", ""};
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
    int status = pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, ""};
  }

  static std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }

  static void Write(const std::string& path, const std::string& contents) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << contents;
  }

 private:
  std::string root_;
  std::string home_;
};

std::string FieldOf(const std::string& text, const std::string& label) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(label, 0) == 0) {
      std::string value = line.substr(label.size());
      return value.substr(value.find_first_not_of(' '));
    }
  }
  return "";
}

std::string OpensslFingerprint(const std::string& cert_path) {
  CliRun run = TempHome::Shell("openssl x509 -noout -fingerprint -sha256 -in '" + cert_path + "'");
  std::string value = run.out.substr(run.out.find('=') + 1);
  while (!value.empty() && value.back() == '\n') value.pop_back();
  return value;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

TEST(IdCliTest, InitThenShowAgreesWithOpenssl) {
  TempHome home;
  CliRun init = home.Ikewot("id init --name alice --san dns:alice.example --san ip:192.0.2.1");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_NE(init.out.find("created identity in"), std::string::npos);

  CliRun show = home.Ikewot("id show");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(FieldOf(show.out, "name:"), "alice");
  EXPECT_EQ(FieldOf(show.out, "key type:"), "ecdsa-p256 (256 bits)");
  EXPECT_EQ(FieldOf(show.out, "subject:"), "CN=alice");
  EXPECT_EQ(FieldOf(show.out, "alt names:"), "dns:alice.example, ip:192.0.2.1");
  EXPECT_EQ(FieldOf(show.out, "status:"), "valid");
  std::string fingerprint = FieldOf(show.out, "sha256:");
  EXPECT_EQ(fingerprint, OpensslFingerprint(home.File("identity/cert.pem")));
  EXPECT_TRUE(
      std::regex_match(FieldOf(show.out, "identification:"), std::regex("[0-9]{5}( [0-9]{5}){5}")));
  // init printed the same summary it stored.
  EXPECT_EQ(FieldOf(init.out, "sha256:"), fingerprint);

  CliRun verify = TempHome::Shell("openssl verify -CAfile '" + home.File("identity/cert.pem") +
                                  "' '" + home.File("identity/cert.pem") + "' 2>&1");
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  CliRun key =
      TempHome::Shell("openssl pkey -noout -in '" + home.File("identity/key.pem") + "' 2>&1");
  EXPECT_EQ(key.exit_code, 0) << key.out;

  EXPECT_EQ(ModeOf(home.path()), 0700u);
  EXPECT_EQ(ModeOf(home.File("identity")), 0700u);
  EXPECT_EQ(ModeOf(home.File("identity/key.pem")), 0600u);
  EXPECT_EQ(ModeOf(home.File("identity/cert.pem")), 0644u);
}

TEST(IdCliTest, JsonIsOneParsableObjectWithTheSameValues) {
  TempHome home;
  ASSERT_EQ(home.Ikewot("id init --name bob --key ed25519 --days 10 --san email:bob@example.org")
                .exit_code,
            0);
  CliRun json = home.Ikewot("id show --json --pem");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  TempHome::Write(home.Scratch("show.json"), json.out);
  CliRun parsed = TempHome::Shell(
      "/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); "
      "print(d[\"name\"], d[\"key_type\"], d[\"subject_alt_names\"][0], d[\"valid_now\"], "
      "d[\"not_after_unix\"] - d[\"not_before_unix\"], d[\"fingerprint_sha256\"], "
      "d[\"certificate_pem\"].startswith(\"-----BEGIN CERTIFICATE-----\"))' < '" +
      home.Scratch("show.json") + "'");
  ASSERT_EQ(parsed.exit_code, 0) << json.out;
  // 10 days plus the one-hour backdating of notBefore.
  EXPECT_EQ(parsed.out, "bob ed25519 email:bob@example.org True 867600 " +
                            OpensslFingerprint(home.File("identity/cert.pem")) + " True\n");

  CliRun pem = home.Ikewot("id show --pem");
  ASSERT_EQ(pem.exit_code, 0);
  EXPECT_EQ(pem.out, TempHome::Read(home.File("identity/cert.pem")));
}

TEST(IdCliTest, InitRefusesToOverwriteAndForceKeepsABackup) {
  TempHome home;
  ASSERT_EQ(home.Ikewot("id init --name first").exit_code, 0);
  std::string key = TempHome::Read(home.File("identity/key.pem"));
  std::string cert = TempHome::Read(home.File("identity/cert.pem"));

  CliRun again = home.Ikewot("id init --name second");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
  EXPECT_NE(again.err.find("--force"), std::string::npos);
  EXPECT_EQ(TempHome::Read(home.File("identity/key.pem")), key);
  EXPECT_EQ(TempHome::Read(home.File("identity/cert.pem")), cert);

  CliRun forced = home.Ikewot("id init --name second --key ecdsa-p384 --force");
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(TempHome::Read(home.File("identity/key.pem")), key);
  EXPECT_EQ(FieldOf(home.Ikewot("id show").out, "name:"), "second");

  std::vector<std::filesystem::path> backups;
  for (const auto& entry : std::filesystem::directory_iterator(home.File("identity/backups"))) {
    backups.push_back(entry.path());
  }
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_EQ(TempHome::Read(backups[0] / "key.pem"), key);
  EXPECT_EQ(TempHome::Read(backups[0] / "cert.pem"), cert);
  EXPECT_EQ(ModeOf(backups[0] / "key.pem"), 0600u);
  EXPECT_EQ(ModeOf(backups[0]), 0700u);
  EXPECT_NE(forced.err.find(backups[0].string()), std::string::npos) << forced.err;

  // A second --force in the same second gets its own backup directory.
  ASSERT_EQ(home.Ikewot("id init --name third --force").exit_code, 0);
  ASSERT_EQ(home.Ikewot("id init --name fourth --force").exit_code, 0);
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(home.File("identity/backups"))) {
    (void)entry;
    ++count;
  }
  EXPECT_EQ(count, 3u);
}

TEST(IdCliTest, CorruptOrMismatchedFilesGiveClearErrors) {
  TempHome home;
  CliRun none = home.Ikewot("id show");
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("ikewot id init"), std::string::npos) << none.err;

  ASSERT_EQ(home.Ikewot("id init --name eve").exit_code, 0);
  std::string key = TempHome::Read(home.File("identity/key.pem"));
  std::string cert = TempHome::Read(home.File("identity/cert.pem"));

  TempHome::Write(home.File("identity/cert.pem"), cert.substr(0, cert.size() / 2));
  CliRun truncated = home.Ikewot("id show");
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_NE(truncated.err.find("cert.pem: corrupt certificate"), std::string::npos)
      << truncated.err;

  TempHome::Write(home.File("identity/cert.pem"), cert);
  std::string flipped = key;
  flipped[flipped.find('\n') + 10] = flipped[flipped.find('\n') + 10] == 'A' ? 'B' : 'A';
  TempHome::Write(home.File("identity/key.pem"), flipped);
  CliRun bad_key = home.Ikewot("id show");
  EXPECT_EQ(bad_key.exit_code, 1);
  EXPECT_NE(bad_key.err.find("key.pem"), std::string::npos) << bad_key.err;

  TempHome::Write(home.File("identity/key.pem"), "garbage\n");
  CliRun garbage = home.Ikewot("id show");
  EXPECT_EQ(garbage.exit_code, 1);
  EXPECT_NE(garbage.err.find("key.pem: corrupt private key"), std::string::npos) << garbage.err;

  // A valid key that is not the certificate's.
  TempHome other;
  ASSERT_EQ(other.Ikewot("id init --name mallory").exit_code, 0);
  TempHome::Write(home.File("identity/key.pem"), TempHome::Read(other.File("identity/key.pem")));
  CliRun mismatch = home.Ikewot("id show");
  EXPECT_EQ(mismatch.exit_code, 1);
  EXPECT_NE(mismatch.err.find("does not carry the public half"), std::string::npos) << mismatch.err;

  // Only the key left: init still refuses (stored data is never lost).
  std::filesystem::remove(home.File("identity/cert.pem"));
  EXPECT_EQ(home.Ikewot("id init --name eve").exit_code, 1);
}

TEST(IdCliTest, UsageErrorsExitTwo) {
  TempHome home;
  struct Case {
    const char* args;
    const char* message;
  };
  const Case cases[] = {
      {"id", "missing subcommand"},
      {"id frobnicate", "unknown subcommand"},
      {"id init", "needs --name"},
      {"id init --name x --key rsa1024", "unknown --key"},
      {"id init --name x --key rsa2048", "unknown --key"},
      {"id init --name x --san alice.example", "kind prefix"},
      {"id init --name x --san ip:999.1.1.1", "not an IPv4 or IPv6"},
      {"id init --name x --days 0", "--days"},
      {"id init --name x --days 36501", "--days"},
      {"id init --name x --days ten", "--days"},
      {"id init --name x --bogus", "unknown option --bogus"},
      {"id show extra", "unexpected argument"},
      {"id show --json=yes", "takes no value"},
  };
  for (const Case& c : cases) {
    CliRun run = home.Ikewot(c.args);
    EXPECT_EQ(run.exit_code, 2) << c.args;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << c.args << ": " << run.err;
    EXPECT_NE(run.err.find("usage: ikewot id"), std::string::npos) << c.args;
  }
  EXPECT_FALSE(std::filesystem::exists(home.path()));  // nothing was created

  CliRun help = home.Ikewot("id --help", /*add_home=*/false);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("usage: ikewot id init"), std::string::npos);
  EXPECT_EQ(home.Ikewot("id init --help").exit_code, 0);
}

TEST(IdCliTest, HomeComesFromTheEnvironmentWhenNotGiven) {
  TempHome home;
  CliRun init = home.Ikewot("id init --name envhome --key rsa3072", /*add_home=*/false,
                            "IKEWOT_HOME='" + home.path() + "'");
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(std::filesystem::exists(home.File("identity/cert.pem")));
  CliRun show = home.Ikewot("id show", /*add_home=*/false, "IKEWOT_HOME='" + home.path() + "'");
  EXPECT_EQ(FieldOf(show.out, "key type:"), "rsa3072 (3072 bits)");
  // --home may also come before the subcommand.
  CliRun before = home.Ikewot("id --home '" + home.path() + "' show", /*add_home=*/false);
  EXPECT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(FieldOf(before.out, "name:"), "envhome");
  // --home wins over the environment.
  CliRun elsewhere = home.Ikewot("id show --home '" + home.Scratch("nothing") + "'",
                                 /*add_home=*/false, "IKEWOT_HOME='" + home.path() + "'");
  EXPECT_EQ(elsewhere.exit_code, 1);
}

TEST(IdCliTest, WarnsWhenTheKeyIsReadableByOthers) {
  TempHome home;
  ASSERT_EQ(home.Ikewot("id init --name loose").exit_code, 0);
  ASSERT_EQ(chmod(home.File("identity/key.pem").c_str(), 0644), 0);
  CliRun show = home.Ikewot("id show");
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_NE(show.err.find("readable by others"), std::string::npos) << show.err;
}

}  // namespace
}  // namespace ikewot
