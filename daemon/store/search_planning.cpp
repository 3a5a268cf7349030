#include "daemon/store/search_planning.hpp"

#include "core/zones.hpp"
#include "daemon/store/event_rows.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace summit::store {

namespace {

// SearchPlan::by_start walks the ids in list order: events_by_start (or the
// tag's rows) alone while start_utc >= :from, so no row is read for the
// test; only the few starting before :from are read, for their end.
std::string walk_ids_sql(bool with_tag) {
  if (with_tag) {
    return "SELECT t.event_id FROM event_tags t "
           "WHERE t.tag = :tag AND t.start_utc >= :lower AND t.start_utc < :to AND "
           "(t.start_utc >= :from OR (SELECT e.end_utc FROM events e WHERE e.id = t.event_id) > "
           ":from) ORDER BY t.start_utc, t.event_id";
  }
  return "SELECT e.id FROM events e "
         "WHERE e.start_utc >= :lower AND e.start_utc < :to AND "
         "(e.start_utc >= :from OR e.end_utc > :from) ORDER BY e.start_utc, e.id";
}

// by_start gives up, for from_matches, after walking this many events per
// match without filling the page: the matches then lie mostly outside the
// range, and from_matches costs about this many walked events per match
// (bench/README.md, search plans). So a wrong guess costs at most about
// twice the better plan.
constexpr std::size_t k_walk_per_match = 3;
// Ids above this make the set of matches (one bit per id) too large to hold;
// from_matches is used then.
constexpr std::int64_t k_max_bitmap_id = std::int64_t{1} << 27;

} // namespace

SearchPlanner::SearchPlanner(SQLite::Database &db)
    : m_search_ids(db, "SELECT rowid FROM events_fts WHERE events_fts MATCH :search"),
      m_walk_ids(db, walk_ids_sql(false)), m_walk_tag_ids(db, walk_ids_sql(true)) {}

std::optional<std::vector<core::Event>>
SearchPlanner::by_start(EventRows &rows, const std::string &search,
                        const std::optional<std::string> &tag, std::int64_t lower,
                        std::int64_t from, std::int64_t to, std::size_t limit, SearchPlan plan,
                        bool no_floating) {
  if (plan == SearchPlan::from_matches) {
    return std::nullopt;
  }
  std::vector<bool> matches;
  std::size_t count = 0;
  {
    Use s(m_search_ids);
    s->bind(":search", search);
    while (s->executeStep()) {
      const std::int64_t id = s->getColumn(0).getInt64();
      if (id < 0 || id > k_max_bitmap_id) {
        return std::nullopt;
      }
      const auto bit = static_cast<std::size_t>(id);
      if (bit >= matches.size()) {
        matches.resize(std::max(bit + 1, 2 * matches.size()));
      }
      matches[bit] = true;
      ++count;
    }
  }
  if (plan == SearchPlan::automatic && count <= limit + 1) {
    return std::nullopt; // a page or less: sorting them is cheapest
  }
  const std::size_t budget = plan == SearchPlan::automatic
                                 ? k_walk_per_match * count
                                 : std::numeric_limits<std::size_t>::max();
  std::vector<core::Event> found;
  Use s(tag ? m_walk_tag_ids : m_walk_ids);
  s->bind(":lower", lower);
  s->bind(":from", from);
  s->bind(":to", to);
  if (tag) {
    s->bind(":tag", *tag);
  }
  std::size_t walked = 0;
  while (found.size() <= limit && s->executeStep()) {
    const std::int64_t id = s->getColumn(0).getInt64();
    const auto bit = static_cast<std::size_t>(id);
    if (id >= 0 && bit < matches.size() && matches[bit]) {
      if (auto event = rows.find(id);
          event && !event->recurrence && !(no_floating && core::is_floating(event->tz))) {
        found.push_back(std::move(*event));
      }
    } else if (++walked > budget) {
      return std::nullopt;
    }
  }
  return found;
}

} // namespace summit::store
