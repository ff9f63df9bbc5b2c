// Errors as values: every fallible core function returns Status or Result<T>, both [[nodiscard]].
// The core never throws; a code says what kind of failure, a message and an offset say where and why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ikewot {

enum class ErrorCode : uint8_t {
  kOk = 0,
  kTruncated,         // input ends before a field it promised
  kTrailingData,      // a length-delimited region was not consumed exactly
  kBadLength,         // a length field is impossible (too small, too large, inconsistent)
  kBadValue,          // a field holds a value the RFC forbids
  kUnsupported,       // valid on the wire but not something we implement
  kCriticalUnknown,   // unknown payload with the critical bit set (RFC 7296 §2.5)
  kLimitExceeded,     // a resource bound (count, bytes) was hit
  kCryptoFailure,     // an OpenSSL call failed
  kAuthFailure,       // integrity check or signature did not verify
  kInvalidPublicKey,  // a peer's DH public value failed validation
  kInvalidArgument,   // caller passed something unusable
  kNotFound,
  kIo,                // only outside core/: files, sockets
  kState,             // call not valid in the current state
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
  // Byte offset in the outermost input where parsing failed; meaningful for codec errors.
  size_t offset = 0;

  std::string ToString() const;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design
  static Status Ok() { return Status(); }

  bool ok() const { return error_.code == ErrorCode::kOk; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return error_; }
  ErrorCode code() const { return error_.code; }

 private:
  Error error_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}    // NOLINT
  Result(Status status) : v_(status.error()) {}    // NOLINT: must hold an error

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return std::get<1>(v_); }
  ErrorCode code() const { return ok() ? ErrorCode::kOk : error().code; }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

inline Error MakeError(ErrorCode code, std::string message, size_t offset = 0) {
  return Error{code, std::move(message), offset};
}

}  // namespace ikewot

// Propagates a failed Status/Result from the enclosing function.
#define IKEWOT_RETURN_IF_ERROR(expr)                              \
  do {                                                            \
    auto ikewot_status_ = (expr);                                 \
    if (!ikewot_status_.ok()) return ikewot_status_.error();           \
  } while (0)
