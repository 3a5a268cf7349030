#include "cli/commands/event_options.hpp"

#include "cli/views/time_text.hpp"
#include "core/text.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zone_rules.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>

namespace summit::cli {

namespace {

using core::ErrorCode;
using core::fail;
using core::When;
using nlohmann::json;

// The shape of an event's start decides what its end may be.
enum class StartShape { timed, all_day, month };

StartShape shape_of(When::Kind kind) {
  switch (kind) {
  case When::Kind::date:
    return StartShape::all_day;
  case When::Kind::month:
    return StartShape::month;
  case When::Kind::wall_time:
  case When::Kind::instant:
    break;
  }
  return StartShape::timed;
}

StartShape shape_of(core::Precision precision) {
  switch (precision) {
  case core::Precision::all_day:
    return StartShape::all_day;
  case core::Precision::month:
    return StartShape::month;
  case core::Precision::timed:
    break;
  }
  return StartShape::timed;
}

// `day_zone`: whose calendar day words count in (core::parse_when); the
// event's zone when not given.
core::Result<When> read_when(std::string_view option, const std::string &text, core::SysSeconds now,
                             const date::time_zone *zone,
                             std::optional<date::local_days> time_alone_day = std::nullopt,
                             const date::time_zone *day_zone = nullptr) {
  auto when = core::parse_when(text, now, zone, time_alone_day, day_zone);
  if (!when) {
    return fail(ErrorCode::invalid_params, fmt::format("{}: {}", option, when.error().message));
  }
  return when;
}

core::LocalSeconds next_month(core::LocalSeconds t) {
  const date::year_month_day ymd{date::floor<date::days>(t)};
  const date::year_month next = date::year_month{ymd.year(), ymd.month()} + date::months{1};
  return core::LocalSeconds{date::local_days{next / 1}};
}

// The wire form of a parsed time (docs/PROTOCOL.md, "Time values"). An
// instant is written as the wall time it is in the event's zone with that
// offset, so the daemon stores the wall time the user meant and the offset
// still picks the right instant inside a DST overlap.
std::string to_wire(const When &when, const date::time_zone *zone) {
  switch (when.kind) {
  case When::Kind::instant:
    return core::format_iso_offset(when.instant, zone);
  case When::Kind::date:
    return core::format_iso_date(when.local);
  case When::Kind::month:
    return core::format_iso_month(when.local);
  case When::Kind::wall_time:
    break;
  }
  return core::format_iso_local(when.local);
}

struct WireStart {
  std::string value;
  StartShape shape = StartShape::timed;
  date::local_days day{}; // the start's day in the event's zone
};

// Whether `text` is a time of day without a day ("11:00", "9am"): read
// on two different days, it gives two different times.
bool is_time_alone(const std::string &text, core::SysSeconds now, const date::time_zone *zone) {
  const date::local_days one{date::year{2000} / 1 / 1};
  auto a = core::parse_when(text, now, zone, one);
  auto b = core::parse_when(text, now, zone, one + date::days{1});
  return a && b && a->kind == When::Kind::wall_time && a->local != b->local;
}

// The day a wall time or an instant falls on in `zone`.
date::local_days day_of(const When &when, const date::time_zone *zone) {
  if (when.kind == When::Kind::instant) {
    return date::floor<date::days>(core::to_local(when.instant, zone));
  }
  return date::floor<date::days>(when.local);
}

// `time_alone_day`: the day "10:00" means (an edit keeps the event's day).
core::Result<WireStart> start_to_wire(const std::string &text, bool all_day, core::SysSeconds now,
                                      const date::time_zone *zone,
                                      std::optional<date::local_days> time_alone_day = {},
                                      const date::time_zone *day_zone = nullptr) {
  auto when = read_when("--at", text, now, zone, time_alone_day, day_zone);
  if (!when) {
    return tl::unexpected(when.error());
  }
  const StartShape shape = shape_of(when->kind);
  if (all_day && shape == StartShape::timed) {
    return fail(
        ErrorCode::invalid_params,
        fmt::format("--all-day: '{}' has a time of day; give a date such as 2025-09-26", text));
  }
  if (all_day && shape == StartShape::month) {
    return fail(ErrorCode::invalid_params,
                fmt::format("--all-day: '{}' is a month; give a date such as 2025-09-26", text));
  }
  return WireStart{to_wire(*when, zone), shape, day_of(*when, zone)};
}

// The protocol's end is exclusive; a person's end date or month is the last
// one the event covers, so both move one step on. A time alone ("11:00") is
// on the start's day.
core::Result<std::string> end_to_wire(const std::string &text, StartShape shape,
                                      date::local_days start_day, core::SysSeconds now,
                                      const date::time_zone *zone,
                                      const date::time_zone *day_zone = nullptr) {
  auto when = read_when("--end", text, now, zone, start_day, day_zone);
  if (!when) {
    return tl::unexpected(when.error());
  }
  const StartShape end_shape = shape_of(when->kind);
  switch (shape) {
  case StartShape::all_day:
    if (end_shape != StartShape::all_day) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("--end: the event is all-day, so --end takes its last day "
                              "(a date such as 2025-09-28), not '{}'",
                              text));
    }
    return core::format_iso_date(when->local + date::days{1});
  case StartShape::month:
    if (end_shape != StartShape::month) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("--end: the event's date is not known yet, so --end takes its "
                              "last month (such as 2025-10), not '{}'",
                              text));
    }
    return core::format_iso_month(next_month(when->local));
  case StartShape::timed:
    break;
  }
  if (end_shape != StartShape::timed) {
    return fail(ErrorCode::invalid_params,
                fmt::format("--end: the event has a time of day, so its end needs one too "
                            "(such as \"2025-09-26 12:00\"), not '{}'; or use --duration",
                            text));
  }
  return to_wire(*when, zone);
}

