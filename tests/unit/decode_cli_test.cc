// `ikewot decode` end to end: runs the real binary on files in a temporary directory and checks
// exit status, output and error messages (with offsets and packet numbers); --json output must
// parse with Python's json module.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/base/bytes.h"

namespace ikewot {
namespace {

namespace fs = std::filesystem;

Bytes ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string ReadText(const fs::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path Vector(const std::string& relative) { return fs::path(IKEWOT_TEST_DATA_DIR) / relative; }

struct CliRun {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class DecodeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ikewot-decode-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, ByteView data) {
    fs::path path = dir_ / name;
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
    return path;
  }
  fs::path WriteText(const std::string& name, const std::string& text) {
    return Write(name, AsBytes(text));
  }

  // `shell_args` is pasted into a /bin/sh command line after "ikewot decode".
  CliRun Decode(const std::string& shell_args) {
    fs::path out = dir_ / "stdout.txt";
    fs::path err = dir_ / "stderr.txt";
    std::string command = std::string(IKEWOT_CLI_PATH) + " decode " + shell_args + " >" +
                          out.string() + " 2>" + err.string();
    int status = std::system(command.c_str());
    CliRun run;
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadText(out);
    run.err = ReadText(err);
    return run;
  }

  // True when Python's json module accepts `text` (exactly the check
  // /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)') and the Python expression
  // `check` on the loaded document `d` holds.
  bool IsJson(const std::string& text, const std::string& check = "True") {
    fs::path file = WriteText("output.json", text);
    std::string plain =
        "/usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)' <" + file.string();
    if (std::system(plain.c_str()) != 0) return false;
    fs::path script = WriteText("check.py",
                                "import json, sys\nd = json.load(sys.stdin)\n"
                                "sys.exit(0 if (" +
                                    check + ") else 3)\n");
    std::string command = "/usr/bin/python3 " + script.string() + " <" + file.string();
    return std::system(command.c_str()) == 0;
  }

  fs::path dir_;
};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST_F(DecodeCliTest, RawIkev1DatagramIsShownFieldByField) {
  CliRun r = Decode(Vector("ike-scan/am1-psk.bin").string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* expected :
       {"IKEv1 message, 440 octets", "4 (AGGRESSIVE)", "7 (AES-CBC)", "14 (MODP-2048)",
        "payload #4: 5 (ID), 23 octets at offset 412", "vpn@example.com",
        "4 (X.509 Certificate - Signature)", "semantic check: ok"}) {
    EXPECT_TRUE(Contains(r.out, expected)) << expected << "\n" << r.out;
  }
}

TEST_F(DecodeCliTest, RawIkev2DatagramGoesToTheIkev2Decoder) {
  fs::path path = Vector("strongswan/ikev2-ecdsa-x25519-aesgcm/00-IKE_SA_INIT-request.bin");
  if (!fs::exists(path)) {
    GTEST_SKIP() << "no strongSwan IKEv2 vector";
  }
  CliRun r = Decode(path.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "IKEv2 IKE_SA_INIT request")) << r.out;
  EXPECT_TRUE(Contains(r.out, "semantic check: ok")) << r.out;
  CliRun j = Decode("--json " + path.string());
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_TRUE(IsJson(j.out, "d['ike_version'] == 2 and d['validation']['ok']")) << j.out;
}

TEST_F(DecodeCliTest, HexTextIsDetectedOrRequestedAndReadFromStdin) {
  Bytes raw = ReadFile(Vector("ike-scan/mm1-vids.bin"));
  std::string hex;
  for (size_t i = 0; i < raw.size(); i += 16) {
    hex += ToHexGrouped(ByteView(raw).subspan(i, std::min<size_t>(16, raw.size() - i)), 4, ' ');
    hex += "\n";
  }
  fs::path text = WriteText("mm1.hex", hex);
  CliRun from_raw = Decode(Vector("ike-scan/mm1-vids.bin").string());
  CliRun detected = Decode(text.string());
  CliRun requested = Decode("--hex - <" + text.string());
  EXPECT_EQ(detected.exit_code, 0) << detected.err;
  EXPECT_EQ(requested.exit_code, 0) << requested.err;
  EXPECT_EQ(detected.out, from_raw.out);
  EXPECT_EQ(requested.out, from_raw.out);
  EXPECT_TRUE(Contains(detected.out, "RFC 3947 NAT-T"));

  CliRun odd = Decode("--hex " + WriteText("odd.hex", "abc").string());
  EXPECT_EQ(odd.exit_code, 1);
  EXPECT_TRUE(Contains(odd.err, "odd number of hex digits")) << odd.err;
}

TEST_F(DecodeCliTest, NonEspMarkerIsStripped) {
  Bytes marked = {0, 0, 0, 0};
  Bytes raw = ReadFile(Vector("ike-scan/mm1-natt.bin"));
  marked.insert(marked.end(), raw.begin(), raw.end());
  CliRun r = Decode(Write("natt.bin", marked).string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "non-ESP marker (4 octets) stripped"));
  EXPECT_TRUE(Contains(r.out, "IKEv1 message, 336 octets"));
}

