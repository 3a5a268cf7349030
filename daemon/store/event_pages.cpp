#include "daemon/store/event_pages.hpp"

#include "core/ical/recurrence.hpp"
#include "core/page_limits.hpp"
#include "core/zones.hpp"
#include "daemon/store/event_rows.hpp"
#include "daemon/store/fts_query.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>
#include <utility>

namespace summit::store {

namespace {

// See schema/001_initial.sql for why this finds every event overlapping
// [:from, :to) without visiting the past: :lower is :from minus the longest
// span of any event, the earliest start an overlapping event can have.
constexpr const char *k_overlaps = "(e.end_utc > :from OR e.start_utc >= :from)";

// Single events only: series are listed from events_series and expanded.
// `:after_start`/`:after_id` resume a paged listing after that row; :lower is
// then at least :after_start, so the walk starts at the cursor. The unary +
// keeps the planner from taking :after_start as the walk's lower bound
// instead of :lower: unpaged it is the smallest integer, and the walk went
// through every past event (8 ms a page at 100,000 events, 0.1 ms after).
// The calendar filter rides on every listing: unbound (NULL) it is
// always true. With it, a range walk reads the other calendars' events of
// the range too (docs/SYNC.md: there is no per-calendar index walk yet).
// :no_floating (bound when the listing has a viewer's zone) leaves floating
// events to list_floating_sql, which chooses them by their wall times.
constexpr const char *k_single =
    "e.recurrence IS NULL AND (:calendar IS NULL OR +e.calendar_id = :calendar) AND "
    "(:no_floating IS NULL OR e.tz <> 'floating')";
constexpr const char *k_after =
    "(+e.start_utc > :after_start OR (+e.start_utc = :after_start AND e.id > :after_id))";

std::string list_sql() {
  return fmt::format("SELECT {} FROM events e "
                     "WHERE e.start_utc >= :lower AND e.start_utc < :to AND {} AND {} AND {} "
                     "ORDER BY e.start_utc, e.id LIMIT :limit",
                     k_event_columns, k_overlaps, k_single, k_after);
}

// Every series whose span overlaps [:from, :to) (a series of point events
// when an occurrence starts at :from), from the partial index events_series.
// Tag and search are tested per series row: series are few. INDEXED BY: left
// to itself, the planner walks events_by_start to save the sort (the ORDER
// BY and the cursor's start_utc test invite it), reading every event from
// the cursor on to find the few series: 170 ms per page at 100,000 events.
// Its span follows the event's columns (k_series_start_column).
std::string list_series_sql() {
  return fmt::format(
      "SELECT {}, e.series_start_utc, e.series_end_utc FROM events e INDEXED BY events_series "
      "WHERE e.recurrence IS NOT NULL AND e.series_start_utc < :to "
      "AND e.series_end_utc >= :from "
      "AND (:tag IS NULL OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND "
      "t.tag = :tag)) "
      "AND (:search IS NULL OR EXISTS (SELECT 1 FROM events_fts f WHERE events_fts MATCH "
      ":search AND f.rowid = e.id)) "
      "AND (:calendar IS NULL OR e.calendar_id = :calendar) "
      "AND {} ORDER BY e.start_utc, e.id",
      k_event_columns, k_after);
}

// Where list_series_sql puts a series' span (after k_event_columns' 23).
constexpr int k_series_start_column = 23;
constexpr int k_series_end_column = 24;

// Walks event_tags' primary key (tag, start_utc, event_id): already in list
// order, so it stops after :limit rows. CROSS JOIN pins that loop order.
std::string list_tag_sql() {
  return fmt::format("SELECT {} FROM event_tags t CROSS JOIN events e ON e.id = t.event_id "
                     "WHERE t.tag = :tag AND t.start_utc >= :lower AND t.start_utc < :to AND {} "
                     "AND {} AND {} ORDER BY t.start_utc, t.event_id LIMIT :limit",
                     k_event_columns, k_overlaps, k_single, k_after);
}

// Starts from the FTS matches (few, for the words people search for) and
// sorts them. Measured on 1,000,000 events: a word in 1,000 events takes a
// few ms; one in 143,000 takes ~100-400 ms, dominated by reading the FTS
// doclist. The alternatives were worse or only partly better: testing each
// event of the range with MATCH re-reads the doclist per row (seconds), and
// `+e.id IN (matches)` walking the range helps only very common words (~3x).
std::string list_search_sql(bool with_tag) {
  return fmt::format(
      "SELECT {} FROM events_fts f CROSS JOIN events e ON e.id = f.rowid "
      "WHERE events_fts MATCH :search AND e.start_utc >= :lower AND e.start_utc < :to AND {} "
      "AND {} AND {} {}"
      "ORDER BY e.start_utc, e.id LIMIT :limit",
      k_event_columns, k_overlaps, k_single, k_after,
      with_tag ? "AND EXISTS (SELECT 1 FROM event_tags t WHERE t.tag = :tag AND "
                 "t.start_utc = e.start_utc AND t.event_id = e.id) "
               : "");
}

// Floating single events over a range widened by k_floating_margin on each
// side, for a viewer's zone (ListQuery::viewer): stepped until limit + 1 of
// them overlap the range in the viewer's reading (no LIMIT: the rows left
// out are those near the range's ends only).
std::string list_floating_sql() {
  return fmt::format(
      "SELECT {} FROM events e "
      "WHERE e.start_utc >= :lower AND e.start_utc < :to AND {} AND e.tz = 'floating' AND "
      "e.recurrence IS NULL AND (:calendar IS NULL OR +e.calendar_id = :calendar) AND {} "
      "AND (:tag IS NULL OR EXISTS (SELECT 1 FROM event_tags t WHERE t.event_id = e.id AND "
      "t.tag = :tag)) "
      "AND (:search IS NULL OR EXISTS (SELECT 1 FROM events_fts f WHERE events_fts MATCH "
      ":search AND f.rowid = e.id)) "
      "ORDER BY e.start_utc, e.id",
      k_event_columns, k_overlaps, k_after);
}

// How far a floating wall time's instant in summitd's zone may be from its
// instant in a viewer's: the widest two zones are apart (custom zones reach
// ±18 hours, custom_zones.hpp), with a day's DST change to spare.
constexpr core::Seconds k_floating_margin{std::chrono::hours{38}};

core::SysSeconds earlier_by(core::SysSeconds t, core::Seconds by) {
  return t < core::SysSeconds::min() + by ? core::SysSeconds::min() : t - by;
}
core::SysSeconds later_by(core::SysSeconds t, core::Seconds by) {
  return t > core::SysSeconds::max() - by ? core::SysSeconds::max() : t + by;
}

// Whether wall times `start`..`end` (none: a point), read in `viewer`,
// overlap `range` as k_overlaps says.
bool overlaps_for_viewer(core::LocalSeconds start, std::optional<core::LocalSeconds> end,
                         const date::time_zone *viewer, const core::TimeRange &range) {
  const core::SysSeconds begin = core::resolve_local(start, viewer).utc;
  const core::SysSeconds finish = end ? core::resolve_local(*end, viewer).utc : begin;
  return begin < range.end && (finish > range.begin || begin >= range.begin);
}

bool event_for_viewer(const core::Event &event, const ListQuery &query) {
  const bool timed_point = event.precision == core::Precision::timed && !event.has_end;
  return overlaps_for_viewer(event.start_local,
                             timed_point ? std::nullopt : std::optional(event.end_local),
                             query.viewer, query.range);
}

bool in_list_order(const ListEntry &a, const ListEntry &b) { return cursor_of(a) < cursor_of(b); }

// Roughly the bytes a change of one occurrence takes as JSON.
std::size_t override_bytes(const core::OccurrenceOverride &changed) {
  return 160 + changed.title.value_or("").size() + changed.location.value_or("").size() +
         changed.description.value_or("").size();
}

// Roughly the bytes an event takes as JSON on the wire (event_to_json): its
// texts and lists and a fixed part for the rest. An estimate, to bound what
// a page holds before its reply is written; list_reply measures exactly.
std::size_t event_bytes(const core::Event &event) {
  std::size_t bytes = 512 + event.uid.size() + event.title.size() + event.location.size() +
                      event.description.size();
  for (const std::string &tag : event.tags) {
    bytes += tag.size() + 4;
  }
  bytes += 48 * event.reminders.size();
  if (event.recurrence) {
    const core::Recurrence &rule = *event.recurrence;
    bytes += rule.rrule.size() + rule.description.size() +
             24 * (rule.rdates.size() + rule.exdates.size());
    for (const core::OccurrenceOverride &changed : rule.overrides) {
      bytes += override_bytes(changed);
    }
  }
  return bytes;
}

// What a page holds, by its entries and by the series they refer to: a
// page stops growing once this passes twice what one reply may carry.
constexpr std::size_t k_page_budget = 2 * core::k_max_page_bytes;

} // namespace

EventPages::EventPages(SQLite::Database &db)
    : // Answered from the end of events_by_span (the min/max optimisation
      // applies to the bare max() only, so no coalesce here).
      m_max_span(db, "SELECT max(end_utc - start_utc) FROM events"), m_list(db, list_sql()),
      m_list_tag(db, list_tag_sql()), m_list_search(db, list_search_sql(false)),
      m_list_tag_search(db, list_search_sql(true)), m_list_series(db, list_series_sql()),
      m_list_floating(db, list_floating_sql()), m_search(db) {}

// What one request lists, worked out once from its query.
struct EventPages::Bounds {
  std::int64_t from = 0;  // the range's begin
  std::int64_t to = 0;    // the range's end
  std::int64_t lower = 0; // the earliest start of an event overlapping `from`
  std::optional<std::string> search;
  std::size_t limit = 0;
  bool paged = false;
  std::int64_t after_start = std::numeric_limits<std::int64_t>::min();
  std::int64_t after_id = 0;
};

core::Result<ListPage> EventPages::list(EventRows &rows, const ListQuery &query, SearchPlan plan,
                                        SearchPlan &ran) {
  Bounds bounds;
  std::int64_t max_span = 0;
  {
    Use s(m_max_span);
    if (s->executeStep() && !s->isColumnNull(0)) {
      max_span = s->getColumn(0).getInt64();
    }
  }
  bounds.from = to_unix(query.range.begin);
  bounds.to = to_unix(query.range.end);
  bounds.lower = bounds.from < std::numeric_limits<std::int64_t>::min() + max_span
                     ? std::numeric_limits<std::int64_t>::min()
                     : bounds.from - max_span;
  bounds.search = query.search ? fts_query(*query.search) : std::nullopt;
  // One row more than asked tells whether there are more.
  const auto cap = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max() - 1);
  bounds.limit = std::min(query.limit, cap);
  bounds.paged = query.after.has_value();
  if (bounds.paged) {
    bounds.after_start = to_unix(query.after->start_utc);
    bounds.after_id = query.after->id;
  }

