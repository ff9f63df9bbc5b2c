// Machine-readable (JSON) and human-readable descriptions of IKEv2 messages, for `ikewot decode`,
// logs and tests.
#pragma once

#include <string>
#include <vector>

#include "core/base/json.h"
#include "core/ikev2/message.h"

namespace ikewot::ikev2 {

// Every header field and every payload field. Each registry value appears as its number under
// the field's key and its name under "<key>_name"; octet strings are lower-case hex; addresses
// also appear as text. Payloads carry "offset" (their position when parsed).
Json DescribeMessage(const Message& message);
Json DescribeHeader(const Header& header);
Json DescribePayload(const Payload& payload);
// An array of DescribePayload, e.g. for the decrypted content of SK.
Json DescribePayloads(const std::vector<Payload>& payloads);

// An indented tree in the manner of Wireshark's detail pane, rendered from the description above
// (so both always show the same fields). Octet strings over 64 octets are shortened.
std::string FormatMessage(const Message& message);
std::string FormatPayloads(const std::vector<Payload>& payloads, int indent = 0);

}  // namespace ikewot::ikev2
