#include "cli/commands/calendar_commands.hpp"

#include "cli/client/event_listing.hpp"
#include "cli/views/agenda_view.hpp"
#include "cli/views/month_grid.hpp"
#include "core/time_format.hpp"
#include "core/zone_rules.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <vector>

namespace summit::cli {

namespace {

using nlohmann::json;

constexpr const char *k_more = "(more events not shown)\n";

date::local_days today_in(core::SysSeconds now, const date::time_zone *zone) {
  return date::floor<date::days>(date::floor<core::Seconds>(core::to_local(now, zone)));
}

// event.list over [from, to) in the viewer's zone, expanded, every page.
EventListing list_range(CommandSession &session, const std::string &from, const std::string &to) {
  return EventListing(
      session,
      json{{"from", from}, {"to", to}, {"tz", session.viewer()->name()}, {"expand", true}});
}

// The day shown for an entry of agenda_days that comes before any other
// of its days: a month event (date TBA) is shown once.
bool is_month(const core::Event &event) { return event.precision == core::Precision::month; }

// Prints an agenda over [first, last] as the pages of `listing` arrive: a
// day is printed once no later page can add to it, and only what reaches
// the days not yet printed is kept. Returns whether any day was printed,
// or the exit code.
class AgendaPrinter {
public:
  AgendaPrinter(CommandSession &session, date::local_days first, date::local_days last,
                date::local_days today)
      : m_session(session), m_first(first), m_last(last), m_today(today),
        m_viewer(session.viewer()) {}

  // Entries come in start order: once one starting at `t` has arrived, no
  // later one shows on a day before the viewer's day of `t` less two (an
  // all-day event's date is where its own zone is: up to 26 hours from the
  // viewer's).
  void add(std::vector<core::Event> events) {
    if (events.empty()) {
      return;
    }
    const core::SysSeconds latest = events.back().start_utc;
    for (auto &event : events) {
      m_pending.push_back(std::move(event));
    }
    const date::local_days settled =
        date::floor<date::days>(date::floor<core::Seconds>(core::to_local(latest, m_viewer))) -
        date::days{2};
    print_before(settled);
  }

  // The listing is done: prints what is left.
  void finish() { print_before(m_last + date::days{1}); }
  [[nodiscard]] bool printed() const { return m_printed; }

private:
  void print_before(date::local_days end) {
    if (end <= m_next) {
      return;
    }
    const date::local_days upto = std::min(end - date::days{1}, m_last);
    if (m_next <= upto) {
      std::vector<AgendaDay> days = agenda_days(m_pending, m_next, upto, m_viewer);
      if (!days.empty()) {
        m_session.out() << (m_printed ? "\n" : "") << format_agenda(days, m_today, m_viewer);
        m_printed = true;
      }
    }
    m_next = end;
    // Keep what may still show on a day from `end` on.
    std::erase_if(m_pending, [&](const core::Event &event) {
      if (is_month(event)) {
        return std::max(m_first, date::floor<date::days>(event.start_local)) < end;
      }
      if (event.precision == core::Precision::all_day) {
        return event.end_local <= core::LocalSeconds{end};
      }
      const core::SysSeconds last_moment =
          event.end_utc > event.start_utc ? event.end_utc - core::Seconds{1} : event.start_utc;
      return date::floor<date::days>(
                 date::floor<core::Seconds>(core::to_local(last_moment, m_viewer))) < end;
    });
  }

  CommandSession &m_session;
  date::local_days m_first;
  date::local_days m_last;
  date::local_days m_today;
  const date::time_zone *m_viewer;
  date::local_days m_next = m_first; // the first day not printed yet
  std::vector<core::Event> m_pending;
  bool m_printed = false;
};

// Prints the whole events of every page as one JSON array (--json).
int print_listing_json(CommandSession &session, EventListing &listing) {
  JsonArrayPrinter printer(session.out());
  for (;;) {
    auto page = listing.next();
    if (!page) {
      return page.error();
    }
    if (!*page) {
      break;
    }
    for (const json &entry : (*page)->entries) {
      printer.add(whole_event(entry, (*page)->series));
    }
  }
  printer.finish();
  return k_exit_ok;
}

// Prints the agenda of [first, last] from every page of `listing`; the
// exit code.
int print_agenda(CommandSession &session, EventListing &listing, date::local_days first,
                 date::local_days last, const std::string &nothing) {
  AgendaPrinter agenda(session, first, last, today_in(session.now(), session.viewer()));
  for (;;) {
    auto page = listing.next();
    if (!page) {
      return page.error();
    }
    if (!*page) {
      break;
    }
    auto events = page_events(session, **page);
    if (!events) {
      return events.error();
    }
    agenda.add(std::move(*events));
  }
  agenda.finish();
  if (!agenda.printed()) {
    session.out() << nothing;
  }
  if (listing.left_some()) {
    session.out() << k_more;
  }
  return k_exit_ok;
}

} // namespace

int show_agenda(CommandSession &session, int days) {
  if (days < 1) {
    return session.usage("--days: give a number of days, 1 or more");
  }
  const date::time_zone *viewer = session.viewer();
  const date::local_days today = today_in(session.now(), viewer);
  const date::local_days last = today + date::days{days - 1};
  // A date as `to` means the end of that day (docs/PROTOCOL.md).
  EventListing listing = list_range(session, core::format_iso_utc(session.now()),
                                    core::format_iso_date(core::LocalSeconds{last}));
  if (session.json_output()) {
    return print_listing_json(session, listing);
  }
  return print_agenda(session, listing, today, last,
                      days == 1 ? std::string("No events for the rest of today.\n")
                                : fmt::format("No events in the next {} days.\n", days));
}

int show_month(CommandSession &session, const std::optional<std::string> &month_text) {
  const date::time_zone *viewer = session.viewer();
  auto month = parse_month(month_text.value_or(""), session.now(), viewer);
  if (!month) {
    return session.usage(month.error().message);
  }
  const date::local_days first{*month / 1};
  const date::local_days last{*month / date::last};
  const std::string wire = core::format_iso_month(core::LocalSeconds{first});
  if (session.json_output()) {
    EventListing listing = list_range(session, wire, wire);
    return print_listing_json(session, listing);
  }
  // The grid comes first and needs every marked day: a first pass marks
  // them, a second prints the events, so that neither holds the month.
  std::set<date::local_days> marked;
  EventListing marking = list_range(session, wire, wire);
  for (;;) {
    auto page = marking.next();
    if (!page) {
      return page.error();
    }
    if (!*page) {
      break;
    }
    auto events = page_events(session, **page);
    if (!events) {
      return events.error();
    }
    for (const AgendaDay &day : agenda_days(*events, first, last, viewer)) {
      for (const AgendaEntry &entry : day.entries) {
        // A month event (date TBA) has no day to mark.
        if (!is_month(entry.event)) {
          marked.insert(day.day);
        }
      }
    }
  }
  const std::optional<std::string> no_color = session.getenv("NO_COLOR");
  const GridStyle style{session.is_terminal(1) && (!no_color || no_color->empty())};
  const date::local_days today = today_in(session.now(), viewer);
  session.out() << format_month_grid(*month, marked, today, style) << "\n";
  EventListing listing = list_range(session, wire, wire);
  return print_agenda(session, listing, first, last,
                      fmt::format("No events in {}.\n", month_title(*month)));
}

} // namespace summit::cli