  ListPage page;
  for (auto &event : singles(rows, query, bounds, plan, ran)) {
    page.entries.emplace_back(std::move(event));
  }
  if (by_viewer(query)) {
    for (auto &event : floating_singles(query, bounds)) {
      page.entries.emplace_back(std::move(event));
    }
    std::stable_sort(page.entries.begin(), page.entries.end(), in_list_order);
  }
  const std::size_t singles = page.entries.size();
  if (auto added = add_series(query, bounds, page); !added) {
    return tl::unexpected(added.error());
  }
  std::vector<ListEntry> &entries = page.entries;
  if (entries.size() > singles) {
    std::stable_sort(entries.begin(), entries.end(), in_list_order);
  }
  if (entries.size() > bounds.limit) {
    page.more = true;
    entries.resize(bounds.limit);
    std::set<std::int64_t> kept;
    for (const ListEntry &entry : entries) {
      if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
        kept.insert(listed->series_id);
      }
    }
    std::erase_if(page.series, [&](const auto &item) { return kept.count(item.first) == 0; });
  }
  return page;
}

std::vector<core::Event> EventPages::singles(EventRows &rows, const ListQuery &query,
                                             const Bounds &bounds, SearchPlan plan,
                                             SearchPlan &ran) {
  if (bounds.search && !bounds.paged && !query.calendar_id) {
    // For a viewer, floating events come from floating_singles.
    auto walked = m_search.by_start(rows, *bounds.search, query.tag, bounds.lower, bounds.from,
                                    bounds.to, bounds.limit, plan, by_viewer(query));
    ran = walked ? SearchPlan::by_start : SearchPlan::from_matches;
    if (walked) {
      return std::move(*walked);
    }
  }
  const bool by_tag = query.tag.has_value();
  SQLite::Statement &statement =
      bounds.search ? (by_tag ? m_list_tag_search : m_list_search) : (by_tag ? m_list_tag : m_list);
  std::vector<core::Event> events;
  Use s(statement);
  s->bind(":lower", std::max(bounds.lower, bounds.after_start));
  s->bind(":from", bounds.from);
  s->bind(":to", bounds.to);
  s->bind(":limit", static_cast<std::int64_t>(bounds.limit) + 1);
  s->bind(":after_start", bounds.after_start);
  s->bind(":after_id", bounds.after_id);
  if (by_tag) {
    s->bind(":tag", *query.tag);
  }
  if (query.calendar_id) {
    s->bind(":calendar", *query.calendar_id);
  }
  if (bounds.search) {
    s->bind(":search", *bounds.search);
  }
  if (by_viewer(query)) {
    s->bind(":no_floating", 1);
  }
  // Rows in list order, up to limit + 1 and twice what a reply carries
  // (add_series then keeps what fits and says `more`).
  std::size_t bytes = 0;
  while (bytes <= k_page_budget && s->executeStep()) {
    events.push_back(read_event(*s));
    bytes += event_bytes(events.back());
  }
  return events;
}

