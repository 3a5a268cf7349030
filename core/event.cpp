#include "core/event.hpp"

#include "core/zones.hpp"

namespace summit::core {

const char *to_string(Precision p) {
  switch (p) {
  case Precision::timed:
    return "timed";
  case Precision::all_day:
    return "all_day";
  case Precision::month:
    return "month";
  }
  return "timed";
}

const char *to_string(Status s) {
  switch (s) {
  case Status::confirmed:
    return "confirmed";
  case Status::tentative:
    return "tentative";
  case Status::cancelled:
    return "cancelled";
  }
  return "confirmed";
}

std::optional<Precision> precision_from_string(std::string_view s) {
  for (auto p : {Precision::timed, Precision::all_day, Precision::month}) {
    if (s == to_string(p)) {
      return p;
    }
  }
  return std::nullopt;
}

std::optional<Status> status_from_string(std::string_view s) {
  for (auto st : {Status::confirmed, Status::tentative, Status::cancelled}) {
    if (s == to_string(st)) {
      return st;
    }
  }
  // "canceled" is how RFC 5545 and half the world spell it.
  if (s == "canceled") {
    return Status::cancelled;
  }
  return std::nullopt;
}

Result<void> derive_instants(Event &event) {
  auto zone = find_zone(event.tz);
  if (!zone) {
    return tl::unexpected(zone.error());
  }
  // Only a timed start can be ambiguous on purpose; day and month
  // boundaries always take the first instant of the day.
  const bool later = event.precision == Precision::timed && event.start_later;
  event.start_utc = resolve_local(event.start_local, *zone, later).utc;
  if (event.precision == Precision::timed && !event.has_end) {
    event.end_utc = event.start_utc;
  } else {
    const bool end_later = event.precision == Precision::timed && event.end_later;
    event.end_utc = resolve_local(event.end_local, *zone, end_later).utc;
  }
  if (event.end_utc < event.start_utc) {
    // A wall-time end inside the same overlap as a "later" start.
    event.end_utc = event.start_utc;
  }
  if (event.recurrence) {
    for (OccurrenceOverride &changed : event.recurrence->overrides) {
      const bool start_later = event.precision == Precision::timed && changed.start_later;
      changed.start_utc = resolve_local(changed.start_local, *zone, start_later).utc;
      const bool end_later = event.precision == Precision::timed && changed.end_later;
      changed.end_utc = resolve_local(changed.end_local, *zone, end_later).utc;
      if (changed.end_utc < changed.start_utc) {
        changed.end_utc = changed.start_utc;
      }
    }
  }
  return {};
}

} // namespace summit::core
