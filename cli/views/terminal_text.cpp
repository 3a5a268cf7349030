#include "cli/views/terminal_text.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <iterator>

namespace summit::cli {

namespace {

struct Range {
  char32_t first;
  char32_t last;
};

bool in(const Range *begin, const Range *end, char32_t code) {
  const Range *found =
      std::upper_bound(begin, end, code, [](char32_t c, const Range &r) { return c < r.first; });
  return found != begin && code <= (found - 1)->last;
}

// Code points a terminal draws in no column of their own: combining marks,
// zero-width spaces and joiners, variation selectors (Unicode 15's
// Mn/Me/Cf ranges that occur in names, sorted).
constexpr Range k_zero_width[] = {
    {0x0300, 0x036F},  {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A}, {0x064B, 0x065F},
    {0x0670, 0x0670},  {0x06D6, 0x06DC}, {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E},
    {0x1AB0, 0x1AFF},  {0x1DC0, 0x1DFF}, {0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF},  {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0x1F3FB, 0x1F3FF},
    {0xE0100, 0xE01EF}};

// East Asian Wide and Fullwidth code points and emoji presentation: two
// columns each (Unicode 15's EastAsianWidth W/F, sorted, merged).
constexpr Range k_wide[] = {
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x33FF},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xA000, 0xA4CF},
    {0xA960, 0xA97F},   {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},
    {0xFE30, 0xFE6F},   {0xFF00, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x16FE4},
    {0x17000, 0x18CFF}, {0x1B000, 0x1B2FF}, {0x1F004, 0x1F004}, {0x1F0CF, 0x1F0CF},
    {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F251}, {0x1F260, 0x1F265},
    {0x1F300, 0x1F320}, {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393},
    {0x1F3A0, 0x1F3CA}, {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4},
    {0x1F3F8, 0x1F3FA}, {0x1F400, 0x1F43E}, {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC},
    {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E}, {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A},
    {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4}, {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5},
    {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2}, {0x1F6D5, 0x1F6D7}, {0x1F6DC, 0x1F6DF},
    {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7EB}, {0x1F7F0, 0x1F7F0},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD}};

} // namespace

// Below U+0300 (ASCII, Latin-1, Latin Extended) neither table has a code
// point: the common case answers without a search (issue 17: the two
// searches were a fifth of a `summit list`'s instructions).
constexpr char32_t k_first_not_narrow = 0x0300;
static_assert(k_zero_width[0].first >= k_first_not_narrow && k_wide[0].first >= k_first_not_narrow);

std::size_t code_point_width(char32_t code) {
  if (code < k_first_not_narrow) {
    return 1;
  }
  if (in(std::begin(k_zero_width), std::end(k_zero_width), code)) {
    return 0;
  }
  return in(std::begin(k_wide), std::end(k_wide), code) ? 2 : 1;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  while (!text.empty()) {
    if (static_cast<unsigned char>(text.front()) < 0x80) { // ASCII: one column
      ++width;
      text.remove_prefix(1);
      continue;
    }
    char32_t code = 0;
    const std::size_t length = core::text::decode_utf8(text, code);
    // A byte that starts no character is shown escaped elsewhere; here one
    // column, as a terminal shows its replacement character.
    width += length == 0 ? 1 : code_point_width(code);
    text.remove_prefix(std::max<std::size_t>(length, 1));
  }
  return width;
}

std::string fit_width(std::string_view text, std::size_t columns) {
  if (display_width(text) <= columns) {
    return std::string(text);
  }
  if (columns == 0) {
    return {};
  }
  std::string kept;
  std::size_t width = 0;
  while (!text.empty()) {
    char32_t code = 0;
    const std::size_t length = std::max<std::size_t>(core::text::decode_utf8(text, code), 1);
    const std::size_t w = length == 1 && static_cast<unsigned char>(text.front()) >= 0x80
                              ? 1
                              : code_point_width(code);
    if (width + w > columns - 1) {
      break; // leave a column for the ellipsis
    }
    kept.append(text.substr(0, length));
    width += w;
    text.remove_prefix(length);
  }
  return kept + "…";
}

std::string printable(std::string_view text) { return core::text::escape_controls(text); }

namespace {

bool escaped_in_json(char32_t code) {
  return code == 0x7F || (code >= 0x80 && code <= 0x9F) || code == 0x061C || code == 0x200B ||
         code == 0x200C || code == 0x200E || code == 0x200F || (code >= 0x202A && code <= 0x202E) ||
         (code >= 0x2060 && code <= 0x2064) || (code >= 0x2066 && code <= 0x2069) ||
         code == 0x2028 || code == 0x2029 || code == 0xFEFF;
}

} // namespace

std::string json_text(const nlohmann::json &value, int indent) {
  const std::string text = value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  std::string_view rest = text;
  while (!rest.empty()) {
    char32_t code = 0;
    const std::size_t length = core::text::decode_utf8(rest, code);
    if (length == 0) { // not after dump's replace; kept as it is
      out += rest.front();
      rest.remove_prefix(1);
      continue;
    }
    // Such a character can only be inside a JSON string: its escape is the
    // same value.
    if (escaped_in_json(code)) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) {
        out += k_hex[(code >> shift) & 0xFU];
      }
    } else {
      out.append(rest.substr(0, length));
    }
    rest.remove_prefix(length);
  }
  return out;
}

} // namespace summit::cli
