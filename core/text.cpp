#include "core/text.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <vector>

namespace summit::core::text {

namespace {

// Shown escaped: C1 controls; the bidi marks, embeddings, overrides and
// isolates that reorder what follows (U+061C, U+200E-U+200F, U+202A-U+202E,
// U+2066-U+2069); the line and paragraph separators; and the invisible
// format characters that make two texts look the same (zero-width space,
// non-joiner and joiner U+200B-U+200D, word joiner and invisible operators
// U+2060-U+2064, the byte order mark / zero-width no-break space U+FEFF).
bool reorders_or_breaks(char32_t code) {
  return (code >= 0x80 && code <= 0x9F) || code == 0x061C || (code >= 0x200B && code <= 0x200F) ||
         (code >= 0x202A && code <= 0x202E) || (code >= 0x2060 && code <= 0x2064) ||
         (code >= 0x2066 && code <= 0x2069) || code == 0x2028 || code == 0x2029 || code == 0xFEFF;
}

// Pictographs that a zero-width joiner binds into one emoji ("👩‍💻"),
// with the emoji variation selector and skin tones that may end one.
bool joins_emoji(char32_t code) {
  return (code >= 0x2600 && code <= 0x27BF) || code == 0xFE0F ||
         (code >= 0x1F000 && code <= 0x1FAFF);
}

void append_escape(std::string &out, const char *format, unsigned value) {
  char buffer[16];
  const int written = std::snprintf(buffer, sizeof buffer, format, value);
  out.append(buffer, static_cast<std::size_t>(written));
}

} // namespace

std::size_t decode_utf8(std::string_view text, char32_t &code) {
  if (text.empty()) {
    return 0;
  }
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(text[i]); };
  const std::uint8_t lead = byte(0);
  std::size_t length = 0;
  char32_t min = 0;
  if (lead < 0x80U) {
    code = lead;
    return 1;
  }
  if ((lead & 0xE0U) == 0xC0U) {
    length = 2;
    code = lead & 0x1FU;
    min = 0x80;
  } else if ((lead & 0xF0U) == 0xE0U) {
    length = 3;
    code = lead & 0x0FU;
    min = 0x800;
  } else if ((lead & 0xF8U) == 0xF0U) {
    length = 4;
    code = lead & 0x07U;
    min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0U) != 0x80U) {
      return 0;
    }
    code = (code << 6U) | (byte(i) & 0x3FU);
  }
  if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
    return 0;
  }
  return length;
}

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  char32_t previous = 0; // the code point before, 0 after an escape
  while (!text.empty()) {
    char32_t code = 0;
    const std::size_t length = decode_utf8(text, code);
    if (length == 0) {
      append_escape(out, "\\x%02x", static_cast<std::uint8_t>(text.front()));
      text.remove_prefix(1);
      previous = 0;
      continue;
    }
    // A joiner inside an emoji sequence is part of how it is drawn, not a
    // hidden difference: kept between two pictographs, escaped elsewhere.
    if (code == 0x200D && joins_emoji(previous)) {
      char32_t next = 0;
      if (decode_utf8(text.substr(length), next) != 0 && joins_emoji(next)) {
        out.append(text.substr(0, length));
        text.remove_prefix(length);
        previous = code;
        continue;
      }
    }
    previous = code;
    if (code < 0x20 || code == 0x7F) {
      switch (code) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        append_escape(out, "\\x%02x", static_cast<unsigned>(code));
      }
    } else if (reorders_or_breaks(code)) {
      append_escape(out, "\\u%04x", static_cast<unsigned>(code));
      previous = 0;
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out;
}

// Case-insensitive optimal-string-alignment distance: a swapped pair of
// letters ("Minks") costs one edit, which is the typo people make.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const auto n = a.size();
  const auto m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= m; ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = to_lower(a[i - 1]) == to_lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && to_lower(a[i - 1]) == to_lower(b[j - 2]) &&
          to_lower(a[i - 2]) == to_lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

} // namespace summit::core::text
