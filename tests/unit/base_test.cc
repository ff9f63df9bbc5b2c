#include <gtest/gtest.h>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/reader.h"
#include "core/base/writer.h"

namespace ikewot {
namespace {

TEST(ReaderTest, ReadsBigEndianAndStopsAtEnd) {
  const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  Reader r(data);
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  ASSERT_TRUE(r.ReadU8(&u8));
  ASSERT_TRUE(r.ReadU16(&u16));
  ASSERT_TRUE(r.ReadU32(&u32));
  EXPECT_EQ(u8, 0x01);
  EXPECT_EQ(u16, 0x0203);
  EXPECT_EQ(u32, 0x04050607u);
  EXPECT_TRUE(r.empty());
  EXPECT_FALSE(r.ReadU8(&u8));
  EXPECT_EQ(r.offset(), 7u);
}

TEST(ReaderTest, EveryTruncatedPrefixFailsCleanly) {
  const uint8_t data[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0x03};
  for (size_t n = 0; n < sizeof(data); ++n) {
    Reader r(ByteView(data, n));
    uint64_t v;
    EXPECT_FALSE(r.ReadU64(&v)) << n;
    EXPECT_EQ(r.remaining(), n) << "a failed read must not advance";
  }
}

TEST(ReaderTest, SubReaderHasAbsoluteOffsetsAndMustBeConsumed) {
  const uint8_t data[] = {0xaa, 0xbb, 0x01, 0x02, 0x03, 0xcc};
  Reader r(data);
  ASSERT_TRUE(r.Skip(2));
  Reader sub;
  ASSERT_TRUE(r.ReadSub(3, &sub));
  EXPECT_EQ(sub.offset(), 2u);
  uint8_t b;
  ASSERT_TRUE(sub.ReadU8(&b));
  Status s = sub.ExpectEmpty("test region");
  EXPECT_EQ(s.code(), ErrorCode::kTrailingData);
  EXPECT_EQ(s.error().offset, 3u);
  EXPECT_FALSE(sub.ReadSub(3, &sub));
  EXPECT_EQ(r.remaining(), 1u);
}

TEST(WriterTest, ReservationsFillLengthsIncludingHeader) {
  Bytes out;
  Writer w(&out);
  size_t start = w.size();
  w.U8(0x21);
  w.U8(0x00);
  auto len = w.Reserve16(start);
  w.Append(AsBytes("abcd"));
  ASSERT_TRUE(w.Close(len).ok());
  EXPECT_EQ(ToHex(out), "2100000861626364");
}

TEST(WriterTest, OverlongRegionIsAnErrorNotATruncatedLength) {
  Bytes out;
  Writer w(&out);
  auto len = w.Reserve16(0);
  Bytes big(70000, 0);
  w.Append(big);
  Status s = w.Close(len);
  EXPECT_EQ(s.code(), ErrorCode::kLimitExceeded);
}

TEST(HexTest, RoundTripAndSeparators) {
  auto b = FromHex("DE:ad be-EF");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(ToHex(*b), "deadbeef");
  EXPECT_EQ(ToHexGrouped(*b, 2, ' '), "dead beef");
  EXPECT_EQ(FromHex("abc").code(), ErrorCode::kTruncated);
  EXPECT_EQ(FromHex("zz").code(), ErrorCode::kBadValue);
  EXPECT_EQ(FromHex("a:b").code(), ErrorCode::kBadValue);
}

TEST(JsonTest, DeterministicOrderAndEscaping) {
  Json j = Json::MakeObject();
  j.Set("b", 1);
  j.Set("a", "x\"y\n");
  Json arr = Json::MakeArray();
  arr.Push(true);
  arr.Push(nullptr);
  j.Set("list", arr);
  EXPECT_EQ(j.Dump(), R"({"b":1,"a":"x\"y\n","list":[true,null]})");
  ASSERT_NE(j.Find("a"), nullptr);
  EXPECT_EQ(*j.Find("a")->string(), "x\"y\n");
}

TEST(ConstantTimeEqualTest, ComparesContentAndLength) {
  const uint8_t a[] = {1, 2, 3};
  const uint8_t b[] = {1, 2, 4};
  EXPECT_TRUE(ConstantTimeEqual(a, a));
  EXPECT_FALSE(ConstantTimeEqual(a, b));
  EXPECT_FALSE(ConstantTimeEqual(ByteView(a, 2), a));
}

}  // namespace
}  // namespace ikewot
