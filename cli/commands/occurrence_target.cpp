#include "cli/commands/occurrence_target.hpp"

#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace summit::cli {

namespace {

using core::ErrorCode;
using core::fail;
using core::When;
using nlohmann::json;

struct Named {
  const std::optional<std::string> *text;
  OccurrenceEdit edit;
  const char *option;
  const char *member;
};

} // namespace

core::Result<std::optional<OccurrenceTarget>>
read_occurrence_target(const OccurrenceOptions &options, const core::Event &series,
                       core::SysSeconds now, const date::time_zone *day_zone) {
  const std::array<Named, 3> all{{
      {&options.occurrence, OccurrenceEdit::change, "--occurrence", "occurrence"},
      {&options.cancel_occurrence, OccurrenceEdit::cancel, "--cancel-occurrence",
       "cancel_occurrence"},
      {&options.from_occurrence, OccurrenceEdit::split, "--from-occurrence", "from_occurrence"},
  }};
  const Named *chosen = nullptr;
  for (const Named &named : all) {
    if (!named.text->has_value()) {
      continue;
    }
    if (chosen != nullptr) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("give {} or {}, not both", chosen->option, named.option));
    }
    chosen = &named;
  }
  if (chosen == nullptr) {
    return std::optional<OccurrenceTarget>();
  }
  const std::string &text = **chosen->text;
  if (!series.recurrence) {
    return fail(ErrorCode::conflict,
                fmt::format("{}: event {} does not repeat; edit it without {} (or make it "
                            "repeat with --repeat)",
                            chosen->option, series.id, chosen->option));
  }
  auto zone = core::find_zone(series.tz);
  if (!zone) {
    return fail(ErrorCode::invalid_params,
                fmt::format("{}: the event's zone: {}", chosen->option, zone.error().message));
  }
  auto when = core::parse_when(text, now, *zone, std::nullopt, day_zone);
  if (!when) {
    return fail(ErrorCode::invalid_params,
                fmt::format("{}: {}", chosen->option, when.error().message));
  }
  OccurrenceTarget target{chosen->edit, chosen->option, chosen->member, {}, {}};
  const bool all_day = series.precision == core::Precision::all_day;
  core::LocalSeconds local = when->local;
  switch (when->kind) {
  case When::Kind::month:
    return fail(ErrorCode::invalid_params,
                fmt::format("{}: '{}' is a month; give the occurrence's {}", chosen->option, text,
                            all_day ? "date, such as 2025-10-31"
                                    : "date and time, such as \"2025-10-31 10:00\""));
  case When::Kind::date:
    if (!all_day) {
      target.day = date::floor<date::days>(local);
      return std::optional<OccurrenceTarget>(std::move(target));
    }
    break;
  case When::Kind::instant:
    // The occurrence's RECURRENCE-ID is a wall time in the event's zone.
    local = date::floor<core::Seconds>(core::to_local(when->instant, *zone));
    break;
  case When::Kind::wall_time:
    break;
  }
  target.id = all_day ? core::format_iso_date(local) : core::format_iso_local(local);
  return std::optional<OccurrenceTarget>(std::move(target));
}

DayOccurrences occurrences_on_day(const json &events, std::int64_t id, date::local_days day) {
  struct Listed {
    std::string id;
    core::LocalSeconds occurrence;
  };
  std::vector<Listed> others;
  DayOccurrences found;
  if (!events.is_array()) {
    return found;
  }
  auto local_of = [](const json &event, const char *member) -> std::optional<core::LocalSeconds> {
    auto it = event.find(member);
    if (it == event.end() || !it->is_string()) {
      return std::nullopt;
    }
    auto when = core::parse_iso(it->get<std::string>());
    return when ? std::optional(when->local) : std::nullopt;
  };
  for (const json &event : events) {
    if (!event.is_object() || event.value("id", std::int64_t{0}) != id) {
      continue;
    }
    const auto occurrence = local_of(event, "occurrence");
    if (!occurrence) {
      continue;
    }
    const auto start = local_of(event, "start").value_or(*occurrence);
    const std::string name = event.at("occurrence").get<std::string>();
    if (date::floor<date::days>(*occurrence) == day || date::floor<date::days>(start) == day) {
      found.on_day.push_back(name);
    } else {
      others.push_back({name, *occurrence});
    }
  }
  if (!found.on_day.empty()) {
    return found;
  }
  const core::LocalSeconds noon = core::LocalSeconds{day} + std::chrono::hours{12};
  auto distance = [noon](const Listed &listed) {
    return listed.occurrence > noon ? listed.occurrence - noon : noon - listed.occurrence;
  };
  std::stable_sort(others.begin(), others.end(),
                   [&](const Listed &a, const Listed &b) { return distance(a) < distance(b); });
  others.resize(std::min<std::size_t>(others.size(), 3));
  std::sort(others.begin(), others.end(),
            [](const Listed &a, const Listed &b) { return a.occurrence < b.occurrence; });
  for (const Listed &listed : others) {
    found.nearest.push_back(listed.id);
  }
  return found;
}

