#include "cli/client/request_key.hpp"

#include "cli/client/command_environment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace summit::cli {

std::string new_request_key() {
  std::random_device device;
  std::string key;
  for (int i = 0; i < 4; ++i) {
    key += fmt::format("{:08x}", static_cast<std::uint32_t>(device()));
  }
  return key;
}

bool valid_request_key(std::string_view key) {
  return !key.empty() && key.size() <= 64 && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

tl::expected<nlohmann::json, int> call_with_key(CommandSession &session, std::string_view method,
                                                nlohmann::json params, const std::string &key,
                                                std::string_view check) {
  params["request_key"] = key;
  auto result = session.client().call(method, std::move(params));
  if (result) {
    return std::move(*result);
  }
  const CallError &error = result.error();
  if (error.kind == CallError::Kind::unreachable && error.sent) {
    session.say(fmt::format("no reply from summitd in time ({}); the change may still be "
                            "applied when it answers: check with `{}`; running the same command "
                            "again with --request-key {} is safe (it is applied at most once)",
                            error.message, check, key));
    return tl::unexpected(k_exit_unreachable);
  }
  return tl::unexpected(session.report(error));
}

} // namespace summit::cli
