// Untrusted bytes into the SQLite trust store's chunk parsers (core/trust/sqlite_chunks.h): a
// stored row is read back as if an attacker had written the file. The first input octet picks
// the parser (even: entry chunk, odd: identity chunk); the rest is the chunk.
// Invariants: nothing crashes or leaks; what parses holds only what the rules allow (sorted,
// within the limits) and re-encodes to exactly the same bytes (one encoding per content); an
// identity chunk's pairs, planned again, stay one chunk when they fit.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/trust/sqlite_chunks.h"

namespace {

using namespace ikewot;                 // NOLINT: fuzz target brevity
using namespace ikewot::trust::sqlite;  // NOLINT

void Require(bool condition) {
  if (!condition) std::abort();
}

void EntryChunk(ByteView chunk) {
  auto parsed = ParseEntryChunk(chunk);
  if (!parsed.ok()) return;
  Require(!parsed->empty() && parsed->size() <= kMaxChunkEntries);
  for (size_t i = 0; i < parsed->size(); ++i) {
    const ChunkEntry& e = (*parsed)[i];
    Require(e.fingerprint.size() == kFingerprintOctets);
    Require(!e.der.empty() && e.der.size() <= kMaxStoredEntryOctets);
    if (i > 0) {
      Require(std::ranges::lexicographical_compare((*parsed)[i - 1].fingerprint, e.fingerprint));
    }
  }
  Bytes again;
  Require(EncodeEntryChunk(*parsed, &again).ok());
  Require(std::ranges::equal(again, chunk));
}

void IdentityChunk(ByteView chunk) {
  auto parsed = ParseIdentityChunk(chunk);
  if (!parsed.ok()) return;
  Require(!parsed->empty() && parsed->size() <= kMaxChunkIdentities);
  std::vector<trust::IdentityPair> pairs;
  for (const IdentityGroup& g : *parsed) {
    Require(!g.identity.empty() && g.identity.size() <= kMaxIdentityOctets);
    Require(!g.fingerprints.empty());
    for (ByteView fp : g.fingerprints) pairs.emplace_back(g.identity, fp);
  }
  Bytes again;
  Require(EncodeIdentityChunk(pairs, &again).ok());
  Require(std::ranges::equal(again, chunk));
  // Planned with room for all of them, the pairs stay one chunk.
  auto planned = PlanIdentityChunks(pairs, pairs.size() + 1);
  Require(planned.size() == 1 && planned[0].size() == pairs.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const ByteView chunk(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    EntryChunk(chunk);
  } else {
    IdentityChunk(chunk);
  }
  return 0;
}
