#pragma once

#include "daemon/server/dispatcher.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace summit::server {

// Reads typed members of a params object, with errors that name the field
// and say what is expected ("params.limit must be an integer between 1 and
// 10000"). Remembers what was read so that reject_unknown() can name
// members the method does not take (a typo must not be silently ignored).
class ParamReader {
public:
  template <class T> using Expected = core::Result<T>;

  // `params` must be an object and outlive the reader.
  explicit ParamReader(const nlohmann::json &params);

  // `id`: required, a positive integer.
  Expected<std::int64_t> required_id();
  // Absent or null gives nothing.
  Expected<std::optional<std::string>> optional_string(std::string_view name);
  Expected<std::optional<std::int64_t>> optional_integer(std::string_view name, std::int64_t min,
                                                         std::int64_t max);
  Expected<std::optional<bool>> optional_bool(std::string_view name);
  // Fails naming the first member none of the calls above asked for.
  Expected<void> reject_unknown() const;

private:
  const nlohmann::json &m_params;
  std::set<std::string, std::less<>> m_known;
};

} // namespace summit::server
