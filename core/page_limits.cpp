#include "core/page_limits.hpp"

namespace summit::core {

std::size_t wire_size(const nlohmann::json &value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

} // namespace summit::core
