#include "core/base/status.h"

namespace ikewot {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kTruncated: return "truncated";
    case ErrorCode::kTrailingData: return "trailing-data";
    case ErrorCode::kBadLength: return "bad-length";
    case ErrorCode::kBadValue: return "bad-value";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kCriticalUnknown: return "critical-unknown-payload";
    case ErrorCode::kLimitExceeded: return "limit-exceeded";
    case ErrorCode::kCryptoFailure: return "crypto-failure";
    case ErrorCode::kAuthFailure: return "auth-failure";
    case ErrorCode::kInvalidPublicKey: return "invalid-public-key";
    case ErrorCode::kInvalidArgument: return "invalid-argument";
    case ErrorCode::kNotFound: return "not-found";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kState: return "state";
  }
  return "unknown";
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code));
  if (!message.empty()) {
    out += ": ";
    out += message;
  }
  return out;
}

}  // namespace ikewot
