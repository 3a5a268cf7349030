#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace summit::store {

// Turns a user's search text into an FTS5 MATCH expression in which every
// whitespace-separated word is a double-quoted prefix term ("minsk"*), with
// quotes inside a word doubled. FTS5 reads a quoted string as plain text, so
// no input (`"`, `minsk OR`, `*`, `NEAR(`) can be a syntax error or an
// operator; the terms are ANDed, so every word must occur. Returns nothing
// when the text has no words (the search is then no filter at all).
std::optional<std::string> fts_query(std::string_view text);

} // namespace summit::store