bool EventPages::by_viewer(const ListQuery &query) {
  return query.viewer != nullptr && query.viewer != core::floating_zone();
}

std::vector<core::Event> EventPages::floating_singles(const ListQuery &query,
                                                      const Bounds &bounds) {
  std::vector<core::Event> events;
  Use s(m_list_floating);
  const auto widened_from = to_unix(earlier_by(query.range.begin, k_floating_margin));
  const std::int64_t span = bounds.from - bounds.lower; // the longest event's
  const std::int64_t lower = widened_from < std::numeric_limits<std::int64_t>::min() + span
                                 ? std::numeric_limits<std::int64_t>::min()
                                 : widened_from - span;
  s->bind(":lower", std::max(lower, bounds.after_start));
  s->bind(":from", widened_from);
  s->bind(":to", to_unix(later_by(query.range.end, k_floating_margin)));
  s->bind(":after_start", bounds.after_start);
  s->bind(":after_id", bounds.after_id);
  if (query.tag) {
    s->bind(":tag", *query.tag);
  }
  if (query.calendar_id) {
    s->bind(":calendar", *query.calendar_id);
  }
  if (bounds.search) {
    s->bind(":search", *bounds.search);
  }
  while (events.size() <= bounds.limit && s->executeStep()) {
    core::Event event = read_event(*s);
    if (event_for_viewer(event, query)) {
      events.push_back(std::move(event));
    }
  }
  return events;
}

