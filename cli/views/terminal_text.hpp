#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Text from the calendar on its way to a terminal.
namespace summit::cli {

// Display width in terminal columns, as wcwidth() counts them in a UTF-8
// terminal: two for East Asian wide characters (CJK, Hangul, fullwidth
// forms) and emoji, none for combining marks and zero-width characters,
// one for the rest.
std::size_t display_width(std::string_view text);
std::size_t code_point_width(char32_t code);

// `text` shortened to at most `columns` display columns, its end replaced by
// "…" when it had to be cut; never cuts a character in two.
std::string fit_width(std::string_view text, std::size_t columns);

// Text from the calendar, a file or summitd on its way to a terminal: a
// newline would break a table or forge a line, an escape sequence could
// rewrite the screen or the window title, a bidi override could reorder
// what is shown; all are shown escaped (core::text::escape_controls: "\n",
// "\x1b", "\u202e").
std::string printable(std::string_view text);

} // namespace summit::cli
