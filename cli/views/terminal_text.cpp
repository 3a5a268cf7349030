#include "cli/views/terminal_text.hpp"

#include <algorithm>

namespace summit::cli {

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string printable(std::string_view text) {
  std::string out(text);
  for (char &c : out) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20U || byte == 0x7FU) {
      c = ' ';
    }
  }
  return out;
}

} // namespace summit::cli
