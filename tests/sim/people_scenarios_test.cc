// The company (conditional collection), hobby-group over IPv6 and attack (false certificate,
// man in the middle) scenarios at small sizes.
#include <gtest/gtest.h>

#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim::testing {
namespace {

TEST(CompanyTest, CollectionCountsOnlyWhileConnectedToTheServer) {
  const std::string dir = FreshDir("company");
  ASSERT_EQ(RunScenario("company", "--seed=2 --nodes=8 --callMax=300 --out=" + dir), 0);
  const std::string events = ReadFile(dir + "/events.jsonl");
  // 6 colleagues import the admin's collection on the condition.
  EXPECT_EQ(CountEvents(events, "enable", {"\"condition\":\"connected:server\""}), 6u);
  // Phase 2: every colleague pair connects through the collection; phase 4: all refused.
  EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":true", "\"how\":\"collection\"", "\"via\":1"}),
            6u);
  EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":false"}), 6u);
  // Trust via the admin appears with the server connection and goes with it.
  EXPECT_GT(CountEvents(events, "trust", {"\"via\":1"}), 0u);
  EXPECT_EQ(CountEvents(events, "untrust", {"\"reason\":\"peer down\""}),
            CountEvents(events, "trust", {"\"via\":1"}));
  const std::string summary = ReadFile(dir + "/summary.json");
  EXPECT_NE(summary.find("\"connected_while_server_up\": 6"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"refused_after_disconnect\": 6"), std::string::npos) << summary;
}

// hobby-group over IPv6 with 3 access routers and a root (30 people, 10 per group): every
// probe crosses the routed IPv6 network or stays on a group LAN, and the figures are those of
// the IPv4 run with the same seed.
TEST(HobbyGroupTest, OverIpv6AcrossAccessRoutersTheSameFiguresAsIpv4) {
  const std::string v4 = FreshDir("hobby-group-v4");
  const std::string v6 = FreshDir("hobby-group-v6");
  const std::string args = "--seed=2 --nodes=30 --groupSize=10 --m=2 --callMax=3600 --out=";
  ASSERT_EQ(RunScenario("hobby-group", args + v4), 0);
  ASSERT_EQ(RunScenario("hobby-group", "--ipv6 " + args + v6), 0);
  const std::string events_v6 = ReadFile(v6 + "/events.jsonl");
  const size_t probes = CountEvents(events_v6, "probe");
  EXPECT_GT(probes, 30u);
  EXPECT_EQ(CountEvents(events_v6, "probe", {"\"ok\":true"}), probes);
  EXPECT_GT(CountEvents(events_v6, "connect", {"\"ok\":true"}), 0u);
  EXPECT_EQ(ReadFile(v6 + "/summary.json"), ReadFile(v4 + "/summary.json"));
  EXPECT_NE(ReadFile(v6 + "/nodes.csv").find(",fd6b:6577:6f74:2::2,"), std::string::npos);
}

TEST(AttackTest, FalseCertificateSpreadsOnlyWhereNoConflictIsSeenAndThePhoneCallCatchesTheMitm) {
  const std::string dir = FreshDir("attack");
  ASSERT_EQ(RunScenario("attack", "--seed=4 --nodes=10 --out=" + dir), 0);
  const std::string events = ReadFile(dir + "/events.jsonl");
  // Dave (4) phoned Bob about the certificate the man in the middle showed him: no match.
  EXPECT_EQ(CountEvents(events, "verify", {"\"node\":4,", "\"peer\":1", "\"ok\":false"}), 1u);
  EXPECT_EQ(CountEvents(events, "verify", {"\"ok\":false"}), 1u);
  // Dave imports Mallory's collection (he trusts the false Bob for a moment), then Alice's: a
  // conflict for each of Bob's two certificates, and the false one is withdrawn.
  EXPECT_EQ(CountEvents(events, "conflict", {"\"node\":4,", "\"peer\":1,"}), 2u);
  EXPECT_EQ(CountEvents(events, "trust", {"\"node\":4,", "\"peer\":1,", "\"genuine\":false"}), 1u);
  EXPECT_EQ(CountEvents(events, "untrust", {"\"node\":4,", "\"peer\":1,"}), 1u);
  EXPECT_EQ(CountEvents(events, "trust", {"\"node\":4,", "\"peer\":1,", "\"genuine\":true"}), 0u);
  // Whoever trusts a certificate for Bob through Mallory trusts a false one.
  EXPECT_EQ(CountEvents(events, "trust", {"\"peer\":1,", "\"via\":2"}),
            CountEvents(events, "trust", {"\"peer\":1,", "\"via\":2", "\"genuine\":false"}));
  const std::string summary = ReadFile(dir + "/summary.json");
  EXPECT_EQ(summary.find("\"conflicts\": 0"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"mitm_detected_by_phone_call\": true"), std::string::npos);
  // The exposure shows in the metrics.
  const std::vector<std::string> metrics = Lines(ReadFile(dir + "/metrics.csv"));
  ASSERT_GE(metrics.size(), 2u);
  EXPECT_NE(metrics.back().substr(metrics.back().rfind(',') + 1), "0.000000");
}

}  // namespace
}  // namespace ikewot::sim::testing
