#pragma once

#include "cli/client/command_session.hpp"
#include "cli/client/daemon_client.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace summit::cli {

// A request key for one change (docs/PROTOCOL.md "Request keys"): 32 hex
// digits from std::random_device (the kernel's getrandom/urandom).
std::string new_request_key();

// Whether `key` is one summitd takes: 1-64 characters from
// A-Z a-z 0-9 . _ : -
bool valid_request_key(std::string_view key);

// Sends a change made safe to retry by `key`. When the request went out but
// no reply came (the daemon stopped or is busy), says in one line that the
// change may still be applied, how to check (`check`), and that running
// the same command again with `--request-key KEY` is safe; exit code 3
// then. Other failures are reported as CommandSession::call does.
tl::expected<nlohmann::json, int> call_with_key(CommandSession &session, std::string_view method,
                                                nlohmann::json params, const std::string &key,
                                                std::string_view check);

} // namespace summit::cli