core::Result<std::string> duration_to_wire(const std::string &text) {
  auto duration = core::parse_duration(text);
  if (!duration) {
    return fail(ErrorCode::invalid_params, fmt::format("--duration: {}", duration.error().message));
  }
  return core::format_duration_iso(*duration);
}

// A reminder is a duration before the start ("7d", "PT1H") or, failing
// that, a time at which to remind ("2025-09-19 09:00"), read in the event's
// zone and sent as a UTC instant.
core::Result<json> reminders_to_wire(const std::vector<std::string> &texts, core::SysSeconds now,
                                     const date::time_zone *zone,
                                     const date::time_zone *day_zone = nullptr) {
  json reminders = json::array();
  for (const std::string &text : texts) {
    if (auto before = core::parse_duration(text)) {
      reminders.push_back(core::format_duration_iso(*before));
      continue;
    }
    auto when = core::parse_when(text, now, zone, std::nullopt, day_zone);
    if (when && when->kind == When::Kind::instant) {
      reminders.push_back(json{{"at", core::format_iso_utc(when->instant)}});
      continue;
    }
    if (when && when->kind == When::Kind::wall_time) {
      const core::SysSeconds at = core::resolve_local(when->local, zone).utc;
      reminders.push_back(json{{"at", core::format_iso_utc(at)}});
      continue;
    }
    return fail(ErrorCode::invalid_params,
                fmt::format("--remind: '{}' is neither a duration before the start (7d, 1h, "
                            "30m) nor a time to remind at (such as \"2025-09-19 09:00\")",
                            text));
  }
  return reminders;
}

core::Result<std::string> status_to_wire(const std::string &text) {
  if (!core::status_from_string(text)) {
    return fail(
        ErrorCode::invalid_params,
        fmt::format("--status: '{}' is not a status (confirmed, tentative or cancelled)", text));
  }
  return text;
}

json tags_to_wire(const std::vector<std::string> &tags) {
  json array = json::array();
  for (const std::string &tag : tags) {
    array.push_back(tag);
  }
  return array;
}

// A stored reminder as the wire writes it ("PT1H" or {"at": ...}).
json reminder_to_wire(const core::Reminder &reminder) {
  if (reminder.before) {
    return core::format_duration_iso(*reminder.before);
  }
  return json{{"at", core::format_iso_utc(reminder.at.value_or(core::SysSeconds{}))}};
}

