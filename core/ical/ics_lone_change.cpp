#include "core/ical/ics_lone_change.hpp"

#include "core/ical/ics_text.hpp"
#include "core/ical/recurrence.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace summit::ical {

using core::ErrorCode;
using core::fail;

namespace {

// The series as a message names it: by its id once stored ("event 7
// ('Sync')"); a series this very import is adding has none yet (its id is 0
// until it is written), so by its title and UID.
std::string series_words(const core::Event &series) {
  if (series.id != 0) {
    return fmt::format("event {} ('{}')", series.id, series.title);
  }
  return fmt::format("the series '{}' (uid {}) of this import", series.title, series.uid);
}

} // namespace

core::Result<core::Event> join_lone_change(const core::Event &series, const core::Event &change,
                                           const std::string &recurrence_id) {
  if (!series.recurrence) {
    return fail(ErrorCode::invalid_params, "the event with this UID does not repeat");
  }
  auto zone = core::find_zone(series.tz);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  const bool all_day = series.precision == core::Precision::all_day;
  if (all_day != (change.precision == core::Precision::all_day) ||
      series.precision == core::Precision::month) {
    return fail(ErrorCode::invalid_params,
                fmt::format("a change of one occurrence of {}, which is {}, but the change is "
                            "not: left as it is",
                            series_words(series), all_day ? "all-day" : "timed"));
  }
  auto when = core::parse_iso(recurrence_id);
  if (!when) {
    return tl::unexpected(when.error());
  }
  const core::LocalSeconds id =
      when->kind == core::When::Kind::instant ? core::to_local(when->instant, *zone) : when->local;
  const std::string named = all_day ? core::format_iso_date(id) : core::format_iso_local(id);
  if (!find_occurrence(series, *zone, id)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("a change of the occurrence {} (RECURRENCE-ID) of {}, which does "
                            "not give that occurrence: left as it is",
                            named, series_words(series)));
  }
  core::OccurrenceOverride changed;
  changed.occurrence = id;
  changed.separate = true;
  if (all_day) {
    changed.start_local = change.start_local;
    changed.end_local = change.end_local;
  } else {
    changed.start_local = core::to_local(change.start_utc, *zone);
    changed.end_local = change.has_end
                            ? core::to_local(change.end_utc, *zone)
                            : changed.start_local + (series.end_local - series.start_local);
    changed.start_later = core::resolve_local(changed.start_local, *zone).utc != change.start_utc;
    changed.end_later =
        change.has_end && core::resolve_local(changed.end_local, *zone).utc != change.end_utc;
  }
  // What the change leaves out is the series' (as for a change that comes
  // with its series, ics_override.cpp).
  if (change.title != series.title && change.title != "(no title)") {
    changed.title = change.title;
  }
  if (!change.location.empty() && change.location != series.location) {
    changed.location = change.location;
  }
  if (!change.description.empty() && change.description != series.description) {
    changed.description = change.description;
  }
  if (change.status != series.status) {
    changed.status = change.status;
  }
  core::Event joined = series;
  auto &overrides = joined.recurrence->overrides;
  const auto at = std::lower_bound(
      overrides.begin(), overrides.end(), id,
      [](const core::OccurrenceOverride &o, core::LocalSeconds t) { return o.occurrence < t; });
  if (at != overrides.end() && at->occurrence == id) {
    *at = changed;
  } else {
    overrides.insert(at, changed);
  }
  joined.updated = change.updated;
  if (auto derived = core::derive_instants(joined); !derived) {
    return tl::unexpected(derived.error());
  }
  return joined;
}

std::string own_uid_of_change(const std::string &series_uid, const std::string &recurrence_id) {
  return fmt::format("import-{:016x}@summit",
                     detail::stable_hash(series_uid + '\n' + recurrence_id));
}

core::Result<core::LocalSeconds> occurrence_named(const core::Event &series,
                                                  const std::string &recurrence_id) {
  auto zone = core::find_zone(series.tz);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  auto when = core::parse_iso(recurrence_id);
  if (!when) {
    return tl::unexpected(when.error());
  }
  return when->kind == core::When::Kind::instant ? core::to_local(when->instant, *zone)
                                                 : when->local;
}

core::Event keep_separate_changes(core::Event incoming, const core::Event &current,
                                  std::vector<std::string> &notes) {
  if (!incoming.recurrence || !current.recurrence || incoming.precision != current.precision) {
    return incoming;
  }
  auto zone = core::find_zone(incoming.tz);
  if (!zone) {
    return incoming;
  }
  auto &overrides = incoming.recurrence->overrides;
  bool kept = false;
  for (const core::OccurrenceOverride &change : current.recurrence->overrides) {
    if (!change.separate) {
      continue;
    }
    const auto at = std::lower_bound(
        overrides.begin(), overrides.end(), change.occurrence,
        [](const core::OccurrenceOverride &o, core::LocalSeconds t) { return o.occurrence < t; });
    if (at != overrides.end() && at->occurrence == change.occurrence) {
      continue; // the series' own file changes it: that one stands
    }
    const std::string named = incoming.precision == core::Precision::all_day
                                  ? core::format_iso_date(change.occurrence)
                                  : core::format_iso_local(change.occurrence);
    if (incoming.tz != current.tz || !find_occurrence(incoming, *zone, change.occurrence)) {
      notes.push_back(fmt::format("the change of its occurrence {} that came on its own was "
                                  "left out: the series no longer gives that occurrence",
                                  named));
      continue;
    }
    overrides.insert(at, change);
    kept = true;
  }
  if (kept) {
    (void)core::derive_instants(incoming);
  }
  return incoming;
}

} // namespace summit::ical
