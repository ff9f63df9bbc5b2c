#include "core/trust/sqlite_chunks.h"

#include <algorithm>
#include <string>

#include "core/base/reader.h"
#include "core/base/writer.h"

namespace ikewot::trust::sqlite {
namespace {

bool Less(ByteView a, ByteView b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

ByteView AsView(std::string_view s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

Error Limit(const std::string& what) { return MakeError(ErrorCode::kLimitExceeded, what); }

}  // namespace

Status EncodeEntryChunk(const std::vector<ChunkEntry>& entries, Bytes* out) {
  if (entries.empty() || entries.size() > kMaxChunkEntries) {
    return Limit("an entry chunk holds 1 to " + std::to_string(kMaxChunkEntries) +
                 " entries, not " + std::to_string(entries.size()));
  }
  Writer w(out);
  w.U16(static_cast<uint16_t>(entries.size()));
  for (size_t i = 0; i < entries.size(); ++i) {
    const ChunkEntry& e = entries[i];
    if (e.fingerprint.size() != kFingerprintOctets) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "a chunk entry's fingerprint must be 32 octets");
    }
    if (i > 0 && !Less(entries[i - 1].fingerprint, e.fingerprint)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "chunk entries must be in strictly increasing fingerprint order");
    }
    if (e.der.empty() || e.der.size() > kMaxStoredEntryOctets) {
      return Limit("a stored entry holds 1 to " + std::to_string(kMaxStoredEntryOctets) +
                   " octets, not " + std::to_string(e.der.size()));
    }
    w.Append(e.fingerprint);
    const Writer::Reservation length = w.Reserve32(w.size() + 4);
    w.Append(e.der);
    IKEWOT_RETURN_IF_ERROR(w.Close(length));
  }
  return Status::Ok();
}

Result<std::vector<ChunkEntry>> ParseEntryChunk(ByteView chunk, size_t base_offset) {
  Reader r(chunk, base_offset);
  uint16_t count = 0;
  if (!r.ReadU16(&count)) {
    return r.Fail(ErrorCode::kTruncated, "entry chunk ends before its entry count");
  }
  if (count == 0 || count > kMaxChunkEntries) {
    return r.Fail(ErrorCode::kBadValue, "entry chunk count must be 1 to " +
                                            std::to_string(kMaxChunkEntries) + ", got " +
                                            std::to_string(count));
  }
  std::vector<ChunkEntry> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    ChunkEntry e;
    if (!r.ReadBytes(kFingerprintOctets, &e.fingerprint)) {
      return r.Fail(ErrorCode::kTruncated,
                    "entry chunk ends inside entry " + std::to_string(i) + "'s fingerprint");
    }
    if (!out.empty() && !Less(out.back().fingerprint, e.fingerprint)) {
      return MakeError(
          ErrorCode::kBadValue,
          "entry chunk fingerprints must strictly increase (entry " + std::to_string(i) + ")",
          r.offset() - kFingerprintOctets);
    }
    uint32_t length = 0;
    if (!r.ReadU32(&length)) {
      return r.Fail(ErrorCode::kTruncated,
                    "entry chunk ends inside entry " + std::to_string(i) + "'s length");
    }
    if (length == 0 || length > kMaxStoredEntryOctets) {
      return r.Fail(ErrorCode::kBadLength, "entry " + std::to_string(i) + " length must be 1 to " +
                                               std::to_string(kMaxStoredEntryOctets) +
                                               " octets, got " + std::to_string(length));
    }
    Reader der;
    if (!r.ReadSub(length, &der)) {
      return r.Fail(ErrorCode::kTruncated, "entry " + std::to_string(i) + " promises " +
                                               std::to_string(length) + " octets, " +
                                               std::to_string(r.remaining()) + " remain");
    }
    if (!der.ReadBytes(length, &e.der)) {
      return der.Fail(ErrorCode::kTruncated, "entry DER region is short");
    }
    IKEWOT_RETURN_IF_ERROR(der.ExpectEmpty("stored entry DER"));
    out.push_back(e);
  }
  IKEWOT_RETURN_IF_ERROR(r.ExpectEmpty("entry chunk"));
  return out;
}

Status EncodeIdentityChunk(std::span<const IdentityPair> sorted_pairs, Bytes* out) {
  size_t groups = 0;
  for (size_t i = 0; i < sorted_pairs.size(); ++i) {
    if (i == 0 || sorted_pairs[i].first != sorted_pairs[i - 1].first) ++groups;
  }
  if (groups == 0 || groups > kMaxChunkIdentities) {
    return Limit("an identity chunk holds 1 to " + std::to_string(kMaxChunkIdentities) +
                 " identities, not " + std::to_string(groups));
  }
  Writer w(out);
  w.U16(static_cast<uint16_t>(groups));
  for (size_t begin = 0; begin < sorted_pairs.size();) {
    const std::string_view identity = sorted_pairs[begin].first;
    size_t end = begin + 1;
    while (end < sorted_pairs.size() && sorted_pairs[end].first == identity) ++end;
    if (identity.empty() || identity.size() > kMaxIdentityOctets) {
      return Limit("a stored identity holds 1 to " + std::to_string(kMaxIdentityOctets) +
                   " octets, not " + std::to_string(identity.size()));
    }
    if (begin > 0 && !(sorted_pairs[begin - 1].first < identity)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "identity chunk pairs must be in increasing identity order");
    }
    if (end - begin > kMaxFingerprintsPerIdentity) {
      return Limit("an identity group holds at most " +
                   std::to_string(kMaxFingerprintsPerIdentity) + " fingerprints, not " +
                   std::to_string(end - begin));
    }
    const Writer::Reservation length = w.Reserve16(w.size() + 2);
    w.Append(AsView(identity));
    IKEWOT_RETURN_IF_ERROR(w.Close(length));
    w.U32(static_cast<uint32_t>(end - begin));
    for (size_t j = begin; j < end; ++j) {
      const ByteView fp = sorted_pairs[j].second;
      if (fp.size() != kFingerprintOctets || (j > begin && !Less(sorted_pairs[j - 1].second, fp))) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "an identity group's fingerprints must be 32 octets each, in strictly "
                         "increasing order");
      }
      w.Append(fp);
    }
    begin = end;
  }
  return Status::Ok();
}