std::string joined(const std::vector<std::string> &words) { return core::text::join(words, ", "); }

// The event's tags after --rm-tag and --add-tag, in the event's order with
// the new ones last. A tag to remove that the event lacks is refused.
core::Result<json> edited_tags(const core::Event &current, const EventOptions &options) {
  std::vector<std::string> tags = current.tags;
  for (const std::string &gone : options.remove_tags) {
    auto at = std::find(tags.begin(), tags.end(), gone);
    if (at == tags.end() &&
        std::find(current.tags.begin(), current.tags.end(), gone) != current.tags.end()) {
      return fail(ErrorCode::invalid_params, fmt::format("--rm-tag: '{}' is given twice", gone));
    }
    if (at == tags.end()) {
      return fail(
          ErrorCode::invalid_params,
          fmt::format("--rm-tag: event {} has no tag '{}' ({})", current.id, gone,
                      current.tags.empty() ? "it has none" : "its tags: " + joined(current.tags)));
    }
    tags.erase(at);
  }
  for (const std::string &added : options.add_tags) {
    if (std::find(tags.begin(), tags.end(), added) == tags.end()) {
      tags.push_back(added);
    }
  }
  return tags_to_wire(tags);
}

// The reminder --add-remind or --rm-remind names, read as --remind reads it.
core::Result<core::Reminder> read_reminder(const std::string &option, const std::string &text,
                                           core::SysSeconds now, const date::time_zone *zone,
                                           const date::time_zone *day_zone) {
  auto wire = reminders_to_wire({text}, now, zone, day_zone);
  if (!wire) {
    return fail(ErrorCode::invalid_params,
                option + wire.error().message.substr(std::string("--remind").size()));
  }
  const json &one = wire->front();
  if (one.is_string()) {
    return core::Reminder{core::parse_duration(one.get<std::string>()).value_or(core::Seconds{}),
                          std::nullopt};
  }
  return core::Reminder{std::nullopt, core::parse_iso(one.at("at").get<std::string>())->instant};
}

// The event's reminders after --rm-remind and --add-remind.
core::Result<json> edited_reminders(const core::Event &current, const EventOptions &options,
                                    core::SysSeconds now, const date::time_zone *zone,
                                    const date::time_zone *day_zone) {
  std::vector<core::Reminder> reminders = current.reminders;
  for (const std::string &text : options.remove_reminders) {
    auto gone = read_reminder("--rm-remind", text, now, zone, day_zone);
    if (!gone) {
      return tl::unexpected(gone.error());
    }
    auto at = std::find(reminders.begin(), reminders.end(), *gone);
    if (at == reminders.end() && std::find(current.reminders.begin(), current.reminders.end(),
                                           *gone) != current.reminders.end()) {
      return fail(ErrorCode::invalid_params, fmt::format("--rm-remind: '{}' is given twice", text));
    }
    if (at == reminders.end()) {
      std::vector<std::string> had;
      for (const core::Reminder &reminder : current.reminders) {
        had.push_back(format_reminder(reminder, zone));
      }
      return fail(ErrorCode::invalid_params,
                  fmt::format("--rm-remind: event {} has no reminder {} ({})", current.id,
                              format_reminder(*gone, zone),
                              had.empty() ? "it has none" : "its reminders: " + joined(had)));
    }
    reminders.erase(at);
  }
  for (const std::string &text : options.add_reminders) {
    auto added = read_reminder("--add-remind", text, now, zone, day_zone);
    if (!added) {
      return tl::unexpected(added.error());
    }
    if (std::find(reminders.begin(), reminders.end(), *added) == reminders.end()) {
      reminders.push_back(*added);
    }
  }
  json wire = json::array();
  for (const core::Reminder &reminder : reminders) {
    wire.push_back(reminder_to_wire(reminder));
  }
  return wire;
}

