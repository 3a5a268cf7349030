#pragma once

#include "core/event.hpp"

#include <SQLiteCpp/Statement.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace summit::store {

class EventRows;

// How a text search is run; both give the same page.
enum class SearchPlan {
  // by_start when the words are common, from_matches when they are rare.
  automatic,
  // From the text matches: each is read and checked against the range,
  // then all are sorted. Costs about 0.5 us per match (1M events).
  from_matches,
  // Along the events in start order (events_by_start, or the tag's rows),
  // keeping those in the set of matches read first, until the page is full.
  // Costs about 0.1 us per match plus 0.15 us per event walked past.
  by_start,
};

// Chooses between the two plans of a text search and runs by_start; the
// from_matches plan is one statement of the listing (EventPages).
// Statements are prepared once, on one connection; methods throw
// SQLite::Exception or DamagedRow (the EventStore answers with a Result).
class SearchPlanner {
public:
  explicit SearchPlanner(SQLite::Database &db);

  // SearchPlan::by_start: reads the ids of the text matches of `search` (an
  // FTS5 query) into a set (one bit per id), then walks the events starting
  // in [lower, to) in list order that overlap `from` (with `tag`, if any),
  // keeping those in the set, until limit + 1. Series are skipped: the
  // listing expands them apart. Nothing when from_matches is the better
  // plan: `plan` says so, the matches are no more than a page, an id is too
  // large for the set, or the walk passes k_walk_per_match events per match
  // without filling the page.
  // With `no_floating`, floating events are left out (event.list with a
  // viewer's zone chooses them apart, by their wall times there).
  std::optional<std::vector<core::Event>> by_start(EventRows &rows, const std::string &search,
                                                   const std::optional<std::string> &tag,
                                                   std::int64_t lower, std::int64_t from,
                                                   std::int64_t to, std::size_t limit,
                                                   SearchPlan plan, bool no_floating = false);

private:
  SQLite::Statement m_search_ids;
  SQLite::Statement m_walk_ids;
  SQLite::Statement m_walk_tag_ids;
};

} // namespace summit::store
