#include "daemon/server/param_reader.hpp"

#include <fmt/format.h>

namespace summit::server {

ParamReader::ParamReader(const nlohmann::json &params) : m_params(params) {}

ParamReader::Expected<std::int64_t> ParamReader::required_id() {
  m_known.emplace("id");
  const auto member = m_params.find("id");
  if (member == m_params.end() || member->is_null()) {
    return invalid_param("id", "params.id is required (the event's id, a positive integer)");
  }
  const bool integer = member->is_number_integer() || member->is_number_unsigned();
  if (!integer || (member->is_number_unsigned() && member->get<std::uint64_t>() > INT64_MAX) ||
      member->get<std::int64_t>() < 1) {
    return invalid_param(
        "id", fmt::format("params.id must be a positive integer, not {}", member->dump()));
  }
  return member->get<std::int64_t>();
}

ParamReader::Expected<std::optional<std::string>>
ParamReader::optional_string(std::string_view name) {
  m_known.emplace(name);
  const auto member = m_params.find(name);
  if (member == m_params.end() || member->is_null()) {
    return std::optional<std::string>{};
  }
  if (!member->is_string()) {
    return invalid_param(std::string(name), fmt::format("params.{} must be a string, not {}", name,
                                                        member->type_name()));
  }
  return std::optional<std::string>{member->get<std::string>()};
}

ParamReader::Expected<std::optional<std::int64_t>>
ParamReader::optional_integer(std::string_view name, std::int64_t min, std::int64_t max) {
  m_known.emplace(name);
  const auto member = m_params.find(name);
  if (member == m_params.end() || member->is_null()) {
    return std::optional<std::int64_t>{};
  }
  const bool integer = member->is_number_integer() || member->is_number_unsigned();
  const bool in_range = integer &&
                        !(member->is_number_unsigned() &&
                          member->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) &&
                        member->get<std::int64_t>() >= min && member->get<std::int64_t>() <= max;
  if (!in_range) {
    return invalid_param(
        std::string(name),
        fmt::format("params.{} must be an integer between {} and {}", name, min, max));
  }
  return std::optional<std::int64_t>{member->get<std::int64_t>()};
}

ParamReader::Expected<std::optional<bool>> ParamReader::optional_bool(std::string_view name) {
  m_known.emplace(name);
  const auto member = m_params.find(name);
  if (member == m_params.end() || member->is_null()) {
    return std::optional<bool>{};
  }
  if (!member->is_boolean()) {
    return invalid_param(std::string(name), fmt::format("params.{} must be true or false, not {}",
                                                        name, member->type_name()));
  }
  return std::optional<bool>{member->get<bool>()};
}

ParamReader::Expected<void> ParamReader::reject_unknown() const {
  for (const auto &item : m_params.items()) {
    const auto &key = item.key();
    if (!m_known.contains(key)) {
      std::string known;
      for (const auto &name : m_known) {
        known += known.empty() ? name : ", " + name;
      }
      return invalid_param(key, fmt::format("params.{} is not a parameter of this method "
                                            "(known: {})",
                                            key, known));
    }
  }
  return {};
}

} // namespace summit::server
