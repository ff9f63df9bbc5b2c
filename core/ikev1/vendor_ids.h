// The vendor IDs ikewot sends and acts on in IKEv1 (both the initiator and the responder):
// RFC 3947 NAT-T, RFC 3706 DPD, XAUTH (draft-beaulieu-ike-xauth) and the Cisco/strongSwan IKE
// fragmentation capability. Names of other well-known IDs live in describe_values.h.
#pragma once

#include <vector>

#include "core/base/bytes.h"
#include "core/ikev1/payloads.h"

namespace ikewot::ikev1 {

ByteView NatTraversalVendorId();   // MD5("RFC 3947"), RFC 3947 §3.1
ByteView DpdVendorId();            // RFC 3706 §4, DPD 1.0
ByteView XauthVendorId();          // 09002689dfd6b712
ByteView FragmentationVendorId();  // MD5("FRAGMENTATION"); peers may append capability flags

bool IsNatTraversalVendorId(ByteView vid);
bool IsFragmentationVendorId(ByteView vid);  // with or without the trailing capability flags

// VID payloads for each of `ids`, in order.
std::vector<Payload> VendorIdPayloads(const std::vector<ByteView>& ids);

}  // namespace ikewot::ikev1
