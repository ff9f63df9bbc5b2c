// large-group at a small size: every planned handshake completes over the routed tree with both
// key types, the figures add up, the same seed gives the same event log, the program is a thin
// main() around RunLargeGroup, and bad options are refused by name.
#include "sim/scenarios/large_group.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim {
namespace {

using testing::CountEvents;
using testing::FreshDir;
using testing::ReadFile;

// 30 nodes in groups of 8 (four access routers), 2 connects each within 5 s, held 2 s.
LargeGroupConfig Small(const std::string& out, const std::string& key_type) {
  LargeGroupConfig config;
  config.common.out = out;
  config.common.seed = 7;
  config.common.quiet = true;
  config.nodes = 30;
  config.group_size = 8;
  config.handshakes = 2;
  config.window_s = 5;
  config.hold_s = 2;
  config.key_type = key_type;
  return config;
}

uint64_t Figure(const Json& figures, const char* key) {
  const Json* value = figures.Find(key);
  if (value == nullptr || value->integer() == nullptr) {
    ADD_FAILURE() << "no integer figure " << key;
    return 0;
  }
  return static_cast<uint64_t>(*value->integer());
}

TEST(LargeGroupTest, EveryHandshakeCompletesWithEitherKeyType) {
  for (const char* key_type : {"ed25519", "ecdsa-p256"}) {
    SCOPED_TRACE(key_type);
    const std::string out = FreshDir(std::string("large-group-") + key_type);
    Result<ScenarioOutcome> outcome = RunLargeGroup(Small(out, key_type), RunHooks{});
    ASSERT_TRUE(outcome.ok()) << outcome.error().message;
    EXPECT_EQ(Figure(outcome->figures, "handshakes"), 60u);
    EXPECT_EQ(Figure(outcome->figures, "handshakes_ok"), 60u);
    EXPECT_EQ(Figure(outcome->figures, "handshakes_failed"), 0u);
    EXPECT_GT(Figure(outcome->figures, "ns3_events"), 60u * 20);  // 6 datagrams over 2-4 hops
    const std::string events = ReadFile(out + "/events.jsonl");
    EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":true", "\"how\":\"opportunistic\""}), 60u);
    EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":false"}), 0u);
    const std::string summary = ReadFile(out + "/summary.json");
    EXPECT_NE(summary.find("\"key_type\": \"" + std::string(key_type) + "\""), std::string::npos)
        << summary;
    EXPECT_NE(ReadFile(out + "/run.json").find("\"peerKnowledge\""), std::string::npos);
  }
}

TEST(LargeGroupTest, SameSeedSameEventsAndTheProgramIsTheSameFunction) {
  const std::string a = FreshDir("large-group-a"), program = FreshDir("large-group-program");
  Result<ScenarioOutcome> first = RunLargeGroup(Small(a, "ed25519"), RunHooks{});
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(testing::RunScenario("large-group",
                                 "--seed=7 --nodes=30 --groupSize=8 --handshakes=2 --window=5 "
                                 "--hold=2 --out=" +
                                     program),
            0);
  const std::string events = ReadFile(a + "/events.jsonl");
  EXPECT_EQ(CountEvents(events, "connect"), 60u);
  EXPECT_EQ(events, ReadFile(program + "/events.jsonl"));
}

TEST(LargeGroupTest, BadOptionsAreRefusedByName) {
  const std::string out = FreshDir("large-group-bad");
  LargeGroupConfig rsa = Small(out, "rsa2048");
  Result<ScenarioOutcome> refused = RunLargeGroup(rsa, RunHooks{});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("keyType"), std::string::npos);
  LargeGroupConfig one = Small(out, "ed25519");
  one.nodes = 1;
  refused = RunLargeGroup(one, RunHooks{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("nodes must be at least 2"), std::string::npos);
  EXPECT_EQ(testing::RunScenario("large-group", "--keyType=dsa --out=" + out), 2);
}

}  // namespace
}  // namespace ikewot::sim
