#include "cli/commands/event_commands.hpp"

#include "cli/client/event_listing.hpp"
#include "cli/client/request_key.hpp"
#include "cli/commands/zone_choice.hpp"
#include "cli/views/event_view.hpp"
#include "cli/views/recurrence_view.hpp"
#include "core/calendar_rules.hpp"
#include "core/event_json.hpp"
#include "core/protocol.hpp"
#include "core/time_format.hpp"
#include "core/time_parse.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;

// The event's zone: the command's own --tz, else the place --location
// names, else `fallback`. The global --tz (`summit --tz Asia/Tokyo edit 5
// ...`) is the viewer's zone, as it is for every command: it is the
// fallback of a new event (the viewer's zone) but never moves an existing
// event to another zone, nor overrides a place.
// `fallback_whose`: "your zone" for a new event, "the event's zone" for an edit.
core::Result<ZoneChoice> event_zone(CommandSession &session, const EventOptions &options,
                                    const date::time_zone *fallback,
                                    std::string_view fallback_whose) {
  const std::optional<std::string> &explicit_tz = options.tz;
  std::unique_ptr<core::Gazetteer> gazetteer;
  if (!explicit_tz && options.location && !options.location->empty() &&
      session.env().load_gazetteer) {
    gazetteer = session.env().load_gazetteer();
  }
  auto choice =
      choose_event_zone(explicit_tz, options.location, gazetteer.get(), fallback, fallback_whose);
  if (!choice) {
    const std::string flag = choice.error().field == "location" ? "--location" : "--tz";
    return core::fail(choice.error().code, flag + ": " + choice.error().message);
  }
  return choice;
}

// The zone an edit reads and stores times in: the command's own --tz, else
// the event's own zone. A new --location never moves the event to the
// zone of the new place (its wall time would then be another instant);
// when that zone differs, the note says so and how to move it (--tz).
core::Result<ZoneChoice> edit_zone(CommandSession &session, const EventOptions &options,
                                   const core::Event &current) {
  auto own_zone = core::find_zone(current.tz);
  const date::time_zone *own = own_zone ? *own_zone : session.viewer();
  const std::string_view whose = own_zone ? "the event's zone" : "your zone";
  if (options.tz || !own_zone || !options.location || options.location->empty()) {
    return event_zone(session, options, own, whose);
  }
  ZoneChoice kept{own, false, {}};
  auto placed = event_zone(session, options, own, whose);
  if (placed && placed->inferred && placed->zone != own) {
    kept.note = fmt::format("event {} keeps its zone {}: {} is in {}; to move the event's times "
                            "there, add --tz {}",
                            current.id, current.tz, core::quoted_for_message(*options.location),
                            placed->zone->name(), placed->zone->name());
  }
  return kept;
}

// "Fri 31 Oct 2025 10:00, Fri 7 Nov 2025 10:00": RECURRENCE-IDs for people.
std::string occurrence_words(const std::vector<std::string> &ids, bool times_only) {
  std::string words;
  for (const std::string &id : ids) {
    auto when = core::parse_iso(id);
    std::string word = id;
    if (when) {
      const auto local = date::floor<core::Seconds>(when->local);
      word = times_only ? date::format("%H:%M", local) : core::format_human_datetime(local);
    }
    words += (words.empty() ? "" : ", ") + word;
  }
  return words;
}

