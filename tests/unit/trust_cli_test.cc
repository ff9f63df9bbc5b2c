// The trust commands end to end: the real `ikewot` binary in temporary homes. The seed's four
// friends share and import by CLI; refused imports exit 1 with a one-line reason; usage
// errors exit 2; every --json output parses.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace ikewot {
namespace {

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class TrustCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("trust_cli_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `ikewot ARGS` in the test directory (with `input` on stdin).
  CliRun Ikewot(const std::string& args, const std::string& input = "") {
    const std::string out = (dir_ / "stdout.txt").string();
    const std::string err = (dir_ / "stderr.txt").string();
    std::string cmd = "cd '" + dir_.string() + "' && ";
    cmd += input.empty() ? "" : "printf '" + input + "' | ";
    cmd += std::string(IKEWOT_CLI_PATH) + " " + args + " >'" + out + "' 2>'" + err + "'";
    if (input.empty()) cmd += " </dev/null";
    CliRun r;
    r.exit_code = WEXITSTATUS(std::system(cmd.c_str()));
    r.out = ReadText(out);
    r.err = ReadText(err);
    return r;
  }

  static std::string ReadText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  bool JsonParses(const std::string& text) {
    const std::string path = (dir_ / "json.txt").string();
    std::ofstream(path) << text;
    const std::string cmd =
        "/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' <'" + path + "'";
    return WEXITSTATUS(std::system(cmd.c_str())) == 0;
  }

  // HOME for `name` with an identity; its certificate copied to NAME.pem.
  void Person(const std::string& name, const std::string& key = "ecdsa-p256") {
    CliRun r = Ikewot("id init --name " + name + " --key " + key + " --home " + name);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::filesystem::copy_file(dir_ / name / "identity" / "cert.pem", dir_ / (name + ".pem"),
                               std::filesystem::copy_options::overwrite_existing);
  }

  void Trusts(const std::string& who, const std::string& whom) {
    CliRun r = Ikewot("trust add " + whom + ".pem --yes --home " + who);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  static size_t Lines(const std::string& s) {
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  }

  std::filesystem::path dir_;
};

TEST_F(TrustCliTest, FourFriendsShareAndImport) {
  for (const char* p : {"alice", "bob", "carol", "dave"}) Person(p);
  for (const char* p : {"bob", "carol", "dave"}) Trusts("alice", p);
  CliRun shared = Ikewot("share --out alice.col --home alice --json");
  ASSERT_EQ(shared.exit_code, 0) << shared.err;
  EXPECT_TRUE(JsonParses(shared.out)) << shared.out;
  EXPECT_NE(shared.out.find("\"entries\": 3"), std::string::npos) << shared.out;

  CliRun refused = Ikewot("import alice.col --home bob");
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(Lines(refused.err), 1u) << refused.err;
  EXPECT_NE(refused.err.find("refused: unknown signer: CN=alice"), std::string::npos);

  for (const char* p : {"bob", "carol", "dave"}) {
    Trusts(p, "alice");
    CliRun imported = Ikewot(std::string("import alice.col --home ") + p);
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
    EXPECT_NE(imported.out.find("imported collection alice from CN=alice: 3 certificates"),
              std::string::npos)
        << imported.out;
  }
  CliRun why = Ikewot("trust why carol --home bob");
  EXPECT_EQ(why.exit_code, 0) << why.out << why.err;
  EXPECT_NE(why.out.find("trusted-via: CN=carol"), std::string::npos) << why.out;
  EXPECT_NE(why.out.find("listed in collection alice by CN=alice"), std::string::npos);
  CliRun why_file = Ikewot("trust why dave.pem --home carol --json");
  EXPECT_EQ(why_file.exit_code, 0);
  EXPECT_TRUE(JsonParses(why_file.out)) << why_file.out;
  EXPECT_NE(why_file.out.find("\"verdict\": \"trusted-via\""), std::string::npos);
  Person("mallory");
  CliRun unknown = Ikewot("trust why mallory.pem --home bob");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.out.find("unknown: CN=mallory"), std::string::npos) << unknown.out;
  CliRun nobody = Ikewot("trust why nobody.example.org --home bob");
  EXPECT_EQ(nobody.exit_code, 1);
  EXPECT_NE(nobody.out.find("no certificate in your store names"), std::string::npos);
  CliRun again = Ikewot("import alice.col --home bob");
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.out.find("already up to date"), std::string::npos);
}

TEST_F(TrustCliTest, JsonOutputsParse) {
  Person("alice");
  Person("bob");
  Trusts("alice", "bob");
  Trusts("bob", "alice");
  ASSERT_EQ(Ikewot("share --out a.col --home alice").exit_code, 0);
  for (const std::string& cmd :
       {std::string("import a.col --home bob --json"), std::string("trust list --json --home bob"),
        std::string("trust show ") + "--json --home bob " + "PLACEHOLDER",
        std::string("trust log --json --home bob"),
        std::string("trust conflicts --json --home bob"),
        std::string("collections list --json --home bob"),
        std::string("collections show alice --json --home bob"),
        std::string("trust why bob --json --home bob")}) {
    std::string c = cmd;
    if (c.find("PLACEHOLDER") != std::string::npos) {
      CliRun list = Ikewot("trust list --home bob");
      c.replace(c.find("PLACEHOLDER"), 11, list.out.substr(0, 11));
    }
    CliRun r = Ikewot(c);
    EXPECT_EQ(r.exit_code, 0) << c << ": " << r.err;
    EXPECT_TRUE(JsonParses(r.out)) << c << ":\n" << r.out;
  }
}

