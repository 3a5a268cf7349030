#pragma once

#include "core/error.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>

namespace summit::core {

// The one reader of a request's params: typed members, with errors in one
// style, the field first (core::fail_field): "limit: must be an integer
// between 1 and 10000", "title: is 300 bytes long; the limit is 200". The
// daemon's handlers and the event validation (event_params) both read with
// it. Remembers what was read so that reject_unknown() can name members the
// method does not take (a typo must not be silently ignored).
class ParamReader {
public:
  // `params` must be an object and outlive the reader.
  explicit ParamReader(const nlohmann::json &params);

  // Whether `name` is present and not null.
  bool has(std::string_view name) const;

  // `id`: required, a positive integer.
  Result<std::int64_t> required_id();
  // Absent or null gives nothing.
  Result<std::optional<std::string>> optional_string(std::string_view name);
  // A string of at most `max_bytes` bytes without NUL characters: text a
  // user typed that is stored and shown.
  Result<std::optional<std::string>> optional_text(std::string_view name, std::size_t max_bytes);
  Result<std::optional<std::int64_t>> optional_integer(std::string_view name, std::int64_t min,
                                                       std::int64_t max);
  Result<std::optional<bool>> optional_bool(std::string_view name);
  // Fails naming the first member none of the calls above asked for.
  Result<void> reject_unknown() const;
  // Fails naming the first member that is not in `fields` (nor in
  // `passed_through`: members another step reads), and lists `fields`.
  Result<void> reject_unknown(std::span<const char *const> fields,
                              std::span<const char *const> passed_through = {}) const;

private:
  const nlohmann::json *member(std::string_view name);

  const nlohmann::json &m_params;
  std::set<std::string, std::less<>> m_known;
};

// How a JSON value is named in a message: "an integer", "a string", "null"...
std::string json_type_name(const nlohmann::json &value);

} // namespace summit::core
