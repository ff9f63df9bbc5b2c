// CheckCollectionContent finds repeated certificates by sorting fingerprints instead of a hash
// set of strings. Held here to the loop it replaced (kept below as the reference): over random
// contents full of repeats, foreign endorsers, looping paths and removed entries, both must
// report the same first problem with the same code and message.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_set>

#include "core/trust/cert_summary.h"
#include "core/trust/collection.h"

namespace ikewot::trust {
namespace {

// CheckCollectionContent before it sorted (commit 71b5a4b).
Status ReferenceCheck(const CollectionContent& content, ByteView signer_fingerprint) {
  const auto key = [](ByteView b) { return std::string(b.begin(), b.end()); };
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < content.entries.size(); ++i) {
    const EntryTbs& tbs = content.entries[i].tbs;
    auto where = [&] {
      return "entry " + std::to_string(i + 1) + " (" +
             FingerprintText(tbs.fingerprint).substr(0, 23) + "...)";
    };
    if (!seen.insert(key(tbs.fingerprint)).second) {
      return MakeError(ErrorCode::kBadValue, where() + " lists a certificate a second time");
    }
    if (!std::equal(tbs.endorser.begin(), tbs.endorser.end(), signer_fingerprint.begin(),
                    signer_fingerprint.end())) {
      return MakeError(ErrorCode::kAuthFailure, where() + " is endorsed by someone else");
    }
    std::unordered_set<std::string> path_seen;
    for (const Bytes& hop : tbs.path) {
      if (std::equal(hop.begin(), hop.end(), signer_fingerprint.begin(),
                     signer_fingerprint.end()) ||
          !path_seen.insert(key(hop)).second) {
        return MakeError(ErrorCode::kBadValue, where() + " has a delegation path with a loop");
      }
    }
    if (std::binary_search(content.removals.begin(), content.removals.end(), tbs.fingerprint)) {
      return MakeError(ErrorCode::kBadValue, where() + " is both listed and removed");
    }
  }
  return Status::Ok();
}

std::string Describe(const Status& s) {
  return s.ok() ? "ok" : std::string(ErrorCodeName(s.code())) + ": " + s.error().message;
}

// A 32-octet fingerprint; small numbers make repeats likely. Fingerprints differing only in
// their last octet exercise the comparison beyond the 16-octet sort prefix.
Bytes Fingerprint(int n) {
  Bytes fp(32, 0xa5);
  fp[0] = static_cast<uint8_t>(n & 1);
  fp[31] = static_cast<uint8_t>(n);
  return fp;
}

TEST(CollectionChecksTest, SameFirstProblemAsTheReference) {
  std::mt19937 rng(5);
  const auto pick = [&rng](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const Bytes signer = Fingerprint(100);
  size_t ok = 0, repeats = 0;
  for (int round = 0; round < 3000; ++round) {
    CollectionContent c;
    const int pool = 2 + pick(40);  // fewer distinct certificates than entries: repeats
    const int n = pick(30);
    for (int i = 0; i < n; ++i) {
      SignedEntry e;
      e.tbs.fingerprint = Fingerprint(pick(pool));
      e.tbs.endorser = pick(60) == 0 ? Fingerprint(101) : signer;
      const int hops = pick(10) == 0 ? pick(4) : 0;
      for (int h = 0; h < hops; ++h) {
        e.tbs.path.push_back(pick(8) == 0 ? signer : Fingerprint(200 + pick(5)));
      }
      c.entries.push_back(std::move(e));
    }
    for (int r = 0; r < pick(3); ++r) c.removals.push_back(Fingerprint(pick(pool)));
    std::sort(c.removals.begin(), c.removals.end());
    const Status ours = CheckCollectionContent(c, signer);
    const Status reference = ReferenceCheck(c, signer);
    ASSERT_EQ(Describe(ours), Describe(reference)) << "round " << round;
    ok += ours.ok();
    repeats += !ours.ok() && ours.error().message.find("second time") != std::string::npos;
  }
  EXPECT_GE(ok, 100u);
  EXPECT_GE(repeats, 500u);
}

TEST(CollectionChecksTest, NamesTheFirstEntryThatRepeatsAnEarlierOne) {
  CollectionContent c;
  const Bytes signer = Fingerprint(100);
  // A B C B A: B repeats at entry 4 before A repeats at entry 5.
  for (int n : {1, 2, 3, 2, 1}) {
    SignedEntry e;
    e.tbs.fingerprint = Fingerprint(n);
    e.tbs.endorser = signer;
    c.entries.push_back(std::move(e));
  }
  const Status s = CheckCollectionContent(c, signer);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message.rfind("entry 4 (", 0), 0u) << s.error().message;
  c.entries.resize(4);
  c.entries.erase(c.entries.begin() + 1);  // A C B: no repeats
  EXPECT_TRUE(CheckCollectionContent(c, signer).ok());
}

}  // namespace
}  // namespace ikewot::trust