TEST_F(TrustCliTest, UsageErrorsExitTwo) {
  for (const char* args : {"trust",
                           "trust bogus",
                           "trust add",
                           "trust add a b",
                           "trust list extra",
                           "trust show",
                           "trust why",
                           "trust add x.pem --reject --unverified",
                           "trust add x.pem --valid-days 0",
                           "trust mode bogus",
                           "trust list --bogus",
                           "share",
                           "share --out",
                           "share --out f --depth 9",
                           "import",
                           "import a b",
                           "import a --max-depth 0",
                           "collections",
                           "collections bogus",
                           "collections enable",
                           "collections condition x",
                           "collections condition x --none --between a b",
                           "collections condition x --between 2025-02-01 2025-01-01"}) {
    CliRun r = Ikewot(std::string(args) + " --home h");
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.err;
    EXPECT_NE(r.err.find("usage:"), std::string::npos) << args;
  }
  for (const char* args : {"trust --help", "share --help", "import --help", "collections --help"}) {
    CliRun r = Ikewot(args);
    EXPECT_EQ(r.exit_code, 0) << args;
    EXPECT_NE(r.out.find("usage:"), std::string::npos);
  }
  // `trust accept` probes over the network (tested in net_cli_test.cc); without a host it is a
  // usage error, before any name resolution.
  CliRun accept = Ikewot("trust accept --home h");
  EXPECT_EQ(accept.exit_code, 2);
  EXPECT_NE(accept.err.find("usage: ikewot trust accept"), std::string::npos) << accept.err;
}

TEST_F(TrustCliTest, RefusedImportsExitOneWithOneLineReason) {
  for (const char* p : {"alice", "bob", "carol", "dave"}) Person(p);
  Trusts("alice", "bob");
  Trusts("carol", "alice");
  Trusts("dave", "alice");
  ASSERT_EQ(Ikewot("share --out one.col --home alice").exit_code, 0);
  ASSERT_EQ(Ikewot("share --out two.col --home alice").exit_code, 0);
  ASSERT_EQ(Ikewot("share --out enc.col --to dave.pem --home alice").exit_code, 0);
  std::string file = ReadText((dir_ / "one.col").string());
  std::string tampered = file;
  tampered[tampered.size() / 2] ^= 0x10;
  std::ofstream(dir_ / "tampered.col", std::ios::binary) << tampered;
  std::ofstream(dir_ / "truncated.col", std::ios::binary) << file.substr(0, file.size() - 10);
  std::ofstream(dir_ / "empty.col", std::ios::binary) << "";
  struct Case {
    std::string args, reason;
  };
  ASSERT_EQ(Ikewot("import two.col --home carol").exit_code, 0);
  for (const Case& c : std::vector<Case>{
           {"import tampered.col --home carol", "refused: "},
           {"import truncated.col --home carol", "refused: "},
           {"import empty.col --home carol", "refused: "},
           {"import missing.col --home carol", "refused: "},
           {"import one.col --home carol", "rollback refused"},
           {"import enc.col --home carol", "wrong recipient"},
           {"import one.col --home bob", "unknown signer"},
       }) {
    CliRun r = Ikewot(c.args);
    EXPECT_EQ(r.exit_code, 1) << c.args << "\n" << r.out;
    EXPECT_EQ(Lines(r.err), 1u) << c.args << ":\n" << r.err;
    EXPECT_NE(r.err.find(c.reason), std::string::npos) << c.args << ":\n" << r.err;
  }
  CliRun ok = Ikewot("import enc.col --home dave");
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("was encrypted for you"), std::string::npos);
}

TEST_F(TrustCliTest, Ed25519IdentitiesCannotShare) {
  Person("edna", "ed25519");
  Person("bob");
  Trusts("edna", "bob");
  CliRun r = Ikewot("share --out e.col --home edna");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Ed25519"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "e.col"));
  Person("alice");
  Trusts("alice", "bob");
  CliRun to_ed = Ikewot("share --out x.col --to edna.pem --home alice");
  EXPECT_EQ(to_ed.exit_code, 1);
  EXPECT_NE(to_ed.err.find("Ed25519"), std::string::npos);
  CliRun exists = Ikewot("share --out edna.pem --home alice");
  EXPECT_EQ(exists.exit_code, 1);
  EXPECT_NE(exists.err.find("--yes to overwrite"), std::string::npos);
}