// The series that may have an occurrence in the range; few next to single
// events, each expanded here (at most limit + 1 occurrences after the
// cursor). One budget for all of them: a runaway expansion ends the request
// with over_budget (ical::occurrences). Once limit + 1 entries are known,
// the later series are expanded only up to the last of them, which nothing
// after it can displace: the work stays near limit + 1 occurrences however
// many series there are.
core::Result<void> EventPages::add_series(const ListQuery &query, const Bounds &bounds,
                                          ListPage &page) {
  std::vector<ListEntry> &entries = page.entries;
  const std::size_t limit = bounds.limit;
  ical::ExpansionBudget budget(query.expansion_steps);
  core::SysSeconds expand_until = query.range.end;
  auto keep_first = [&] {
    std::sort(entries.begin(), entries.end(), in_list_order);
    entries.resize(limit + 1);
    const core::SysSeconds last = cursor_of(entries.back()).start_utc;
    if (last >= query.range.begin && last < expand_until) {
      expand_until = last + core::Seconds{1};
    }
  };
  // A page is bounded in bytes as well as in entries: a reply carries at
  // most core::k_max_page_bytes, so the entries past what (roughly) fits
  // are dropped as soon as the page holds twice that, with the series only
  // they referred to (1,300 minutely series with 60 KB descriptions each
  // made one request hold them all: 124 MB). The page then says `more`;
  // the next one starts after its last entry.
  std::size_t held = 0; // bytes of entries and series, estimated
  auto keep_what_fits = [&] {
    std::sort(entries.begin(), entries.end(), in_list_order);
    std::set<std::int64_t> kept;
    std::size_t used = 0;
    std::size_t count = 0;
    for (const ListEntry &entry : entries) {
      std::size_t cost = 0;
      if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
        cost = 160 + (listed->changed ? override_bytes(*listed->changed) : 0);
        if (kept.count(listed->series_id) == 0) {
          cost += event_bytes(page.series.at(listed->series_id));
        }
      } else {
        cost = event_bytes(std::get<core::Event>(entry));
      }
      if (count > 0 && used + cost > core::k_max_page_bytes) {
        break;
      }
      used += cost;
      ++count;
      if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
        kept.insert(listed->series_id);
      }
    }
    if (count < entries.size()) {
      entries.resize(count);
      page.more = true;
      const core::SysSeconds last = cursor_of(entries.back()).start_utc;
      if (last >= query.range.begin && last < expand_until) {
        expand_until = last + core::Seconds{1};
      }
    }
    std::erase_if(page.series, [&](const auto &item) { return kept.count(item.first) == 0; });
    held = used;
  };
  for (const ListEntry &entry : entries) {
    held += std::holds_alternative<core::Event>(entry) ? event_bytes(std::get<core::Event>(entry))
                                                       : 160;
  }
  if (held > k_page_budget) {
    keep_what_fits(); // the single events alone fill a page
  }
  const bool prune = query.expand && limit < std::numeric_limits<std::size_t>::max() / 4;
  if (prune && entries.size() > limit) {
    keep_first();
  }
  // Expanded, a series is wanted whatever its first start: its cursor test
  // is on occurrences (expand_series).
  const bool series_after = bounds.paged && !query.expand;
  const bool viewer = by_viewer(query);
  Use s(m_list_series);
  // For a viewer, a floating series whose instants in summitd's zone miss
  // the range may still meet it in the viewer's reading.
  s->bind(":from",
          viewer ? to_unix(earlier_by(query.range.begin, k_floating_margin)) : bounds.from);
  s->bind(":to", viewer ? to_unix(later_by(query.range.end, k_floating_margin)) : bounds.to);
  s->bind(":after_start",
          series_after ? bounds.after_start : std::numeric_limits<std::int64_t>::min());
  s->bind(":after_id", series_after ? bounds.after_id : 0);
  if (query.tag) {
    s->bind(":tag", *query.tag);
  } else {
    s->bind(":tag");
  }
  if (query.calendar_id) {
    s->bind(":calendar", *query.calendar_id);
  }
  if (bounds.search) {
    s->bind(":search", *bounds.search);
  } else {
    s->bind(":search");
  }
  while (s->executeStep()) {
    core::Event series = read_event(*s);
    const bool floating = viewer && core::is_floating(series.tz);
    if (viewer && !floating &&
        !(to_unix(query.range.begin) <= s->getColumn(k_series_end_column).getInt64() &&
          s->getColumn(k_series_start_column).getInt64() < bounds.to)) {
      continue; // found by the widened range only
    }
    if (!query.expand) {
      held += event_bytes(series);
      entries.emplace_back(std::move(series));
      if (held > k_page_budget) {
        keep_what_fits();
      }
      continue;
    }
    // Occurrences before the cursor's start cannot come after it. A
    // floating series' occurrences are read in the viewer's zone: its
    // window is widened, and expand_series keeps those that meet the range.
    core::TimeRange window{query.range.begin, expand_until};
    if (floating) {
      window.begin = earlier_by(window.begin, k_floating_margin);
      if (expand_until == query.range.end) {
        window.end = later_by(window.end, k_floating_margin);
      }
    }
    if (bounds.paged) {
      window.begin = std::max(window.begin, query.after->start_utc);
    }
    const std::size_t before = entries.size();
    const std::size_t series_bytes = event_bytes(series);
    if (auto added = expand_series(std::move(series), query, window, limit, budget, page); !added) {
      return added;
    }
    if (entries.size() > before) {
      held += series_bytes + 160 * (entries.size() - before);
    }
    if (prune && entries.size() > 2 * (limit + 1)) {
      keep_first();
    }
    if (held > k_page_budget) {
      keep_what_fits();
    }
  }
  return {};
}