TEST_F(DecodeCliTest, PcapAndPcapNgCaptures) {
  for (const char* name : {"ikescan.pcap", "ikescan.pcapng"}) {
    SCOPED_TRACE(name);
    CliRun r = Decode("--pcap " + Vector(std::string("ike-scan/") + name).string());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(Contains(r.out, "packet 1  20")) << r.out;
    EXPECT_TRUE(Contains(r.out, "127.0.0.1:500 -> 127.0.0.1:500  224 octets")) << r.out;
    EXPECT_TRUE(Contains(r.out,
                         "127.0.0.1:4500 -> 127.0.0.1:4500  336 octets, after the "
                         "non-ESP marker"))
        << r.out;
    EXPECT_TRUE(Contains(r.out, "4 IKE datagram(s) in 4 packet(s)")) << r.out;
    CliRun j = Decode("--json " + Vector(std::string("ike-scan/") + name).string());
    EXPECT_EQ(j.exit_code, 0);
    EXPECT_TRUE(IsJson(j.out,
                       "len(d) == 4 and d[3]['non_esp_marker'] and "
                       "d[2]['message']['header']['exchange_type'] == 4 and "
                       "d[0]['time'].endswith('Z')"))
        << j.out;
  }
}

TEST_F(DecodeCliTest, FragmentedStrongSwanCaptureIsReassembled) {
  fs::path path = Vector("strongswan/ikev2-rsa-modp2048-aescbc/capture.pcap");
  if (!fs::exists(path)) {
    GTEST_SKIP() << "no strongSwan capture";
  }
  CliRun r = Decode("--pcap " + path.string());
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "reassembled from IP fragments in packets 3 4")) << r.out;
  CliRun j = Decode("--pcap --json " + path.string());
  EXPECT_TRUE(
      IsJson(j.out, "[p['ip_fragment_packets'] for p in d if p['packet'] == 4] == [[3, 4]]"))
      << j.out;
}

TEST_F(DecodeCliTest, MalformedDatagramsReportOffsetAndExitOne) {
  Bytes am1 = ReadFile(Vector("ike-scan/am1-psk.bin"));
  CliRun truncated = Decode(Write("short.bin", ByteView(am1).first(100)).string());
  EXPECT_EQ(truncated.exit_code, 1);
  EXPECT_TRUE(Contains(truncated.err, "malformed IKEv1 message at offset 24")) << truncated.err;
  EXPECT_TRUE(Contains(truncated.err, "header length 440 exceeds the datagram's 100 octets"));

  Bytes bad = am1;
  bad[388 + 3] = 0xff;  // the NONCE payload (at 388) claims 255 octets
  CliRun corrupt = Decode(Write("bad.bin", bad).string());
  EXPECT_EQ(corrupt.exit_code, 1);
  EXPECT_TRUE(Contains(corrupt.err, "at offset 390")) << corrupt.err;
  CliRun json = Decode("--json " + (dir_ / "bad.bin").string());
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_TRUE(IsJson(json.out, "d['error']['offset'] == 390 and d['error']['code'] == 'truncated'"))
      << json.out;

  Bytes v3 = am1;
  v3[17] = 0x30;
  CliRun version = Decode(Write("v3.bin", v3).string());
  EXPECT_EQ(version.exit_code, 1);
  EXPECT_TRUE(Contains(version.err, "offset 17")) << version.err;
}

TEST_F(DecodeCliTest, MalformedCapturesNameThePacket) {
  Bytes pcap = ReadFile(Vector("ike-scan/ikescan.pcap"));
  // Packet 2 (mm1-vids, 224 octets) follows packet 1's record: 24 + 16 + (14+20+8+336) octets;
  // its IKE header length field is 14+20+8+24 octets into its data.
  size_t packet2_data = 24 + 16 + (14 + 20 + 8 + 336) + 16;
  Bytes bad_ike = pcap;
  bad_ike[packet2_data + 14 + 20 + 8 + 27] = 0xe1;  // header length 225 for a 224-octet datagram
  CliRun r = Decode("--pcap " + Write("bad-ike.pcap", bad_ike).string());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "packet 2: malformed IKEv1 message at offset 24")) << r.err;
  EXPECT_TRUE(Contains(r.out, "4 IKE datagram(s)")) << r.out;  // the others are still shown
  CliRun j = Decode("--pcap --json " + (dir_ / "bad-ike.pcap").string());
  EXPECT_EQ(j.exit_code, 1);
  EXPECT_TRUE(IsJson(j.out, "d[1]['error']['offset'] == 24 and 'message' in d[0]")) << j.out;

  CliRun cut =
      Decode("--pcap " + Write("cut.pcap", ByteView(pcap).first(pcap.size() - 10)).string());
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_TRUE(Contains(cut.err, "malformed capture at offset")) << cut.err;
  EXPECT_TRUE(Contains(cut.err, "packet 4: record claims")) << cut.err;

  CliRun not_pcap = Decode("--pcap " + Vector("ike-scan/am1-psk.bin").string());
  EXPECT_EQ(not_pcap.exit_code, 1);
  EXPECT_TRUE(Contains(not_pcap.err, "not a pcap or pcapng file"));
}

TEST_F(DecodeCliTest, UsageErrorsExitTwoAndHelpExitsZero) {
  EXPECT_EQ(Decode("").exit_code, 2);
  EXPECT_EQ(Decode("--bogus x").exit_code, 2);
  EXPECT_EQ(Decode("a b").exit_code, 2);
  EXPECT_EQ(Decode("--port 0 x").exit_code, 2);
  EXPECT_EQ(Decode("--port http x").exit_code, 2);
  EXPECT_EQ(Decode("--pcap --hex x").exit_code, 2);
  CliRun help = Decode("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.out, "usage: ikewot decode"));
  EXPECT_EQ(Decode((dir_ / "missing.bin").string()).exit_code, 1);
  EXPECT_EQ(Decode(Write("empty.bin", Bytes{}).string()).exit_code, 1);
}

}  // namespace
}  // namespace ikewot
