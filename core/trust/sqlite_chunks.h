// The SQLite trust store's chunk formats (schema version 3). A collection's entries are not
// stored one row each but in chunks of about kEntriesPerChunk entries in fingerprint order,
// and its identity index in chunks of whole identities in identity order: a 10,000-entry
// import writes a few hundred rows instead of 40,000 (docs/trust.md, "Import speed").
// These are our own formats; a stored chunk is parsed like untrusted input (a damaged file
// gives a clear error, never a crash).
//
// Entry chunk:
//   +----------------+---------------------------------------------+
//   | count (u16)    | count x entry                               |
//   +----------------+---------------------------------------------+
//   entry: fingerprint (32 octets) | length (u32) | SignedEntry DER (length octets)
//   1 <= count <= kMaxChunkEntries, 1 <= length <= kMaxStoredEntryOctets, fingerprints
//   strictly increasing, nothing after the last entry.
//
// Identity chunk:
//   +----------------+---------------------------------------------+
//   | count (u16)    | count x identity group                      |
//   +----------------+---------------------------------------------+
//   group: length (u16) | identity (length octets) | n (u32) | n x fingerprint (32 octets)
//   1 <= count <= kMaxChunkIdentities, 1 <= length <= kMaxIdentityOctets,
//   1 <= n <= kMaxFingerprintsPerIdentity, identities strictly increasing, each group's
//   fingerprints strictly increasing, nothing after the last group. One identity is never
//   split across two chunks, so the chunk whose first identity is the greatest <= X holds
//   every fingerprint of X in that collection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/trust/sort_keys.h"

namespace ikewot::trust::sqlite {

inline constexpr size_t kFingerprintOctets = 32;  // SHA-256
// Writing: entries per chunk, and (identity, fingerprint) pairs per identity chunk (a chunk
// closes at the first identity boundary at or after this many pairs).
inline constexpr size_t kEntriesPerChunk = 64;
inline constexpr size_t kIdentityPairsPerChunk = 256;
// Reading and writing: what a chunk may hold.
inline constexpr size_t kMaxChunkEntries = 4096;
inline constexpr size_t kMaxStoredEntryOctets = 64 * 1024;
inline constexpr size_t kMaxChunkIdentities = 4096;
inline constexpr size_t kMaxIdentityOctets = 16 * 1024;  // no longer than a certificate
inline constexpr size_t kMaxFingerprintsPerIdentity = 1 << 24;

struct ChunkEntry {
  ByteView fingerprint;
  ByteView der;  // the SignedEntry
};

struct IdentityGroup {
  std::string_view identity;
  std::vector<ByteView> fingerprints;
};

// Encodes `entries` (fingerprint order, limits as above) as one entry chunk.
[[nodiscard]] Status EncodeEntryChunk(const std::vector<ChunkEntry>& entries, Bytes* out);
// Parses an entry chunk; the views point into `chunk`. `base_offset` is added to error offsets.
Result<std::vector<ChunkEntry>> ParseEntryChunk(ByteView chunk, size_t base_offset = 0);

// Encodes sorted (identity, then fingerprint), duplicate-free pairs as one identity chunk:
// each run of one identity becomes a group.
[[nodiscard]] Status EncodeIdentityChunk(std::span<const IdentityPair> sorted_pairs, Bytes* out);
Result<std::vector<IdentityGroup>> ParseIdentityChunk(ByteView chunk, size_t base_offset = 0);

// Splits sorted, duplicate-free (identity, fingerprint) pairs into the ranges of about
// kIdentityPairsPerChunk pairs (`pairs_per_chunk` for tests) that become identity chunks: a
// range ends only where the identity changes, so no identity is split across chunks.
std::vector<std::span<const IdentityPair>> PlanIdentityChunks(
    std::span<const IdentityPair> sorted_pairs, size_t pairs_per_chunk = kIdentityPairsPerChunk);

}  // namespace ikewot::trust::sqlite