// --add-tag/--rm-tag/--add-remind/--rm-remind on edit. Returns whether
// anything was set.
core::Result<bool> apply_list_edits(const core::Event &current, const EventOptions &options,
                                    core::SysSeconds now, const date::time_zone *zone,
                                    const date::time_zone *day_zone, json &params) {
  const bool tag_edits = !options.add_tags.empty() || !options.remove_tags.empty();
  const bool reminder_edits = !options.add_reminders.empty() || !options.remove_reminders.empty();
  if (tag_edits && (options.tags || options.clear_tags)) {
    return fail(ErrorCode::invalid_params,
                "give --tag/--no-tags (they replace every tag) or --add-tag/--rm-tag, not both");
  }
  if (reminder_edits && (options.reminders || options.clear_reminders)) {
    return fail(ErrorCode::invalid_params, "give --remind/--no-reminders (they replace every "
                                           "reminder) or --add-remind/--rm-remind, not both");
  }
  if (tag_edits) {
    auto tags = edited_tags(current, options);
    if (!tags) {
      return tl::unexpected(tags.error());
    }
    params["tags"] = std::move(*tags);
  }
  if (reminder_edits) {
    auto reminders = edited_reminders(current, options, now, zone, day_zone);
    if (!reminders) {
      return tl::unexpected(reminders.error());
    }
    params["reminders"] = std::move(*reminders);
  }
  return tag_edits || reminder_edits;
}

// Text that is not UTF-8 would reach summitd as U+FFFD replacement
// characters (JSON is UTF-8): refused here, naming the option and the byte.
core::Result<void> check_utf8(std::string_view option, std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    char32_t code = 0;
    const std::size_t length = core::text::decode_utf8(text.substr(at), code);
    if (length == 0) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("{}: byte {} (0x{:02x}) is not UTF-8; give the text in UTF-8 "
                              "(iconv -t UTF-8 converts it)",
                              option, at + 1, static_cast<unsigned char>(text[at])));
    }
    at += length;
  }
  return {};
}

core::Result<void> check_texts(const EventOptions &options) {
  const std::pair<const char *, const std::optional<std::string> *> singles[] = {
      {"--title", &options.title},
      {"--location", &options.location},
      {"--description", &options.description}};
  for (const auto &[option, value] : singles) {
    if (*value) {
      if (auto ok = check_utf8(option, **value); !ok) {
        return ok;
      }
    }
  }
  static const std::vector<std::string> k_none;
  const std::pair<const char *, const std::vector<std::string> *> lists[] = {
      {"--tag", options.tags ? &*options.tags : &k_none},
      {"--add-tag", &options.add_tags},
      {"--rm-tag", &options.remove_tags}};
  for (const auto &[option, values] : lists) {
    for (const std::string &value : *values) {
      if (auto ok = check_utf8(option, value); !ok) {
        return ok;
      }
    }
  }
  return {};
}

// Sets the fields add and edit share and that need no knowledge of the
// start. Returns whether anything was set.
core::Result<bool> apply_common(const EventOptions &options, core::SysSeconds now,
                                const date::time_zone *zone, const date::time_zone *day_zone,
                                bool empty_clears, json &params) {
  if (auto texts = check_texts(options); !texts) {
    return tl::unexpected(texts.error());
  }
  bool changed = false;
  if (options.title) {
    params["title"] = *options.title;
    changed = true;
  }
  if (options.duration) {
    auto duration = duration_to_wire(*options.duration);
    if (!duration) {
      return tl::unexpected(duration.error());
    }
    params["duration"] = *duration;
    changed = true;
  }
  // On edit an empty --location/--description clears the field (null on the
  // wire); on add an empty one is simply empty.
  auto text_field = [&](const char *name, const std::optional<std::string> &value) {
    if (!value) {
      return;
    }
    if (empty_clears && value->empty()) {
      params[name] = nullptr;
    } else {
      params[name] = *value;
    }
    changed = true;
  };
  text_field("location", options.location);
  text_field("description", options.description);
  if (options.clear_tags && options.tags) {
    return fail(ErrorCode::invalid_params, "give --tag or --no-tags, not both");
  }
  if (options.clear_tags) {
    params["tags"] = json::array();
    changed = true;
  } else if (options.tags) {
    params["tags"] = tags_to_wire(*options.tags);
    changed = true;
  }
  if (options.clear_reminders && options.reminders) {
    return fail(ErrorCode::invalid_params, "give --remind or --no-reminders, not both");
  }
  if (options.clear_reminders) {
    params["reminders"] = json::array();
    changed = true;
  } else if (options.reminders) {
    auto reminders = reminders_to_wire(*options.reminders, now, zone, day_zone);
    if (!reminders) {
      return tl::unexpected(reminders.error());
    }
    params["reminders"] = std::move(*reminders);
    changed = true;
  }
  if (options.status) {
    auto status = status_to_wire(*options.status);
    if (!status) {
      return tl::unexpected(status.error());
    }
    params["status"] = *status;
    changed = true;
  }
  return changed;
}

