#include "core/ical/ics_import.hpp"

#include "core/event_params.hpp"
#include "core/ical/ics_document.hpp"
#include "core/ical/ics_fields.hpp"
#include "core/ical/ics_limits.hpp"
#include "core/ical/ics_outline.hpp"
#include "core/ical/ics_override.hpp"
#include "core/ical/ics_text.hpp"
#include "core/ical/ics_vevent.hpp"
#include "core/ical/ics_zones.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace summit::ical {

namespace {

using namespace detail;
using core::ErrorCode;
using core::fail;
using nlohmann::json;

// Past these, an event's notes (one per line of 100,000 EXDATE lines, say)
// would say nothing new.
constexpr std::size_t k_max_notes = 100;

// One series and the overrides folded into it so far.
struct FoldedSeries {
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

void fold_override(FoldedSeries &series, OverrideReading reading, const VeventSource &source,
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

// Leaves out, each with a note, the changes of occurrences the series does
// not give (a RECURRENCE-ID the rule gave before it was edited, or one an
// EXDATE cancels): one stale change never takes the series with it. A
// series that cannot be drafted is left as it is, for the daemon to refuse
// with its reason.
void drop_stale_overrides(FoldedSeries &series) {
  if (series.overrides.empty()) {
    return;
  }
  SeriesReading &reading = series.reading;
  core::EventInputContext input;
  input.now = reading.start_utc; // no note depends on it here
  input.recurrence_rules = &recurrence_rules();
  auto drafted = core::event_from_add_params(reading.params, input);
  if (!drafted || !drafted->event.recurrence) {
    return;
  }
  const core::Event &event = drafted->event;
  const date::time_zone *zone = reading.frame.zone;
  for (auto it = series.overrides.begin(); it != series.overrides.end();) {
    const auto when = core::parse_iso(it->first);
    if (!when) {
      ++it;
      continue; // the daemon names what is wrong with it
    }
    const core::LocalSeconds id =
        when->kind == core::When::Kind::instant ? core::to_local(when->instant, zone) : when->local;
    if (find_occurrence(event, zone, id)) {
      ++it;
      continue;
    }
    const OverrideReading &stale = it->second;
    reading.notes.push_back(at_line(
        stale.line,
        fmt::format("the change of the occurrence {} (RECURRENCE-ID) was left out: the series on "
                    "line {} does not give that occurrence{}{}",
                    it->first, reading.line,
                    std::binary_search(event.recurrence->exdates.begin(),
                                       event.recurrence->exdates.end(), id)
                        ? " (an EXDATE cancels it)"
                        : " (its rule was changed since)",
                    stale.sequence < reading.sequence
                        ? fmt::format("; its SEQUENCE {} is older than the series' {}",
                                      stale.sequence, reading.sequence)
                        : std::string())));
    it = series.overrides.erase(it);
  }
}

// The own ends of RDATE periods (read_repeat writes them as overrides)
// among the changed occurrences: a VEVENT that changes the same occurrence
// wins, and keeps the period's end unless it gives its own.
void absorb_periods(FoldedSeries &series) {
  json &params = series.reading.params;
  if (!params.contains("recurrence") || !params["recurrence"].contains("overrides")) {
    return;
  }
  json periods = std::move(params["recurrence"]["overrides"]);
  params["recurrence"].erase("overrides");
  for (auto &period : periods) {
    OverrideReading reading;
    reading.line = series.reading.line;
    reading.sequence = series.reading.sequence;
    reading.occurrence = period["occurrence"].get<std::string>();
    const auto [existing, added] = series.overrides.try_emplace(reading.occurrence, reading);
    if (added) {
      existing->second.item = std::move(period);
      continue;
    }
    json &item = existing->second.item;
    if (!item.contains("end") && !item.contains("duration") && !item.contains("start")) {
      for (const char *field : {"end", "duration"}) {
        if (period.contains(field)) {
          item[field] = period[field];
        }
      }
    }
  }
}

ImportedEvent finish(FoldedSeries &series) {
  absorb_periods(series);
  drop_stale_overrides(series);
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

constexpr std::uint32_t k_none = std::numeric_limits<std::uint32_t>::max();

// A top-level component other than a VTIMEZONE, in file order, and the
// other VEVENTs with its UID (found from the text, before libical reads it).
struct Entry {
  std::uint32_t calendar = 0;
  std::uint32_t component = 0; // index into outline.components
  std::uint32_t head = k_none; // the group's first entry (its own index when it is first)
  std::uint32_t next = k_none; // the group's next entry
  std::uint32_t first_series =
      k_none; // on the head: the group's first VEVENT without RECURRENCE-ID
  bool vevent = false;
  bool change = false; // has a RECURRENCE-ID
};

} // namespace

struct CalendarReader::Impl {
  Outline outline;
  // Kept where they are to the end: parts and readings point into them.
  std::vector<Document> documents;
  std::vector<std::unique_ptr<ZoneResolver>> resolvers;
  std::vector<Entry> entries;
  std::size_t next = 0; // entries[next] is the first not yet looked at
  bool stray_reported = false;

  VeventSource source_of(const Entry &entry, icalcomponent *component) {
    return VeventSource{component, &documents[entry.calendar], resolvers[entry.calendar].get()};
  }

  // Skipped, with what libical makes of its UID and SUMMARY.
  void skip(const Entry &entry, std::string reason, ParsedCalendar &out) {
    const int line = outline.components[entry.component].begin_line;
    auto part = documents[entry.calendar].parse_part(static_cast<int>(entry.component));
    if (!part) {
      out.skipped.push_back({line, {}, {}, std::move(reason)});
      return;
    }
    out.skipped.push_back(skipped(source_of(entry, part->get()), line, std::move(reason)));
  }

  void group_by_uid();
  void read_group(const Entry &head, ParsedCalendar &out);
  void read_orphan(const Entry &entry, const VeventSource &source, bool first, ParsedCalendar &out);
};

CalendarReader::CalendarReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
CalendarReader::~CalendarReader() = default;

core::Result<std::unique_ptr<CalendarReader>> CalendarReader::open(std::string_view text,
                                                                   const ImportOptions &options) {
  if (auto zone = core::find_zone(options.fallback_tz); !zone) {
    return fail(ErrorCode::invalid_params,
                fmt::format("the fallback zone for floating times: {}", zone.error().message));
  }
  auto impl = std::make_unique<Impl>();
  auto outline = outline_calendar(text);
  if (!outline) {
    return tl::unexpected(outline.error());
  }
  impl->outline = std::move(*outline);
  const Outline &whole = impl->outline;
  // Before libical parses or expands anything.
  if (auto bounded = check_limits(whole); !bounded) {
    return tl::unexpected(bounded.error());
  }
  impl->documents.reserve(whole.calendars.size());
  impl->resolvers.reserve(whole.calendars.size());
  for (std::size_t calendar = 0; calendar < whole.calendars.size(); ++calendar) {
    auto document = Document::parse(whole, static_cast<int>(calendar));
    if (!document) {
      return tl::unexpected(document.error());
    }
    impl->documents.push_back(std::move(*document));
    impl->resolvers.push_back(
        std::make_unique<ZoneResolver>(impl->documents.back().root(), options.fallback_tz));
    for (const int child : whole.components[whole.calendars[calendar]].children) {
      const ComponentOutline &component = whole.components[child];
      if (component.name == "VTIMEZONE") {
        continue; // read by the resolver
      }
      Entry entry;
      entry.calendar = static_cast<std::uint32_t>(calendar);
      entry.component = static_cast<std::uint32_t>(child);
      entry.vevent = component.name == "VEVENT";
      entry.change = entry.vevent && count_of(whole, component, "RECURRENCE-ID") > 0;
      impl->entries.push_back(entry);
    }
  }
  impl->group_by_uid();
  return std::unique_ptr<CalendarReader>(new CalendarReader(std::move(impl)));
}

void CalendarReader::Impl::group_by_uid() {
  // The UID as written (the value of the first UID line) with the entry's
  // place, sorted: equal UIDs become neighbours in file order, in
  // O(n log n) comparisons whatever the UIDs are, and no string is copied.
  std::vector<std::pair<std::string_view, std::uint32_t>> by_uid;
  for (std::uint32_t i = 0; i < entries.size(); ++i) {
    entries[i].head = i;
    if (!entries[i].vevent) {
      continue;
    }
    if (const ContentLine *line =
            find_line(outline, outline.components[entries[i].component], "UID", 0)) {
      by_uid.emplace_back(line_value(outline.text_of(*line)), i);
    }
  }
  std::sort(by_uid.begin(), by_uid.end());
  for (std::size_t k = 1; k < by_uid.size(); ++k) {
    if (by_uid[k].first == by_uid[k - 1].first) {
      const std::uint32_t previous = by_uid[k - 1].second;
      entries[by_uid[k].second].head = entries[previous].head;
      entries[previous].next = by_uid[k].second;
    }
  }
  for (std::uint32_t i = 0; i < entries.size(); ++i) {
    Entry &head = entries[entries[i].head];
    if (entries[i].vevent && !entries[i].change && head.first_series == k_none) {
      head.first_series = i;
    }
  }
}

void CalendarReader::Impl::read_group(const Entry &head, ParsedCalendar &out) {
  // The series first, then the changed occurrences folded into it.
  std::optional<FoldedSeries> series;
  std::size_t orphans = 0;
  for (std::uint32_t i = entries[head.head].head; i != k_none; i = entries[i].next) {
    const Entry &entry = entries[i];
    if (entry.change) {
      continue;
    }
    const int line = outline.components[entry.component].begin_line;
    auto part = documents[entry.calendar].parse_part(static_cast<int>(entry.component));
    if (!part) {
      out.skipped.push_back({line, {}, {}, part.error().message});
      continue;
    }
    const VeventSource source = source_of(entry, part->get());
    auto reading = read_series(source);
    if (!reading) {
      out.skipped.push_back(skipped(source, line, reading.error()));
      continue;
    }
    if (!series) {
      series = FoldedSeries{std::move(*reading), {}};
      continue;
    }
    // One UID twice: the higher SEQUENCE wins, else the first.
    const bool newer = reading->sequence > series->reading.sequence;
    const int kept = newer ? reading->line : series->reading.line;
    const int dropped = newer ? series->reading.line : reading->line;
    out.skipped.push_back(skipped(
        source, dropped,
        at_line(dropped, fmt::format("another event has the same UID {} (line {}); the one with "
                                     "the higher SEQUENCE, else the first, was kept",
                                     reading->uid, kept))));
    if (newer) {
      series = FoldedSeries{std::move(*reading), {}};
    }
  }
  for (std::uint32_t i = entries[head.head].head; i != k_none; i = entries[i].next) {
    const Entry &entry = entries[i];
    if (!entry.change) {
      continue;
    }
    const int line = outline.components[entry.component].begin_line;
    auto part = documents[entry.calendar].parse_part(static_cast<int>(entry.component));
    if (!part) {
      out.skipped.push_back({line, {}, {}, part.error().message});
      continue;
    }
    const VeventSource source = source_of(entry, part->get());
    if (!series) {
      read_orphan(entry, source, orphans++ == 0, out);
      continue;
    }
    if (!series->reading.repeats) {
      out.skipped.push_back(
          skipped(source, line,
                  at_line(line, fmt::format("a change of one occurrence (RECURRENCE-ID) of the "
                                            "event on line {}, which does not repeat",
                                            series->reading.line))));
      continue;
    }
    auto reading = read_override(source, series->reading);
    if (!reading) {
      out.skipped.push_back(skipped(source, line, reading.error()));
      continue;
    }
    fold_override(*series, std::move(*reading), source, out);
  }
  if (series) {
    out.events.push_back(finish(*series));
  }
}

// A change of one occurrence whose series is not in the file (an
// invitation to one changed meeting): a single event of its own, with a
// note. The first of its UID keeps the UID, so that importing the series
// later replaces it; the others get one derived from the UID and their
// RECURRENCE-ID.
void CalendarReader::Impl::read_orphan(const Entry &entry, const VeventSource &source, bool first,
                                       ParsedCalendar &out) {
  const ComponentOutline &component = outline.components[entry.component];
  const int line = component.begin_line;
  auto reading = read_series(source);
  if (!reading) {
    out.skipped.push_back(skipped(source, line, reading.error()));
    return;
  }
  const std::string series_uid = uid_of(source.component).empty() ? std::string() : reading->uid;
  const ContentLine *id_line = find_line(outline, component, "RECURRENCE-ID", 0);
  const std::string id =
      id_line != nullptr ? shorten(line_value(outline.text_of(*id_line))) : std::string();
  const int at = id_line != nullptr ? id_line->line : line;
  if (first) {
    reading->notes.push_back(at_line(
        at, fmt::format("a change of the occurrence {} (RECURRENCE-ID) of a series that is not "
                        "in this file: imported as a single event with its UID {} (joined to "
                        "the series if the calendar has it; importing the series later "
                        "joins it as the change of that occurrence)",
                        id, reading->uid)));
  } else {
    const std::string own =
        fmt::format("import-{:016x}@summit", stable_hash(reading->uid + '\n' + id));
    reading->notes.push_back(at_line(
        at, fmt::format("a change of the occurrence {} (RECURRENCE-ID) of a series that is not "
                        "in this file: imported as a single event (joined to the series if the "
                        "calendar has it); its UID {} is taken by an earlier change of the "
                        "same series, so it was given {}",
                        id, reading->uid, own)));
    reading->uid = own;
    reading->params["uid"] = own;
  }
  std::string recurrence_id;
  icalproperty *id_property =
      icalcomponent_get_first_property(source.component, ICAL_RECURRENCEID_PROPERTY);
  if (auto moment = moment_of(icalproperty_get_recurrenceid(id_property), id_property)) {
    recurrence_id = moment->form == IcalMoment::Form::date
                        ? core::format_iso_date(moment->wall)
                        : core::format_iso_utc(instant_of(*moment, reading->frame, *source.zones));
  }
  FoldedSeries alone{std::move(*reading), {}};
  out.events.push_back(finish(alone));
  if (!series_uid.empty()) {
    out.events.back().recurrence_id = std::move(recurrence_id);
    out.events.back().series_uid = series_uid;
  }
}

std::size_t CalendarReader::series() const {
  return static_cast<std::size_t>(
      std::count_if(m_impl->entries.begin(), m_impl->entries.end(), [&](const Entry &entry) {
        const std::uint32_t first = m_impl->entries[entry.head].first_series;
        if (entry.change) {
          return entry.vevent && first == k_none; // a single event of its own
        }
        return entry.vevent && first == static_cast<std::uint32_t>(&entry - m_impl->entries.data());
      }));
}

bool CalendarReader::read(std::size_t limit, ParsedCalendar &out) {
  Impl &impl = *m_impl;
  if (!impl.stray_reported) {
    impl.stray_reported = true;
    for (const std::size_t index : impl.outline.stray) {
      const ContentLine &line = impl.outline.lines[index];
      SkippedComponent stray;
      stray.line = line.line;
      stray.reason = at_line(line.line, fmt::format("'{}' after END:VCALENDAR belongs to no "
                                                    "calendar: ignored",
                                                    shorten(impl.outline.text_of(line))));
      out.skipped.push_back(std::move(stray));
    }
  }
  // A batch is `limit` components, events or skipped: a file of 500,000
  // components that are all skipped is read a batch at a time too.
  const std::size_t before = out.events.size() + out.skipped.size();
  while (impl.next < impl.entries.size() &&
         out.events.size() + out.skipped.size() - before < limit) {
    const auto index = static_cast<std::uint32_t>(impl.next++);
    const Entry &entry = impl.entries[index];
    const Entry &head = impl.entries[entry.head];
    if (!entry.vevent) {
      const ComponentOutline &component = impl.outline.components[entry.component];
      impl.skip(entry,
                at_line(component.begin_line, fmt::format("{} is not an event", component.name)),
                out);
    } else if (head.first_series == index) {
      impl.read_group(head, out); // the whole UID: its series and its changes
    } else if (head.first_series == k_none && entry.head == index) {
      impl.read_group(head, out); // changes only: each a single event
    }
    // Else read with its group.
  }
  return impl.next < impl.entries.size();
}

core::Result<ParsedCalendar> parse_calendar(std::string_view text, const ImportOptions &options) {
  auto reader = CalendarReader::open(text, options);
  if (!reader) {
    return tl::unexpected(reader.error());
  }
  ParsedCalendar out;
  (*reader)->read(std::numeric_limits<std::size_t>::max(), out);
  std::stable_sort(
      out.skipped.begin(), out.skipped.end(),
      [](const SkippedComponent &a, const SkippedComponent &b) { return a.line < b.line; });
  return out;
}

} // namespace summit::ical
