#include "core/crypto/identity_pem.h"

#include <openssl/evp.h>

#include <algorithm>

namespace ikewot::crypto {
namespace {

constexpr std::string_view kBeginPrefix = "-----BEGIN ";
constexpr std::string_view kEndPrefix = "-----END ";
constexpr std::string_view kDashes = "-----";
// A trust store or chain file is a few certificates; these bounds stop a hostile file from
// making us allocate without limit.
constexpr size_t kMaxPemText = 4 * 1024 * 1024;
constexpr size_t kMaxPemBlocks = 256;

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool IsPemSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Strict base64 (RFC 4648 §4) with white space allowed anywhere; '=' only as final padding.
Result<Bytes> DecodeBase64Body(std::string_view body, size_t base_offset) {
  Bytes out;
  out.reserve(body.size() * 3 / 4);
  uint32_t accumulator = 0;
  int sextets = 0;
  int padding = 0;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (IsPemSpace(c)) continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    int v = Base64Value(c);
    if (v < 0) {
      return MakeError(ErrorCode::kBadValue,
                       std::string("PEM body has a character that is not base64: '") + c + "'",
                       base_offset + i);
    }
    if (padding != 0) {
      return MakeError(ErrorCode::kBadValue, "PEM body continues after '=' padding",
                       base_offset + i);
    }
    accumulator = accumulator << 6 | static_cast<uint32_t>(v);
    if (++sextets == 4) {
      out.push_back(static_cast<uint8_t>(accumulator >> 16));
      out.push_back(static_cast<uint8_t>(accumulator >> 8));
      out.push_back(static_cast<uint8_t>(accumulator));
      accumulator = 0;
      sextets = 0;
    }
  }
  // 2 leftover sextets carry one byte (needs "=="), 3 carry two bytes (needs "=").
  if (sextets == 1 || (sextets == 0 && padding != 0) || (sextets == 2 && padding != 2) ||
      (sextets == 3 && padding != 1)) {
    return MakeError(ErrorCode::kTruncated, "PEM body is not a whole number of base64 quanta",
                     base_offset + body.size());
  }
  if (sextets == 2) out.push_back(static_cast<uint8_t>(accumulator >> 4));
  if (sextets == 3) {
    out.push_back(static_cast<uint8_t>(accumulator >> 10));
    out.push_back(static_cast<uint8_t>(accumulator >> 2));
  }
  return out;
}

}  // namespace

Result<std::vector<PemBlock>> ParsePemBlocks(std::string_view text) {
  if (text.size() > kMaxPemText) {
    return MakeError(ErrorCode::kLimitExceeded, "PEM text of " + std::to_string(text.size()) +
                                                    " bytes exceeds the " +
                                                    std::to_string(kMaxPemText) + "-byte limit");
  }
  std::vector<PemBlock> blocks;
  size_t pos = 0;
  while (true) {
    size_t begin = text.find(kBeginPrefix, pos);
    if (begin == std::string_view::npos) break;
    if (blocks.size() == kMaxPemBlocks) {
      return MakeError(ErrorCode::kLimitExceeded,
                       "more than " + std::to_string(kMaxPemBlocks) + " PEM blocks", begin);
    }
    size_t label_start = begin + kBeginPrefix.size();
    size_t label_end = text.find(kDashes, label_start);
    size_t line_end = text.find('\n', label_start);
    if (label_end == std::string_view::npos || label_end > line_end) {
      return MakeError(ErrorCode::kBadValue, "PEM BEGIN line does not end in '-----'", begin);
    }
    std::string label(text.substr(label_start, label_end - label_start));
    std::string end_marker = std::string(kEndPrefix) + label + std::string(kDashes);
    size_t body_start = label_end + kDashes.size();
    size_t end = text.find(end_marker, body_start);
    if (end == std::string_view::npos) {
      return MakeError(ErrorCode::kTruncated, "PEM block '" + label + "' has no matching END line",
                       begin);
    }
    std::string_view body = text.substr(body_start, end - body_start);
    if (body.find(':') != std::string_view::npos) {
      return MakeError(ErrorCode::kUnsupported,
                       "PEM block '" + label + "' carries headers (encrypted PEM is not supported)",
                       body_start);
    }
    auto der = DecodeBase64Body(body, body_start);
    if (!der.ok()) return der.error();
    if (der->empty()) {
      return MakeError(ErrorCode::kTruncated, "PEM block '" + label + "' is empty", body_start);
    }
    blocks.push_back(PemBlock{std::move(label), std::move(der).value()});
    pos = end + end_marker.size();
  }
  return blocks;
}

std::string EncodePem(std::string_view label, ByteView der) {
  std::string out = std::string(kBeginPrefix) + std::string(label) + std::string(kDashes) + "\n";
  // 48 input bytes become one 64-character line; EVP_EncodeBlock cannot fail.
  constexpr size_t kBytesPerLine = 48;
  unsigned char line[65];
  for (size_t i = 0; i < der.size(); i += kBytesPerLine) {
    size_t n = std::min(kBytesPerLine, der.size() - i);
    int written = EVP_EncodeBlock(line, der.data() + i, static_cast<int>(n));
    out.append(reinterpret_cast<const char*>(line), static_cast<size_t>(written));
    out.push_back('\n');
  }
  out += std::string(kEndPrefix) + std::string(label) + std::string(kDashes) + "\n";
  return out;
}

}  // namespace ikewot::crypto
