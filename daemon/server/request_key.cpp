#include "daemon/server/request_key.hpp"

#include "core/protocol.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace summit::server {
namespace {

bool key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == ':' || c == '-';
}

// calendar.import and import.commit are one kind of request: a client may
// send a file either way.
std::string_view kind_of(std::string_view method) {
  return method == core::protocol::import_commit ? std::string_view(core::protocol::calendar_import)
                                                 : method;
}

} // namespace

core::Result<std::optional<std::string>> read_request_key(const nlohmann::json &params) {
  const auto member = params.find("request_key");
  if (member == params.end() || member->is_null()) {
    return std::optional<std::string>{};
  }
  const std::string message =
      fmt::format("must be 1 to {} characters from A-Z a-z 0-9 . _ : - (any string the client "
                  "chose for this change, such as 32 random hex digits)",
                  k_max_request_key);
  if (!member->is_string()) {
    return core::fail_field("request_key", message);
  }
  const auto &key = member->get_ref<const std::string &>();
  if (key.empty() || key.size() > k_max_request_key ||
      !std::all_of(key.begin(), key.end(), key_char)) {
    return core::fail_field("request_key", message);
  }
  return key;
}

core::Result<std::optional<std::string>> take_request_key(nlohmann::json &params) {
  auto key = read_request_key(params);
  if (key) {
    params.erase("request_key");
  }
  return key;
}

core::Result<std::optional<nlohmann::json>>
applied_result(store::EventStore &store, std::uint32_t uid, const std::string &key,
               std::string_view method, core::SysSeconds now) {
  auto found = store.find_request(uid, key, now - k_request_key_lifetime);
  if (!found) {
    return tl::unexpected(found.error());
  }
  if (!*found) {
    return std::optional<nlohmann::json>{};
  }
  if (kind_of((*found)->method) != kind_of(method)) {
    return core::fail(core::ErrorCode::conflict,
                      fmt::format("request_key '{}' was already used for {}; choose a new key for "
                                  "this {}",
                                  key, (*found)->method, method));
  }
  auto result = nlohmann::json::parse((*found)->result, nullptr, false);
  if (result.is_discarded()) {
    return core::fail(core::ErrorCode::storage,
                      fmt::format("the stored result of request_key '{}' is damaged", key));
  }
  return std::optional<nlohmann::json>{std::move(result)};
}

core::Result<void> record_result(store::EventStore &store, std::uint32_t uid,
                                 const std::string &key, std::string_view method,
                                 const nlohmann::json &result, core::SysSeconds now) {
  return store.record_request(uid, key, std::string(method), result.dump(), now,
                              now - k_request_key_lifetime);
}

} // namespace summit::server
