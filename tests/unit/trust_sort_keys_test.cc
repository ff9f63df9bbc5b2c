// The abbreviated-key sorts the SQLite backend uses for imports order exactly like the plain
// lexicographic sorts they replaced (prefix ties, shorter strings, embedded zero octets), and
// the page size of a new store versus an existing one.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>

#include "core/trust/sort_keys.h"
#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

// Strings that share long prefixes, differ only past octet 16, are prefixes of each other,
// or contain zero octets (which the zero padding of a short prefix must not confuse).
std::vector<std::string> HardStrings(size_t count, uint32_t seed) {
  std::mt19937 random(seed);
  const std::vector<std::string> stems = {
      "", "a", "dns:peer-", "dn:CN=peer-1234567890", std::string("x\0\0", 3), "0123456789abcdef"};
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) {
    std::string s = stems[random() % stems.size()];
    const size_t tail = random() % 20;
    for (size_t j = 0; j < tail; ++j) s.push_back(static_cast<char>(random() % 4));
    out.push_back(s);
  }
  return out;
}

TEST(TrustSortKeysTest, SortedOrderIsLexicographic) {
  const std::vector<std::string> strings = HardStrings(5000, 1);
  std::vector<ByteView> views;
  for (const std::string& s : strings) views.push_back(AsBytes(s));
  const std::vector<uint32_t> order = SortedOrder(views);
  ASSERT_EQ(order.size(), strings.size());
  std::vector<std::string> ours;
  for (uint32_t i : order) ours.push_back(strings[i]);
  std::vector<std::string> expected = strings;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ours, expected);
  EXPECT_TRUE(SortedOrder({}).empty());
}

TEST(TrustSortKeysTest, IdentityPairsSortByIdentityThenFingerprint) {
  const std::vector<std::string> identities = HardStrings(3000, 2);
  const std::vector<std::string> fingerprints = HardStrings(3000, 3);
  std::mt19937 random(4);
  std::vector<IdentityPair> pairs;
  std::vector<std::pair<std::string, std::string>> expected;
  for (size_t i = 0; i < identities.size(); ++i) {
    // Few distinct identities, so the fingerprint decides often.
    const std::string& id = identities[random() % 40];
    const std::string& fp = fingerprints[i];
    pairs.emplace_back(id, AsBytes(fp));
    expected.emplace_back(id, fp);
  }
  SortIdentityPairs(&pairs);
  std::sort(expected.begin(), expected.end());
  ASSERT_EQ(pairs.size(), expected.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(std::string(pairs[i].first), expected[i].first) << i;
    EXPECT_EQ(std::string(pairs[i].second.begin(), pairs[i].second.end()), expected[i].second) << i;
  }
}

TEST(TrustSortKeysTest, PrefixKeyOrdersLikeTheFirstSixteenOctets) {
  EXPECT_TRUE(PrefixKey::Of(std::string_view("ab")) < PrefixKey::Of(std::string_view("abc")));
  EXPECT_TRUE(PrefixKey::Of(std::string_view("abc")) < PrefixKey::Of(std::string_view("abd")));
  EXPECT_TRUE(PrefixKey::Of(std::string_view("0123456789abcdeX")) <
              PrefixKey::Of(std::string_view("0123456789abcdeY")));
  // Past octet 16 the prefixes tie: the full comparison has to decide.
  EXPECT_EQ(PrefixKey::Of(std::string_view("0123456789abcdefA")),
            PrefixKey::Of(std::string_view("0123456789abcdefB")));
}

int64_t PageSize(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &stmt, nullptr), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  const int64_t size = sqlite3_column_int64(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return size;
}

// New stores get 16 KiB pages; a store made with 4 KiB pages keeps them and its contents.
TEST(TrustSortKeysTest, NewStoresUseSixteenKibPagesOldOnesKeepTheirs) {
  const std::string dir = ::testing::TempDir() + "/trust_pages_" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  const auto alice = testing::MakePerson("alice", 1);
  {
    auto store = TrustStore::OpenSqlite(dir + "/new.db", {});
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->AddLocal(alice->der(), {}, testing::kT0).ok());
  }
  EXPECT_EQ(PageSize(dir + "/new.db"), 16384);

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/old.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA page_size=4096; CREATE TABLE t (x); DROP TABLE t;", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  {
    auto store = TrustStore::OpenSqlite(dir + "/old.db", {});
    ASSERT_TRUE(store.ok()) << store.error().message;
    ASSERT_TRUE((*store)->AddLocal(alice->der(), {}, testing::kT0).ok());
  }
  EXPECT_EQ(PageSize(dir + "/old.db"), 4096);
  auto reopened = TrustStore::OpenSqlite(dir + "/old.db", {});
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto local = (*reopened)->ListLocal();
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(local->size(), 1u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ikewot::trust
