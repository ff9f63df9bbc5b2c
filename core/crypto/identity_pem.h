// PEM armour (RFC 7468) for keys and certificates: finding "-----BEGIN <label>-----" blocks in
// text and decoding their base64 body, and writing DER back out as 64-column PEM.
// Encrypted or header-carrying PEM (RFC 1421 "Proc-Type:") is refused: ikewot never stores a
// passphrase-protected key, and a silent failure to decrypt would read as a corrupt file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/base/bytes.h"
#include "core/base/status.h"

namespace ikewot::crypto {

struct PemBlock {
  std::string label;  // e.g. "CERTIFICATE", "PRIVATE KEY"
  Bytes der;
};

// Every block in `text`, in order. Text outside the blocks is ignored (as OpenSSL does); a BEGIN
// without its END, bad base64 or an empty body is an error whose offset points into `text`.
Result<std::vector<PemBlock>> ParsePemBlocks(std::string_view text);

// "-----BEGIN <label>-----\n", base64 in 64-character lines, "-----END <label>-----\n".
std::string EncodePem(std::string_view label, ByteView der);

}  // namespace ikewot::crypto
