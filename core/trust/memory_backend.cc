// In-memory TrustBackend. Atomicity comes from an undo log: while a transaction runs, every
// write records how to revert itself, and a failing body replays those records backwards.
#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/trust/backend.h"

namespace ikewot::trust {
namespace {

std::string Key(ByteView b) { return std::string(b.begin(), b.end()); }
Bytes FromKey(const std::string& k) { return Bytes(k.begin(), k.end()); }

// A certificate fingerprint (SHA-256) held inline: the per-entry indexes are the bulk of an
// import into this backend, and a std::string key of 32 octets is one more heap block each.
using Fingerprint = std::array<uint8_t, 32>;

std::optional<Fingerprint> ToFingerprint(ByteView b) {
  if (b.size() != 32) return std::nullopt;  // no stored certificate has such a fingerprint
  Fingerprint f;
  std::copy(b.begin(), b.end(), f.begin());
  return f;
}

// SHA-256 outputs are uniform and nobody can choose them, so any 8 octets make a good hash.
struct FingerprintHash {
  size_t operator()(const Fingerprint& f) const {
    uint64_t h;
    std::memcpy(&h, f.data(), sizeof h);
    return static_cast<size_t>(h);
  }
};

// The certificates naming one identity, each with how many records name it there; almost
// always one, so a short vector beats a map.
using FingerprintRefs = std::vector<std::pair<Fingerprint, int>>;

struct StoredCollection {
  CollectionInfo info;
  std::vector<EntryRef> entries;
  std::vector<Bytes> removals;
};

class MemoryBackend final : public TrustBackend {
 public:
  Status Transaction(const std::function<Status()>& body) override {
    if (in_transaction_) return body();
    in_transaction_ = true;
    undo_.clear();
    Status s = body();
    in_transaction_ = false;
    if (!s.ok()) {
      for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) (*it)();
    }
    undo_.clear();
    return s;
  }

  Status ReadSnapshot(const std::function<Status()>& body) override { return body(); }

