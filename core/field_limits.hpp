#pragma once

#include <cstddef>

// How large each field of an event may be, in bytes of UTF-8: what
// event.add and event.update refuse past (core/event_json.cpp) and where
// calendar.import cuts a longer value, with a note, so that the event is
// still imported (core/ical). One home, so that an import never cuts at one
// length and then refuses the event at another (docs/PROTOCOL.md, Limits).
namespace summit::core {

inline constexpr std::size_t k_max_title_bytes = 1000;
inline constexpr std::size_t k_max_location_bytes = 1000;
inline constexpr std::size_t k_max_description_bytes = std::size_t{64} * 1024;
inline constexpr std::size_t k_max_uid_bytes = 255;
inline constexpr std::size_t k_max_tags = 64;
inline constexpr std::size_t k_max_tag_bytes = 100;
inline constexpr std::size_t k_max_reminders = 64;

} // namespace summit::core
