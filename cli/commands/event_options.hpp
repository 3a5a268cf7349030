#pragma once

#include "core/error.hpp"
#include "core/event.hpp"
#include "core/time_range.hpp"

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace summit::cli {

// What `add` or `edit` was given, as typed; an unset optional was not given.
struct EventOptions {
  std::optional<std::string> title;
  std::optional<std::string> at;
  std::optional<std::string> end; // all-day: the last day, inclusive
  std::optional<std::string> duration;
  bool all_day = false;
  std::optional<std::string> tz;
  std::optional<std::string> location;
  std::optional<std::string> description;
  std::optional<std::vector<std::string>> tags;
  std::optional<std::vector<std::string>> reminders;
  std::optional<std::string> status;
  // How it repeats: an RRULE or a shortcut ("weekly", "every 2 weeks until
  // 2027-12-31"), passed to the daemon, which checks and canonicalises it.
  std::optional<std::string> repeat;
  // edit only: clear the end/duration, the tags, the reminders, the rule.
  bool clear_end = false;
  bool clear_tags = false;
  bool clear_reminders = false;
  bool clear_repeat = false;
  // edit only: change the lists one entry at a time (--add-tag, --rm-tag,
  // --add-remind, --rm-remind) instead of replacing them (--tag, --remind).
  std::vector<std::string> add_tags;
  std::vector<std::string> remove_tags;
  std::vector<std::string> add_reminders;
  std::vector<std::string> remove_reminders;
  // add only: --request-key, to retry an add safely (a new one otherwise).
  std::optional<std::string> request_key;
  std::optional<std::string> calendar; // add: the event's calendar (default personal)
};

// What `list` was given.
struct ListOptions {
  std::optional<std::string> from;
  std::optional<std::string> to; // a date or month is inclusive (its last day)
  std::optional<std::string> tag;
  std::optional<std::string> search;
  std::optional<std::string> calendar; // only this calendar's events (issue 14)
  std::optional<int> limit;
};

// event.add params (docs/PROTOCOL.md) for `options`. Every time is read with
// core::parse_when in `zone`, the event's zone, which is always sent as `tz`;
// `now` gives relative and everyday forms their meaning. Times go on the
// wire as wall times, instants with the zone's offset, dates or months; an
// all-day --end (the last day) becomes the exclusive day after. Fails, with a
// message naming the option, when a time, duration, reminder or status
// cannot be read or does not fit the start (--all-day with a time of day).
// `day_zone`: the user's zone, whose calendar "today", "tomorrow" and
// "friday" count in (core::parse_when), when it is not the event's.
core::Result<nlohmann::json> build_add_params(const EventOptions &options, core::SysSeconds now,
                                              const date::time_zone *zone,
                                              const date::time_zone *day_zone = nullptr);

// event.update params changing `current` as `options` say. `zone` is the
// zone the event will have (its own unless --tz or an inferred location
// changes it); times are read in it, day words in `day_zone` (as for
// build_add_params). Fails like build_add_params, and (with
// `require_change`) when nothing would change; and when an all-day event
// is given a time of day without --end, --duration or --no-end (its length
// would be lost).
core::Result<nlohmann::json> build_update_params(const core::Event &current,
                                                 const EventOptions &options, core::SysSeconds now,
                                                 const date::time_zone *zone,
                                                 bool require_change = true,
                                                 const date::time_zone *day_zone = nullptr);

// The sentences that tell what --tag and --remind on edit replace
// ("--tag replaces every tag of event 5 (it had cis, minsk); --add-tag adds
// one"), when they drop something the event had; empty otherwise.
std::vector<std::string> replacement_notes(const core::Event &current, const EventOptions &options,
                                           const date::time_zone *zone);

// The event options given, by their names ("--title", "--tag", ...), in
// the order `summit edit --help` lists them.
std::vector<std::string> given_options(const EventOptions &options);

// --at and --end as event.update's `start` and `end` for an event of
// `precision` (an occurrence keeps its series' precision), read in `zone`;
// --end is the last day or month for all-day and month events. A time
// given alone is on `day` (the occurrence's own day; for --end, the start's).
struct StartParam {
  std::string value;
  date::local_days day{}; // the day the start is on, for a time alone in --end
};
core::Result<StartParam> start_param(const std::string &text, core::Precision precision,
                                     date::local_days day, core::SysSeconds now,
                                     const date::time_zone *zone);
core::Result<std::string> end_param(const std::string &text, core::Precision precision,
                                    date::local_days day, core::SysSeconds now,
                                    const date::time_zone *zone);
// --duration as an ISO 8601 duration.
core::Result<std::string> duration_param(const std::string &text);
// --status, checked.
core::Result<std::string> status_param(const std::string &text);

// The wire form of --repeat: the text as given, except that a shortcut's
// "until WHEN" written in everyday words ("weekly until next friday") is
// read with core::parse_when in `zone`, the event's, and sent as its date.
// An RRULE (FREQ=..., RRULE:...) is never touched. Fails on an empty rule.
core::Result<std::string> repeat_to_wire(const std::string &text, core::SysSeconds now,
                                         const date::time_zone *zone);

// The range of `list`, `export`, `agenda` and `cal`: `from`/`to` as UTC
// instants (absent when not given) read in `viewer_zone`; a date or month
// given as `to` includes that whole day or month; one whose end is past
// 9999 (`--to 9999-12-31`) is sent as no end. Fails, naming --from or
// --to, when a time cannot be read or `to` is not after `from`.
core::Result<nlohmann::json> build_range_params(const std::optional<std::string> &from,
                                                const std::optional<std::string> &to,
                                                core::SysSeconds now,
                                                const date::time_zone *viewer_zone);

// The largest --limit of `summit list`: a listing reads page after page,
// each bounded by summitd (docs/PROTOCOL.md, event.list), but a minutely
// series has no last occurrence, so the command itself stops here.
inline constexpr int k_max_list_rows = 100000;

// event.list params. --from/--to are read in the viewer's zone and sent as
// UTC instants; a date or month given to --to includes that whole day or
// month. Fails when a time cannot be read or --to is not after --from.
core::Result<nlohmann::json> build_list_params(const ListOptions &options, core::SysSeconds now,
                                               const date::time_zone *viewer_zone);

} // namespace summit::cli
