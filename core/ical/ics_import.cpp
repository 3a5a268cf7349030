#include "core/ical/ics_import.hpp"

#include "core/ical/ics_document.hpp"
#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_limits.hpp"
#include "core/ical/ics_outline.hpp"
#include "core/ical/ics_text.hpp"
#include "core/ical/ics_vevent.hpp"
#include "core/ical/ics_zones.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>

namespace summit::ical {

namespace {

using namespace detail;
using core::ErrorCode;
using core::fail;
using nlohmann::json;

// Past these, an event's notes (one per line of 100,000 EXDATE lines, say)
// would say nothing new.
constexpr std::size_t k_max_notes = 100;

// A VEVENT found in one of the text's calendars.
struct Found {
  VeventSource source;
  int line = 0;
};

// One series and the overrides folded into it so far.
struct Series {
  SeriesReading reading;
  std::map<std::string, OverrideReading> overrides; // by occurrence
};

SkippedComponent skipped(const VeventSource &source, int line, std::string reason) {
  SkippedComponent out;
  out.line = line;
  out.uid = uid_of(source.component);
  const char *summary = icalcomponent_get_summary(source.component);
  out.summary = summary != nullptr ? summary : "";
  out.reason = std::move(reason);
  return out;
}

void fold_override(Series &series, OverrideReading reading, const VeventSource &source,
                   ParsedCalendar &out) {
  auto [existing, added] = series.overrides.try_emplace(reading.occurrence, reading);
  if (added) {
    return;
  }
  // Two changes of one occurrence (a file edited twice): SEQUENCE decides,
  // else the first stays.
  const bool newer = reading.sequence > existing->second.sequence;
  const OverrideReading &loser = newer ? existing->second : reading;
  out.skipped.push_back(skipped(
      source, loser.line,
      at_line(loser.line,
              fmt::format("a second change of the occurrence {} (the other is on line "
                          "{}); the one with the higher SEQUENCE was kept",
                          reading.occurrence, newer ? reading.line : existing->second.line))));
  if (newer) {
    existing->second = std::move(reading);
  }
}

ImportedEvent finish(Series &series) {
  ImportedEvent event;
  SeriesReading &reading = series.reading;
  event.line = reading.line;
  event.uid = reading.uid;
  event.summary = reading.summary;
  event.params = std::move(reading.params);
  event.notes = std::move(reading.notes);
  if (!series.overrides.empty()) {
    json overrides = json::array();
    for (auto &[occurrence, changed] : series.overrides) {
      overrides.push_back(std::move(changed.item));
      for (auto &note : changed.notes) {
        event.notes.push_back(std::move(note));
      }
    }
    event.params["recurrence"]["overrides"] = std::move(overrides);
  }
  if (event.notes.size() > k_max_notes) {
    const std::size_t more = event.notes.size() - k_max_notes;
    event.notes.resize(k_max_notes);
    event.notes.push_back(fmt::format("{} more notes like these were left out", more));
  }
  return event;
}

} // namespace

core::Result<ParsedCalendar> parse_calendar(std::string_view text, const ImportOptions &options) {
  if (auto zone = core::find_zone(options.fallback_tz); !zone) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the fallback zone for floating times: {}", zone.error().message));
  }
  auto outline = outline_calendar(text);
  if (!outline) {
    return tl::unexpected(outline.error());
  }
  // Before libical parses or expands anything.
  if (auto bounded = check_limits(*outline); !bounded) {
    return tl::unexpected(bounded.error());
  }
  ParsedCalendar out;
  // Kept alive to the end: the readings point into them.
  std::vector<Document> documents;
  std::vector<std::unique_ptr<ZoneResolver>> resolvers;
  documents.reserve(outline->calendars.size());
  std::vector<Found> found;
  for (std::size_t calendar = 0; calendar < outline->calendars.size(); ++calendar) {
    auto document = Document::parse(*outline, static_cast<int>(calendar));
    if (!document) {
      return tl::unexpected(document.error());
    }
    documents.push_back(std::move(*document));
    const Document &current = documents.back();
    resolvers.push_back(std::make_unique<ZoneResolver>(current.root(), options.fallback_tz));
    for (icalcomponent *child : children_of(current.root())) {
      if (icalcomponent_isa(child) == ICAL_VTIMEZONE_COMPONENT) {
        continue; // read by the resolver
      }
      const ComponentOutline &where = current.outline_of(child);
      const VeventSource source{child, &current, resolvers.back().get()};
      if (icalcomponent_isa(child) == ICAL_VEVENT_COMPONENT) {
        found.push_back({source, where.begin_line});
      } else {
        out.skipped.push_back(
            skipped(source, where.begin_line,
                    at_line(where.begin_line, fmt::format("{} is not an event", where.name))));
      }
    }
  }

