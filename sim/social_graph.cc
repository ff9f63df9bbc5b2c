#include "sim/social_graph.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace ikewot::sim {

namespace {

double Uniform(Rng& rng) { return static_cast<double>(rng.NextU64() >> 11) / 9007199254740992.0; }
uint32_t Below(Rng& rng, uint32_t n) {
  return n == 0 ? 0 : static_cast<uint32_t>(rng.NextU64() % n);
}

class EdgeSet {
 public:
  explicit EdgeSet(uint32_t n) : adjacency_(n) {}
  bool Add(uint32_t u, uint32_t v) {
    if (u == v) return false;
    if (!set_.insert({std::min(u, v), std::max(u, v)}).second) return false;
    adjacency_[u].push_back(v);
    adjacency_[v].push_back(u);
    return true;
  }
  bool Has(uint32_t u, uint32_t v) const { return set_.count({std::min(u, v), std::max(u, v)}); }
  const std::vector<uint32_t>& Neighbours(uint32_t u) const { return adjacency_[u]; }
  SocialGraph Finish(uint32_t n) const {
    SocialGraph g;
    g.nodes = n;
    g.edges.assign(set_.begin(), set_.end());
    return g;
  }

 private:
  std::set<std::pair<uint32_t, uint32_t>> set_;
  std::vector<std::vector<uint32_t>> adjacency_;
};

// Barabasi-Albert, with Holme-Kim triad formation when triad_p > 0.
SocialGraph PreferentialAttachment(uint32_t n, uint32_t m, double triad_p, Rng& rng) {
  EdgeSet edges(n);
  std::vector<uint32_t> endpoints;  // each node once per incident edge: degree-weighted picks
  const uint32_t seed_nodes = std::min(n, m + 1);
  for (uint32_t u = 0; u < seed_nodes; ++u) {
    for (uint32_t v = u + 1; v < seed_nodes; ++v) {
      edges.Add(u, v);
      endpoints.push_back(u);
      endpoints.push_back(v);
    }
  }
  for (uint32_t u = seed_nodes; u < n; ++u) {
    uint32_t added = 0;
    uint32_t last_target = u;
    for (uint32_t tries = 0; added < m && tries < 50 * m; ++tries) {
      uint32_t target;
      if (added > 0 && triad_p > 0 && Uniform(rng) < triad_p &&
          !edges.Neighbours(last_target).empty()) {
        const auto& around = edges.Neighbours(last_target);
        target = around[Below(rng, static_cast<uint32_t>(around.size()))];
      } else {
        target = endpoints[Below(rng, static_cast<uint32_t>(endpoints.size()))];
      }
      if (target >= u || !edges.Add(u, target)) continue;
      endpoints.push_back(u);
      endpoints.push_back(target);
      last_target = target;
      ++added;
    }
  }
  return edges.Finish(n);
}

SocialGraph WattsStrogatz(uint32_t n, uint32_t k_half, double p, Rng& rng) {
  EdgeSet edges(n);
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t j = 1; j <= k_half && j < n; ++j) {
      uint32_t v = (u + j) % n;
      if (Uniform(rng) < p) {
        for (int tries = 0; tries < 32; ++tries) {
          uint32_t w = Below(rng, n);
          if (w != u && !edges.Has(u, w)) {
            v = w;
            break;
          }
        }
      }
      edges.Add(u, v);
    }
  }
  return edges.Finish(n);
}

