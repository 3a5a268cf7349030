#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Text helpers for iCalendar import and export. Internal to core/ical.
namespace summit::ical::detail {

// `text` with every byte that is not part of a well-formed UTF-8 sequence
// replaced by U+FFFD; `changed` tells whether any was.
std::string valid_utf8(std::string_view text, bool &changed);

// At most `limit` bytes of `text`, cut at a character boundary; `cut`
// tells whether anything was cut.
std::string cut_utf8(std::string text, std::size_t limit, bool &cut);

// A short form of a value for a message: one line, at most ~60 bytes.
std::string shorten(std::string_view text);

// FNV-1a, 64 bits: the same on every machine and every run.
std::uint64_t stable_hash(std::string_view text, std::uint64_t seed = 14695981039346656037ULL);

} // namespace summit::ical::detail
