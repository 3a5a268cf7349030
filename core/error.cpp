#include "core/error.hpp"

namespace summit::core {

const char *to_string(ErrorCode code) {
  switch (code) {
  case ErrorCode::invalid_params:
    return "invalid_params";
  case ErrorCode::not_found:
    return "not_found";
  case ErrorCode::permission_denied:
    return "permission_denied";
  case ErrorCode::conflict:
    return "conflict";
  case ErrorCode::storage:
    return "storage";
  case ErrorCode::unavailable:
    return "unavailable";
  case ErrorCode::over_budget:
    return "over_budget";
  case ErrorCode::internal:
    return "internal";
  }
  return "internal";
}

} // namespace summit::core