SocialGraph StochasticBlocks(uint32_t n, uint32_t blocks, double p_in, double p_out, Rng& rng) {
  EdgeSet edges(n);
  blocks = std::max<uint32_t>(1, blocks);
  auto block = [&](uint32_t u) { return static_cast<uint64_t>(u) * blocks / n; };
  for (uint32_t u = 0; u < n; ++u) {
    for (uint32_t v = u + 1; v < n; ++v) {
      if (Uniform(rng) < (block(u) == block(v) ? p_in : p_out)) edges.Add(u, v);
    }
  }
  return edges.Finish(n);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::vector<uint32_t>> SocialGraph::Adjacency() const {
  std::vector<std::vector<uint32_t>> adjacency(nodes);
  for (auto [u, v] : edges) {
    adjacency[u].push_back(v);
    adjacency[v].push_back(u);
  }
  return adjacency;
}

Result<SocialGraph> MakeSocialGraph(const GraphSpec& spec, Rng& rng) {
  if (EndsWith(spec.model, ".graphml")) return ReadGraphMl(spec.model);
  if (EndsWith(spec.model, ".txt") || EndsWith(spec.model, ".edges")) {
    return ReadEdgeList(spec.model);
  }
  if (spec.nodes < 2) return MakeError(ErrorCode::kInvalidArgument, "a graph needs 2 nodes");
  if (spec.model == "ba") return PreferentialAttachment(spec.nodes, std::max(1u, spec.m), 0, rng);
  if (spec.model == "hk") {
    return PreferentialAttachment(spec.nodes, std::max(1u, spec.m), spec.p, rng);
  }
  if (spec.model == "ws") return WattsStrogatz(spec.nodes, std::max(1u, spec.m), spec.p, rng);
  if (spec.model == "sbm") {
    return StochasticBlocks(spec.nodes, spec.blocks, spec.p_in, spec.p_out, rng);
  }
  return MakeError(ErrorCode::kInvalidArgument,
                   "unknown graph model \"" + spec.model +
                       "\" (ba, hk, ws, sbm, or a file ending .txt, .edges or .graphml)");
}

Result<SocialGraph> ReadEdgeList(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kIo, "cannot read " + path);
  return ParseEdgeList(in, path);
}

Result<SocialGraph> ParseEdgeList(std::istream& in, const std::string& path) {
  std::map<std::string, uint32_t> ids;
  auto id = [&](const std::string& name) {
    auto [it, inserted] = ids.emplace(name, static_cast<uint32_t>(ids.size()));
    return it->second;
  };
  std::vector<std::pair<uint32_t, uint32_t>> raw;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    std::istringstream fields(line);
    std::string a, b;
    if (!(fields >> a)) continue;
    if (!(fields >> b)) {
      return MakeError(ErrorCode::kBadValue,
                       path + ":" + std::to_string(number) + ": an edge needs two node ids");
    }
    const uint32_t u = id(a);  // in this order: ids follow first appearance
    const uint32_t v = id(b);
    raw.emplace_back(u, v);
  }
  EdgeSet edges(static_cast<uint32_t>(ids.size()));
  for (auto [u, v] : raw) edges.Add(u, v);
  if (ids.size() < 2) return MakeError(ErrorCode::kBadValue, path + ": fewer than 2 nodes");
  return edges.Finish(static_cast<uint32_t>(ids.size()));
}

Result<SocialGraph> ReadGraphMl(const std::string& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kIo, "cannot read " + path);
  return ParseGraphMl(in, path);
}

Result<SocialGraph> ParseGraphMl(std::istream& in, const std::string& path) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS>;
  Graph graph;
  boost::dynamic_properties properties(boost::ignore_other_properties);
  try {
    boost::read_graphml(in, graph, properties);
  } catch (const std::exception& e) {  // Boost's reader reports errors only by exception
    return MakeError(ErrorCode::kBadValue, path + ": " + e.what());
  }
  const uint32_t n = static_cast<uint32_t>(boost::num_vertices(graph));
  if (n < 2) return MakeError(ErrorCode::kBadValue, path + ": fewer than 2 nodes");
  EdgeSet edges(n);
  for (auto [it, end] = boost::edges(graph); it != end; ++it) {
    edges.Add(static_cast<uint32_t>(boost::source(*it, graph)),
              static_cast<uint32_t>(boost::target(*it, graph)));
  }
  return edges.Finish(n);
}

}  // namespace ikewot::sim
