#include "core/ical/ics_fields.hpp"

#include "core/field_limits.hpp"
#include "core/ical/ics_text.hpp"
#include "core/text.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace summit::ical::detail {

namespace {

constexpr std::size_t k_max_tag = core::k_max_tag_bytes;
constexpr std::size_t k_max_tags = core::k_max_tags;

std::string trim(std::string_view text) {
  return std::string(core::text::trim(text, core::text::k_blanks_and_line_ends));
}

// A problem on one of these makes the event's times wrong: it is skipped.
constexpr std::array k_vital{"DTSTART", "DTEND",  "DURATION",     "RRULE",
                             "RDATE",   "EXDATE", "RECURRENCE-ID"};
// A problem on one of these loses what summit would have kept: a note.
constexpr std::array k_kept{"SUMMARY", "LOCATION", "DESCRIPTION", "CATEGORIES", "STATUS", "UID"};

template <std::size_t N>
bool among(const std::array<const char *, N> &names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

using Unexpected = tl::unexpected<std::string>;

} // namespace

// Skips the event for a problem on a vital line; notes the others summit
// reads; ignores the rest (summit does not keep them).
std::optional<std::string> check_problems(const VeventSource &source,
                                          std::vector<std::string> &notes) {
  for (const LineProblem &problem : source.document->problems_of(source.component)) {
    const bool empty = problem.message.rfind("No value", 0) == 0;
    if (problem.name == "RRULE" && !empty) {
      continue; // read from its text by read_repeat, which mends what it can
    }
    if (among(k_vital, problem.name)) {
      if (empty && problem.name != "DTSTART" && problem.name != "RECURRENCE-ID") {
        notes.push_back(
            at_line(problem.line, fmt::format("an empty {} was ignored", problem.name)));
        continue;
      }
      return at_line(problem.line, fmt::format("{} '{}' cannot be read ({})", problem.name,
                                               problem.value, problem.message));
    }
    if (among(k_kept, problem.name) && !empty) { // an empty value loses nothing
      notes.push_back(
          at_line(problem.line, fmt::format("{} '{}' cannot be read ({}); left out", problem.name,
                                            problem.value, problem.message)));
    }
  }
  return std::nullopt;
}

const date::time_zone *zone_named(const std::string &name) {
  auto zone = core::find_zone(name);
  return zone ? *zone : nullptr;
}

std::string upper_case(std::string text) { return core::text::to_upper(text); }

void add_note(std::vector<std::string> &notes, std::string note) {
  constexpr std::size_t k_recent = 16;
  const auto from = notes.size() > k_recent ? notes.end() - k_recent : notes.begin();
  if (std::find(from, notes.end(), note) == notes.end()) {
    notes.push_back(std::move(note));
  }
}

// A date or time property's value in the frame: wire text, or the reason.
tl::expected<std::string, std::string> wire_of(const VeventSource &source, icalproperty *property,
                                               const icaltimetype &time, const char *name, int line,
                                               const EventFrame &frame,
                                               std::vector<std::string> &notes) {
  auto moment = moment_of(time, property);
  if (!moment) {
    return Unexpected(
        at_line(line, fmt::format("{} '{}' is not a date or time summit can use", name,
                                  shorten(icalproperty_get_value_as_string(property)))));
  }
  if (moment->form == IcalMoment::Form::zoned) {
    const TzidReading &choice = source.zones->resolve(moment->tzid, frame.year);
    if (!choice.note.empty()) {
      add_note(notes, at_line(line, choice.note));
    }
  }
  std::string note;
  std::string wire = wire_in_frame(*moment, frame, *source.zones, note);
  if (!note.empty()) {
    add_note(notes, at_line(line, fmt::format("{}: {}", name, note)));
  }
  return wire;
}

int sequence_of(icalcomponent *component) {
  icalproperty *sequence = icalcomponent_get_first_property(component, ICAL_SEQUENCE_PROPERTY);
  return sequence != nullptr ? icalproperty_get_sequence(sequence) : 0;
}

std::optional<std::string> status_of(icalcomponent *component) {
  icalproperty *status = icalcomponent_get_first_property(component, ICAL_STATUS_PROPERTY);
  if (status == nullptr) {
    return std::nullopt;
  }
  switch (icalproperty_get_status(status)) {
  case ICAL_STATUS_CONFIRMED:
    return "confirmed";
  case ICAL_STATUS_TENTATIVE:
    return "tentative";
  case ICAL_STATUS_CANCELLED:
    return "cancelled";
  default:
    return std::nullopt; // NEEDS-ACTION, COMPLETED...: statuses of to-dos and journals
  }
}

std::string at_line(int line, std::string_view text) {
  return fmt::format("line {}: {}", line, text);
}

int line_in(const VeventSource &source, std::string_view name, std::size_t nth) {
  const ComponentOutline &outline = source.document->outline_of(source.component);
  const int line = line_of(source.document->outline(), outline, name, nth);
  return line != 0 ? line : outline.begin_line;
}

std::string text_of(const VeventSource &source, icalproperty_kind kind, std::size_t limit,
                    std::vector<std::string> &notes) {
  icalproperty *property = icalcomponent_get_first_property(source.component, kind);
  if (property == nullptr) {
    return {};
  }
  const icalvalue *value = icalproperty_get_value(property);
  const char *raw = value != nullptr && icalvalue_isa(value) == ICAL_TEXT_VALUE
                        ? icalvalue_get_text(value)
                        : icalproperty_get_value_as_string(property);
  if (raw == nullptr) {
    return {};
  }
  const char *name = icalproperty_kind_to_string(kind);
  bool changed = false;
  std::string text = valid_utf8(raw, changed);
  if (changed) {
    notes.push_back(at_line(line_in(source, name),
                            fmt::format("{} is not valid UTF-8: the bad bytes were replaced by "
                                        "U+FFFD",
                                        name)));
  }
  text = cut_utf8(std::move(text), limit, changed);
  if (changed) {
    notes.push_back(at_line(
        line_in(source, name),
        fmt::format("{} is longer than the {} bytes summit keeps: cut there", name, limit)));
  }
  return text;
}

std::vector<std::string> tags_of(const VeventSource &source, std::vector<std::string> &notes) {
  std::vector<std::string> tags;
  std::size_t nth = 0;
  bool too_many = false;
  for (icalproperty *property : properties_of(source.component, ICAL_CATEGORIES_PROPERTY)) {
    const int line = line_in(source, "CATEGORIES", nth++);
    const char *raw = icalproperty_get_categories(property);
    if (raw == nullptr) {
      continue;
    }
    bool changed = false;
    const std::string value = valid_utf8(raw, changed);
    // libical splits the list at its commas; one left is an escaped "\,",
    // which a summit tag cannot hold.
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t comma = value.find(',');; comma = value.find(',', start)) {
      parts.push_back(value.substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) {
        break;
      }
      start = comma + 1;
    }
    if (parts.size() > 1) {
      notes.push_back(at_line(line, fmt::format("the category '{}' holds a comma, which a summit "
                                                "tag cannot: read as {} tags",
                                                shorten(value), parts.size())));
    }
    for (std::string &part : parts) {
      std::replace_if(
          part.begin(), part.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
      std::string tag = trim(part);
      if (tag.empty() || std::find(tags.begin(), tags.end(), tag) != tags.end()) {
        continue;
      }
      if (tag.size() > k_max_tag) {
        notes.push_back(at_line(line, fmt::format("the category '{}' is longer than the {} bytes "
                                                  "of a summit tag: cut there",
                                                  shorten(tag), k_max_tag)));
        bool cut = false;
        tag = trim(cut_utf8(std::move(tag), k_max_tag, cut));
      }
      if (tags.size() == k_max_tags) {
        too_many = true;
        continue;
      }
      tags.push_back(std::move(tag));
    }
  }
  if (too_many) {
    notes.push_back(
        at_line(line_in(source, "CATEGORIES"),
                fmt::format("more than {} categories: the rest were left out", k_max_tags)));
  }
  return tags;
}

} // namespace summit::ical::detail
