// ikewot.Error and its subclasses: one Python exception class per kind of failure, so callers can
// catch "the file is malformed" apart from "the signature is wrong". Every instance carries
// .code (the ErrorCode name, e.g. "truncated"), .message and .offset (absolute byte offset for
// codec errors, else 0).
#include <chrono>
#include <string>
#include <vector>

#include "pybind/common.h"

namespace ikewot::python {
namespace {

struct ErrorClass {
  const char* name;
  const char* doc;
  // Extra built-in base, so `except ValueError` and friends also work.
  PyObject* builtin;
};

// The subclasses, and which codes raise which.
const char* ClassForCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kTruncated:
    case ErrorCode::kTrailingData:
    case ErrorCode::kBadLength:
    case ErrorCode::kBadValue:
    case ErrorCode::kCriticalUnknown:
      return "MalformedError";
    case ErrorCode::kUnsupported:
      return "UnsupportedError";
    case ErrorCode::kLimitExceeded:
      return "LimitError";
    case ErrorCode::kCryptoFailure:
    case ErrorCode::kInvalidPublicKey:
      return "CryptoError";
    case ErrorCode::kAuthFailure:
      return "AuthenticationError";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgumentError";
    case ErrorCode::kNotFound:
      return "NotFoundError";
    case ErrorCode::kIo:
      return "IoError";
    case ErrorCode::kState:
      return "StateError";
    case ErrorCode::kOk:
      break;
  }
  return "Error";
}

constexpr ErrorCode kAllCodes[] = {
    ErrorCode::kTruncated,
    ErrorCode::kTrailingData,
    ErrorCode::kBadLength,
    ErrorCode::kBadValue,
    ErrorCode::kUnsupported,
    ErrorCode::kCriticalUnknown,
    ErrorCode::kLimitExceeded,
    ErrorCode::kCryptoFailure,
    ErrorCode::kAuthFailure,
    ErrorCode::kInvalidPublicKey,
    ErrorCode::kInvalidArgument,
    ErrorCode::kNotFound,
    ErrorCode::kIo,
    ErrorCode::kState,
};

[[noreturn]] void RaisePython(const Error& error) {
  py::module_ module = py::module_::import("ikewot._ikewot");
  py::object cls = module.attr(ClassForCode(error.code));
  py::object instance = cls(error.message);
  instance.attr("code") = std::string(ErrorCodeName(error.code));
  instance.attr("message") = error.message;
  instance.attr("offset") = error.offset;
  PyErr_SetObject(cls.ptr(), instance.ptr());
  throw py::error_already_set();
}

}  // namespace

void ThrowInvalidArgument(std::string message) {
  throw StatusError(MakeError(ErrorCode::kInvalidArgument, std::move(message)));
}

TimePoint TimeOrNow(const std::optional<double>& unix_seconds) {
  if (!unix_seconds) {
    return TimePoint{
        std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch())};
  }
  // Outside +-2^62 ns the nanosecond count would overflow.
  if (!(*unix_seconds > -4.6e9 && *unix_seconds < 4.6e9)) {
    ThrowInvalidArgument("time " + std::to_string(*unix_seconds) +
                         " is outside the years 1824..2115 a TimePoint can hold");
  }
  return TimePoint{
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(*unix_seconds))};
}

Bytes FingerprintArgument(const py::object& value) {
  if (py::isinstance<py::bytes>(value)) {
    Bytes raw = ToBytes(value.cast<py::bytes>());
    if (raw.size() != 32) {
      ThrowInvalidArgument("a fingerprint is 32 bytes (SHA-256), got " +
                           std::to_string(raw.size()));
    }
    return raw;
  }
  if (py::isinstance<py::str>(value)) {
    Bytes raw = Unwrap(FromHex(value.cast<std::string>()));
    if (raw.size() != 32) {
      ThrowInvalidArgument("a fingerprint is 64 hex digits (SHA-256), got " +
                           std::to_string(raw.size() * 2));
    }
    return raw;
  }
  ThrowInvalidArgument("a fingerprint is bytes or hex text");
}

py::object JsonToPython(const Json& json) {
  if (json.is_null()) return py::none();
  if (const bool* b = json.boolean()) return py::bool_(*b);
  if (const int64_t* i = json.integer()) return py::int_(*i);
  if (const double* d = json.number()) return py::float_(*d);
  if (const std::string* s = json.string()) {
    // Attacker-chosen certificate text may hold invalid UTF-8; never fail on it.
    return py::reinterpret_steal<py::object>(
        PyUnicode_DecodeUTF8(s->data(), static_cast<Py_ssize_t>(s->size()), "replace"));
  }
  if (json.is_array()) {
    py::list out;
    for (const Json& item : json.array()) out.append(JsonToPython(item));
    return out;
  }
  py::dict out;
  for (const auto& [key, value] : json.object()) out[py::str(key)] = JsonToPython(value);
  return out;
}

void InitErrors(py::module_& m) {
  const ErrorClass classes[] = {
      {"MalformedError",
       "Input bytes or text do not have the required form (truncated, trailing "
       "data, bad length or value).",
       PyExc_ValueError},
      {"UnsupportedError", "Valid, but not something ikewot implements or accepts.", nullptr},
      {"LimitError", "A size or count limit was hit.", nullptr},
      {"CryptoError", "An OpenSSL operation failed, or a peer's public value is invalid.", nullptr},
      {"AuthenticationError",
       "A signature or integrity check did not verify, or a signer is not "
       "trusted.",
       nullptr},
      {"InvalidArgumentError", "The caller passed something unusable.", PyExc_ValueError},
      {"NotFoundError", "The thing asked for does not exist.", PyExc_LookupError},
      {"IoError", "A file or socket operation failed.", PyExc_OSError},
      {"StateError",
       "The operation is not valid in the current state (e.g. a rollback or a "
       "refused change).",
       nullptr},
  };
  py::object base = py::reinterpret_steal<py::object>(
      PyErr_NewExceptionWithDoc("ikewot.Error",
                                "Base class of every error ikewot raises. Attributes: code (the "
                                "error code name), message, offset (byte offset for codec errors).",
                                PyExc_Exception, nullptr));
  m.attr("Error") = base;
  for (const ErrorClass& c : classes) {
    py::tuple bases =
        c.builtin ? py::make_tuple(base, py::handle(c.builtin)) : py::make_tuple(base);
    std::string qualified = std::string("ikewot.") + c.name;
    m.attr(c.name) = py::reinterpret_steal<py::object>(
        PyErr_NewExceptionWithDoc(qualified.c_str(), c.doc, bases.ptr(), nullptr));
  }

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      try {
        RaisePython(e.error());
      } catch (py::error_already_set& already) {
        already.restore();
      }
    }
  });

  m.def(
      "error_codes",
      [] {
        py::dict out;
        for (ErrorCode code : kAllCodes) out[py::str(ErrorCodeName(code))] = ClassForCode(code);
        return out;
      },
      "Every core error code name and the exception class it raises.");
  m.def(
      "_raise_error",
      [](const std::string& code_name, const std::string& message, size_t offset) {
        for (ErrorCode code : kAllCodes) {
          if (ErrorCodeName(code) == code_name) throw StatusError(MakeError(code, message, offset));
        }
        ThrowInvalidArgument("unknown error code '" + code_name + "'");
      },
      py::arg("code"), py::arg("message"), py::arg("offset") = 0,
      "Raises the exception a core error with this code becomes (for testing the mapping).");
}

}  // namespace ikewot::python
