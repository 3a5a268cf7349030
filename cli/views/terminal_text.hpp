#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Text from the calendar on its way to a terminal.
namespace summit::cli {

// Display width in terminal columns, close enough for our text: one column
// per code point (UTF-8 continuation bytes do not count).
std::size_t display_width(std::string_view text);

// Text from the calendar goes to a terminal: a newline would break a table
// and an escape sequence could rewrite the screen, so control characters
// become spaces.
std::string printable(std::string_view text);

} // namespace summit::cli
