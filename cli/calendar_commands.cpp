#include "cli/calendar_commands.hpp"

#include "cli/agenda_view.hpp"
#include "cli/month_grid.hpp"
#include "core/time_format.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;

constexpr const char *k_more = "(more events not shown)\n";

date::local_days today_in(core::SysSeconds now, const date::time_zone *zone) {
  return date::floor<date::days>(date::floor<core::Seconds>(zone->to_local(now)));
}

struct Listed {
  std::vector<core::Event> events;
  json raw;
  bool more = false;
};

// event.list over [from, to) in the viewer's zone, expanded; or the exit code.
tl::expected<Listed, int> list_range(Session &session, const std::string &from,
                                     const std::string &to) {
  auto result = session.call("event.list", json{{"from", from},
                                                {"to", to},
                                                {"tz", session.viewer()->name()},
                                                {"expand", true},
                                                {"limit", k_view_limit}});
  if (!result) {
    return tl::unexpected(result.error());
  }
  Listed listed;
  listed.raw = result->value("events", json::array());
  listed.more = result->value("more", false);
  if (session.json_output()) {
    return listed;
  }
  for (const json &item : listed.raw) {
    auto event = session.parse_event(item);
    if (!event) {
      return tl::unexpected(event.error());
    }
    listed.events.push_back(std::move(*event));
  }
  return listed;
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
  if (session.json_output()) {
    session.print_json(listed->raw);
    return k_exit_ok;
  }
  const std::vector<AgendaDay> grouped = agenda_days(listed->events, today, last, viewer);
  if (grouped.empty()) {
    session.out() << (days == 1 ? std::string("No events for the rest of today.\n")
                                : fmt::format("No events in the next {} days.\n", days));
  } else {
    session.out() << format_agenda(grouped, today, viewer);
  }
  if (listed->more) {
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
  if (session.json_output()) {
    session.print_json(listed->raw);
    return k_exit_ok;
  }
  const std::vector<AgendaDay> grouped = agenda_days(listed->events, first, last, viewer);
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
  if (listed->more) {
    session.out() << k_more;
  }
  return k_exit_ok;
}

} // namespace summit::cli
