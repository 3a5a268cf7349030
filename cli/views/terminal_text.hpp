#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Text from the calendar on its way to a terminal.
namespace summit::cli {

// Display width in terminal columns, close enough for our text: one column
// per code point (UTF-8 continuation bytes do not count).
std::size_t display_width(std::string_view text);

// Text from the calendar, a file or summitd on its way to a terminal: a
// newline would break a table or forge a line, an escape sequence could
// rewrite the screen or the window title, a bidi override could reorder
// what is shown; all are shown escaped (core::text::escape_controls: "\n",
// "\x1b", "\u202e").
std::string printable(std::string_view text);

} // namespace summit::cli