TEST_F(TrustCliTest, ManagingCollections) {
  for (const char* p : {"alice", "bob", "carol"}) Person(p);
  Trusts("alice", "carol");
  Trusts("bob", "alice");
  ASSERT_EQ(Ikewot("share --out a.col --home alice").exit_code, 0);
  ASSERT_EQ(Ikewot("import a.col --name work --home bob").exit_code, 0);
  EXPECT_EQ(Ikewot("trust why carol --home bob").exit_code, 0);
  EXPECT_EQ(Ikewot("collections disable work --home bob").exit_code, 0);
  CliRun off = Ikewot("trust why carol --home bob");
  EXPECT_EQ(off.exit_code, 1);
  EXPECT_NE(off.out.find("collection work is disabled"), std::string::npos) << off.out;
  EXPECT_EQ(Ikewot("collections enable work --home bob").exit_code, 0);
  CliRun cond = Ikewot("collections condition work --while-peer dns:gw.corp.example --home bob");
  EXPECT_EQ(cond.exit_code, 0) << cond.err;
  CliRun list = Ikewot("collections list --home bob");
  EXPECT_NE(list.out.find("inactive: enabled only while an IKE SA to dns:gw.corp.example"),
            std::string::npos)
      << list.out;
  EXPECT_EQ(Ikewot("trust why carol --home bob").exit_code, 1);
  EXPECT_EQ(
      Ikewot("collections condition work --between 2000-01-01 2001-01-01 --home bob").exit_code, 0);
  EXPECT_EQ(Ikewot("trust why carol --home bob").exit_code, 1);
  EXPECT_EQ(Ikewot("collections condition work --none --home bob").exit_code, 0);
  EXPECT_EQ(Ikewot("trust why carol --home bob").exit_code, 0);
  CliRun unconfirmed = Ikewot("collections remove work --home bob", "n\\n");
  EXPECT_EQ(unconfirmed.exit_code, 1);
  EXPECT_EQ(Ikewot("trust why carol --home bob").exit_code, 0);
  CliRun removed = Ikewot("collections --home bob remove work --yes");
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_NE(removed.out.find("trust in its 1 certificates is withdrawn"), std::string::npos);
  EXPECT_EQ(Ikewot("trust why carol --home bob").exit_code, 1);
  CliRun log = Ikewot("trust log --home bob");
  for (const char* kind :
       {"accept", "import", "disable", "enable", "condition", "remove-collection"}) {
    EXPECT_NE(log.out.find(kind), std::string::npos) << kind << "\n" << log.out;
  }
  EXPECT_EQ(Ikewot("collections enable nope --home bob").exit_code, 1);
}

TEST_F(TrustCliTest, AddAsksUnlessYesAndRemoveWithdraws) {
  Person("alice");
  Person("bob");
  CliRun declined = Ikewot("trust add bob.pem --home alice", "n\\n");
  EXPECT_EQ(declined.exit_code, 1);
  EXPECT_NE(declined.err.find("identification:"), std::string::npos) << declined.err;
  EXPECT_NE(Ikewot("trust list --home alice").out.find("no decisions"), std::string::npos);
  CliRun accepted = Ikewot(
      "trust add bob.pem --home alice --note 'phone call' --purpose ike-auth "
      "--address 192.0.2.0/24 --valid-days 30",
      "y\\n");
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_NE(accepted.out.find("ike-auth;"), std::string::npos) << accepted.out;
  EXPECT_NE(accepted.out.find("addresses 192.0.2.0/24"), std::string::npos);
  CliRun why_far = Ikewot("trust why bob.pem --address 198.51.100.1 --home alice");
  EXPECT_EQ(why_far.exit_code, 1);
  EXPECT_NE(why_far.out.find("out-of-policy"), std::string::npos) << why_far.out;
  EXPECT_EQ(Ikewot("trust why bob.pem --address 192.0.2.9 --home alice").exit_code, 0);
  CliRun list = Ikewot("trust list --home alice");
  const std::string prefix = list.out.substr(0, 11);
  CliRun show = Ikewot("trust show " + prefix + " --home alice");
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_NE(show.out.find("identification:"), std::string::npos);
  EXPECT_NE(show.out.find("note:           phone call"), std::string::npos) << show.out;
  EXPECT_EQ(Ikewot("trust show 0000 --home alice").exit_code, 1);
  EXPECT_EQ(Ikewot("trust remove " + prefix + " --yes --home alice").exit_code, 0);
  EXPECT_EQ(Ikewot("trust why bob.pem --home alice").exit_code, 1);
  CliRun reject = Ikewot("trust add bob.pem --reject --yes --home alice");
  EXPECT_EQ(reject.exit_code, 0);
  CliRun why = Ikewot("trust why bob.pem --home alice");
  EXPECT_NE(why.out.find("rejected: CN=bob"), std::string::npos) << why.out;
  CliRun mode = Ikewot("trust mode signed --home alice");
  EXPECT_EQ(mode.exit_code, 0) << mode.err;
  EXPECT_NE(mode.out.find("marking mode: signed"), std::string::npos);
  EXPECT_EQ(Ikewot("trust mode stored-only --home alice").exit_code, 1);  // holds a rejection
}

}  // namespace
}  // namespace ikewot