// The instant a --from/--to names. With `through_end` a day or month means
// its end, so that `--to 2025-09-30` includes the 30th.
core::SysSeconds instant_of(const When &when, const date::time_zone *zone, bool through_end) {
  switch (when.kind) {
  case When::Kind::instant:
    return when.instant;
  case When::Kind::date:
    return core::resolve_local(through_end ? when.local + date::days{1} : when.local, zone).utc;
  case When::Kind::month:
    return core::resolve_local(through_end ? next_month(when.local) : when.local, zone).utc;
  case When::Kind::wall_time:
    break;
  }
  return core::resolve_local(when.local, zone).utc;
}

using core::text::to_lower;
using core::text::trim;

} // namespace

core::Result<std::string> repeat_to_wire(const std::string &text, core::SysSeconds now,
                                         const date::time_zone *zone) {
  const std::string_view rule = trim(text);
  if (rule.empty()) {
    return fail(ErrorCode::invalid_params,
                "--repeat: give a rule: daily, weekly, monthly, yearly, weekdays, \"every 2 "
                "weeks\", \"weekly until 2027-12-31\", \"monthly count 10\" or an RRULE such "
                "as FREQ=YEARLY;BYMONTH=9;BYDAY=-1FR");
  }
  const std::string folded = to_lower(rule);
  if (folded.rfind("freq=", 0) == 0 || folded.rfind("rrule:", 0) == 0) {
    return std::string(rule);
  }
  constexpr std::string_view k_until = " until ";
  const auto at = folded.rfind(k_until);
  if (at == std::string::npos) {
    return std::string(rule);
  }
  const std::string_view tail = trim(rule.substr(at + k_until.size()));
  if (core::parse_iso(tail)) {
    return std::string(rule); // already a date (or a time) the daemon reads
  }
  auto when = core::parse_when(tail, now, zone);
  if (!when || when->kind == When::Kind::month) {
    return std::string(rule); // the daemon says what is wrong with it
  }
  const core::LocalSeconds local =
      when->kind == When::Kind::instant
          ? date::floor<core::Seconds>(core::to_local(when->instant, zone))
          : when->local;
  return fmt::format("{} until {}", rule.substr(0, at), core::format_iso_date(local));
}

