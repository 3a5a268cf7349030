#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Small text helpers every layer uses: ASCII only, whatever the process's
// locale (a user's LANG must not change how a date, a zone or an iCalendar
// line is read). One home for them, in the shape of ccache's
// util/string.hpp: free functions on string_view, no classes.
namespace summit::core::text {

// What std::isspace matches in the "C" locale.
inline constexpr std::string_view k_spaces = " \t\n\v\f\r";
// Line ends and the blanks around values in JSON params and RRULE parts.
inline constexpr std::string_view k_blanks_and_line_ends = " \t\r\n";
// The blanks of an iCalendar content line (RFC 5545's WSP).
inline constexpr std::string_view k_wsp = " \t";

constexpr bool is_space(char c) { return k_spaces.find(c) != std::string_view::npos; }

// `text` without the characters of `set` at either end.
constexpr std::string_view trim(std::string_view text, std::string_view set = k_spaces) {
  const auto first = text.find_first_not_of(set);
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(set) - first + 1);
}

// The parts of `text` between each `separator`, empty ones included (one
// part when there is none). Views into `text`.
inline std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (true) {
    const auto end = text.find(separator, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    if (end == std::string_view::npos) {
      return parts;
    }
    begin = end + 1;
  }
}

// `text` as a whole decimal int (a leading '-' allowed, no '+', no blanks,
// nothing after the digits); nothing when it is not one or does not fit.
inline std::optional<int> to_int(std::string_view text) {
  int value = 0;
  const auto *end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end) {
    return std::nullopt;
  }
  return value;
}

constexpr char to_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char to_upper(char c) {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
}

inline std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char &c : out) {
    c = to_lower(c);
  }
  return out;
}

inline std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char &c : out) {
    c = to_upper(c);
  }
  return out;
}

// The length of the valid UTF-8 sequence at the start of `text` and its code
// point in `code`, or 0 when the first byte does not start one (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF; an empty `text`
// gives 0 too).
std::size_t decode_utf8(std::string_view text, char32_t &code);

// `text` safe to put on a terminal or in a log line, shown rather than
// obeyed: C0 controls and DEL (\n, \r, \t, else \x1b), C1 controls
// (U+0080-U+009F, \u009b), the bidi controls that reorder what follows
// (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), the invisible
// format characters that make two texts look alike (U+200B-U+200D,
// U+2060-U+2064, U+FEFF: zero-width space, joiners, word joiner, BOM) and
// the line and paragraph separators (U+2028, U+2029) are written as escapes
// ("\u200b"); so is every
// byte that is not part of valid UTF-8 (\x9b: an 8-bit CSI). Everything
// else, wide characters and emoji included, passes unchanged.
std::string escape_controls(std::string_view text);

// `items` with `separator` between them ("cis, minsk").
inline std::string join(const std::vector<std::string> &items, std::string_view separator) {
  std::string joined;
  for (const std::string &item : items) {
    if (!joined.empty()) {
      joined += separator;
    }
    joined += item;
  }
  return joined;
}

// Case-insensitive optimal-string-alignment distance: a swapped pair of
// letters ("Minks") costs one edit, which is the typo people make. For
// suggestions ("did you mean list?"); quadratic, so for short words.
std::size_t edit_distance(std::string_view a, std::string_view b);

// Whether escape_controls may change `text`: false for printable ASCII, the
// common case, which callers on a hot path then use as it is.
constexpr bool may_need_escapes(std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20U || byte >= 0x7FU) {
      return true;
    }
  }
  return false;
}

} // namespace summit::core::text
