#include "core/param_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace summit::core {

std::string json_type_name(const nlohmann::json &value) {
  if (value.is_number_integer()) {
    return "an integer";
  }
  if (value.is_number()) {
    return "a number";
  }
  if (value.is_string()) {
    return "a string";
  }
  if (value.is_boolean()) {
    return "a boolean";
  }
  if (value.is_array()) {
    return "an array";
  }
  if (value.is_object()) {
    return "an object";
  }
  return "null";
}

ParamReader::ParamReader(const nlohmann::json &params) : m_params(params) {}

bool ParamReader::has(std::string_view name) const {
  const auto found = m_params.find(name);
  return found != m_params.end() && !found->is_null();
}

const nlohmann::json *ParamReader::member(std::string_view name) {
  m_known.emplace(name);
  const auto found = m_params.find(name);
  if (found == m_params.end() || found->is_null()) {
    return nullptr;
  }
  return &*found;
}

Result<std::int64_t> ParamReader::required_id() {
  const nlohmann::json *id = member("id");
  if (id == nullptr) {
    return fail_field("id", "is required (the event's id, a positive integer)");
  }
  const bool integer = id->is_number_integer() || id->is_number_unsigned();
  if (!integer ||
      (id->is_number_unsigned() &&
       id->get<std::uint64_t>() > std::uint64_t{std::numeric_limits<std::int64_t>::max()}) ||
      id->get<std::int64_t>() < 1) {
    return fail_field("id", fmt::format("must be a positive integer, not {}", id->dump()));
  }
  return id->get<std::int64_t>();
}

Result<std::optional<std::string>> ParamReader::optional_string(std::string_view name) {
  const nlohmann::json *value = member(name);
  if (value == nullptr) {
    return std::optional<std::string>{};
  }
  if (!value->is_string()) {
    return fail_field(std::string(name),
                      fmt::format("must be a string, not {}", json_type_name(*value)));
  }
  return std::optional<std::string>{value->get<std::string>()};
}

Result<std::optional<std::string>> ParamReader::optional_text(std::string_view name,
                                                              std::size_t max_bytes) {
  auto text = optional_string(name);
  if (!text || !*text) {
    return text;
  }
  if ((*text)->size() > max_bytes) {
    return fail_field(std::string(name),
                      fmt::format("is {} bytes long; the limit is {}", (*text)->size(), max_bytes));
  }
  if ((*text)->find('\0') != std::string::npos) {
    return fail_field(std::string(name), "must not contain NUL characters");
  }
  return text;
}

Result<std::optional<std::int64_t>>
ParamReader::optional_integer(std::string_view name, std::int64_t min, std::int64_t max) {
  const nlohmann::json *value = member(name);
  if (value == nullptr) {
    return std::optional<std::int64_t>{};
  }
  const bool integer = value->is_number_integer() || value->is_number_unsigned();
  const bool in_range = integer &&
                        !(value->is_number_unsigned() &&
                          value->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) &&
                        value->get<std::int64_t>() >= min && value->get<std::int64_t>() <= max;
  if (!in_range) {
    return fail_field(std::string(name),
                      fmt::format("must be an integer between {} and {}", min, max));
  }
  return std::optional<std::int64_t>{value->get<std::int64_t>()};
}

Result<std::optional<bool>> ParamReader::optional_bool(std::string_view name) {
  const nlohmann::json *value = member(name);
  if (value == nullptr) {
    return std::optional<bool>{};
  }
  if (!value->is_boolean()) {
    return fail_field(std::string(name),
                      fmt::format("must be true or false, not {}", json_type_name(*value)));
  }
  return std::optional<bool>{value->get<bool>()};
}

Result<void> ParamReader::reject_unknown() const {
  for (const auto &item : m_params.items()) {
    const auto &key = item.key();
    if (!m_known.contains(key)) {
      return fail_field(key, fmt::format("is not a parameter of this method (known: {})",
                                         fmt::join(m_known, ", ")));
    }
  }
  return {};
}

Result<void> ParamReader::reject_unknown(std::span<const char *const> fields,
                                         std::span<const char *const> passed_through) const {
  const auto named = [](std::span<const char *const> names, const std::string &key) {
    return std::find(names.begin(), names.end(), key) != names.end();
  };
  for (const auto &item : m_params.items()) {
    const auto &key = item.key();
    if (!named(fields, key) && !named(passed_through, key)) {
      return fail_field(key,
                        fmt::format("unknown field; the fields are {}", fmt::join(fields, ", ")));
    }
  }
  return {};
}

} // namespace summit::core