  Result<std::optional<std::string>> GetSetting(std::string_view key) override {
    auto it = settings_.find(std::string(key));
    if (it == settings_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  Status PutSetting(std::string_view key, std::string_view value) override {
    const std::string k(key);
    auto it = settings_.find(k);
    if (it == settings_.end()) {
      Remember([this, k] { settings_.erase(k); });
    } else {
      Remember([this, k, old = it->second] { settings_[k] = old; });
    }
    settings_[k] = std::string(value);
    return Status::Ok();
  }

  Result<std::optional<LocalEntry>> GetLocal(ByteView fingerprint) override {
    auto it = local_.find(Key(fingerprint));
    if (it == local_.end()) return std::optional<LocalEntry>();
    return std::optional<LocalEntry>(it->second);
  }

  Result<std::vector<LocalEntry>> ListLocal() override {
    std::vector<LocalEntry> out;
    out.reserve(local_.size());
    for (const auto& [k, v] : local_) out.push_back(v);
    std::sort(out.begin(), out.end(), [](const LocalEntry& a, const LocalEntry& b) {
      return a.decided_at != b.decided_at ? a.decided_at < b.decided_at
                                          : a.fingerprint() < b.fingerprint();
    });
    return out;
  }

  Status PutLocal(const LocalEntry& entry) override {
    const std::string k = Key(entry.fingerprint());
    auto it = local_.find(k);
    if (it != local_.end()) {
      LocalEntry old = it->second;
      Remember([this, old] { RestoreLocal(old); });
      Unindex(it->second.identities(), ToFingerprint(it->second.fingerprint()));
      local_.erase(it);
    } else {
      Remember([this, k] { EraseLocal(k); });
    }
    InsertLocal(entry);
    return Status::Ok();
  }

  Result<bool> DeleteLocal(ByteView fingerprint) override {
    const std::string k = Key(fingerprint);
    auto it = local_.find(k);
    if (it == local_.end()) return false;
    LocalEntry old = it->second;
    Remember([this, old] { InsertLocal(old); });
    EraseLocal(k);
    return true;
  }

  Result<std::vector<CollectionInfo>> ListCollections() override {
    std::vector<CollectionInfo> out;
    for (const auto& [id, c] : collections_) out.push_back(c.info);
    return out;
  }

  Status PutCollection(CollectionInfo* info, const std::vector<EntryRef>& entries,
                       const std::vector<Bytes>& removals) override {
    if (info->id == 0) info->id = next_collection_id_++;
    info->entry_count = entries.size();
    info->removal_count = removals.size();
    auto it = collections_.find(info->id);
    if (it != collections_.end()) {
      StoredCollection old = it->second;
      Remember([this, old] {
        EraseCollection(old.info.id);
        InsertCollection(old);
      });
      EraseCollection(info->id);
    } else {
      Remember([this, id = info->id] { EraseCollection(id); });
    }
    InsertCollection(StoredCollection{*info, entries, removals});
    return Status::Ok();
  }

  Status UpdateCollection(const CollectionInfo& info) override {
    auto it = collections_.find(info.id);
    if (it == collections_.end()) {
      return MakeError(ErrorCode::kNotFound, "no collection with id " + std::to_string(info.id));
    }
    Remember([this, old = it->second.info] { collections_[old.id].info = old; });
    const uint64_t entries = it->second.info.entry_count;
    const uint64_t removals = it->second.info.removal_count;
    it->second.info = info;
    it->second.info.entry_count = entries;
    it->second.info.removal_count = removals;
    return Status::Ok();
  }

  Result<bool> DeleteCollection(int64_t id) override {
    auto it = collections_.find(id);
    if (it == collections_.end()) return false;
    StoredCollection old = it->second;
    Remember([this, old] { InsertCollection(old); });
    EraseCollection(id);
    return true;
  }

  Result<std::vector<CollectionEntry>> EntriesFor(ByteView fingerprint) override {
    std::vector<CollectionEntry> out;
    const auto fp = ToFingerprint(fingerprint);
    if (!fp) return out;
    auto it = entries_by_fp_.find(*fp);
    if (it == entries_by_fp_.end()) return out;
    for (const auto& [id, entry] : it->second) out.push_back(CollectionEntry{id, entry});
    return out;
  }

  Result<std::vector<EntryRef>> EntriesOf(int64_t collection_id) override {
    auto it = collections_.find(collection_id);
    if (it == collections_.end()) return std::vector<EntryRef>();
    return it->second.entries;
  }

  Result<std::vector<Bytes>> RemovalsOf(int64_t collection_id) override {
    auto it = collections_.find(collection_id);
    if (it == collections_.end()) return std::vector<Bytes>();
    return it->second.removals;
  }

  Result<std::vector<int64_t>> CollectionsRemoving(ByteView fingerprint) override {
    std::vector<int64_t> out;
    auto it = removals_by_fp_.find(Key(fingerprint));
    if (it != removals_by_fp_.end()) out.assign(it->second.begin(), it->second.end());
    return out;
  }

  Result<std::vector<Bytes>> FingerprintsWithIdentity(std::string_view identity) override {
    std::vector<Bytes> out;
    auto it = identities_.find(std::string(identity));
    if (it == identities_.end()) return out;
    for (const auto& [fp, refs] : it->second) out.emplace_back(fp.begin(), fp.end());
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::vector<std::string>> SharedIdentities() override {
    std::vector<std::string> out;
    for (const auto& [identity, fps] : identities_) {
      if (fps.size() > 1) out.push_back(identity);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::optional<uint64_t>> HighestSequence(ByteView signer) override {
    auto it = sequences_.find(Key(signer));
    if (it == sequences_.end()) return std::optional<uint64_t>();
    return std::optional<uint64_t>(it->second);
  }

  Status SetHighestSequence(ByteView signer, uint64_t sequence) override {
    const std::string k = Key(signer);
    auto it = sequences_.find(k);
    if (it == sequences_.end()) {
      Remember([this, k] { sequences_.erase(k); });
    } else {
      Remember([this, k, old = it->second] { sequences_[k] = old; });
    }
    sequences_[k] = sequence;
    return Status::Ok();
  }

  Result<std::vector<std::pair<Bytes, bool>>> SharedHistory() override {
    std::vector<std::pair<Bytes, bool>> out;
    for (const auto& [fp, withdrawn] : shared_) out.emplace_back(FromKey(fp), withdrawn);
    return out;
  }

  Status PutShared(ByteView fingerprint, bool withdrawn) override {
    const std::string k = Key(fingerprint);
    auto it = shared_.find(k);
    if (it == shared_.end()) {
      Remember([this, k] { shared_.erase(k); });
    } else {
      Remember([this, k, old = it->second] { shared_[k] = old; });
    }
    shared_[k] = withdrawn;
    return Status::Ok();
  }

  Status AppendEvent(Event* event) override {
    event->id = static_cast<int64_t>(events_.size()) + 1;
    events_.push_back(*event);
    Remember([this] { events_.pop_back(); });
    return Status::Ok();
  }

  Result<std::vector<Event>> Events(int64_t after_id, size_t limit) override {
    std::vector<Event> out;
    for (size_t i = static_cast<size_t>(std::max<int64_t>(after_id, 0));
         i < events_.size() && out.size() < limit; ++i) {
      out.push_back(events_[i]);
    }
    return out;
  }

 private:
  void Remember(std::function<void()> undo) {
    if (in_transaction_) undo_.push_back(std::move(undo));
  }

  void Index(const std::vector<std::string>& identities, const std::optional<Fingerprint>& fp) {
    if (!fp) return;
    for (const std::string& id : identities) {
      FingerprintRefs& refs = identities_[id];
      auto ref =
          std::find_if(refs.begin(), refs.end(), [&](const auto& r) { return r.first == *fp; });
      if (ref == refs.end()) {
        refs.emplace_back(*fp, 1);
      } else {
        ++ref->second;
      }
    }
  }

  void Unindex(const std::vector<std::string>& identities, const std::optional<Fingerprint>& fp) {
    if (!fp) return;
    for (const std::string& id : identities) {
      auto it = identities_.find(id);
      if (it == identities_.end()) continue;
      FingerprintRefs& refs = it->second;
      auto ref =
          std::find_if(refs.begin(), refs.end(), [&](const auto& r) { return r.first == *fp; });
      if (ref != refs.end() && --ref->second == 0) refs.erase(ref);
      if (refs.empty()) identities_.erase(it);
    }
  }

  void InsertLocal(const LocalEntry& entry) {
    const std::string k = Key(entry.fingerprint());
    Index(entry.identities(), ToFingerprint(entry.fingerprint()));
    local_[k] = entry;
  }

  void EraseLocal(const std::string& k) {
    auto it = local_.find(k);
    if (it == local_.end()) return;
    Unindex(it->second.identities(), ToFingerprint(it->second.fingerprint()));
    local_.erase(it);
  }

  void RestoreLocal(const LocalEntry& old) {
    EraseLocal(Key(old.fingerprint()));
    InsertLocal(old);
  }

  void InsertCollection(StoredCollection c) {
    const int64_t id = c.info.id;
    entries_by_fp_.reserve(entries_by_fp_.size() + c.entries.size());
    for (const EntryRef& e : c.entries) {
      const auto fp = ToFingerprint(e->cert.fingerprint);
      if (fp) entries_by_fp_[*fp][id] = e;
      Index(e->cert.identities, fp);
    }
    for (const Bytes& fp : c.removals) removals_by_fp_[Key(fp)].insert(id);
    collections_[id] = std::move(c);
    next_collection_id_ = std::max(next_collection_id_, id + 1);
  }

  void EraseCollection(int64_t id) {
    auto it = collections_.find(id);
    if (it == collections_.end()) return;
    for (const EntryRef& e : it->second.entries) {
      const auto fp = ToFingerprint(e->cert.fingerprint);
      if (!fp) continue;
      auto by_fp = entries_by_fp_.find(*fp);
      if (by_fp != entries_by_fp_.end()) {
        by_fp->second.erase(id);
        if (by_fp->second.empty()) entries_by_fp_.erase(by_fp);
      }
      Unindex(e->cert.identities, fp);
    }
    for (const Bytes& fp : it->second.removals) {
      auto r = removals_by_fp_.find(Key(fp));
      if (r == removals_by_fp_.end()) continue;
      r->second.erase(id);
      if (r->second.empty()) removals_by_fp_.erase(r);
    }
    collections_.erase(it);
  }

  bool in_transaction_ = false;
  std::vector<std::function<void()>> undo_;
  std::map<std::string, std::string> settings_;
  std::unordered_map<std::string, LocalEntry> local_;
  std::map<int64_t, StoredCollection> collections_;
  int64_t next_collection_id_ = 1;
  std::unordered_map<Fingerprint, std::map<int64_t, EntryRef>, FingerprintHash> entries_by_fp_;
  std::unordered_map<std::string, std::unordered_set<int64_t>> removals_by_fp_;
  // identity -> certificate fingerprint -> number of records naming it
  std::unordered_map<std::string, FingerprintRefs> identities_;
  std::map<std::string, uint64_t> sequences_;
  std::map<std::string, bool> shared_;
  std::vector<Event> events_;
};

}  // namespace

std::unique_ptr<TrustBackend> MakeMemoryBackend() { return std::make_unique<MemoryBackend>(); }

}  // namespace ikewot::trust
