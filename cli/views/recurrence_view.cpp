#include "cli/views/recurrence_view.hpp"

#include "cli/views/terminal_text.hpp"
#include "cli/views/time_text.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace summit::cli {

namespace {

std::string join(const std::vector<std::string> &items) { return core::text::join(items, ", "); }

std::vector<std::string> named_ids(const core::Event &series,
                                   const std::vector<core::LocalSeconds> &ids,
                                   const date::time_zone *viewer) {
  std::vector<std::string> names;
  names.reserve(ids.size());
  for (const core::LocalSeconds id : ids) {
    names.push_back(format_occurrence_id(series, id, viewer));
  }
  return names;
}

// What an override changes, in words: "→ <when>" when it moved, then each
// field it sets.
std::string describe_override(const core::Event &series, const core::OccurrenceOverride &changed,
                              const date::time_zone *viewer) {
  std::vector<std::string> parts;
  const core::Event occurrence = occurrence_of(series, changed.occurrence);
  const bool moved =
      changed.start_local != changed.occurrence ||
      changed.end_local - changed.start_local != series.end_local - series.start_local;
  if (moved) {
    parts.push_back("→ " + format_when(occurrence, viewer));
  }
  if (changed.title) {
    parts.push_back(fmt::format("title \"{}\"", printable(*changed.title)));
  }
  if (changed.location) {
    parts.push_back(fmt::format("location \"{}\"", printable(*changed.location)));
  }
  if (changed.description) {
    parts.push_back(fmt::format("description \"{}\"", printable(*changed.description)));
  }
  if (changed.status) {
    parts.push_back(fmt::format("status {}", core::to_string(*changed.status)));
  }
  std::string text = format_occurrence_id(series, changed.occurrence, viewer);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    text += (i == 0 && moved) ? " " : (i == 0 ? ": " : "; ");
    text += parts[i];
  }
  return text;
}

} // namespace

bool repeats(const core::Event &event) {
  return event.recurrence.has_value() || event.occurrence.has_value();
}

std::string format_occurrence_id(const core::Event &series, core::LocalSeconds id,
                                 const date::time_zone *viewer) {
  if (series.precision != core::Precision::timed) {
    return core::format_human_date(id);
  }
  std::string text = core::format_human_datetime(id);
  if (viewer == nullptr || viewer->name() != series.tz) {
    text += " " + series.tz;
  }
  return text;
}

core::Event occurrence_of(const core::Event &series, core::LocalSeconds id) {
  core::Event event = series;
  event.occurrence = id;
  const core::Seconds length = series.end_local - series.start_local;
  const core::Seconds length_utc = series.end_utc - series.start_utc;
  event.start_local = id;
  event.end_local = id + length;
  // Without the zone's rules (the CLI does not expand) the instants are
  // moved by the wall-time distance; the override, when there is one, has
  // the daemon's exact instants.
  event.start_utc = series.start_utc + (id - series.start_local);
  event.end_utc = event.start_utc + length_utc;
  if (!series.recurrence) {
    return event;
  }
  const auto &overrides = series.recurrence->overrides;
  auto found = std::find_if(overrides.begin(), overrides.end(),
                            [id](const core::OccurrenceOverride &o) { return o.occurrence == id; });
  if (found == overrides.end()) {
    return event;
  }
  event.start_local = found->start_local;
  event.end_local = found->end_local;
  event.start_utc = found->start_utc;
  event.end_utc = found->end_utc;
  event.title = found->title.value_or(event.title);
  event.location = found->location.value_or(event.location);
  event.description = found->description.value_or(event.description);
  event.status = found->status.value_or(event.status);
  return event;
}

std::vector<std::pair<std::string, std::string>> recurrence_fields(const core::Event &event,
                                                                   const date::time_zone *viewer) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (!event.recurrence) {
    return fields;
  }
  const core::Recurrence &recurrence = *event.recurrence;
  const std::string rule = printable(recurrence.rrule);
  fields.emplace_back("repeats", recurrence.description.empty()
                                     ? (rule.empty() ? std::string("on the dates below") : rule)
                                     : printable(recurrence.description));
  if (!rule.empty()) {
    fields.emplace_back("rule", rule);
  }
  if (!recurrence.rdates.empty()) {
    fields.emplace_back("also on", join(named_ids(event, recurrence.rdates, viewer)));
  }
  if (!recurrence.exdates.empty()) {
    fields.emplace_back("except on", join(named_ids(event, recurrence.exdates, viewer)));
  }
  bool first = true;
  for (const core::OccurrenceOverride &changed : recurrence.overrides) {
    fields.emplace_back(first ? "changed" : "", describe_override(event, changed, viewer));
    first = false;
  }
  return fields;
}

} // namespace summit::cli
