#pragma once

#include "core/clock.hpp"
#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace summit::store {
class EventStore;
}

namespace summit::server {

// Request keys (docs/PROTOCOL.md "Request keys"): a client-chosen string
// that makes a write safe to retry. event.add, calendar.import and
// import.commit record the key with their write, in the same transaction,
// and a request of the same uid that repeats it gets the first result
// instead of writing again.
constexpr std::size_t k_max_request_key = 64;
// A key is remembered this long after the request that recorded it.
constexpr std::chrono::hours k_request_key_lifetime{24};

// params.request_key: absent (or null), or 1-64 characters from
// A-Z a-z 0-9 . _ : - (the CLI sends 32 hex digits).
core::Result<std::optional<std::string>> read_request_key(const nlohmann::json &params);
// The same, and removes it from `params`, so the rest can be read as before.
core::Result<std::optional<std::string>> take_request_key(nlohmann::json &params);

// The first result of `key` for `uid`, if a request recorded it less than
// k_request_key_lifetime before `now`. `conflict` when the key was used for
// another kind of request (an add's key reused for an import).
core::Result<std::optional<nlohmann::json>>
applied_result(store::EventStore &store, std::uint32_t uid, const std::string &key,
               std::string_view method, core::SysSeconds now);

// Records `result` as the first result of `key`; call it inside the
// write_together of the write it belongs to.
core::Result<void> record_result(store::EventStore &store, std::uint32_t uid,
                                 const std::string &key, std::string_view method,
                                 const nlohmann::json &result, core::SysSeconds now);

} // namespace summit::server
