#include "cli/calendar_commands.hpp"

#include "cli/agenda_view.hpp"
#include "cli/month_grid.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;

constexpr const char *k_more = "(more events not shown)\n";

date::local_days today_in(core::SysSeconds now, const date::time_zone *zone) {
  return date::floor<date::days>(date::floor<core::Seconds>(core::to_local(now, zone)));
}

// event.list's result over [from, to) in the viewer's zone, expanded; or
// the exit code.
tl::expected<json, int> list_range(Session &session, const std::string &from,
                                   const std::string &to) {
  return session.call("event.list", json{{"from", from},
                                         {"to", to},
                                         {"tz", session.viewer()->name()},
                                         {"expand", true},
                                         {"limit", k_view_limit}});
}

// The events of a list_range() result, or the exit code of a bad reply.
tl::expected<std::vector<core::Event>, int> events_of(Session &session, const json &result) {
  std::vector<core::Event> events;
  for (const json &item : result.value("events", json::array())) {
    auto event = session.parse_event(item);
    if (!event) {
      return tl::unexpected(event.error());
    }
    events.push_back(std::move(*event));
  }
  return events;
}

// Prints the events as they came (--json); true when it did.
bool printed_as_json(Session &session, const json &result) {
  if (session.json_output()) {
    session.print_json(result.value("events", json::array()));
  }
  return session.json_output();
}

} // namespace

int show_agenda(Session &session, int days) {
  if (days < 1) {
    return session.usage("--days: give a number of days, 1 or more");
  }
  const date::time_zone *viewer = session.viewer();
  const date::local_days today = today_in(session.now(), viewer);
  const date::local_days last = today + date::days{days - 1};
  // A date as `to` means the end of that day (docs/PROTOCOL.md).
  auto listed = list_range(session, core::format_iso_utc(session.now()),
                           core::format_iso_date(core::LocalSeconds{last}));
  if (!listed) {
    return listed.error();
  }
  if (printed_as_json(session, *listed)) {
    return k_exit_ok;
  }
  auto events = events_of(session, *listed);
  if (!events) {
    return events.error();
  }
  const std::vector<AgendaDay> grouped = agenda_days(*events, today, last, viewer);
  if (grouped.empty()) {
    session.out() << (days == 1 ? std::string("No events for the rest of today.\n")
                                : fmt::format("No events in the next {} days.\n", days));
  } else {
    session.out() << format_agenda(grouped, today, viewer);
  }
  if (listed->value("more", false)) {
    session.out() << k_more;
  }
  return k_exit_ok;
}

int show_month(Session &session, const std::optional<std::string> &month_text) {
  const date::time_zone *viewer = session.viewer();
  auto month = parse_month(month_text.value_or(""), session.now(), viewer);
  if (!month) {
    return session.usage(month.error().message);
  }
  const date::local_days first{*month / 1};
  const date::local_days last{*month / date::last};
  const std::string wire = core::format_iso_month(core::LocalSeconds{first});
  auto listed = list_range(session, wire, wire);
  if (!listed) {
    return listed.error();
  }
  if (printed_as_json(session, *listed)) {
    return k_exit_ok;
  }
  auto events = events_of(session, *listed);
  if (!events) {
    return events.error();
  }
  const std::vector<AgendaDay> grouped = agenda_days(*events, first, last, viewer);
  std::set<date::local_days> marked;
  for (const AgendaDay &day : grouped) {
    for (const AgendaEntry &entry : day.entries) {
      // A month event (date TBA) has no day to mark.
      if (entry.event.precision != core::Precision::month) {
        marked.insert(day.day);
      }
    }
  }
  const std::optional<std::string> no_color = session.getenv("NO_COLOR");
  const GridStyle style{session.is_terminal(1) && (!no_color || no_color->empty())};
  const date::local_days today = today_in(session.now(), viewer);
  session.out() << format_month_grid(*month, marked, today, style) << "\n";
  if (grouped.empty()) {
    session.out() << fmt::format("No events in {}.\n", month_title(*month));
  } else {
    session.out() << format_agenda(grouped, today, viewer);
  }
  if (listed->value("more", false)) {
    session.out() << k_more;
  }
  return k_exit_ok;
}

} // namespace summit::cli