core::Result<json> build_add_params(const EventOptions &options, core::SysSeconds now,
                                    const date::time_zone *zone, const date::time_zone *day_zone) {
  if (!options.title) {
    return fail(ErrorCode::invalid_params, "add: give the event's title");
  }
  if (!options.at) {
    return fail(ErrorCode::invalid_params,
                "add: give the start with --at (such as \"2025-09-26 10:00\" or 2025-09)");
  }
  if (options.end && options.duration) {
    return fail(ErrorCode::invalid_params, "give --end or --duration, not both");
  }
  json params = json::object();
  auto start = start_to_wire(*options.at, options.all_day, now, zone, {}, day_zone);
  if (!start) {
    return tl::unexpected(start.error());
  }
  params["start"] = start->value;
  if (start->shape == StartShape::all_day) {
    params["all_day"] = true;
  }
  // --tz floating: the same wall time in every zone (read here in the
  // viewer's, which is the CLI's floating zone).
  params["tz"] = options.tz && core::is_floating(core::text::trim(*options.tz))
                     ? std::string(core::k_floating)
                     : zone->name();
  if (options.end) {
    auto end = end_to_wire(*options.end, start->shape, start->day, now, zone, day_zone);
    if (!end) {
      return tl::unexpected(end.error());
    }
    params["end"] = *end;
  }
  auto common = apply_common(options, now, zone, day_zone, /*empty_clears=*/false, params);
  if (!common) {
    return tl::unexpected(common.error());
  }
  if (options.repeat) {
    auto repeat = repeat_to_wire(*options.repeat, now, zone);
    if (!repeat) {
      return tl::unexpected(repeat.error());
    }
    params["repeat"] = *repeat;
  }
  if (options.calendar) {
    params["calendar"] = *options.calendar;
  }
  return params;
}

core::Result<json> build_update_params(const core::Event &current, const EventOptions &options,
                                       core::SysSeconds now, const date::time_zone *zone,
                                       bool require_change, const date::time_zone *day_zone) {
  if ((options.end || options.duration) && options.clear_end) {
    return fail(ErrorCode::invalid_params, "give --end/--duration or --no-end, not both");
  }
  if (options.end && options.duration) {
    return fail(ErrorCode::invalid_params, "give --end or --duration, not both");
  }
  json params = json::object();
  params["id"] = current.id;
  bool changed = false;
  StartShape shape = shape_of(current.precision);
  date::local_days start_day = date::floor<date::days>(current.start_local);
  if (options.at && current.precision == core::Precision::month &&
      is_time_alone(*options.at, now, zone)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("--at: the day of event {} is not known yet ({}); give the day too, "
                            "such as --at \"{} {}\"",
                            current.id, core::format_month_tba(current.start_local),
                            core::format_iso_date(current.start_local),
                            core::text::trim(*options.at)));
  }
  if (options.at) {
    // "--at 10:00" moves the event within its own day.
    auto start = start_to_wire(*options.at, options.all_day, now, zone, start_day, day_zone);
    if (!start) {
      return tl::unexpected(start.error());
    }
    // An all-day event given a time of day becomes a timed one, whose
    // length cannot be its days (a 3-day conference "at 10:00" does not
    // last until 10:00 three days later) nor nothing: asked for.
    if (current.precision == core::Precision::all_day && start->shape == StartShape::timed &&
        !options.end && !options.duration && !options.clear_end) {
      const auto days = std::max<long>(
          1, static_cast<long>(
                 date::floor<date::days>(current.end_local - current.start_local).count()));
      return fail(ErrorCode::invalid_params,
                  fmt::format("--at: event {} is all-day ({} day{} from {}); at a time of day it "
                              "needs a length too: add --duration (such as 2h), --end (such as "
                              "\"{} 18:00\") or --no-end (a point in time)",
                              current.id, days, days == 1 ? "" : "s",
                              core::format_human_date(current.start_local),
                              core::format_iso_date(core::LocalSeconds{start->day})));
    }
    params["start"] = start->value;
    shape = start->shape;
    start_day = start->day;
    if (shape == StartShape::all_day) {
      params["all_day"] = true;
    }
    changed = true;
  } else if (options.all_day && shape == StartShape::month) {
    return fail(ErrorCode::invalid_params,
                "--all-day: the event's day is not known yet; give it with --at, such as "
                "--at 2025-09-26 --all-day");
  } else if (options.all_day && shape == StartShape::timed) {
    // Keep the day the event is on and drop its time of day.
    params["start"] = core::format_iso_date(date::floor<date::days>(current.start_local));
    params["all_day"] = true;
    shape = StartShape::all_day;
    changed = true;
  }
  if (options.clear_end) {
    params["end"] = nullptr;
    changed = true;
  }
  if (options.end) {
    auto end = end_to_wire(*options.end, shape, start_day, now, zone, day_zone);
    if (!end) {
      return tl::unexpected(end.error());
    }
    params["end"] = *end;
    changed = true;
  }
  auto common = apply_common(options, now, zone, day_zone, /*empty_clears=*/true, params);
  if (!common) {
    return tl::unexpected(common.error());
  }
  auto lists = apply_list_edits(current, options, now, zone, day_zone, params);
  if (!lists) {
    return tl::unexpected(lists.error());
  }
  changed = changed || *common || *lists;
  if (options.repeat && options.clear_repeat) {
    return fail(ErrorCode::invalid_params, "give --repeat or --no-repeat, not both");
  }
  if (options.clear_repeat) {
    params["repeat"] = nullptr;
    changed = true;
  } else if (options.repeat) {
    auto repeat = repeat_to_wire(*options.repeat, now, zone);
    if (!repeat) {
      return tl::unexpected(repeat.error());
    }
    params["repeat"] = *repeat;
    changed = true;
  }
  // The zone always travels with the request (the daemon never guesses
  // one); it is a change only when it differs from the event's.
  // A floating event stays floating unless --tz or a place names a zone.
  const bool floating = options.tz ? core::is_floating(core::text::trim(*options.tz))
                                   : core::is_floating(current.tz) && zone == core::floating_zone();
  const std::string zone_name = floating ? std::string(core::k_floating) : zone->name();
  params["tz"] = zone_name;
  changed = changed || zone_name != current.tz;
  if (!changed && require_change) {
    return fail(ErrorCode::invalid_params,
                "edit: nothing to change; give --title, --at, --end, --duration, --tz, "
                "--location, --description, --tag, --add-tag, --rm-tag, --remind, "
                "--add-remind, --rm-remind, --status or --repeat");
  }
  return params;
}

