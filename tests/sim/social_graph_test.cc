// Social graph generators and readers, and the trust-graph metrics, on small hand-checked cases.
#include "sim/social_graph.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "core/crypto/random.h"
#include "sim/trust_metrics.h"

namespace ikewot::sim {
namespace {

void ExpectSimple(const SocialGraph& g) {
  std::set<std::pair<uint32_t, uint32_t>> seen;
  for (auto [u, v] : g.edges) {
    EXPECT_LT(u, v);
    EXPECT_LT(v, g.nodes);
    EXPECT_TRUE(seen.insert({u, v}).second);
  }
}

TEST(SocialGraphTest, GeneratorsGiveSimpleGraphsOfTheExpectedSizeAndFollowTheSeed) {
  for (const std::string model : {"ba", "hk", "ws", "sbm"}) {
    GraphSpec spec;
    spec.model = model;
    spec.nodes = 300;
    spec.m = 3;
    DeterministicRng a(5), b(5), c(6);
    Result<SocialGraph> g1 = MakeSocialGraph(spec, a);
    Result<SocialGraph> g2 = MakeSocialGraph(spec, b);
    Result<SocialGraph> g3 = MakeSocialGraph(spec, c);
    ASSERT_TRUE(g1.ok() && g2.ok() && g3.ok()) << model;
    ExpectSimple(*g1);
    EXPECT_EQ(g1->edges, g2->edges) << model;
    EXPECT_NE(g1->edges, g3->edges) << model;
    if (model == "ba" || model == "hk") {
      // The (m+1)-clique to start, then m edges per newcomer.
      EXPECT_EQ(g1->edges.size(), 6u + 3u * (300 - 4)) << model;
    }
    if (model == "ws") {
      // n * m ring edges; a rewired edge can take the place of a later ring edge, which is
      // then not doubled.
      EXPECT_LE(g1->edges.size(), 900u);
      EXPECT_GE(g1->edges.size(), 880u);
    }
    if (model == "sbm") {
      EXPECT_GT(g1->edges.size(), 50u);  // ~ 10 * C(30,2) * 0.05 + 40500 * 0.001 = 258
      EXPECT_LT(g1->edges.size(), 600u);
    }
  }
  GraphSpec bad;
  bad.model = "erdos";
  DeterministicRng rng(1);
  EXPECT_FALSE(MakeSocialGraph(bad, rng).ok());
}

TEST(SocialGraphTest, ReadsEdgeListsAndGraphMl) {
  const std::string dir = ::testing::TempDir() + "ikewot-social";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir + "/g.edges") << "# friends\nalice bob\nbob carol  # and more\n\nalice bob\n";
    std::ofstream(dir + "/bad.edges") << "alice bob\nlonely\n";
    std::ofstream(dir + "/g.graphml")
        << "<?xml version=\"1.0\"?><graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">"
           "<graph edgedefault=\"undirected\"><node id=\"a\"/><node id=\"b\"/><node id=\"c\"/>"
           "<edge source=\"a\" target=\"b\"/><edge source=\"c\" target=\"b\"/></graph></graphml>";
    std::ofstream(dir + "/bad.graphml") << "<graphml><graph><node id=";
  }
  Result<SocialGraph> list = ReadEdgeList(dir + "/g.edges");
  ASSERT_TRUE(list.ok()) << list.error().message;
  EXPECT_EQ(list->nodes, 3u);
  EXPECT_EQ(list->edges, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 1}, {1, 2}}));
  Result<SocialGraph> bad = ReadEdgeList(dir + "/bad.edges");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find(":2: an edge needs two node ids"), std::string::npos);
  Result<SocialGraph> xml = ReadGraphMl(dir + "/g.graphml");
  ASSERT_TRUE(xml.ok()) << xml.error().message;
  EXPECT_EQ(xml->nodes, 3u);
  EXPECT_EQ(xml->edges.size(), 2u);
  EXPECT_FALSE(ReadGraphMl(dir + "/bad.graphml").ok());
  EXPECT_FALSE(ReadEdgeList(dir + "/missing.edges").ok());
}

TEST(TrustMetricsTest, EdgesPathLengthsComponentsAndExposureOverTime) {
  const int64_t s = 1000000000;
  // 0 <-> 1 own checks at t=1; 2 trusts 0 at t=2 via 1 (depth 1); at t=3, 2 trusts a false
  // certificate for 1; at t=4, 0 withdraws its trust in 1.
  std::vector<TrustChange> changes = {
      {1 * s, 0, 1, true, 0, true, -1},  {1 * s, 1, 0, true, 0, true, -1},
      {2 * s, 2, 0, true, 1, true, 1},   {3 * s, 2, 1, true, 1, false, 3},
      {4 * s, 0, 1, false, 0, true, -1},
  };
  std::vector<MetricsSample> m =
      ComputeMetrics(4, changes, {1 * s, 1 * s}, {1 * s, 1 * s}, 1 * s, 4 * s);
  ASSERT_EQ(m.size(), 5u);  // 0, 1, 2, 3 and the end (4)
  EXPECT_EQ(m[0].trusting_pairs, 0u);
  EXPECT_EQ(m[0].largest_component, 1u);
  EXPECT_EQ(m[1].trusting_pairs, 2u);
  EXPECT_EQ(m[1].largest_component, 2u);
  EXPECT_EQ(m[1].verifications_done, 2u);
  EXPECT_DOUBLE_EQ(m[1].reachable_pairs_fraction, 2.0 / 12);
  EXPECT_EQ(m[2].trusting_pairs, 3u);
  EXPECT_EQ(m[2].max_path_length, 2u);
  EXPECT_DOUBLE_EQ(m[2].mean_path_length, 4.0 / 3);
  EXPECT_DOUBLE_EQ(m[3].exposure_to_attacker, 0.25);  // node 2 of 4
  EXPECT_EQ(m[4].trusting_pairs, 3u);
  EXPECT_EQ(m[4].largest_component, 1u);  // 0 -> 1 withdrawn: no cycle left
}

}  // namespace
}  // namespace ikewot::sim
