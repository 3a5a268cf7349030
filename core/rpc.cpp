#include "core/rpc.hpp"

#include <fmt/format.h>

namespace summit::core::rpc {

namespace {

using nlohmann::json;

// Deeper nesting is never a valid request; refusing it before parsing keeps
// hostile input (10,000 nested arrays) cheap.
constexpr int k_max_depth = 64;

// Scans raw JSON text for the deepest nesting of [ and { outside strings.
// Stops early once `limit` is exceeded.
int nesting_depth(std::string_view text, int limit) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) {
        return deepest;
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

tl::unexpected<DecodeError> reject(json id, int code, std::string message) {
  return tl::unexpected<DecodeError>(DecodeError{std::move(id), code, std::move(message)});
}

} // namespace

int code_for(ErrorCode code) {
  switch (code) {
  case ErrorCode::invalid_params:
    return k_invalid_params;
  case ErrorCode::not_found:
    return k_not_found;
  case ErrorCode::permission_denied:
    return k_permission_denied;
  case ErrorCode::conflict:
    return k_conflict;
  case ErrorCode::storage:
    return k_storage;
  case ErrorCode::unavailable:
    return k_unavailable;
  case ErrorCode::over_budget:
    return k_over_budget;
  case ErrorCode::internal:
    return k_internal_error;
  }
  return k_internal_error;
}

ErrorCode error_code_from(int rpc_code) {
  switch (rpc_code) {
  case k_invalid_params:
  case k_invalid_request:
  case k_parse_error:
  case k_method_not_found:
    return ErrorCode::invalid_params;
  case k_not_found:
    return ErrorCode::not_found;
  case k_permission_denied:
    return ErrorCode::permission_denied;
  case k_conflict:
    return ErrorCode::conflict;
  case k_storage:
    return ErrorCode::storage;
  case k_unavailable:
    return ErrorCode::unavailable;
  case k_over_budget:
    return ErrorCode::over_budget;
  default:
    return ErrorCode::internal;
  }
}

tl::expected<Request, DecodeError> decode_request(std::string_view line) {
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  if (nesting_depth(line, k_max_depth) > k_max_depth) {
    return reject(nullptr, k_invalid_request,
                  fmt::format("request nests deeper than {} levels; flatten it", k_max_depth));
  }
  json message;
  try {
    message = json::parse(line);
  } catch (const json::parse_error &e) {
    // nlohmann reports ill-formed UTF-8 as a parse error; say which it was.
    const std::string what = e.what();
    if (what.find("UTF-8") != std::string::npos) {
      return reject(nullptr, k_parse_error,
                    fmt::format("parse error: the line is not valid UTF-8 (at byte {}); send "
                                "UTF-8 JSON, one object per line",
                                e.byte));
    }
    return reject(nullptr, k_parse_error,
                  fmt::format("parse error: the line is not valid JSON (at byte {}); send one "
                              "JSON-RPC 2.0 object per line",
                              e.byte));
  } catch (const json::out_of_range &) {
    // Well-formed JSON that nlohmann cannot hold: a number beyond double's
    // range ("1e400") throws out_of_range, not parse_error (found by
    // tests/fuzz/rpc_decode_fuzz).
    return reject(nullptr, k_parse_error,
                  "parse error: a number in the line is too large to represent; send "
                  "numbers within the range of a double");
  }

  if (message.is_array()) {
    return reject(nullptr, k_invalid_request,
                  "invalid request: batches are not supported; send one request object per line");
  }
  if (!message.is_object()) {
    return reject(nullptr, k_invalid_request,
                  "invalid request: a request must be a JSON object with jsonrpc, method and id");
  }

  Request request;
  const auto id = message.find("id");
  if (id == message.end()) {
    request.is_notification = true;
  } else if (id->is_string() || id->is_number_integer() || id->is_null()) {
    request.id = *id;
  } else {
    return reject(nullptr, k_invalid_request, "invalid request: id must be a string or an integer");
  }

  const auto version = message.find("jsonrpc");
  if (version == message.end() || !version->is_string() || *version != "2.0") {
    return reject(request.id, k_invalid_request, R"(invalid request: "jsonrpc" must be "2.0")");
  }
  const auto method = message.find("method");
  if (method == message.end() || !method->is_string() ||
      method->get_ref<const std::string &>().empty()) {
    return reject(request.id, k_invalid_request,
                  R"(invalid request: "method" must be a non-empty string such as "event.list")");
  }
  request.method = method->get<std::string>();

  const auto params = message.find("params");
  if (params != message.end() && !params->is_null()) {
    if (!params->is_object()) {
      return reject(request.id, k_invalid_params,
                    "invalid params: params must be an object of named parameters");
    }
    request.params = *params;
  }
  return request;
}

json make_request(const json &id, std::string_view method, json params) {
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json make_notification(std::string_view method, json params) {
  return json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

json make_result(const json &id, json result) {
  // Not json{{...}}: an initializer list is copied, and with it the whole
  // result (an event, a page of events) once more for every reply.
  json reply = json::object();
  reply["jsonrpc"] = "2.0";
  reply["id"] = id;
  reply["result"] = std::move(result);
  return reply;
}

json make_error(const json &id, int code, std::string_view message, json data) {
  json error_data = json::object();
  error_data["kind"] = to_string(error_code_from(code));
  if (code == k_parse_error) {
    error_data["kind"] = "parse_error";
  } else if (code == k_invalid_request) {
    error_data["kind"] = "invalid_request";
  } else if (code == k_method_not_found) {
    error_data["kind"] = "method_not_found";
  }
  if (data.is_object()) {
    error_data.update(data);
  }
  return json{{"jsonrpc", "2.0"},
              {"id", id},
              {"error", {{"code", code}, {"message", message}, {"data", std::move(error_data)}}}};
}

json make_error(const json &id, const Error &error) {
  json data = json::object();
  if (!error.field.empty()) {
    data["field"] = error.field;
  }
  return make_error(id, code_for(error.code), error.message, std::move(data));
}

std::string to_line(const json &message) {
  std::string line = to_text(message);
  line.push_back('\n');
  return line;
}

std::string to_text(const json &value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string result_line(const json &id, std::string_view result_text) {
  // Members in the order nlohmann's object (a std::map) writes them.
  const std::string id_text = to_text(id);
  std::string line;
  line.reserve(id_text.size() + result_text.size() + 36);
  line += "{\"id\":";
  line += id_text;
  line += ",\"jsonrpc\":\"2.0\",\"result\":";
  line += result_text;
  line += "}\n";
  return line;
}

} // namespace summit::core::rpc
