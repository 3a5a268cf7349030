#pragma once

#include <tl/expected.hpp>

#include <string>
#include <utility>

namespace summit::core {

// What went wrong, in terms a client can act on. Each code maps to one
// JSON-RPC error code (see rpc.hpp and docs/PROTOCOL.md).
enum class ErrorCode {
  invalid_params,    // the request is well-formed but a value is wrong
  not_found,         // no such event / reminder
  permission_denied, // the caller may not do this
  conflict,          // the change clashes with the current state
  storage,           // the database failed (disk full, read-only, ...)
  unavailable,       // the daemon cannot serve this now
  over_budget,       // the request would cost more than one request may (narrow it)
  internal,          // a bug: should never reach a user
};

// An expected failure: a code and a message a person can act on.
struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  std::string field = {}; // the request field at fault, when there is one
};

template <class T> using Result = tl::expected<T, Error>;

// Shorthand for returning a failure from a function returning Result<T>.
inline tl::unexpected<Error> fail(ErrorCode code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

// An invalid_params failure blaming one field; the message starts with it.
inline tl::unexpected<Error> fail_field(std::string field, std::string message) {
  std::string text = field + ": " + message;
  return tl::unexpected<Error>(Error{ErrorCode::invalid_params, std::move(text), std::move(field)});
}

// The stable lower-case name of a code ("invalid_params", ...).
const char *to_string(ErrorCode code);

} // namespace summit::core
