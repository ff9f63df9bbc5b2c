// The scenarios as library functions (sim/scenarios/): two runs in one process with one seed
// write the same run folder, and the same as the program; hooks report progress and stop a run
// cleanly; parameters come from one list and bad ones are refused by name.
#include <gtest/gtest.h>
#include <ns3/node-container.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "sim/scenarios/catalog.h"
#include "sim/scenarios/company.h"
#include "sim/scenarios/four_friends.h"
#include "sim/scenarios/hobby_group.h"
#include "tests/sim/scenario_test_support.h"

namespace ikewot::sim {
namespace {

using testing::CountEvents;
using testing::FreshDir;
using testing::Lines;
using testing::ReadFile;

FourFriendsConfig QuietFourFriends(const std::string& out, uint64_t seed) {
  FourFriendsConfig config;
  config.common.out = out;
  config.common.seed = seed;
  config.common.quiet = true;
  return config;
}

// run.json without what the wall clock decides (when it started, how long it took).
std::string RunJsonWithoutWallClock(const std::string& text) {
  static const std::regex wall(R"re("(started_utc|wall_seconds)": [^,}\n]*)re");
  return std::regex_replace(text, wall, "");
}

// nodes.csv rows; the ECDSA node's certificate (Alice's) is signed with OpenSSL's own nonce
// (docs/sim.md, Determinism), so only its fingerprint and identification may differ.
void ExpectSameNodes(const std::string& a, const std::string& b) {
  const std::vector<std::string> rows_a = Lines(a), rows_b = Lines(b);
  ASSERT_EQ(rows_a.size(), 5u);
  ASSERT_EQ(rows_b.size(), 5u);
  EXPECT_EQ(rows_a[0], rows_b[0]);
  EXPECT_EQ(rows_a[1].substr(0, rows_a[1].find("alice,") + 6),
            rows_b[1].substr(0, rows_b[1].find("alice,") + 6));
  for (size_t i = 2; i < rows_a.size(); ++i) EXPECT_EQ(rows_a[i], rows_b[i]);
}

TEST(ScenarioLibraryTest, TwoRunsInOneProcessWriteTheSameRunFolderAsTheProgram) {
  const std::string a = FreshDir("library-a"), b = FreshDir("library-b");
  const std::string program = FreshDir("library-program");
  Result<ScenarioOutcome> first = RunFourFriends(QuietFourFriends(a, 11), RunHooks{});
  ASSERT_TRUE(first.ok()) << first.error().message;
  Result<ScenarioOutcome> second = RunFourFriends(QuietFourFriends(b, 11), RunHooks{});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_FALSE(first->stopped);
  EXPECT_EQ(first->out, a);
  EXPECT_EQ(first->figures.Dump(), second->figures.Dump());

  const std::string events = ReadFile(a + "/events.jsonl");
  EXPECT_EQ(CountEvents(events, "verify", {"\"ok\":true"}), 6u);
  EXPECT_EQ(CountEvents(events, "connect", {"\"ok\":true", "\"how\":\"collection\""}), 3u);
  EXPECT_EQ(events, ReadFile(b + "/events.jsonl"));
  EXPECT_EQ(ReadFile(a + "/metrics.csv"), ReadFile(b + "/metrics.csv"));
  EXPECT_EQ(ReadFile(a + "/summary.json"), ReadFile(b + "/summary.json"));
  const std::string run_json = ReadFile(a + "/run.json");
  EXPECT_NE(run_json.find("\"callMax\""), std::string::npos) << run_json;
  EXPECT_EQ(RunJsonWithoutWallClock(run_json), RunJsonWithoutWallClock(ReadFile(b + "/run.json")));
  ExpectSameNodes(ReadFile(a + "/nodes.csv"), ReadFile(b + "/nodes.csv"));

  // The program is a thin main() around the same function.
  ASSERT_EQ(testing::RunScenario("four-friends", "--seed=11 --out=" + program), 0);
  EXPECT_EQ(events, ReadFile(program + "/events.jsonl"));
  EXPECT_EQ(ReadFile(a + "/summary.json"), ReadFile(program + "/summary.json"));
}

TEST(ScenarioLibraryTest, ProgressHookSeesTheRunAndStopHookEndsItWithoutSummary) {
  std::vector<ProgressReport> reports;
  RunHooks hooks;
  hooks.progress = [&](const ProgressReport& r) { reports.push_back(r); };
  const std::string full = FreshDir("library-progress");
  FourFriendsConfig config = QuietFourFriends(full, 3);
  config.common.progress_interval_s = 20;  // periodic reports too
  Result<ScenarioOutcome> done = RunFourFriends(config, hooks);
  ASSERT_TRUE(done.ok()) << done.error().message;
  ASSERT_GE(reports.size(), 4u);
  EXPECT_TRUE(std::is_sorted(reports.begin(), reports.end(), [](const auto& x, const auto& y) {
    return x.sim_seconds < y.sim_seconds;
  }));
  EXPECT_TRUE(std::any_of(reports.begin(), reports.end(), [](const ProgressReport& r) {
    return r.message == "call alice-bob matched" && r.scenario == "four-friends";
  }));
  EXPECT_TRUE(std::any_of(reports.begin(), reports.end(), [](const ProgressReport& r) {
    return r.message.find(" probes, ") != std::string::npos;
  }));

  // Stop after the tenth event: the simulator stops at once, the log is flushed, and the run
  // folder says it did not finish (no summary.json).
  const std::string stopped_dir = FreshDir("library-stopped");
  int polls = 0;
  RunHooks stop;
  stop.should_stop = [&] { return ++polls >= 10; };
  Result<ScenarioOutcome> stopped = RunFourFriends(QuietFourFriends(stopped_dir, 3), stop);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_TRUE(stopped->stopped);
  EXPECT_FALSE(std::filesystem::exists(stopped_dir + "/summary.json"));
  const size_t full_events = Lines(ReadFile(full + "/events.jsonl")).size();
  const size_t stopped_events = Lines(ReadFile(stopped_dir + "/events.jsonl")).size();
  EXPECT_GE(stopped_events, 1u);
  EXPECT_LT(stopped_events, full_events);

  // Nothing of the stopped run is left behind: the next run is the full one again.
  const std::string again = FreshDir("library-again");
  ASSERT_TRUE(RunFourFriends(QuietFourFriends(again, 3), RunHooks{}).ok());
  EXPECT_EQ(ReadFile(full + "/events.jsonl"), ReadFile(again + "/events.jsonl"));
}

TEST(ScenarioLibraryTest, StopDuringSetUpMeansTheSimulationNeverRuns) {
  // hobby-group reports progress (and so polls the stop hook) while it sets up; ns-3 would
  // forget a stop requested before Simulator::Run, so the run must not start at all.
  HobbyGroupConfig config;
  config.common.out = FreshDir("library-stop-setup");
  config.common.quiet = true;
  config.graph.nodes = 40;
  RunHooks stop;
  stop.should_stop = [] { return true; };
  Result<ScenarioOutcome> stopped = RunHobbyGroup(config, stop);
  ASSERT_TRUE(stopped.ok()) << stopped.error().message;
  EXPECT_TRUE(stopped->stopped);
  EXPECT_EQ(ReadFile(config.common.out + "/events.jsonl"), "");
  EXPECT_FALSE(std::filesystem::exists(config.common.out + "/summary.json"));
}

TEST(ScenarioLibraryTest, ParametersComeFromOneListAndBadOnesAreRefusedByName) {
  std::vector<std::string> names;
  for (const ScenarioEntry& entry : ScenarioCatalog()) names.push_back(entry.name);
  EXPECT_EQ(names, (std::vector<std::string>{"four-friends", "company", "hobby-group",
                                             "nat-and-firewall", "attack"}));

  Result<ScenarioEntry> company = FindScenario("company");
  ASSERT_TRUE(company.ok());
  std::vector<Parameter> parameters = company->parameters();
  ASSERT_GE(parameters.size(), 9u);
  EXPECT_EQ(parameters[0].name, "seed");
  const auto nodes = std::find_if(parameters.begin(), parameters.end(),
                                  [](const Parameter& p) { return p.name == "nodes"; });
  ASSERT_NE(nodes, parameters.end());
  EXPECT_EQ(nodes->kind, ParameterKind::kUnsigned);
  EXPECT_EQ(nodes->value.Dump(), "30");
  EXPECT_EQ(FindScenario("large-group").code(), ErrorCode::kNotFound);

  const RunHooks none;
  Result<ScenarioOutcome> unknown = company->run({{"node", "5"}}, none);
  EXPECT_EQ(unknown.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find("unknown parameter \"node\" for company"),
            std::string::npos)
      << unknown.error().message;
  Result<ScenarioOutcome> negative = company->run({{"nodes", "-1"}}, none);
  EXPECT_EQ(negative.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(negative.error().message.find("nodes must be an unsigned integer"), std::string::npos)
      << negative.error().message;
  Result<ScenarioOutcome> too_few = company->run({{"nodes", "3"}}, none);
  EXPECT_NE(too_few.error().message.find("nodes must be at least 4, got 3"), std::string::npos);
  Result<ScenarioOutcome> probability =
      FindScenario("four-friends")->run({{"callProbability", "1.5"}}, none);
  EXPECT_NE(probability.error().message.find("callProbability must be within [0, 1]"),
            std::string::npos);
  const std::string unwritten = FreshDir("library-seed-0");
  Result<ScenarioOutcome> seed =
      FindScenario("attack")->run({{"seed", "0"}, {"out", unwritten}}, none);
  EXPECT_NE(seed.error().message.find("seed must be 1..4294967295"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(unwritten));  // refused before anything was written

  // The typed setters: every kind parses its CommandLine spelling.
  FourFriendsConfig config;
  ASSERT_TRUE(SetParameters(config, "four-friends",
                            {{"pcap", "true"}, {"callMin", "5"}, {"delay", "2.5"}, {"out", "x"}})
                  .ok());
  EXPECT_TRUE(config.common.pcap);
  EXPECT_EQ(config.person.min_call_delay_s, 5);
  EXPECT_EQ(config.link_delay_ms, 2.5);
  EXPECT_EQ(config.common.out, "x");
  EXPECT_FALSE(SetParameters(config, "four-friends", {{"pcap", "yes"}}).ok());
  EXPECT_FALSE(SetParameters(config, "four-friends", {{"delay", "nan"}}).ok());
}

TEST(ScenarioLibraryTest, RefusesToStartWhileAnotherSimulationIsSetUp) {
  {
    SimulatorSession outer;
    ASSERT_TRUE(outer.status().ok());
    ns3::NodeContainer someone_elses;
    someone_elses.Create(1);
    Result<ScenarioOutcome> refused =
        RunFourFriends(QuietFourFriends(FreshDir("library-refused"), 1), RunHooks{});
    EXPECT_EQ(refused.code(), ErrorCode::kState);
  }
  // The outer session tore its node down: runs work again.
  EXPECT_TRUE(RunFourFriends(QuietFourFriends(FreshDir("library-after"), 1), RunHooks{}).ok());
}

}  // namespace
}  // namespace ikewot::sim
