#pragma once

#include "core/ical/ics_document.hpp"
#include "core/ical/ics_time.hpp"
#include "core/ical/ics_zones.hpp"

#include <date/tz.h>
#include <libical/ical.h>
#include <tl/expected.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Reading single properties of a VEVENT the way every part of the import
// needs: with the line they are on and a note when the text was mended.
// Internal to core/ical.
namespace summit::ical::detail {

// Where the component is and what it is called, for every message.
struct VeventSource {
  icalcomponent *component = nullptr;
  const Document *document = nullptr;
  ZoneResolver *zones = nullptr;
};

// "line 12: " + text.
std::string at_line(int line, std::string_view text);

// The line of the n-th property `name` of the component, or the line of its
// BEGIN when it has none.
int line_in(const VeventSource &source, std::string_view name, std::size_t nth = 0);

// The text of the first property of `kind` (unescaped), made valid UTF-8 and
// cut to `limit` bytes, each with a note; empty when there is none.
std::string text_of(const VeventSource &source, icalproperty_kind kind, std::size_t limit,
                    std::vector<std::string> &notes);

// The CATEGORIES as summit tags (no commas, at most 100 bytes, at most 64).
std::vector<std::string> tags_of(const VeventSource &source, std::vector<std::string> &notes);

// Looks at the libical problems on the component's own lines: the reason to
// skip it when a line that gives its times is damaged, else nothing (and a
// note for each other line whose content summit would have kept).
std::optional<std::string> check_problems(const VeventSource &source,
                                          std::vector<std::string> &notes);

// The zone of an IANA name, or null.
const date::time_zone *zone_named(const std::string &name);

std::string upper_case(std::string text);

// Adds `note` unless one of the last few notes says the same (the values
// of one line give the same note): constant time, so that a file with
// 100,000 EXDATE lines costs linear time.
void add_note(std::vector<std::string> &notes, std::string note);

// A DATE or DATE-TIME property (`time` its value, `name` and `line` for
// messages) as wire text in the frame, or the reason it cannot be.
tl::expected<std::string, std::string> wire_of(const VeventSource &source, icalproperty *property,
                                               const icaltimetype &time, const char *name, int line,
                                               const EventFrame &frame,
                                               std::vector<std::string> &notes);

int sequence_of(icalcomponent *component);
// "confirmed", "tentative", "cancelled", or nothing (no STATUS, or one of a
// to-do's).
std::optional<std::string> status_of(icalcomponent *component);

} // namespace summit::ical::detail
