#include "places/place_names.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <array>

namespace summit::places {

namespace {

// U+00C0-U+017F (Latin-1 Supplement and Latin Extended-A) as lower-case
// ASCII: the letter without its marks, from Unicode's decompositions (NFKD),
// and by hand for the letters that have none (ß, æ, ø, đ, ł, ı, œ, þ, ð, ħ,
// ŧ, ĸ, ŋ, ſ). Empty: not a letter (×, ÷), kept as it is.
constexpr std::array<std::string_view, 0x180 - 0xC0> k_latin_fold{
    "a", "a", "a",  "a",  "a", "a", "ae", "c",  "e",  "e", "e", "e", "i",  "i",  "i", "i", "d", "n",
    "o", "o", "o",  "o",  "o", "",  "o",  "u",  "u",  "u", "u", "y", "th", "ss", "a", "a", "a", "a",
    "a", "a", "ae", "c",  "e", "e", "e",  "e",  "i",  "i", "i", "i", "d",  "n",  "o", "o", "o", "o",
    "o", "",  "o",  "u",  "u", "u", "u",  "y",  "th", "y", "a", "a", "a",  "a",  "a", "a", "c", "c",
    "c", "c", "c",  "c",  "c", "c", "d",  "d",  "d",  "d", "e", "e", "e",  "e",  "e", "e", "e", "e",
    "e", "e", "g",  "g",  "g", "g", "g",  "g",  "g",  "g", "h", "h", "h",  "h",  "i", "i", "i", "i",
    "i", "i", "i",  "i",  "i", "i", "ij", "ij", "j",  "j", "k", "k", "k",  "l",  "l", "l", "l", "l",
    "l", "",  "",   "l",  "l", "n", "n",  "n",  "n",  "n", "n", "",  "n",  "n",  "o", "o", "o", "o",
    "o", "o", "oe", "oe", "r", "r", "r",  "r",  "r",  "r", "s", "s", "s",  "s",  "s", "s", "s", "s",
    "t", "t", "t",  "t",  "t", "t", "u",  "u",  "u",  "u", "u", "u", "u",  "u",  "u", "u", "u", "u",
    "w", "w", "y",  "y",  "y", "z", "z",  "z",  "z",  "z", "z", "s",
};

// Marks inside a word: dropped, so that "D.C." meets "DC" and "Kazan'"
// "Kazan".
bool is_joining_mark(char32_t code) {
  return code == '.' || code == '\'' || code == '`' || code == 0x2019 || code == 0x2018 ||
         code == 0x02BC || code == 0x02B9;
}

void append_utf8(std::string &out, char32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// Lower case for the scripts place names are typed in here: Greek
// (U+0391-U+03A9) and Cyrillic (U+0400-U+042F; U+0460-U+04FF pair upper
// and lower as even and odd).
char32_t lower_non_latin(char32_t code) {
  if ((code >= 0x0391 && code <= 0x03A9) || (code >= 0x0410 && code <= 0x042F)) {
    return code + 0x20;
  }
  if (code >= 0x0400 && code <= 0x040F) {
    return code + 0x50;
  }
  if (code >= 0x0460 && code <= 0x04FF && code % 2 == 0 && (code < 0x0482 || code >= 0x048A)) {
    return code + 1;
  }
  return code;
}

// Whether  separates words: ASCII blanks and punctuation, and the
// general punctuation block (dashes, quotes) and no-break space.
bool is_separator(char32_t code) {
  if (code < 0x80) {
    const auto c = static_cast<char>(code);
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
  }
  return code == 0xA0 || (code >= 0x2000 && code <= 0x206F) || code == 0x3000;
}

// "st petersburg" -> "saint petersburg".
std::string spell_out_saint(std::string key) {
  if (key.starts_with("st ")) {
    return "saint " + key.substr(3);
  }
  if (key.starts_with("ste ")) {
    return "sainte " + key.substr(4);
  }
  return key;
}

} // namespace

std::string place_key(std::string_view name) {
  std::string out;
  bool pending_space = false;
  auto append = [&](std::string_view piece) {
    if (pending_space && !out.empty()) {
      out += ' ';
    }
    pending_space = false;
    out += piece;
  };
  while (!name.empty()) {
    char32_t code = 0;
    const std::size_t length = core::text::decode_utf8(name, code);
    if (length == 0) {
      append(name.substr(0, 1)); // not UTF-8: the byte as it is
      name.remove_prefix(1);
      continue;
    }
    name.remove_prefix(length);
    if (is_joining_mark(code) || (code >= 0x0300 && code <= 0x036F)) {
      continue; // combining accents too: "C\u0327" is "C"
    }
    if (is_separator(code)) {
      pending_space = true;
      continue;
    }
    if (code < 0x80) {
      const char c = core::text::to_lower(static_cast<char>(code));
      append(std::string_view(&c, 1));
    } else if (code >= 0xC0 && code < 0x180 && !k_latin_fold[code - 0xC0].empty()) {
      append(k_latin_fold[code - 0xC0]);
    } else if (code >= 0x0218 && code <= 0x021B) {
      append(code < 0x021A ? "s" : "t"); // Romanian ș and ț, comma below
    } else {
      std::string piece;
      append_utf8(piece, lower_non_latin(code));
      append(piece);
    }
  }
  return spell_out_saint(std::move(out));
}

std::string initials(std::string_view key) {
  static constexpr std::array<std::string_view, 5> k_short_words{"of", "and", "the", "de", "da"};
  const auto words = core::text::split(key, ' ');
  if (words.size() < 2) {
    return {};
  }
  std::string out;
  for (const auto word : words) {
    if (!word.empty() &&
        std::find(k_short_words.begin(), k_short_words.end(), word) == k_short_words.end()) {
      out += word.front();
    }
  }
  return out;
}

bool has_non_ascii(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return (static_cast<unsigned char>(c) & 0x80U) != 0; });
}

std::vector<std::string_view> location_parts(std::string_view location) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= location.size(); ++i) {
    if (i == location.size() || location[i] == ',' || location[i] == ';') {
      const auto part = core::text::trim(location.substr(start, i - start));
      if (!part.empty()) {
        parts.push_back(part);
      }
      start = i + 1;
    }
  }
  return parts;
}

} // namespace summit::places
