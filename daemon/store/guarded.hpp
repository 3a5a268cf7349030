#pragma once

#include "core/error.hpp"

#include <SQLiteCpp/Exception.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <exception>
#include <stdexcept>
#include <string_view>

namespace summit::store {

// A row whose stored text cannot be read back (hand-edited or damaged file).
class DamagedRow : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// The one way the store answers: runs `body` (which returns a core::Result)
// and turns whatever the database or a damaged row throws into a storage
// error that says what failed: "could not add event: database or disk is
// full". Nothing the store does throws past its public methods.
template <class F> auto guarded(std::string_view what, F &&body) -> decltype(body()) {
  try {
    return body();
  } catch (const nlohmann::json::exception &e) {
    return core::fail(core::ErrorCode::storage,
                      fmt::format("could not {}: stored data is damaged ({})", what, e.what()));
  } catch (const std::exception &e) {
    // SQLite::Exception, DamagedRow, the store's own checks, and what the
    // library below may throw (bad_alloc in a burst): the firing thread
    // logs the error and retries, as it did when it caught them itself.
    return core::fail(core::ErrorCode::storage, fmt::format("could not {}: {}", what, e.what()));
  }
}

} // namespace summit::store