namespace {

// Options that belong to the series, not to one occurrence of it.
bool series_only(const std::string &option) {
  static constexpr std::array<const char *, 13> k_series{
      "--all-day", "--tz",           "--tag",       "--add-tag", "--rm-tag",
      "--remind",  "--add-remind",   "--rm-remind", "--repeat",  "--no-end",
      "--no-tags", "--no-reminders", "--no-repeat"};
  return std::find(k_series.begin(), k_series.end(), option) != k_series.end();
}

core::Result<json> change_params(const core::Event &series, const OccurrenceTarget &target,
                                 const EventOptions &options, core::SysSeconds now) {
  for (const std::string &option : given_options(options)) {
    if (series_only(option)) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("{}: belongs to the whole series, not to one occurrence; edit "
                              "event {} without --occurrence, or split it with "
                              "--from-occurrence",
                              option, series.id));
    }
  }
  auto zone = core::find_zone(series.tz);
  if (!zone) {
    return fail(ErrorCode::invalid_params, zone.error().message);
  }
  if (options.end && options.duration) {
    return fail(ErrorCode::invalid_params, "give --end or --duration, not both");
  }
  json params{{"id", series.id}, {target.member, target.id}};
  struct Change {
    const char *name;
    core::Result<std::string> value;
  };
  std::vector<Change> changes;
  // A time alone keeps the occurrence's day ("--at 10:00" moves it within
  // its day); a time alone in --end is on the start's day.
  const auto occurrence = core::parse_iso(target.id);
  date::local_days day =
      date::floor<date::days>(occurrence ? occurrence->local : series.start_local);
  if (options.at) {
    auto start = start_param(*options.at, series.precision, day, now, *zone);
    if (start) {
      day = start->day;
    }
    changes.push_back(
        {"start", start ? core::Result<std::string>{start->value} : tl::unexpected(start.error())});
  }
  if (options.end) {
    changes.push_back({"end", end_param(*options.end, series.precision, day, now, *zone)});
  }
  if (options.duration) {
    changes.push_back({"duration", duration_param(*options.duration)});
  }
  if (options.status) {
    changes.push_back({"status", status_param(*options.status)});
  }
  for (Change &change : changes) {
    if (!change.value) {
      return tl::unexpected(change.value.error());
    }
    params[change.name] = std::move(*change.value);
  }
  // An empty --location or --description is an empty one for this
  // occurrence; the daemon's null would mean "the series' value" instead.
  for (const auto &[name, value] :
       {std::pair{"title", &options.title}, std::pair{"location", &options.location},
        std::pair{"description", &options.description}}) {
    if (*value) {
      params[name] = **value;
    }
  }
  if (params.size() == 2) {
    return fail(ErrorCode::invalid_params,
                "--occurrence: nothing to change; give --at, --end, --duration, --title, "
                "--location, --description or --status (or remove it with "
                "--cancel-occurrence)");
  }
  return params;
}

} // namespace

core::Result<json> build_occurrence_params(const core::Event &series,
                                           const OccurrenceTarget &target,
                                           const EventOptions &options, core::SysSeconds now,
                                           const date::time_zone *zone,
                                           const date::time_zone *day_zone) {
  switch (target.edit) {
  case OccurrenceEdit::cancel: {
    const std::vector<std::string> given = given_options(options);
    if (!given.empty()) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("--cancel-occurrence takes no other change ({} given); to change "
                              "the occurrence instead, use --occurrence",
                              given.front()));
    }
    return json{{"id", series.id}, {target.member, target.id}};
  }
  case OccurrenceEdit::split: {
    auto params =
        build_update_params(series, options, now, zone, /*require_change=*/false, day_zone);
    if (!params) {
      return tl::unexpected(params.error());
    }
    (*params)[target.member] = target.id;
    return params;
  }
  case OccurrenceEdit::change:
    break;
  }
  return change_params(series, target, options, now);
}

} // namespace summit::cli
