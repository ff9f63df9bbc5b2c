// The nat-and-firewall scenario: NAT detection and the move to 4500 through the NAPT box, no
// way in from outside, the restricted-proposal fallback through the fragment-dropping firewall,
// and a capture tshark dissects without a single malformed packet.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>

#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim::testing {
namespace {

std::string Tshark(const std::string& args) {
  const std::string command = "tshark " + args + " 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  char buffer[4096];
  while (pipe && fgets(buffer, sizeof(buffer), pipe.get())) out += buffer;
  return out;
}

TEST(NatAndFirewallTest, NatDetectedFallbackWorksAndCapturesDissectCleanly) {
  const std::string dir = FreshDir("nat-and-firewall");
  ASSERT_EQ(RunScenario("nat-and-firewall", "--seed=3 --pcap --holdTime=70 --out=" + dir), 0);
  const std::string events = ReadFile(dir + "/events.jsonl");
  // Alice (node 0) behind the NAPT probes Bob (1): NAT seen, no fallback needed.
  EXPECT_EQ(CountEvents(
                events, "probe",
                {"\"node\":0,", "\"peer\":1", "\"ok\":true", "\"nat\":true", "\"fallback\":false"}),
            1u)
      << events;
  // Carol (2) behind the fragment-dropping firewall: only the restricted list got through.
  EXPECT_EQ(CountEvents(
                events, "probe",
                {"\"node\":2,", "\"peer\":1", "\"ok\":true", "\"nat\":false", "\"fallback\":true"}),
            1u)
      << events;
  // Bob cannot reach Alice from outside: her public address has no mapping for him.
  EXPECT_EQ(
      CountEvents(events, "probe", {"\"node\":1,", "\"peer\":\"198.51.100.1\"", "\"ok\":false"}),
      1u);
  EXPECT_EQ(
      CountEvents(events, "connect",
                  {"\"node\":0,", "\"ok\":true", "\"how\":\"opportunistic\"", "\"nat\":true"}),
      1u);
  EXPECT_EQ(CountEvents(events, "connect", {"\"node\":2,", "\"ok\":true", "\"fallback\":true"}),
            1u);
  const std::string summary = ReadFile(dir + "/summary.json");
  EXPECT_EQ(summary.find("\"firewall_fragments_dropped\": 0"), std::string::npos) << summary;

  // Real packets: IKE on 500 and NAT-T on 4500 in Bob's capture, none malformed.
  const std::string bob = dir + "/bob.pcap";
  EXPECT_EQ(Tshark("-r " + bob + " -Y _ws.malformed"), "");
  EXPECT_NE(Tshark("-r " + bob + " -Y 'udp.port == 4500 && isakmp'"), "");
  EXPECT_NE(Tshark("-r " + bob + " -Y 'isakmp.exchangetype == 34'"), "");
  // ESP: in UDP 4500 from behind the NAT (Alice), plain protocol 50 from Carol.
  EXPECT_NE(Tshark("-r " + bob + " -Y 'udp.port == 4500 && esp'"), "");
  EXPECT_NE(Tshark("-r " + bob + " -Y 'ip.proto == 50'"), "");
  EXPECT_EQ(CountEvents(events, "esp", {"\"node\":1,", "\"direction\":\"in\"", "\"dropped\":0"}),
            2u);
  EXPECT_EQ(Tshark("-r " + dir + "/alice.pcap -Y _ws.malformed"), "");
  EXPECT_EQ(Tshark("-r " + dir + "/carol.pcap -Y _ws.malformed"), "");
  // Carol's capture shows the IP fragments of her first, too large IKE_SA_INIT.
  EXPECT_NE(Tshark("-r " + dir + "/carol.pcap -Y 'ip.flags.mf == 1'"), "");
}

}  // namespace
}  // namespace ikewot::sim::testing
