#include "core/ical/ics_text.hpp"
#include "core/ical/recurrence.hpp"
#include "core/ical/series.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

namespace summit::ical {

namespace {

// Whether `utc` is the second of the two instants that share the wall time
// `local` (a DST overlap).
bool is_later(core::LocalSeconds local, core::SysSeconds utc, const std::string &tz) {
  auto zone = core::find_zone(tz);
  if (!zone) {
    return false;
  }
  const auto info = core::zone_info(local, *zone);
  return info.result == date::local_info::ambiguous &&
         (local - info.second.offset).time_since_epoch() == utc.time_since_epoch() &&
         info.first.offset != info.second.offset;
}

} // namespace

core::Result<std::vector<Occurrence>> occurrences(const core::Event &event,
                                                  const date::time_zone *zone,
                                                  const core::TimeRange &range, std::size_t limit,
                                                  ExpansionBudget &budget) {
  Series series(event, zone, &budget);
  auto found = series.collect(range, limit);
  if (series.cut_short()) {
    return core::fail(core::ErrorCode::over_budget,
                      fmt::format("this listing would expand more than {} occurrences of event "
                                  "{} ('{}'); narrow the range (--from/--to)",
                                  budget.steps(), event.id, detail::shorten(event.title)));
  }
  return found;
}

std::vector<Occurrence> occurrences(const core::Event &event, const date::time_zone *zone,
                                    const core::TimeRange &range, std::size_t limit) {
  return Series(event, zone).collect(range, limit);
}

std::optional<Occurrence> find_occurrence(const core::Event &event, const date::time_zone *zone,
                                          core::LocalSeconds id) {
  Series series(event, zone);
  if (!series.is_occurrence(id)) {
    return std::nullopt;
  }
  return series.make(id);
}

std::vector<core::LocalSeconds> nearby_occurrences(const core::Event &event,
                                                   const date::time_zone *zone,
                                                   core::LocalSeconds id, std::size_t limit) {
  return Series(event, zone).nearby(id, limit);
}

core::Event occurrence_event(const core::Event &series, const Occurrence &occurrence) {
  core::Event out = series;
  out.start_local = occurrence.start_local;
  out.end_local = occurrence.end_local;
  out.start_utc = occurrence.start_utc;
  out.end_utc = occurrence.end_utc;
  out.occurrence = occurrence.id;
  if (series.precision == core::Precision::timed) {
    out.start_later = is_later(out.start_local, out.start_utc, series.tz);
    out.end_later = is_later(out.end_local, out.end_utc, series.tz);
  }
  if (const core::OccurrenceOverride *changed = occurrence.changed) {
    out.title = changed->title.value_or(series.title);
    out.location = changed->location.value_or(series.location);
    out.description = changed->description.value_or(series.description);
    out.status = changed->status.value_or(series.status);
  }
  return out;
}

core::TimeRange series_span(const core::Event &event, const date::time_zone *zone) {
  return Series(event, zone).span();
}

} // namespace summit::ical