  for (const std::size_t index : outline->stray) {
    const ContentLine &line = outline->lines[index];
    SkippedComponent stray;
    stray.line = line.line;
    stray.reason = at_line(line.line, fmt::format("'{}' after END:VCALENDAR belongs to no "
                                                  "calendar: ignored",
                                                  shorten(line.text)));
    out.skipped.push_back(std::move(stray));
  }

  // The series first, then the changed occurrences folded into them.
  std::map<std::string, Series> series_by_uid;
  std::vector<std::string> order;
  for (const Found &event : found) {
    if (is_override(event.source.component)) {
      continue;
    }
    auto reading = read_series(event.source);
    if (!reading) {
      out.skipped.push_back(skipped(event.source, event.line, reading.error()));
      continue;
    }
    const std::string uid = reading->uid;
    const auto existing = series_by_uid.find(uid);
    if (existing == series_by_uid.end()) {
      series_by_uid.emplace(uid, Series{std::move(*reading), {}});
      order.push_back(uid);
      continue;
    }
    // One UID twice: the higher SEQUENCE wins, else the first.
    const bool newer = reading->sequence > existing->second.reading.sequence;
    const int kept = newer ? reading->line : existing->second.reading.line;
    const int dropped = newer ? existing->second.reading.line : reading->line;
    out.skipped.push_back(skipped(
        event.source, dropped,
        at_line(dropped, fmt::format("another event has the same UID {} (line {}); the one with "
                                     "the higher SEQUENCE, else the first, was kept",
                                     uid, kept))));
    if (newer) {
      existing->second = Series{std::move(*reading), {}};
    }
  }
  for (const Found &event : found) {
    if (!is_override(event.source.component)) {
      continue;
    }
    const std::string uid = uid_of(event.source.component);
    const auto series = series_by_uid.find(uid);
    if (series == series_by_uid.end()) {
      out.skipped.push_back(skipped(
          event.source, event.line,
          at_line(event.line, fmt::format("a change of one occurrence (RECURRENCE-ID) of the "
                                          "event {}, which is not in this file",
                                          uid.empty() ? "without UID" : "with UID " + uid))));
      continue;
    }
    if (!series->second.reading.repeats) {
      out.skipped.push_back(skipped(
          event.source, event.line,
          at_line(event.line, fmt::format("a change of one occurrence (RECURRENCE-ID) of the "
                                          "event on line {}, which does not repeat",
                                          series->second.reading.line))));
      continue;
    }
    auto reading = read_override(event.source, series->second.reading);
    if (!reading) {
      out.skipped.push_back(skipped(event.source, event.line, reading.error()));
      continue;
    }
    fold_override(series->second, std::move(*reading), event.source, out);
  }
  for (const std::string &uid : order) {
    out.events.push_back(finish(series_by_uid.at(uid)));
  }
  std::sort(out.skipped.begin(), out.skipped.end(),
            [](const SkippedComponent &a, const SkippedComponent &b) { return a.line < b.line; });
  return out;
}

} // namespace summit::ical
