#pragma once

#include "core/error.hpp"
#include "core/event.hpp"
#include "core/ical/recurrence.hpp"
#include "core/occurrence_json.hpp"
#include "core/time_range.hpp"
#include "daemon/store/search_planning.hpp"

#include <SQLiteCpp/Statement.h>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

class EventRows;

// What event.list asks for.
struct ListQuery {
  // Events overlapping [begin, end); a point event (no end) when its start
  // lies inside. Use SysSeconds::max() for "no end".
  core::TimeRange range;
  std::optional<std::string> tag;
  // Only the events of this calendar (schema 009; calendars.id).
  std::optional<std::int64_t> calendar_id;
  // Free text from the user, matched with FTS5 over title, location and
  // description: every word must occur, each as a prefix. Never passed to
  // MATCH unquoted, so no text can be an FTS syntax error.
  std::optional<std::string> search;
  std::size_t limit = 100;
  // The rule steps expanding the series may take in all
  // (ical::ExpansionBudget): past them, list() fails with over_budget,
  // naming the event, instead of answering late or in part.
  std::size_t expansion_steps = 1'000'000;
  // true: each occurrence of a recurring event that overlaps the range is
  // listed on its own (a ListedOccurrence). false: the series is listed
  // once, as stored, when any occurrence may fall in the range (its span
  // overlaps), which is what an export wants.
  bool expand = true;
  // Resume after this entry of a previous page (its start_utc, id and, for
  // an occurrence, its RECURRENCE-ID): entries sort by (start_utc, id,
  // occurrence), an event as stored before any occurrence.
  struct Cursor {
    core::SysSeconds start_utc{};
    std::int64_t id = 0;
    std::optional<core::LocalSeconds> occurrence;
    auto operator<=>(const Cursor &) const = default;
  };
  std::optional<Cursor> after;
  // The viewer's zone (event.list's `tz`), or null. A floating event (tz
  // "floating") is listed when its wall times, read in this zone, overlap
  // the range: 10:00 floating is in a Tokyo viewer's morning whatever zone
  // summitd reads it in. Its entry still sorts by its instants in summitd's
  // zone (the cursor's order), so that pages join up.
  const date::time_zone *viewer = nullptr;
};

// One occurrence of a series in a listing: only what is its own. The series
// is ListPage::series.at(series_id), held once however many of its
// occurrences a page lists (a copy per occurrence is what made a page of a
// minutely series with a long description cost gigabytes).
struct ListedOccurrence {
  std::int64_t series_id = 0;
  core::OccurrenceTimes times;
  // The override that moved or changed it, if any.
  std::optional<core::OccurrenceOverride> changed;
};

// One entry of a page: an event as stored (a single event, or a whole
// series when not expanded), or one occurrence of a series.
using ListEntry = std::variant<core::Event, ListedOccurrence>;

// Where an entry sorts; what a page's last entry gives as the next cursor.
ListQuery::Cursor cursor_of(const ListEntry &entry);

struct ListPage {
  // In (start_utc, id, occurrence) order.
  std::vector<ListEntry> entries;
  // The series of the occurrences in `entries`, by id; only those.
  std::map<std::int64_t, core::Event> series;
  bool more = false; // more matched than `limit`
  // Each entry as one event value (an occurrence as ical::occurrence_event
  // gives it). Copies the series into every occurrence: for tests and
  // small pages, never for a reply.
  std::vector<core::Event> events() const;
};

// Answers event.list: the single events of a range from events_by_start
// (or the tag's rows, or the text matches, or SearchPlanner's walk), and the
// series whose span overlaps it from events_series, each expanded into its
// occurrences, merged in list order. Statements are prepared once, on one
// connection; methods throw SQLite::Exception or DamagedRow (the EventStore
// answers with a Result).
class EventPages {
public:
  explicit EventPages(SQLite::Database &db);

  // One page of `query`. A text search runs `plan` (automatic: the planner
  // chooses); `ran` is set to the plan it ran. An expansion past
  // query.expansion_steps fails with over_budget.
  core::Result<ListPage> list(EventRows &rows, const ListQuery &query, SearchPlan plan,
                              SearchPlan &ran);

private:
  struct Bounds;
  // The single events of the page, up to limit + 1 (series are listed apart).
  std::vector<core::Event> singles(EventRows &rows, const ListQuery &query, const Bounds &bounds,
                                   SearchPlan plan, SearchPlan &ran);
  // The series of the range into `page`, each expanded when the query says so.
  core::Result<void> add_series(const ListQuery &query, const Bounds &bounds, ListPage &page);
  // Whether floating events are chosen by the viewer's reading
  // (ListQuery::viewer, not summitd's own zone).
  static bool by_viewer(const ListQuery &query);
  // The first limit + 1 floating single events after the cursor whose wall
  // times, in the viewer's zone, overlap the range.
  std::vector<core::Event> floating_singles(const ListQuery &query, const Bounds &bounds);
  core::Result<void> expand_series(core::Event series, const ListQuery &query,
                                   const core::TimeRange &window, std::size_t limit,
                                   ical::ExpansionBudget &budget, ListPage &page);

  SQLite::Statement m_max_span;
  SQLite::Statement m_list;
  SQLite::Statement m_list_tag;
  SQLite::Statement m_list_search;
  SQLite::Statement m_list_tag_search;
  SQLite::Statement m_list_series;
  SQLite::Statement m_list_floating;
  SearchPlanner m_search;
};

} // namespace summit::store