// A timed series named by a date: the RECURRENCE-ID of its one occurrence
// that day (in the event's zone), or the exit code.
tl::expected<std::string, int> occurrence_on(CommandSession &session, const core::Event &series,
                                             const OccurrenceTarget &target) {
  const date::local_days day = *target.day;
  const std::string day_text = core::format_iso_date(core::LocalSeconds{day});
  EventListing listing(
      session,
      json{{"from", core::format_iso_date(core::LocalSeconds{day - date::days{k_lookup_days}})},
           {"to", core::format_iso_date(core::LocalSeconds{day + date::days{k_lookup_days}})},
           {"tz", series.tz},
           {"expand", true}});
  // Of each page only the series' occurrences on the day and the nearest
  // others are kept: the nearest of all are among those.
  json kept = json::array();
  for (;;) {
    auto page = listing.next();
    if (!page) {
      return tl::unexpected(page.error());
    }
    if (!*page) {
      break;
    }
    json mine = kept;
    for (json &entry : (*page)->entries) {
      if (entry.is_object() && entry.value("id", std::int64_t{0}) == series.id) {
        mine.push_back(std::move(entry));
      }
    }
    const DayOccurrences so_far = occurrences_on_day(mine, series.id, day);
    kept = json::array();
    for (const json &entry : mine) {
      const std::string name = entry.value("occurrence", "");
      const auto &on_day = so_far.on_day;
      const auto &nearest = so_far.nearest;
      if (std::find(on_day.begin(), on_day.end(), name) != on_day.end() ||
          std::find(nearest.begin(), nearest.end(), name) != nearest.end()) {
        kept.push_back(entry);
      }
    }
  }
  const DayOccurrences found = occurrences_on_day(kept, series.id, day);
  const std::string day_words =
      fmt::format("{} ({})", core::format_human_date(core::LocalSeconds{day}), series.tz);
  if (found.on_day.empty()) {
    const std::string nearest =
        found.nearest.empty()
            ? fmt::format("it has none within {} days of it", k_lookup_days)
            : "the nearest: " + occurrence_words(found.nearest, /*times_only=*/false);
    return tl::unexpected(session.refused(fmt::format(
        "{}: event {} has no occurrence on {}; {}", target.option, series.id, day_words, nearest)));
  }
  if (found.on_day.size() > 1) {
    const std::string times = occurrence_words(found.on_day, /*times_only=*/true);
    return tl::unexpected(session.usage(
        fmt::format("{}: event {} occurs {} times on {} ({}); give the time too, such as \"{} {}\"",
                    target.option, series.id, found.on_day.size(), day_words, times, day_text,
                    times.substr(0, 5))));
  }
  return found.on_day.front();
}

int print_occurrence_result(CommandSession &session, const json &result,
                            const OccurrenceTarget &target, const core::Event &before) {
  session.say_notes(result);
  if (session.json_output()) {
    json shown = result;
    shown.erase("notes");
    session.print_json(target.edit == OccurrenceEdit::split ? shown
                                                            : result.value("event", json()));
    return k_exit_ok;
  }
  auto event = session.parse_event(result.value("event", json()));
  if (!event) {
    return event.error();
  }
  const date::time_zone *viewer = session.viewer();
  if (target.edit == OccurrenceEdit::split) {
    auto previous = session.parse_event(result.value("previous", json()));
    if (!previous) {
      return previous.error();
    }
    session.out() << format_event_summary("Updated", *previous, viewer)
                  << format_event_summary("Added", *event, viewer);
    return k_exit_ok;
  }
  auto id = core::parse_iso(target.id);
  const core::LocalSeconds local = id ? id->local : before.start_local;
  const std::string label = format_occurrence_id(before, local, viewer);
  if (target.edit == OccurrenceEdit::cancel) {
    session.out() << fmt::format("Cancelled the {} occurrence of event {}: {}\n", label, event->id,
                                 printable(event->title));
    return k_exit_ok;
  }
  const core::Event changed = occurrence_of(*event, local);
  session.out() << fmt::format("Changed the {} occurrence of event {}: {}, {}\n", label, event->id,
                               printable(changed.title), format_when(changed, viewer));
  return k_exit_ok;
}