std::vector<std::string> replacement_notes(const core::Event &current, const EventOptions &options,
                                           const date::time_zone *zone) {
  std::vector<std::string> notes;
  if (options.tags) {
    std::vector<std::string> dropped;
    for (const std::string &tag : current.tags) {
      if (std::find(options.tags->begin(), options.tags->end(), tag) == options.tags->end()) {
        dropped.push_back(tag);
      }
    }
    if (!dropped.empty()) {
      notes.push_back(fmt::format("--tag replaces every tag of event {}: {} removed; --add-tag "
                                  "adds one and keeps the others",
                                  current.id, joined(dropped)));
    }
  }
  if (options.reminders && !current.reminders.empty()) {
    std::vector<std::string> had;
    for (const core::Reminder &reminder : current.reminders) {
      had.push_back(format_reminder(reminder, zone));
    }
    notes.push_back(fmt::format("--remind replaces every reminder of event {} (it had {}); "
                                "--add-remind adds one and keeps the others",
                                current.id, joined(had)));
  }
  return notes;
}

std::vector<std::string> given_options(const EventOptions &options) {
  std::vector<std::string> given;
  auto note = [&given](bool present, const char *name) {
    if (present) {
      given.emplace_back(name);
    }
  };
  note(options.title.has_value(), "--title");
  note(options.at.has_value(), "--at");
  note(options.end.has_value(), "--end");
  note(options.duration.has_value(), "--duration");
  note(options.all_day, "--all-day");
  note(options.tz.has_value(), "--tz");
  note(options.location.has_value(), "--location");
  note(options.description.has_value(), "--description");
  note(options.tags.has_value(), "--tag");
  note(!options.add_tags.empty(), "--add-tag");
  note(!options.remove_tags.empty(), "--rm-tag");
  note(options.reminders.has_value(), "--remind");
  note(!options.add_reminders.empty(), "--add-remind");
  note(!options.remove_reminders.empty(), "--rm-remind");
  note(options.status.has_value(), "--status");
  note(options.repeat.has_value(), "--repeat");
  note(options.clear_end, "--no-end");
  note(options.clear_tags, "--no-tags");
  note(options.clear_reminders, "--no-reminders");
  note(options.clear_repeat, "--no-repeat");
  return given;
}

