// The four-friends scenario end to end: real probes, real phone-call verifications, a real
// signed collection, real connections between nodes that never checked each other.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim::testing {
namespace {

TEST(FourFriendsTest, ExactlyTheExpectedVerificationsAndConnections) {
  const std::string dir = FreshDir("four-friends-1");
  ASSERT_EQ(RunScenario("four-friends", "--seed=1 --out=" + dir), 0);
  const std::string events = ReadFile(dir + "/events.jsonl");
  // Alice probes Bob, Carol and Dave; each of them probes Alice.
  EXPECT_EQ(CountEvents(events, "probe", {"\"ok\":true"}), 6u);
  EXPECT_EQ(CountEvents(events, "probe"), 6u);
  // Three calls, each verifying both ways; nobody else verifies anybody.
  EXPECT_EQ(CountEvents(events, "verify", {"\"ok\":true"}), 6u);
  EXPECT_EQ(CountEvents(events, "verify"), 6u);
  EXPECT_EQ(CountEvents(events, "verify", {"\"node\":0,"}), 3u);
  // One collection with three entries, imported by three friends.
  EXPECT_EQ(CountEvents(events, "share", {"\"node\":0,", "\"entries\":3"}), 1u);
  EXPECT_EQ(CountEvents(events, "import", {"\"ok\":true", "\"entries\":3"}), 3u);
  // Alice connects to her three friends on her own verification; the friends connect to each
  // other through her collection (B-C, B-D, C-D).
  EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":true", "\"how\":\"verified\""}), 3u);
  EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":true", "\"how\":\"collection\"", "\"via\":0"}),
            3u);
  EXPECT_EQ(CountEvents(events, "connect"), 6u);
  // Every trust edge: 6 own checks and, for each friend, the two others via Alice (depth 1).
  EXPECT_EQ(CountEvents(events, "trust", {"\"via\":null", "\"depth\":0"}), 6u);
  EXPECT_EQ(CountEvents(events, "trust", {"\"via\":0", "\"depth\":1", "\"genuine\":true"}), 6u);
  EXPECT_EQ(CountEvents(events, "conflict"), 0u);
  // Every connection carried 5 packets through the core's ESP, all of them accepted.
  EXPECT_EQ(CountEvents(events, "esp", {"\"direction\":\"out\"", "\"packets\":5"}), 6u);
  EXPECT_EQ(CountEvents(events, "esp", {"\"direction\":\"in\"", "\"packets\":5", "\"dropped\":0"}),
            6u);

  const std::string summary = ReadFile(dir + "/summary.json");
  EXPECT_NE(summary.find("\"done\": 6"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"needed_without_sharing\": 12"), std::string::npos) << summary;
  EXPECT_NE(summary.find("\"reachable_pairs_fraction\": 1"), std::string::npos) << summary;
  EXPECT_EQ(Lines(ReadFile(dir + "/nodes.csv")).size(), 5u);
  EXPECT_NE(ReadFile(dir + "/run.json").find("\"format\": \"ikewot-run\""), std::string::npos);
}

TEST(FourFriendsTest, SameSeedGivesByteIdenticalEventsAndAnotherSeedIsStillCorrect) {
  const std::string a = FreshDir("four-friends-a");
  const std::string b = FreshDir("four-friends-b");
  const std::string c = FreshDir("four-friends-c");
  ASSERT_EQ(RunScenario("four-friends", "--seed=7 --out=" + a), 0);
  ASSERT_EQ(RunScenario("four-friends", "--seed=7 --out=" + b), 0);
  ASSERT_EQ(RunScenario("four-friends", "--seed=8 --out=" + c), 0);
  const std::string events_a = ReadFile(a + "/events.jsonl");
  EXPECT_FALSE(events_a.empty());
  EXPECT_EQ(events_a, ReadFile(b + "/events.jsonl"));
  const std::string events_c = ReadFile(c + "/events.jsonl");
  EXPECT_NE(events_a, events_c);  // other call times
  EXPECT_EQ(CountEvents(events_c, "verify", {"\"ok\":true"}), 6u);
  EXPECT_EQ(CountEvents(events_c, "connect", {"\"ok\":true", "\"how\":\"collection\""}), 3u);
}

// The events of a run without what depends on timing or packet sizes (times, round-trip and
// call durations, inner octets), sorted: who probed, verified, trusted, imported, connected
// (how, via whom) and sent how many packets.
std::vector<std::string> WhatHappened(const std::string& events) {
  static const std::regex timing("\"(t|rtt_ms|duration_ms|duration_s|bytes)\":[0-9.]+,?");
  std::vector<std::string> out;
  for (const std::string& line : Lines(events)) out.push_back(std::regex_replace(line, timing, ""));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FourFriendsTest, OverIpv6TheSameVerificationsConnectionsAndTrustAsOverIpv4) {
  const std::string v4 = FreshDir("four-friends-v4");
  const std::string v6 = FreshDir("four-friends-v6");
  ASSERT_EQ(RunScenario("four-friends", "--seed=1 --out=" + v4), 0);
  ASSERT_EQ(RunScenario("four-friends", "--seed=1 --ipv6 --out=" + v6), 0);
  const std::string events_v4 = ReadFile(v4 + "/events.jsonl");
  const std::string events_v6 = ReadFile(v6 + "/events.jsonl");
  ASSERT_EQ(CountEvents(events_v4, "connect", {"\"ok\":true"}), 6u);
  EXPECT_EQ(WhatHappened(events_v6), WhatHappened(events_v4)) << events_v6;
  // Call times follow the order in which probes finish, which differs with the address family:
  // the same calls, each verifying both ways, but not necessarily at the same times.
  EXPECT_EQ(CountEvents(events_v6, "verify", {"\"ok\":true"}), 6u);
  EXPECT_EQ(ReadFile(v6 + "/summary.json"), ReadFile(v4 + "/summary.json"));
  // Inner IPv6/UDP packets: 40 + 8 + 200 octets each, 5 per connection.
  EXPECT_EQ(CountEvents(events_v6, "esp", {"\"direction\":\"in\"", "\"bytes\":1240"}), 6u);
  const std::vector<std::string> nodes = Lines(ReadFile(v6 + "/nodes.csv"));
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_NE(nodes[1].find(",fd6b:6577:6f74::1,"), std::string::npos) << nodes[1];
  EXPECT_NE(ReadFile(v6 + "/run.json").find("\"ipv6\": true"), std::string::npos);
  EXPECT_NE(ReadFile(v4 + "/run.json").find("\"ipv6\": false"), std::string::npos);
}

TEST(FourFriendsTest, HelpAndBadArguments) {
  EXPECT_EQ(RunScenario("four-friends", "--help > /dev/null"), 0);
  EXPECT_NE(RunScenario("four-friends", "--seed=0 --out=" + FreshDir("bad")), 0);
}

}  // namespace
}  // namespace ikewot::sim::testing
