// What every binding file shares: C++ errors turned into Python exceptions (errors.cc), time and
// byte conversions, and core JSON values as plain Python objects. No protocol logic lives here:
// the bindings call the same C++ the CLI calls.
#pragma once

#include <pybind11/pybind11.h>

#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "core/base/bytes.h"
#include "core/base/json.h"
#include "core/base/status.h"
#include "core/base/time.h"

namespace ikewot::python {

namespace py = pybind11;

// A failed Status on its way to Python; errors.cc translates it into the ikewot.Error subclass
// for its code, carrying the code name, the message and the byte offset.
class StatusError : public std::exception {
 public:
  explicit StatusError(Error error) : error_(std::move(error)) {}
  const char* what() const noexcept override { return error_.message.c_str(); }
  const Error& error() const { return error_; }

 private:
  Error error_;
};

inline void ThrowIfError(const Status& status) {
  if (!status.ok()) throw StatusError(status.error());
}

template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) throw StatusError(result.error());
  return std::move(result).value();
}

// Raises ikewot.InvalidArgumentError with `message`.
[[noreturn]] void ThrowInvalidArgument(std::string message);

// `unix_seconds` (int or float), or the wall clock when None. The core never reads a clock; the
// bindings are a driver and may.
TimePoint TimeOrNow(const std::optional<double>& unix_seconds);

inline Bytes ToBytes(const py::bytes& data) {
  std::string_view view(data);
  return Bytes(view.begin(), view.end());
}
inline py::bytes ToPyBytes(ByteView data) {
  return py::bytes(reinterpret_cast<const char*>(data.data()), data.size());
}
// A SHA-256 fingerprint given as 32 raw bytes or as hex text (colons, spaces and dashes allowed).
Bytes FingerprintArgument(const py::object& value);

// Core JSON (the CLI's --json forms) as dict / list / str / int / float / bool / None.
py::object JsonToPython(const Json& json);

void InitErrors(py::module_& m);       // errors.cc
void InitIdentity(py::module_& m);     // bind_identity.cc
void InitTrust(py::module_& m);        // bind_trust.cc
void InitCollections(py::module_& m);  // bind_collections.cc
void InitProbe(py::module_& m);        // bind_probe.cc
void InitSim(py::module_& m);          // bind_sim.cc

}  // namespace ikewot::python