core::Result<StartParam> start_param(const std::string &text, core::Precision precision,
                                     date::local_days day, core::SysSeconds now,
                                     const date::time_zone *zone) {
  auto start = start_to_wire(text, /*all_day=*/false, now, zone, day);
  if (!start) {
    return tl::unexpected(start.error());
  }
  if (start->shape != shape_of(precision)) {
    return fail(ErrorCode::invalid_params,
                fmt::format("--at: '{}' is {}, but the event is {}; give {}", text,
                            start->shape == StartShape::timed     ? "a time of day"
                            : start->shape == StartShape::all_day ? "a date"
                                                                  : "a month",
                            precision == core::Precision::timed     ? "timed"
                            : precision == core::Precision::all_day ? "all-day"
                                                                    : "a month event",
                            precision == core::Precision::timed
                                ? "a date and time such as \"2025-10-30 10:00\""
                                : "a date such as 2025-10-30"));
  }
  return StartParam{start->value, start->day};
}

core::Result<std::string> end_param(const std::string &text, core::Precision precision,
                                    date::local_days day, core::SysSeconds now,
                                    const date::time_zone *zone) {
  return end_to_wire(text, shape_of(precision), day, now, zone);
}

core::Result<std::string> duration_param(const std::string &text) { return duration_to_wire(text); }

core::Result<std::string> status_param(const std::string &text) { return status_to_wire(text); }

namespace {

// 10000-01-01T00:00:00Z: the first instant past what the protocol's
// four-digit years can write.
constexpr core::SysSeconds k_first_unwritable_instant{
    date::sys_days{date::year{10000} / date::January / 1}.time_since_epoch()};

} // namespace

core::Result<json> build_range_params(const std::optional<std::string> &from_text,
                                      const std::optional<std::string> &to_text,
                                      core::SysSeconds now, const date::time_zone *viewer_zone) {
  json params = json::object();
  std::optional<core::SysSeconds> from;
  std::optional<core::SysSeconds> to;
  if (from_text) {
    auto when = read_when("--from", *from_text, now, viewer_zone);
    if (!when) {
      return tl::unexpected(when.error());
    }
    from = instant_of(*when, viewer_zone, /*through_end=*/false);
    params["from"] = core::format_iso_utc(*from);
  }
  if (to_text) {
    auto when = read_when("--to", *to_text, now, viewer_zone);
    if (!when) {
      return tl::unexpected(when.error());
    }
    to = instant_of(*when, viewer_zone, /*through_end=*/true);
    // The end of 9999-12-31 (the last day ISO 8601's four-digit years can
    // write) is 10000-01-01, which no instant on the wire can name: a range
    // that reaches it has no end, as without --to.
    if (*to < k_first_unwritable_instant) {
      params["to"] = core::format_iso_utc(*to);
    }
  }
  if (from && to && *to <= *from) {
    return fail(ErrorCode::invalid_params,
                fmt::format("--to ({}) is not after --from ({})", *to_text, *from_text));
  }
  return params;
}

core::Result<json> build_list_params(const ListOptions &options, core::SysSeconds now,
                                     const date::time_zone *viewer_zone) {
  auto range = build_range_params(options.from, options.to, now, viewer_zone);
  if (!range) {
    return tl::unexpected(range.error());
  }
  json params = std::move(*range);
  params["tz"] = viewer_zone->name();
  if (options.tag) {
    params["tag"] = *options.tag;
  }
  if (options.search) {
    params["search"] = *options.search;
  }
  if (options.calendar) {
    params["calendar"] = *options.calendar;
  }
  if (options.limit) {
    if (*options.limit < 1) {
      return fail(ErrorCode::invalid_params, "--limit: give a number of events, 1 or more");
    }
    if (*options.limit > k_max_list_rows) {
      return fail(ErrorCode::invalid_params,
                  fmt::format("--limit: at most {} events are listed at once; list the next "
                              "ones with --from set to the last start listed, or narrow "
                              "--from/--to",
                              k_max_list_rows));
    }
    params["limit"] = *options.limit;
  }
  return params;
}

} // namespace summit::cli