// Adds the occurrences of `series` in `window` that come after the query's
// cursor, at most limit + 1 of them, and the series itself if any did.
core::Result<void> EventPages::expand_series(core::Event series, const ListQuery &query,
                                             const core::TimeRange &window, std::size_t limit,
                                             ical::ExpansionBudget &budget, ListPage &page) {
  auto zone = core::find_zone(series.tz);
  if (!zone || window.begin > window.end) {
    return {}; // its zone left tzdata: nothing can be expanded
  }
  // What the cursor has already listed: a prefix of the occurrences in list order.
  // A floating series for a viewer: its occurrences by their wall times in
  // the viewer's zone.
  const bool floating = by_viewer(query) && core::is_floating(series.tz);
  const bool point = series.precision == core::Precision::timed && !series.has_end;
  auto for_viewer = [&](const ical::Occurrence &occurrence) {
    return !floating ||
           overlaps_for_viewer(occurrence.start_local,
                               point ? std::nullopt : std::optional(occurrence.end_local),
                               query.viewer, query.range);
  };
  auto listed_before = [&](const ical::Occurrence &occurrence) {
    if (floating && !for_viewer(occurrence) &&
        core::resolve_local(occurrence.start_local, query.viewer).utc < query.range.begin) {
      return true; // before the range in the viewer's reading
    }
    return query.after &&
           ListQuery::Cursor{occurrence.start_utc, series.id, occurrence.id} <= *query.after;
  };
  std::vector<ical::Occurrence> found;
  std::size_t skipped = 0;
  for (std::size_t want = limit + 1;;) {
    auto expanded = ical::occurrences(series, *zone, window, want, budget);
    if (!expanded) {
      return tl::unexpected(expanded.error());
    }
    found = std::move(*expanded);
    skipped = 0;
    while (skipped < found.size() && listed_before(found[skipped])) {
      ++skipped;
    }
    if (found.size() < want || found.size() - skipped > limit) {
      break;
    }
    want = limit + 1 + skipped; // the cursor's own start took some
  }
  bool any = false;
  for (std::size_t i = skipped; i < found.size(); ++i) {
    const ical::Occurrence &occurrence = found[i];
    if (!for_viewer(occurrence) ||
        (query.after &&
         ListQuery::Cursor{occurrence.start_utc, series.id, occurrence.id} <= *query.after)) {
      continue;
    }
    any = true;
    ListedOccurrence listed{series.id,
                            {occurrence.id, occurrence.start_local, occurrence.end_local,
                             occurrence.start_utc, occurrence.end_utc},
                            std::nullopt};
    if (occurrence.changed != nullptr) {
      listed.changed = *occurrence.changed;
    }
    page.entries.emplace_back(std::move(listed));
  }
  if (any) {
    page.series.emplace(series.id, std::move(series));
  }
  return {};
}

ListQuery::Cursor cursor_of(const ListEntry &entry) {
  if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
    return {listed->times.start_utc, listed->series_id, listed->times.id};
  }
  const auto &event = std::get<core::Event>(entry);
  return {event.start_utc, event.id, std::nullopt};
}

std::vector<core::Event> ListPage::events() const {
  std::vector<core::Event> out;
  for (const ListEntry &entry : entries) {
    if (const auto *listed = std::get_if<ListedOccurrence>(&entry)) {
      const core::OccurrenceTimes &times = listed->times;
      ical::Occurrence occurrence{times.id,        times.start_local,
                                  times.end_local, times.start_utc,
                                  times.end_utc,   listed->changed ? &*listed->changed : nullptr};
      out.push_back(ical::occurrence_event(series.at(listed->series_id), occurrence));
    } else {
      out.push_back(std::get<core::Event>(entry));
    }
  }
  return out;
}

} // namespace summit::store
