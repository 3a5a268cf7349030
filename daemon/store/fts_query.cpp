#include "daemon/store/fts_query.hpp"

#include "core/text.hpp"

namespace summit::store {

namespace {

using core::text::is_space;

} // namespace

std::optional<std::string> fts_query(std::string_view text) {
  std::string query;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) {
      ++i;
    }
    if (i == text.size()) {
      break;
    }
    if (!query.empty()) {
      query += ' ';
    }
    query += '"';
    for (; i < text.size() && !is_space(text[i]); ++i) {
      if (text[i] == '"') {
        query += '"';
      }
      query += text[i];
    }
    query += "\"*";
  }
  if (query.empty()) {
    return std::nullopt;
  }
  return query;
}

} // namespace summit::store