Result<std::vector<IdentityGroup>> ParseIdentityChunk(ByteView chunk, size_t base_offset) {
  Reader r(chunk, base_offset);
  uint16_t count = 0;
  if (!r.ReadU16(&count)) {
    return r.Fail(ErrorCode::kTruncated, "identity chunk ends before its identity count");
  }
  if (count == 0 || count > kMaxChunkIdentities) {
    return r.Fail(ErrorCode::kBadValue, "identity chunk count must be 1 to " +
                                            std::to_string(kMaxChunkIdentities) + ", got " +
                                            std::to_string(count));
  }
  std::vector<IdentityGroup> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    IdentityGroup g;
    uint16_t length = 0;
    if (!r.ReadU16(&length)) {
      return r.Fail(ErrorCode::kTruncated,
                    "identity chunk ends inside identity " + std::to_string(i) + "'s length");
    }
    if (length == 0 || length > kMaxIdentityOctets) {
      return r.Fail(ErrorCode::kBadLength, "identity " + std::to_string(i) +
                                               " length must be 1 to " +
                                               std::to_string(kMaxIdentityOctets) +
                                               " octets, got " + std::to_string(length));
    }
    const size_t identity_offset = r.offset();
    Reader text;
    ByteView identity;
    if (!r.ReadSub(length, &text) || !text.ReadBytes(length, &identity)) {
      return r.Fail(ErrorCode::kTruncated, "identity " + std::to_string(i) + " promises " +
                                               std::to_string(length) + " octets, " +
                                               std::to_string(r.remaining()) + " remain");
    }
    IKEWOT_RETURN_IF_ERROR(text.ExpectEmpty("stored identity"));
    g.identity = std::string_view(reinterpret_cast<const char*>(identity.data()), identity.size());
    if (!out.empty() && !(out.back().identity < g.identity)) {
      return MakeError(
          ErrorCode::kBadValue,
          "identity chunk identities must strictly increase (identity " + std::to_string(i) + ")",
          identity_offset);
    }
    uint32_t n = 0;
    if (!r.ReadU32(&n)) {
      return r.Fail(ErrorCode::kTruncated, "identity chunk ends inside identity " +
                                               std::to_string(i) + "'s fingerprint count");
    }
    if (n == 0 || n > kMaxFingerprintsPerIdentity) {
      return r.Fail(ErrorCode::kBadValue, "identity " + std::to_string(i) + " must name 1 to " +
                                              std::to_string(kMaxFingerprintsPerIdentity) +
                                              " fingerprints, got " + std::to_string(n));
    }
    if (r.remaining() / kFingerprintOctets < n) {
      return r.Fail(ErrorCode::kTruncated, "identity " + std::to_string(i) + " names " +
                                               std::to_string(n) + " fingerprints, " +
                                               std::to_string(r.remaining()) + " octets remain");
    }
    g.fingerprints.reserve(n);
    for (uint32_t j = 0; j < n; ++j) {
      ByteView fp;
      if (!r.ReadBytes(kFingerprintOctets, &fp)) {
        return r.Fail(ErrorCode::kTruncated, "identity chunk ends inside a fingerprint");
      }
      if (!g.fingerprints.empty() && !Less(g.fingerprints.back(), fp)) {
        return MakeError(ErrorCode::kBadValue,
                         "identity " + std::to_string(i) + "'s fingerprints must strictly increase",
                         r.offset() - kFingerprintOctets);
      }
      g.fingerprints.push_back(fp);
    }
    out.push_back(std::move(g));
  }
  IKEWOT_RETURN_IF_ERROR(r.ExpectEmpty("identity chunk"));
  return out;
}

std::vector<std::span<const IdentityPair>> PlanIdentityChunks(
    std::span<const IdentityPair> sorted_pairs, size_t pairs_per_chunk) {
  std::vector<std::span<const IdentityPair>> chunks;
  size_t begin = 0;
  size_t identities = 0;
  for (size_t i = 0; i < sorted_pairs.size(); ++i) {
    if (i > 0 && sorted_pairs[i].first == sorted_pairs[i - 1].first) continue;
    // A new identity starts at i: close the chunk before it once that one is full enough.
    if (i - begin >= pairs_per_chunk || identities == kMaxChunkIdentities) {
      chunks.push_back(sorted_pairs.subspan(begin, i - begin));
      begin = i;
      identities = 0;
    }
    ++identities;
  }
  if (begin < sorted_pairs.size()) chunks.push_back(sorted_pairs.subspan(begin));
  return chunks;
}

}  // namespace ikewot::trust::sqlite
