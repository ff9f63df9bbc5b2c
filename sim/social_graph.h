// Who knows whom: undirected social graphs for the people scenarios, generated from the seed or
// read from a file so that real social graphs can be used. Generators:
//   ba   Barabasi-Albert preferential attachment (m edges per new node)
//   hk   Holme-Kim: BA plus triad formation with probability p (clustered, like real groups)
//   ws   Watts-Strogatz small world (ring of degree 2m, rewired with probability p)
//   sbm  stochastic block model (`blocks` equal groups, p_in inside, p_out between)
// Files: an edge list ("u v" per line, # comments; ids are mapped to 0..n-1 in order of first
// appearance) or GraphML (Boost.Graph's reader; node order as in the file).
#pragma once

#include <cstdint>
#include <istream>
#include <string>
#include <utility>
#include <vector>

#include "core/base/rng.h"
#include "core/base/status.h"

namespace ikewot::sim {

struct SocialGraph {
  uint32_t nodes = 0;
  std::vector<std::pair<uint32_t, uint32_t>> edges;  // u < v, unique, no self loops
  std::vector<std::vector<uint32_t>> Adjacency() const;
};

struct GraphSpec {
  std::string model = "hk";  // ba, hk, ws, sbm, or a file path ending .txt/.edges/.graphml
  uint32_t nodes = 1000;
  uint32_t m = 3;        // ba/hk: edges per new node; ws: half the ring degree
  double p = 0.3;        // hk: triad probability; ws: rewiring probability
  uint32_t blocks = 10;  // sbm
  double p_in = 0.05;    // sbm
  double p_out = 0.001;  // sbm
};

Result<SocialGraph> MakeSocialGraph(const GraphSpec& spec, Rng& rng);
Result<SocialGraph> ReadEdgeList(const std::string& path);
Result<SocialGraph> ReadGraphMl(const std::string& path);
// The same readers on a stream; `path` only names it in error messages (fuzzed by
// tests/fuzz/fuzz_social_graph.cc).
Result<SocialGraph> ParseEdgeList(std::istream& in, const std::string& path);
Result<SocialGraph> ParseGraphMl(std::istream& in, const std::string& path);

}  // namespace ikewot::sim
