#pragma once

#include "cli/client/command_session.hpp"
#include "core/event.hpp"

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace summit::cli {

// The most entries one event.list page is asked for (its largest limit);
// the daemon's byte bound may end a page sooner.
inline constexpr std::size_t k_page_limit = 10000;

// One page of event.list (docs/PROTOCOL.md): its `events` as sent (an
// occurrence only with what is its own) and its `series`, by id.
struct EventPage {
  nlohmann::json entries = nlohmann::json::array();
  nlohmann::json series = nlohmann::json::object();
};

// Reads event.list page after page, passing each page's `next` as `after`,
// so that a view prints as it goes and neither the CLI nor the daemon
// holds the whole range.
class EventListing {
public:
  // `params` as event.list takes them, without `after` and `limit`. At most
  // `cap` entries are read in all (nothing: every one in the range).
  EventListing(CommandSession &session, nlohmann::json params, std::optional<std::size_t> cap = {});

  // The next page, or nothing once the listing is done; the exit code when
  // a call fails.
  tl::expected<std::optional<EventPage>, int> next();
  // Once next() gave nothing: whether entries were left unread, because of
  // the cap or because the daemon said `more` without a cursor.
  [[nodiscard]] bool left_some() const { return m_left_some; }

private:
  CommandSession &m_session;
  nlohmann::json m_params;
  std::optional<std::size_t> m_cap;
  std::size_t m_read = 0;
  std::optional<std::string> m_after;
  bool m_done = false;
  bool m_left_some = false;
};

// The whole event object an entry of a page stands for: the entry itself,
// or for an occurrence its series' object with the occurrence's members laid
// over it (what event.list sent before replies referred to their series,
// and what `--json` prints).
nlohmann::json whole_event(const nlohmann::json &entry, const nlohmann::json &series);

// The entries of a page as events for the views (list, agenda, cal): an
// occurrence gets its series' fields but the description and recurrence,
// which views do not show, so that a page costs no copy of them per
// occurrence. The exit code of a bad reply on failure.
tl::expected<std::vector<core::Event>, int> page_events(CommandSession &session,
                                                        const EventPage &page);

// Prints a JSON array one element at a time, exactly as CommandSession::print_json
// prints the whole array, so that `--json` output need not be held.
class JsonArrayPrinter {
public:
  explicit JsonArrayPrinter(std::ostream &out) : m_out(out) {}
  void add(const nlohmann::json &element);
  void finish();

private:
  std::ostream &m_out;
  bool m_any = false;
};

} // namespace summit::cli
