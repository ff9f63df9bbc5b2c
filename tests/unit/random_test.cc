#include <gtest/gtest.h>

#include "core/crypto/random.h"

namespace ikewot {
namespace {

TEST(DeterministicRngTest, SameSeedSameStreamDifferentSeedDifferentStream) {
  DeterministicRng a(42), b(42), c(43), d(42, AsBytes("node-7"));
  uint8_t xa[64], xb[64], xc[64], xd[64];
  a.Fill(xa);
  b.Fill(xb);
  c.Fill(xc);
  d.Fill(xd);
  EXPECT_EQ(ToHex(xa), ToHex(xb));
  EXPECT_NE(ToHex(xa), ToHex(xc));
  EXPECT_NE(ToHex(xa), ToHex(xd));
}

TEST(DeterministicRngTest, StreamIsContinuousAcrossCalls) {
  DeterministicRng a(7), b(7);
  uint8_t whole[48], parts[48];
  a.Fill(whole);
  b.Fill(std::span<uint8_t>(parts, 5));
  b.Fill(std::span<uint8_t>(parts + 5, 43));
  EXPECT_EQ(ToHex(whole), ToHex(parts));
}

TEST(OpenSslRngTest, ProducesDistinctOutput) {
  OpenSslRng rng;
  uint8_t x[32], y[32];
  rng.Fill(x);
  rng.Fill(y);
  EXPECT_NE(ToHex(x), ToHex(y));
}

}  // namespace
}  // namespace ikewot