int edit_occurrence(CommandSession &session, const core::Event &current, OccurrenceTarget target,
                    const EventOptions &options) {
  if (target.day) {
    auto id = occurrence_on(session, current, target);
    if (!id) {
      return id.error();
    }
    target.id = std::move(*id);
  }
  auto own_zone = core::find_zone(current.tz);
  const date::time_zone *zone = own_zone ? *own_zone : session.viewer();
  if (target.edit == OccurrenceEdit::split) {
    // The new series may move to another zone with --tz, as a plain edit may.
    auto choice = edit_zone(session, options, current);
    if (!choice) {
      return session.usage(choice.error().message);
    }
    if (choice->zone->name() != current.tz || !choice->note.empty()) {
      session.say(choice->note);
    }
    zone = choice->zone;
  }
  auto params =
      build_occurrence_params(current, target, options, session.now(), zone, session.viewer());
  if (!params) {
    return session.usage(params.error().message);
  }
  auto result = session.call(core::protocol::event_update, std::move(*params));
  if (!result) {
    return result.error();
  }
  return print_occurrence_result(session, *result, target, current);
}

} // namespace

namespace {

// The command that shows whether an add that got no reply was applied.
std::string check_added(const EventOptions &options) {
  const std::string title = options.title.value_or("");
  const bool plain = !title.empty() && std::all_of(title.begin(), title.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == ' ' || c == '-' || c == '_';
  });
  return plain ? fmt::format("summit list --search \"{}\"", title) : std::string("summit list");
}

} // namespace

namespace {

// Says on stderr what the past takes from the event just written.
void warn_of_the_past(CommandSession &session, const json &result) {
  if (session.json_output()) {
    return; // the JSON says where the event is; scripts read no sentences
  }
  const json event_json = result.value("event", json());
  if (!event_json.is_object()) {
    return;
  }
  auto event = core::event_from_json(event_json);
  if (!event) {
    return; // print_event_result reports it
  }
  for (const std::string &warning : format_past_warnings(*event, session.now(), session.viewer())) {
    session.say("warning: " + warning);
  }
}

} // namespace

int add_event(CommandSession &session, const EventOptions &options) {
  auto zone = event_zone(session, options, session.viewer(), "your zone");
  if (!zone) {
    return session.usage(zone.error().message);
  }
  auto params = build_add_params(options, session.now(), zone->zone, session.viewer());
  if (!params) {
    return session.usage(params.error().message);
  }
  if (options.request_key && !valid_request_key(*options.request_key)) {
    return session.usage("--request-key takes the key a previous `summit add` printed (1 to 64 "
                         "characters from A-Z a-z 0-9 . _ : -)");
  }
  // Safe to retry: summitd adds the event at most once per key.
  const std::string key = options.request_key.value_or(new_request_key());
  auto result = call_with_key(session, core::protocol::event_add, std::move(*params), key,
                              check_added(options));
  if (!result) {
    return result.error();
  }
  session.say(zone->note); // after the add: a refused add used no zone
  warn_of_the_past(session, *result);
  return session.print_event_result(*result, "Added");
}

int edit_event(CommandSession &session, std::int64_t id, const EventOptions &options,
               const OccurrenceOptions &occurrence) {
  auto current = session.fetch(id);
  if (!current) {
    return current.error();
  }
  auto target = read_occurrence_target(occurrence, *current, session.now(), session.viewer());
  if (!target) {
    return target.error().code == core::ErrorCode::conflict
               ? session.refused(target.error().message)
               : session.usage(target.error().message);
  }
  if (*target) {
    return edit_occurrence(session, *current, std::move(**target), options);
  }
  auto zone = edit_zone(session, options, *current);
  if (!zone) {
    return session.usage(zone.error().message);
  }
  auto params = build_update_params(*current, options, session.now(), zone->zone,
                                    /*require_change=*/true, session.viewer());
  if (!params) {
    return session.usage(params.error().message);
  }
  // Renaming the place within the same zone needs no comment.
  if (zone->zone->name() != current->tz || !zone->note.empty()) {
    session.say(zone->note);
  }
  for (const std::string &note : replacement_notes(*current, options, zone->zone)) {
    session.say(note);
  }
  auto result = session.call(core::protocol::event_update, std::move(*params));
  if (!result) {
    return result.error();
  }
  if (options.at || options.repeat || options.clear_repeat || options.reminders ||
      !options.add_reminders.empty()) {
    warn_of_the_past(session, *result);
  }
  return session.print_event_result(*result, "Updated", &*current);
}

