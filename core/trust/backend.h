// Storage behind a TrustStore. Backends only store and index; every rule (who is trusted, what
// an import may do, conflicts) lives in TrustStore, so both backends behave identically and
// are tested by the same suite. All methods may fail with kIo (SQLite) but never partially:
// Transaction makes a group of writes atomic.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"
#include "core/trust/store_types.h"

namespace ikewot::trust {

class TrustBackend {
 public:
  virtual ~TrustBackend() = default;

  // Runs `body`; its writes become visible and durable together when it returns ok, and are
  // all undone when it fails. Nested calls join the outer transaction.
  virtual Status Transaction(const std::function<Status()>& body) = 0;

  // Runs `body`, whose reads may all be answered from the state the store had when it began
  // (the SQLite backend checks once that no other handle has committed since its in-memory
  // decision index was current, instead of once per read). Decisions run in one.
  virtual Status ReadSnapshot(const std::function<Status()>& body) = 0;

  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status PutSetting(std::string_view key, std::string_view value) = 0;

  virtual Result<std::optional<LocalEntry>> GetLocal(ByteView fingerprint) = 0;
  virtual Result<std::vector<LocalEntry>> ListLocal() = 0;
  // Inserts or replaces the record for entry.fingerprint().
  virtual Status PutLocal(const LocalEntry& entry) = 0;
  virtual Result<bool> DeleteLocal(ByteView fingerprint) = 0;

  virtual Result<std::vector<CollectionInfo>> ListCollections() = 0;
  // Inserts (info->id == 0: assigns the id) or replaces a collection with its entries and
  // removals.
  virtual Status PutCollection(CollectionInfo* info, const std::vector<EntryRef>& entries,
                               const std::vector<Bytes>& removals) = 0;
  // Metadata only (name, enabled, condition, cap).
  virtual Status UpdateCollection(const CollectionInfo& info) = 0;
  virtual Result<bool> DeleteCollection(int64_t id) = 0;
  virtual Result<std::vector<CollectionEntry>> EntriesFor(ByteView fingerprint) = 0;
  virtual Result<std::vector<EntryRef>> EntriesOf(int64_t collection_id) = 0;
  virtual Result<std::vector<Bytes>> RemovalsOf(int64_t collection_id) = 0;
  // Collections whose removals list `fingerprint`.
  virtual Result<std::vector<int64_t>> CollectionsRemoving(ByteView fingerprint) = 0;

  // Certificates (local or in any collection) that name `identity`.
  virtual Result<std::vector<Bytes>> FingerprintsWithIdentity(std::string_view identity) = 0;
  // Identities named by more than one stored certificate (candidates for conflicts).
  virtual Result<std::vector<std::string>> SharedIdentities() = 0;

  // Highest collection sequence number ever imported from a signer (survives removal).
  virtual Result<std::optional<uint64_t>> HighestSequence(ByteView signer) = 0;
  virtual Status SetHighestSequence(ByteView signer, uint64_t sequence) = 0;

  // What this node shared before: fingerprint -> withdrawn?
  virtual Result<std::vector<std::pair<Bytes, bool>>> SharedHistory() = 0;
  virtual Status PutShared(ByteView fingerprint, bool withdrawn) = 0;

  // Appends (assigning event->id); the log has no update or delete.
  virtual Status AppendEvent(Event* event) = 0;
  virtual Result<std::vector<Event>> Events(int64_t after_id, size_t limit) = 0;
};

// Plain maps in this process; for simulations with thousands of nodes and for tests.
std::unique_ptr<TrustBackend> MakeMemoryBackend();

// SQLite file (WAL, synchronous=FULL); creates the schema on first use, migrates older ones.
Result<std::unique_ptr<TrustBackend>> OpenSqliteBackend(const std::string& path);

}  // namespace ikewot::trust
