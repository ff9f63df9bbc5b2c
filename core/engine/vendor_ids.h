// Names for Vendor ID payload contents seen in the wild (IKEv2 VID, RFC 7296 §3.12). Vendor IDs
// are opaque; a name is a guess from a published value, so the raw bytes are always kept too.
#pragma once

#include <string>

#include "core/base/bytes.h"

namespace ikewot::engine {

// A readable name for a known Vendor ID ("strongSwan", "Windows 8+ (MS NT5 ISAKMPOAKLEY v9)",
// "libreswan", ...), or an empty string when unknown.
std::string NameVendorId(ByteView vendor_id);

}  // namespace ikewot::engine