namespace {

// `summit list` shows what is still to come; it says how many events ended
// before now and how to see them, so an empty list never hides a meeting
// added in the past. The calendar's size comes from daemon.status; every
// event not listed ended before now (the listing was complete).
void say_hidden_earlier(CommandSession &session, std::size_t listed) {
  auto status = session.call(core::protocol::daemon_status, json::object());
  if (!status || !status->contains("events") || !(*status)["events"].is_number_integer()) {
    return; // the list stands on its own; the count is a courtesy
  }
  const auto total = (*status)["events"].get<std::int64_t>();
  const auto hidden = total - static_cast<std::int64_t>(listed);
  if (hidden <= 0) {
    return;
  }
  session.say(fmt::format("{} earlier event{} not shown; `summit list --from 1970-01-01` lists {}",
                          hidden, hidden == 1 ? " is" : "s are", hidden == 1 ? "it" : "them"));
}

} // namespace

int list_events(CommandSession &session, const ListOptions &options) {
  auto params = build_list_params(options, session.now(), session.viewer());
  if (!params) {
    return session.usage(params.error().message);
  }
  const auto cap = static_cast<std::size_t>(options.limit.value_or(k_default_list_limit));
  EventListing listing(session, std::move(*params), cap);
  EventTable table(session.viewer(), session.table_width());
  JsonArrayPrinter printer(session.out());
  std::set<std::int64_t> listed; // each series once
  for (;;) {
    auto page = listing.next();
    if (!page) {
      return page.error();
    }
    if (!*page) {
      break;
    }
    if (session.json_output()) {
      for (const json &entry : (*page)->entries) {
        printer.add(whole_event(entry, (*page)->series));
      }
      continue;
    }
    auto events = page_events(session, **page);
    if (!events) {
      return events.error();
    }
    for (const core::Event &event : *events) {
      listed.insert(event.id);
    }
    session.out() << table.rows(*events);
  }
  if (session.json_output()) {
    printer.finish();
  } else {
    session.out() << table.finish();
  }
  if (listing.left_some()) {
    const std::string larger =
        cap < static_cast<std::size_t>(k_max_list_rows)
            ? fmt::format("pass a larger --limit (at most {}), ", k_max_list_rows)
            : std::string();
    session.say(fmt::format("more events match than the {} listed; {}narrow --from/--to, or list "
                            "on with --from set to the last start listed",
                            cap, larger));
  } else if (!session.json_output() && !options.from && !options.to && !options.tag &&
             !options.search) {
    say_hidden_earlier(session, listed.size());
  }
  return k_exit_ok;
}

int show_event(CommandSession &session, std::int64_t id) {
  auto result = session.call(core::protocol::event_get, json{{"id", id}});
  if (!result) {
    return result.error();
  }
  const json event_json = result->value("event", json());
  if (session.json_output()) {
    session.print_json(event_json);
    return k_exit_ok;
  }
  auto event = session.parse_event(event_json);
  if (!event) {
    return event.error();
  }
  session.out() << format_event_details(*event, session.viewer());
  return k_exit_ok;
}

int remove_event(CommandSession &session, std::int64_t id) {
  auto result = session.call(core::protocol::event_remove, json{{"id", id}});
  if (!result) {
    return result.error();
  }
  if (session.json_output()) {
    session.print_json(*result);
  } else {
    session.out() << fmt::format("Removed event {}\n", result->value("removed", id));
  }
  return k_exit_ok;
}

} // namespace summit::cli
