#include "cli/commands/ics_upload.hpp"

#include "cli/views/event_view.hpp"
#include "core/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace summit::cli {

namespace {

// How many bytes a byte takes inside a JSON string (nlohmann's escaping).
std::size_t escaped_size(unsigned char byte) {
  switch (byte) {
  case '"':
  case '\\':
  case '\b':
  case '\f':
  case '\n':
  case '\r':
  case '\t':
    return 2;
  default:
    break;
  }
  return byte < 0x20U ? 6 : 1;
}

bool is_continuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

// How many bytes the character starting with `lead` has (1 for what is not
// a lead byte; malformed input is caught by invalid_utf8_at).
std::size_t sequence_length(unsigned char lead) {
  if ((lead & 0xE0U) == 0xC0U) {
    return 2;
  }
  if ((lead & 0xF0U) == 0xE0U) {
    return 3;
  }
  if ((lead & 0xF8U) == 0xF0U) {
    return 4;
  }
  return 1;
}

// `length` moved back so that text[0, length) does not end inside a
// character: the next byte is not a continuation byte, or, at the end of
// what is known, the last character is complete.
std::size_t character_boundary(std::string_view text, std::size_t length) {
  std::size_t cut = length;
  if (cut < text.size()) {
    for (int step = 0;
         step < 3 && cut > 0 && is_continuation(static_cast<unsigned char>(text[cut])); ++step) {
      --cut;
    }
    return cut > 0 ? cut : length;
  }
  // The last character's lead byte, at most 3 continuation bytes back.
  std::size_t lead = cut;
  for (int step = 0; step < 4 && lead > 0; ++step) {
    --lead;
    if (!is_continuation(static_cast<unsigned char>(text[lead]))) {
      break;
    }
  }
  if (lead < cut && lead + sequence_length(static_cast<unsigned char>(text[lead])) > cut &&
      lead > 0) {
    return lead;
  }
  return cut;
}

} // namespace

std::size_t next_piece_length(std::string_view pending, bool at_end, std::size_t limit,
                              std::size_t wire_limit) {
  std::size_t length = 0;
  std::size_t wire = 0;
  while (length < pending.size() && length < limit) {
    const std::size_t cost = escaped_size(static_cast<unsigned char>(pending[length]));
    if (wire + cost > wire_limit) {
      break;
    }
    wire += cost;
    ++length;
  }
  if (length == pending.size() && !at_end) {
    // All of it fits: a full piece goes now (without a last character that
    // is still incomplete); a smaller one waits for more.
    const bool full = length >= limit || wire >= wire_limit;
    return full ? character_boundary(pending, length) : 0;
  }
  if (length == pending.size()) {
    return length;
  }
  // Cut before the start of a character, never inside one.
  return character_boundary(pending, length);
}

std::optional<std::size_t> invalid_utf8_at(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    char32_t code = 0;
    const std::size_t length = core::text::decode_utf8(text.substr(i), code);
    if (length == 0) {
      return i;
    }
    i += length;
  }
  return std::nullopt;
}

std::string format_bytes(std::uint64_t bytes) {
  constexpr std::array<const char *, 4> k_units{"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) {
    return fmt::format("{} B", bytes);
  }
  double value = static_cast<double>(bytes) / 1024.0;
  std::size_t unit = 0;
  while (value >= 1024.0 && unit + 1 < k_units.size()) {
    value /= 1024.0;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, k_units[unit]);
}

UploadProgress::UploadProgress(std::ostream &err, std::string name,
                               std::optional<std::uint64_t> total, bool enabled)
    : m_err(err), m_name(std::move(name)), m_total(total), m_enabled(enabled) {}

std::string UploadProgress::line(std::string_view name, std::uint64_t sent,
                                 std::optional<std::uint64_t> total) {
  const std::string shown = printable(name);
  if (!total || *total == 0) {
    return fmt::format("Uploading {} {}", shown, format_bytes(sent));
  }
  constexpr std::uint64_t k_width = 20;
  const std::uint64_t done = std::min(sent, *total);
  const std::uint64_t filled = done * k_width / *total;
  return fmt::format("Uploading {} [{}{}] {} of {} {:3}%", shown, std::string(filled, '#'),
                     std::string(k_width - filled, '.'), format_bytes(done), format_bytes(*total),
                     done * 100 / *total);
}

void UploadProgress::update(std::uint64_t sent) {
  if (!m_enabled) {
    return;
  }
  std::string text = line(m_name, sent, m_total);
  const std::size_t width = display_width(text);
  // Blank out what a longer previous line left behind.
  if (width < m_drawn) {
    text.append(m_drawn - width, ' ');
  }
  m_err << '\r' << text << std::flush;
  m_drawn = std::max(width, std::size_t{1});
}

void UploadProgress::finish() {
  if (m_enabled && m_drawn > 0) {
    m_err << '\n' << std::flush;
    m_drawn = 0;
  }
}

} // namespace summit::cli
