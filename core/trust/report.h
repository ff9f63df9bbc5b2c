// Stable machine-readable (JSON) and one-line text forms of trust store records, shared by the
// CLI commands (trust, share, import, collections) and usable by any other front end.
#pragma once

#include <string>

#include "core/base/json.h"
#include "core/trust/store_types.h"
#include "core/trust/trust_store.h"

namespace ikewot::trust {

// "AB:CD:EF:01:23:45:67:89" -- enough to recognise a certificate in a listing.
std::string ShortFingerprintText(ByteView fingerprint);

Json LocalEntryJson(const LocalEntry& entry);
Json PolicyJson(const Policy& policy);
// `why_inactive` empty: the collection counts right now.
Json CollectionJson(const CollectionInfo& info, const std::string& why_inactive);
Json EntryJson(const PreparedEntry& entry);
Json ShareResultJson(const ShareResult& result, const std::string& path);

// Terminal-safe: attacker-chosen certificate strings reduced to printable ASCII.
std::string Printable(std::string_view text);

}  // namespace ikewot::trust
