// A commit the store reported survives kill -9. A writer process (forked from the test) runs a
// stream of accepts and imports against an SQLite store and writes the id of each operation to
// a pipe the moment the store returns success; the test kills it with SIGKILL at a random
// moment, 30 times over, and after each kill checks that every reported operation is in the
// store (and that the store still opens and reads cleanly).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "core/trust/trust_store.h"
#include "tests/trust/test_support.h"

namespace ikewot::trust {
namespace {

using testing::kT0;
using testing::MakePerson;
using testing::Person;

constexpr int kPeople = 120;
constexpr int kCollections = 40;
constexpr int kKills = 30;

struct Workload {
  std::unique_ptr<Person> sharer;
  std::vector<std::unique_ptr<Person>> people;
  std::vector<Bytes> collections;  // sequence i + 1 lists people 0..i
};

Workload MakeWorkload() {
  Workload w;
  w.sharer = MakePerson("sharer", 500);
  for (int i = 0; i < kPeople; ++i)
    w.people.push_back(MakePerson("p" + std::to_string(i), 600 + i));
  auto sharer_store = TrustStore::InMemory({});
  EXPECT_TRUE(sharer_store.ok());
  for (int i = 0; i < kCollections; ++i) {
    EXPECT_TRUE((*sharer_store)->AddLocal(w.people[i]->der(), {}, kT0).ok());
    auto shared = (*sharer_store)->Share(*w.sharer->endorser, {}, kT0);
    EXPECT_TRUE(shared.ok());
    w.collections.push_back(shared->file);
  }
  return w;
}

// The writer: operation k imports collection k/6 when k % 6 == 5, else accepts person k/2. It
// starts at operation `first` (where the previous writer was killed) and reports
// "<k> a <index>" or "<k> i <sequence>" after each successful commit.
[[noreturn]] void RunWriter(const std::string& path, const Workload& w, int first, int fd) {
  auto store = TrustStore::OpenSqlite(path, {});
  if (!store.ok()) _exit(2);
  if (!(*store)->AddLocal(w.sharer->der(), {}, kT0).ok()) _exit(3);
  for (int k = first;; ++k) {
    std::string line;
    if (k % 6 == 5 && k / 6 < kCollections) {
      auto prepared = testing::Prepare(w.collections[k / 6]);
      if (!prepared.ok() || !(*store)->Import(*prepared, {}, kT0).ok()) _exit(4);
      line = std::to_string(k) + " i " + std::to_string(k / 6 + 1) + "\n";
    } else {
      const int index = (k / 2) % kPeople;
      if (!(*store)->AddLocal(w.people[index]->der(), {}, kT0).ok()) _exit(5);
      line = std::to_string(k) + " a " + std::to_string(index) + "\n";
    }
    if (write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(6);
  }
}

TEST(TrustCrashTest, ReportedCommitsSurviveKillMinusNine) {
  const Workload w = MakeWorkload();
  const std::string path =
      ::testing::TempDir() + "/trust_crash_test_" + std::to_string(getpid()) + ".db";
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
  std::mt19937 random(20250101);
  std::set<int> accepted;
  uint64_t highest_import = 0;
  int total_reports = 0;
  int next_operation = 0;
  for (int round = 0; round < kKills; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      RunWriter(path, w, next_operation, fds[1]);
    }
    close(fds[1]);
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 250));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early with " << WEXITSTATUS(status);
    std::string reported;
    char buf[4096];
    for (ssize_t n; (n = read(fds[0], buf, sizeof(buf))) > 0;) reported.append(buf, n);
    close(fds[0]);

    std::istringstream lines(reported);
    std::string kind;
    uint64_t id;
    int k;
    while (lines >> k >> kind >> id) {
      ++total_reports;
      next_operation = k + 1;
      if (kind == "a") accepted.insert(static_cast<int>(id));
      if (kind == "i") highest_import = std::max(highest_import, id);
    }
    auto store = TrustStore::OpenSqlite(path, {});
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.error().ToString();
    for (int index : accepted) {
      auto local = (*store)->GetLocal(w.people[index]->fp());
      ASSERT_TRUE(local.ok()) << local.error().ToString();
      EXPECT_TRUE(*local) << "round " << round << ": reported accept of p" << index << " lost";
    }
    auto collections = (*store)->ListCollections();
    ASSERT_TRUE(collections.ok());
    if (highest_import > 0) {
      ASSERT_EQ(collections->size(), 1u) << "round " << round;
      EXPECT_GE((*collections)[0].sequence, highest_import) << "round " << round;
      auto entries = (*store)->CollectionEntries((*collections)[0].name);
      ASSERT_TRUE(entries.ok());
      EXPECT_EQ(entries->size(), (*collections)[0].sequence);
    }
    ASSERT_TRUE((*store)->Events().ok());
  }
  // The kills must have landed in the middle of real work.
  EXPECT_GT(total_reports, kKills);
  EXPECT_GT(highest_import, 1u);
  for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(path + s);
}

}  // namespace
}  // namespace ikewot::trust
