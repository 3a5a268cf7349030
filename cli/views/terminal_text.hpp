#pragma once

#include <nlohmann/json.hpp>

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

// `value` as JSON text for --json output (`indent` as nlohmann's dump; -1:
// one line): valid UTF-8 (an invalid byte becomes U+FFFD), and the
// characters that would act on a terminal or reorder what it shows — DEL,
// the C1 controls U+0080-U+009F, the bidi marks, embeddings, overrides and
// isolates (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), the
// invisible U+200B, U+200C, U+2060-U+2064, U+FEFF and the line and
// paragraph separators U+2028-U+2029 — written as \uXXXX escapes: the
// same JSON value, safe to print. (The C0 controls nlohmann escapes.)
std::string json_text(const nlohmann::json &value, int indent);

} // namespace summit::cli
