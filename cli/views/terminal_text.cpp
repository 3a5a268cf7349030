#include "cli/views/terminal_text.hpp"

#include "core/text.hpp"

#include <algorithm>

namespace summit::cli {

std::size_t display_width(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) != 0x80U;
  }));
}

std::string printable(std::string_view text) { return core::text::escape_controls(text); }

} // namespace summit::cli
