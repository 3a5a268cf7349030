// EventStore on a real SQLite file in a fresh folder per test, with the real
// embedded migrations.
#include "daemon/store/event_store.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/migrator.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <date/date.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace summit::store {
namespace {

namespace fs = std::filesystem;
using namespace date;
using namespace std::chrono_literals;
using core::ErrorCode;
using core::Event;
using core::Precision;
using core::Reminder;
using core::Status;
using core::SysSeconds;

constexpr auto k_never = SysSeconds::max();

std::int64_t unix_of(SysSeconds t) { return t.time_since_epoch().count(); }

// A timed event in UTC (wall time == instant), `length` long.
Event timed(std::string title, SysSeconds start, core::Seconds length = 0s) {
  Event e;
  e.title = std::move(title);
  e.precision = Precision::timed;
  e.tz = "UTC";
  e.start_local = core::LocalSeconds{start.time_since_epoch()};
  e.end_local = e.start_local + length;
  e.has_end = length != 0s;
  e.start_utc = start;
  e.end_utc = start + length;
  return e;
}

// The CIS heads-of-government meeting: every field set to something that
// is not a default, so that a field the store drops shows up.
Event minsk_summit() {
  Event e;
  e.uid = "cis-2025@example.org";
  e.title = "Council of Heads of Government of the CIS";
  e.precision = Precision::timed;
  e.start_local = local_days{2025_y / September / 26} + 10h;
  e.end_local = e.start_local + 3h + 30min;
  e.has_end = true;
  e.tz = "Europe/Minsk";
  e.start_later = true;
  e.start_utc = sys_days{2025_y / September / 26} + 7h;
  e.end_utc = e.start_utc + 3h + 30min;
  e.location = "Minsk, Belarus";
  e.description = "Regular session; agenda \"to be announced\"";
  e.tags = {"cis", "minsk", "heads of government"};
  e.status = Status::tentative;
  e.reminders = {Reminder{core::Seconds{7 * 86400}, std::nullopt},
                 Reminder{std::nullopt, sys_days{2025_y / September / 20} + 9h},
                 Reminder{core::Seconds{3600}, std::nullopt}};
  e.owner_uid = 1000;
  e.created = sys_days{2025_y / March / 1} + 12h;
  e.updated = sys_days{2025_y / March / 2} + 8h + 15min + 7s;
  return e;
}

void expect_same_event(const Event &actual, const Event &expected) {
  EXPECT_EQ(actual.id, expected.id);
  EXPECT_EQ(actual.uid, expected.uid);
  EXPECT_EQ(actual.title, expected.title);
  EXPECT_EQ(actual.precision, expected.precision);
  EXPECT_EQ(date::format("%FT%T", actual.start_local), date::format("%FT%T", expected.start_local));
  EXPECT_EQ(date::format("%FT%T", actual.end_local), date::format("%FT%T", expected.end_local));
  EXPECT_EQ(actual.has_end, expected.has_end);
  EXPECT_EQ(actual.tz, expected.tz);
  EXPECT_EQ(actual.start_later, expected.start_later);
  EXPECT_EQ(unix_of(actual.start_utc), unix_of(expected.start_utc));
  EXPECT_EQ(unix_of(actual.end_utc), unix_of(expected.end_utc));
  EXPECT_EQ(actual.location, expected.location);
  EXPECT_EQ(actual.description, expected.description);
  EXPECT_EQ(actual.tags, expected.tags);
  EXPECT_EQ(actual.status, expected.status);
  EXPECT_TRUE(actual.reminders == expected.reminders);
  EXPECT_EQ(actual.owner_uid, expected.owner_uid);
  EXPECT_EQ(unix_of(actual.created), unix_of(expected.created));
  EXPECT_EQ(unix_of(actual.updated), unix_of(expected.updated));
}

std::vector<std::string> titles(const ListPage &page) {
  std::vector<std::string> out;
  for (const Event &e : page.events()) {
    out.push_back(e.title);
  }
  return out;
}

ListQuery between(SysSeconds from, SysSeconds to) {
  ListQuery q;
  q.range = core::TimeRange{from, to};
  return q;
}

class EventStoreTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "summit-store-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    m_dir = pattern;
    m_path = m_dir / "summit.db";
    reopen();
  }
  void TearDown() override {
    m_store.reset();
    std::error_code ec;
    fs::remove_all(m_dir, ec);
  }

  void reopen() {
    m_store.reset();
    auto opened = EventStore::open(m_path);
    ASSERT_TRUE(opened) << opened.error().message;
    m_store = std::move(*opened);
  }

  Event add(Event e) {
    auto added = m_store->add(std::move(e));
    EXPECT_TRUE(added) << added.error().message;
    return added ? *added : Event{};
  }

  ListPage list(const ListQuery &q) {
    auto page = m_store->list(q);
    EXPECT_TRUE(page) << page.error().message;
    return page ? *page : ListPage{};
  }

  std::vector<std::string> titles_between(SysSeconds from, SysSeconds to) {
    return titles(list(between(from, to)));
  }

  fs::path m_dir;
  fs::path m_path;
  std::unique_ptr<EventStore> m_store;
};

const SysSeconds k_sep26 = sys_days{2025_y / September / 26};

TEST_F(EventStoreTest, add_then_get_returns_every_field_of_a_timed_event) {
  const Event added = add(minsk_summit());
  EXPECT_GT(added.id, 0);
  Event expected = minsk_summit();
  expected.id = added.id;
  expect_same_event(added, expected);

  auto got = m_store->get(added.id);
  ASSERT_TRUE(got) << got.error().message;
  expect_same_event(*got, expected);
}

TEST_F(EventStoreTest, all_day_and_month_events_keep_their_dates_and_precision) {
  Event day = timed("Independence Day reception", sys_days{2025_y / July / 3}, 24h);
  day.precision = Precision::all_day;
  day.tz = "Europe/Minsk";
  day.start_local = local_days{2025_y / July / 3};
  day.end_local = local_days{2025_y / July / 5}; // two days, end exclusive
  day.start_utc = sys_days{2025_y / July / 2} + 21h;
  day.end_utc = sys_days{2025_y / July / 4} + 21h;
  day.has_end = true;

  Event month = timed("CIS summit (date TBA)", sys_days{2025_y / October / 1});
  month.precision = Precision::month;
  month.status = Status::tentative;
  month.tz = "Asia/Dushanbe";
  month.start_local = local_days{2025_y / October / 1};
  month.end_local = local_days{2025_y / November / 1};
  month.start_utc = sys_days{2025_y / September / 30} + 19h;
  month.end_utc = sys_days{2025_y / October / 31} + 19h;
  month.has_end = false;

  const Event stored_day = add(day);
  const Event stored_month = add(month);
  day.id = stored_day.id;
  day.uid = stored_day.uid;
  month.id = stored_month.id;
  month.uid = stored_month.uid;

  reopen();
  auto got_day = m_store->get(day.id);
  auto got_month = m_store->get(month.id);
  ASSERT_TRUE(got_day && got_month);
  expect_same_event(*got_day, day);
  expect_same_event(*got_month, month);
}

TEST_F(EventStoreTest, an_event_without_uid_gets_a_random_one) {
  const Event a = add(timed("a", k_sep26));
  const Event b = add(timed("b", k_sep26));
  EXPECT_TRUE(a.uid.ends_with("@summit")) << a.uid;
  EXPECT_EQ(a.uid.size(), 32 + std::string("@summit").size()) << a.uid;
  EXPECT_EQ(a.uid.find_first_not_of("0123456789abcdef"), 32u) << a.uid;
  EXPECT_NE(a.uid, b.uid);
  EXPECT_EQ(m_store->get(a.id)->uid, a.uid);
}

TEST_F(EventStoreTest, unknown_id_is_not_found_for_get_update_and_remove) {
  auto got = m_store->get(42);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::not_found);
  EXPECT_NE(got.error().message.find("42"), std::string::npos) << got.error().message;

  Event ghost = timed("ghost", k_sep26);
  ghost.id = 42;
  auto updated = m_store->update(ghost);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::not_found);

  auto removed = m_store->remove(42);
  ASSERT_FALSE(removed);
  EXPECT_EQ(removed.error().code, ErrorCode::not_found);
  EXPECT_EQ(*m_store->count(), 0);
}

TEST_F(EventStoreTest, a_uid_already_in_use_is_a_conflict) {
  const Event first = add(minsk_summit());
  Event again = minsk_summit();
  again.title = "a second event with the same uid";
  auto added = m_store->add(again);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::conflict);
  EXPECT_NE(added.error().message.find("cis-2025@example.org"), std::string::npos);
  EXPECT_EQ(*m_store->count(), 1);

  Event other = add(timed("other", k_sep26));
  other.uid = first.uid;
  auto updated = m_store->update(other);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().code, ErrorCode::conflict);
  EXPECT_EQ(m_store->get(other.id)->title, "other");
}

TEST_F(EventStoreTest, update_replaces_every_field_and_what_filters_see) {
  const Event added = add(minsk_summit());
  Event changed = timed("Summit of CIS Heads of State", k_sep26 + 30 * 24h, 2h);
  changed.id = added.id;
  changed.uid = "renamed@example.org";
  changed.tz = "Asia/Dushanbe";
  changed.location = "Dushanbe, Tajikistan";
  changed.description = "moved";
  changed.tags = {"heads of state"};
  changed.status = Status::confirmed;
  changed.reminders = {Reminder{core::Seconds{600}, std::nullopt}};
  changed.owner_uid = 0;
  changed.created = added.created;
  changed.updated = sys_days{2025_y / April / 1};

  auto updated = m_store->update(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  auto got = m_store->get(added.id);
  ASSERT_TRUE(got);
  expect_same_event(*got, changed);

  ListQuery old_tag = between(SysSeconds::min(), k_never);
  old_tag.tag = "cis";
  EXPECT_TRUE(list(old_tag).events().empty());
  ListQuery new_tag = between(k_sep26 + 29 * 24h, k_sep26 + 31 * 24h);
  new_tag.tag = "heads of state";
  EXPECT_EQ(titles(list(new_tag)), std::vector<std::string>{"Summit of CIS Heads of State"});

  ListQuery old_words = between(SysSeconds::min(), k_never);
  old_words.search = "minsk";
  EXPECT_TRUE(list(old_words).events().empty());
  ListQuery new_words = between(SysSeconds::min(), k_never);
  new_words.search = "dushanbe";
  EXPECT_EQ(list(new_words).events().size(), 1u);
}

TEST_F(EventStoreTest, update_with_empty_uid_keeps_the_stored_uid) {
  const Event added = add(minsk_summit());
  Event changed = added;
  changed.uid.clear();
  changed.title = "renamed";
  auto updated = m_store->update(changed);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->uid, "cis-2025@example.org");
  EXPECT_EQ(m_store->get(added.id)->uid, "cis-2025@example.org");
}

TEST_F(EventStoreTest, remove_takes_the_event_its_tags_reminders_and_text_with_it) {
  const Event gone = add(minsk_summit());
  const Event kept = add(timed("Minsk forum", k_sep26, 1h));
  ASSERT_TRUE(m_store->remove(gone.id));

  EXPECT_EQ(m_store->get(gone.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(*m_store->count(), 1);
  ListQuery tagged = between(SysSeconds::min(), k_never);
  tagged.tag = "cis";
  EXPECT_TRUE(list(tagged).events().empty());
  ListQuery words = between(SysSeconds::min(), k_never);
  words.search = "minsk";
  EXPECT_EQ(titles(list(words)), std::vector<std::string>{"Minsk forum"});
  EXPECT_EQ(m_store->database().execAndGet("SELECT count(*) FROM reminders").getInt(), 0);
  EXPECT_EQ(m_store->database().execAndGet("SELECT count(*) FROM event_tags").getInt(), 0);
  EXPECT_EQ(m_store->remove(gone.id).error().code, ErrorCode::not_found);
}

// After `summit rm 9` an old `summit rm 9` from the shell history must not
// remove a different meeting: a removed id is never given again, not even
// after a restart, and not even when the removed event was the newest.
TEST_F(EventStoreTest, an_id_is_never_given_again_after_its_event_is_removed) {
  const Event first = add(timed("First", k_sep26, 1h));
  const Event newest = add(timed("Newest", k_sep26, 1h));
  ASSERT_TRUE(m_store->remove(newest.id));
  const Event next = add(timed("Next", k_sep26, 1h));
  EXPECT_EQ(next.id, newest.id + 1);
  ASSERT_TRUE(m_store->remove(next.id));
  ASSERT_TRUE(m_store->remove(first.id));
  reopen();
  const Event after_restart = add(timed("After restart", k_sep26, 1h));
  EXPECT_EQ(after_restart.id, next.id + 1);
  EXPECT_EQ(m_store->get(newest.id).error().code, ErrorCode::not_found);
}

TEST_F(EventStoreTest, invalid_reminders_and_reversed_times_are_refused_before_writing) {
  Event both = timed("both", k_sep26);
  both.reminders = {Reminder{core::Seconds{60}, k_sep26}};
  EXPECT_EQ(m_store->add(both).error().code, ErrorCode::invalid_params);
  Event neither = timed("neither", k_sep26);
  neither.reminders = {Reminder{}};
  EXPECT_EQ(m_store->add(neither).error().code, ErrorCode::invalid_params);
  Event reversed = timed("reversed", k_sep26);
  reversed.end_utc = k_sep26 - 1s;
  EXPECT_EQ(m_store->add(reversed).error().code, ErrorCode::invalid_params);
  EXPECT_EQ(*m_store->count(), 0);
}

TEST_F(EventStoreTest, list_orders_by_start_then_id) {
  const Event late = add(timed("late", k_sep26 + 2h));
  const Event tie_first = add(timed("tie first added", k_sep26 + 1h));
  const Event early = add(timed("early", k_sep26));
  const Event tie_second = add(timed("tie second added", k_sep26 + 1h, 5h));
  (void)late;
  (void)early;
  ASSERT_LT(tie_first.id, tie_second.id);
  EXPECT_EQ(titles_between(SysSeconds::min(), k_never),
            (std::vector<std::string>{"early", "tie first added", "tie second added", "late"}));
}

// Range [09:00, 12:00) on 26 Sep:
//
//   08:00        09:00        10:00        11:00        12:00        13:00
//     |            [==========================================)
//     [== ends at 09:00 (out)
//     [===== 08:00-09:30 (in) ==)
//                  * point at 09:00 (in)                   * point at 12:00 (out)
//                                           [=== 11:00-13:00 (in) ========)
//                                                          [= 12:00-13:00 (out)
TEST_F(EventStoreTest, a_range_lists_events_that_overlap_it_and_point_events_inside) {
  const SysSeconds nine = k_sep26 + 9h;
  add(timed("ends at from", k_sep26 + 8h, 1h));
  add(timed("overlaps from", k_sep26 + 8h, 90min));
  add(timed("point at from", nine));
  add(timed("point at to", k_sep26 + 12h));
  add(timed("overlaps to", k_sep26 + 11h, 2h));
  add(timed("starts at to", k_sep26 + 12h, 1h));
  add(timed("point inside", k_sep26 + 10h));
  EXPECT_EQ(
      titles_between(nine, k_sep26 + 12h),
      (std::vector<std::string>{"overlaps from", "point at from", "point inside", "overlaps to"}));
}

TEST_F(EventStoreTest, all_day_and_month_events_overlapping_the_range_start_are_listed) {
  Event day = timed("two-day conference", k_sep26 - 24h, 48h);
  day.precision = Precision::all_day;
  add(day);
  Event month = timed("September session (date TBA)", sys_days{2025_y / September / 1},
                      sys_days{2025_y / October / 1} - sys_days{2025_y / September / 1});
  month.precision = Precision::month;
  add(month);
  add(timed("last week", k_sep26 - 7 * 24h, 1h));

  EXPECT_EQ(titles_between(k_sep26 + 12h, k_sep26 + 13h),
            (std::vector<std::string>{"September session (date TBA)", "two-day conference"}));
  EXPECT_EQ(titles_between(sys_days{2025_y / October / 1}, k_never), std::vector<std::string>{});
}

// The range query starts its index walk at `from` minus the longest event:
// a year-long event that began long before `from` must still be found, and
// removing it must not lose anything either.
TEST_F(EventStoreTest, a_long_event_that_started_long_ago_is_still_listed) {
  const Event year = add(timed("mandate 2025", sys_days{2025_y / January / 1}, 365 * 24h));
  for (int day = 0; day < 30; ++day) {
    add(timed("daily " + std::to_string(day), sys_days{2025_y / September / 1} + day * 24h + 12h,
              1h));
  }
  ListQuery q = between(k_sep26 + 6h, k_sep26 + 18h);
  EXPECT_EQ(titles(list(q)), (std::vector<std::string>{"mandate 2025", "daily 25"}));
  ASSERT_TRUE(m_store->remove(year.id));
  EXPECT_EQ(titles(list(q)), std::vector<std::string>{"daily 25"});
}

TEST_F(EventStoreTest, the_tag_filter_matches_the_whole_tag_exactly) {
  Event a = timed("a", k_sep26);
  a.tags = {"cis"};
  Event b = timed("b", k_sep26 + 1h);
  b.tags = {"cis-summit"};
  Event c = timed("c", k_sep26 + 2h);
  c.tags = {"CIS"};
  Event d = timed("d", k_sep26 + 3h);
  d.tags = {"un", "cis", "cis"}; // a repeated tag lists once
  add(a);
  add(b);
  add(c);
  add(d);
  ListQuery q = between(SysSeconds::min(), k_never);
  q.tag = "cis";
  EXPECT_EQ(titles(list(q)), (std::vector<std::string>{"a", "d"}));
  q.tag = "ci";
  EXPECT_TRUE(list(q).events().empty());
}

TEST_F(EventStoreTest, the_tag_filter_follows_a_start_that_moved) {
  Event e = add(timed("moved", k_sep26, 1h));
  e.tags = {"cis"};
  ASSERT_TRUE(m_store->update(e));
  // Move it by rewriting the instant only, as recompute_instants does.
  m_store->database().exec("UPDATE events SET start_utc = start_utc + 86400, "
                           "end_utc = end_utc + 86400");
  ListQuery q = between(k_sep26 + 24h, k_sep26 + 48h);
  q.tag = "cis";
  EXPECT_EQ(titles(list(q)), std::vector<std::string>{"moved"});
  q.range = core::TimeRange{k_sep26, k_sep26 + 2h};
  EXPECT_TRUE(list(q).events().empty());
}

class EventStoreSearchTest : public EventStoreTest {
protected:
  void SetUp() override {
    EventStoreTest::SetUp();
    Event cis = timed("Council of Heads of Government of the CIS", k_sep26, 3h);
    cis.location = "Minsk, Belarus";
    cis.tags = {"cis"};
    add(cis);
    Event org = timed("Organising committee", k_sep26 + 1h, 1h);
    org.location = "Minsk";
    add(org);
    Event near = timed("Near East forum", k_sep26 + 2h, 1h);
    near.description = "Bilateral talks on trade";
    add(near);
    Event dushanbe = timed("Summit of the Heads of State", k_sep26 + 30 * 24h, 3h);
    dushanbe.location = "Dushanbe, Tajikistan";
    dushanbe.tags = {"cis"};
    add(dushanbe);
  }

  std::vector<std::string> search(const std::string &text) {
    ListQuery q = between(SysSeconds::min(), k_never);
    q.search = text;
    return titles(list(q));
  }
};

TEST_F(EventStoreSearchTest, words_match_as_prefixes_in_any_text_field_ignoring_case) {
  EXPECT_EQ(search("mins"), (std::vector<std::string>{"Council of Heads of Government of the CIS",
                                                      "Organising committee"}));
  EXPECT_EQ(search("TAJIK"), std::vector<std::string>{"Summit of the Heads of State"});
  EXPECT_EQ(search("trade"), std::vector<std::string>{"Near East forum"});
  EXPECT_TRUE(search("belarusian").empty());
}

TEST_F(EventStoreSearchTest, every_word_must_occur) {
  EXPECT_EQ(search("heads minsk"),
            std::vector<std::string>{"Council of Heads of Government of the CIS"});
  EXPECT_EQ(search("heads"), (std::vector<std::string>{"Council of Heads of Government of the CIS",
                                                       "Summit of the Heads of State"}));
  EXPECT_TRUE(search("heads paris").empty());
}

TEST_F(EventStoreSearchTest, quotes_and_fts_operators_in_the_text_are_plain_words) {
  // Each of these is an FTS5 syntax error or an operator if passed raw.
  for (const char *text :
       {"\"", "minsk OR", "*", "NEAR(", "\"minsk", "minsk\"", "AND", "-", "title:minsk", "^minsk",
        "minsk + belarus", "(", "''", "NOT minsk", "\"\"\"", "{title}:x"}) {
    ListQuery q = between(SysSeconds::min(), k_never);
    q.search = text;
    auto page = m_store->list(q);
    EXPECT_TRUE(page) << "search '" << text << "': " << page.error().message;
  }
  // "OR" is a word like any other: it must occur (as "Organising" does).
  EXPECT_EQ(search("minsk OR"), std::vector<std::string>{"Organising committee"});
  EXPECT_EQ(search("NEAR("), std::vector<std::string>{"Near East forum"});
  EXPECT_EQ(search("\"minsk"),
            (std::vector<std::string>{"Council of Heads of Government of the CIS",
                                      "Organising committee"}));
  EXPECT_EQ(search("NOT minsk"), std::vector<std::string>{});
}

TEST_F(EventStoreSearchTest, empty_or_blank_text_is_no_filter) {
  EXPECT_EQ(search("").size(), 4u);
  EXPECT_EQ(search("  \t ").size(), 4u);
}

TEST_F(EventStoreSearchTest, search_combines_with_tag_and_range) {
  ListQuery q = between(SysSeconds::min(), k_never);
  q.search = "heads";
  q.tag = "cis";
  EXPECT_EQ(titles(list(q)), (std::vector<std::string>{"Council of Heads of Government of the CIS",
                                                       "Summit of the Heads of State"}));
  q.range = core::TimeRange{k_sep26 + 24h, k_never};
  EXPECT_EQ(titles(list(q)), std::vector<std::string>{"Summit of the Heads of State"});
  q.search = "minsk";
  EXPECT_TRUE(list(q).events().empty());
}

// ---- search plans: from the matches, or along start order ----

// 600 events an hour apart in scrambled order, some points, some a month
// long (so that the range's lower bound reaches back), a quarter tagged "t".
// "alpha" is in every title, "beta" in a third, "gamma" in one in fifty,
// "delta" in two; "early" only in the first fifty hours.
class SearchPlanTest : public EventStoreTest {
protected:
  static constexpr int k_events = 600;

  void SetUp() override {
    EventStoreTest::SetUp();
    m_store->enable_group_commit([] {}); // one transaction, one fsync
    for (int i = 0; i < k_events; ++i) {
      const int hour = (i * 7919) % k_events;
      const core::Seconds length = i % 7 == 0 ? core::Seconds{0} : i % 11 == 0 ? 30 * 24h : 1h;
      std::string title = "alpha meeting " + std::to_string(i);
      if (i % 3 == 0) {
        title += " beta";
      }
      if (i % 50 == 0) {
        title += " gamma";
      }
      if (i == 17 || i == 401) {
        title += " delta";
      }
      if (hour < 50) {
        title += " early";
      }
      Event e = timed(title, k_sep26 + hour * 1h, length);
      e.location = i % 2 == 0 ? "Minsk, Belarus" : "Dushanbe, Tajikistan";
      if (i % 4 == 0) {
        e.tags = {"t"};
      }
      add(e);
    }
    ASSERT_TRUE(m_store->commit_group());
  }

  void TearDown() override {
    m_planned.clear();
    EventStoreTest::TearDown();
  }

  // The page each plan gives, as ids (and "more"), from a store of its own
  // on the same file.
  std::vector<std::int64_t> page_with(SearchPlan plan, const ListQuery &q, bool *more = nullptr) {
    auto &store = m_planned[plan];
    if (!store) {
      StoreOptions options;
      options.search_plan = plan;
      auto opened = EventStore::open(m_path, options);
      EXPECT_TRUE(opened) << opened.error().message;
      store = std::move(*opened);
    }
    auto page = store->list(q);
    EXPECT_TRUE(page) << page.error().message;
    if (!page) {
      return {};
    }
    if (more != nullptr) {
      *more = page->more;
    }
    std::vector<std::int64_t> ids;
    for (const Event &e : page->events()) {
      ids.push_back(e.id);
    }
    return ids;
  }

  std::map<SearchPlan, std::unique_ptr<EventStore>> m_planned;
};

TEST_F(SearchPlanTest, both_plans_give_the_same_pages) {
  const std::vector<core::TimeRange> ranges{
      {SysSeconds::min(), k_never},
      {k_sep26 + 100h, k_never},
      {k_sep26 + 100h + 30min, k_sep26 + 300h},
      {k_sep26 + 599h, k_never},
      {k_sep26 + 1000h, k_never},
  };
  std::size_t nonempty = 0;
  for (const auto &range : ranges) {
    for (const std::size_t limit : {1, 10, 100, 1000}) {
      for (const bool tagged : {false, true}) {
        for (const char *words : {"alpha", "beta", "gamma", "delta", "alp", "alpha beta",
                                  "minsk gamma", "early", "nothing"}) {
          ListQuery q;
          q.range = range;
          q.limit = limit;
          q.search = words;
          if (tagged) {
            q.tag = "t";
          }
          bool more_matches = false;
          bool more_start = false;
          const auto from_matches = page_with(SearchPlan::from_matches, q, &more_matches);
          const auto by_start = page_with(SearchPlan::by_start, q, &more_start);
          const auto automatic = page_with(SearchPlan::automatic, q);
          const auto what = ::testing::Message()
                            << "'" << words << "' limit " << limit << (tagged ? " tag t" : "")
                            << " from " << unix_of(range.begin);
          EXPECT_EQ(by_start, from_matches) << what;
          EXPECT_EQ(more_start, more_matches) << what;
          EXPECT_EQ(automatic, from_matches) << what;
          nonempty += from_matches.empty() ? 0 : 1;
        }
      }
    }
  }
  EXPECT_GT(nonempty, 200U); // the cases are not all empty pages
}

TEST_F(SearchPlanTest, a_word_in_many_events_walks_start_order) {
  ListQuery q = between(k_sep26 + 100h, k_never);
  q.search = "alpha";
  q.limit = 10;
  const ListPage page = list(q);
  EXPECT_EQ(m_store->last_search_plan(), SearchPlan::by_start);
  ASSERT_EQ(page.events().size(), 10U);
  EXPECT_TRUE(page.more);
  // The long events that started before the range and still run come first.
  EXPECT_LT(page.events().front().start_utc, k_sep26 + 100h);
  EXPECT_GT(page.events().front().end_utc, k_sep26 + 100h);
}

TEST_F(SearchPlanTest, a_rare_word_starts_from_its_matches) {
  ListQuery q = between(SysSeconds::min(), k_never);
  q.search = "delta";
  EXPECT_EQ(list(q).events().size(), 2U);
  EXPECT_EQ(m_store->last_search_plan(), SearchPlan::from_matches);
}

TEST_F(SearchPlanTest, matches_outside_the_range_end_the_walk_early) {
  // 50 "early" events, none in the range: walking all 500 later events to
  // find that out would cost more than checking the 50.
  ListQuery q = between(k_sep26 + 100h + 30min, k_never);
  q.search = "early";
  q.limit = 5;
  const ListPage page = list(q);
  EXPECT_EQ(m_store->last_search_plan(), SearchPlan::from_matches);
  for (const Event &e : page.events()) {
    EXPECT_GT(e.end_utc, k_sep26 + 100h + 30min); // only month-long ones still running
  }
}

TEST_F(EventStoreTest, limit_cuts_the_list_and_more_says_so) {
  for (int i = 0; i < 5; ++i) {
    add(timed("e" + std::to_string(i), k_sep26 + i * 1h));
  }
  for (const bool by_tag : {false, true}) {
    if (by_tag) {
      m_store->database().exec("INSERT INTO event_tags (tag, start_utc, event_id) "
                               "SELECT 'x', start_utc, id FROM events");
    }
    ListQuery q = between(SysSeconds::min(), k_never);
    if (by_tag) {
      q.tag = "x";
    }
    q.limit = 2;
    ListPage page = list(q);
    EXPECT_EQ(titles(page), (std::vector<std::string>{"e0", "e1"}));
    EXPECT_TRUE(page.more);
    q.limit = 5;
    page = list(q);
    EXPECT_EQ(page.events().size(), 5u);
    EXPECT_FALSE(page.more);
    q.limit = 4;
    EXPECT_TRUE(list(q).more);
  }
}

TEST_F(EventStoreTest, reopening_keeps_every_event_and_the_search_index) {
  const Event summit = add(minsk_summit());
  const Event other = add(timed("other", k_sep26 + 1h));
  reopen();
  EXPECT_EQ(*m_store->count(), 2);
  auto got = m_store->get(summit.id);
  ASSERT_TRUE(got);
  expect_same_event(*got, summit);
  ListQuery q = between(SysSeconds::min(), k_never);
  q.search = "government";
  q.tag = "minsk";
  EXPECT_EQ(titles(list(q)), std::vector<std::string>{summit.title});
  // New ids never reuse old ones after a reopen.
  EXPECT_GT(add(timed("third", k_sep26)).id, other.id);
}

TEST_F(EventStoreTest, recompute_instants_reports_moved_events_and_records_the_version) {
  EXPECT_EQ(*m_store->tzdata_version(), "");
  Event summit = minsk_summit();
  summit.start_later = false; // 10:00 in Minsk is never ambiguous
  const Event stored = add(summit);
  Event utc_event = add(timed("in UTC", k_sep26 + 12h, 1h));
  (void)utc_event;
  // Stand-in for a tzdata change: the stored instant is what an old rule
  // gave (an hour off); the wall time 10:00 Europe/Minsk is the truth.
  m_store->database().exec("UPDATE events SET start_utc = start_utc - 3600, "
                           "end_utc = end_utc - 3600 WHERE uid = 'cis-2025@example.org'");

  auto moved = m_store->recompute_instants("2099z");
  ASSERT_TRUE(moved) << moved.error().message;
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ((*moved)[0].id, stored.id);
  EXPECT_EQ((*moved)[0].title, stored.title);
  EXPECT_EQ((*moved)[0].tz, "Europe/Minsk");
  EXPECT_EQ(unix_of((*moved)[0].old_start_utc), unix_of(k_sep26 + 6h));
  EXPECT_EQ(unix_of((*moved)[0].new_start_utc), unix_of(k_sep26 + 7h));

  auto got = m_store->get(stored.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(unix_of(got->start_utc), unix_of(k_sep26 + 7h));
  EXPECT_EQ(unix_of(got->end_utc), unix_of(k_sep26 + 10h + 30min));
  EXPECT_EQ(date::format("%FT%T", got->start_local), "2025-09-26T10:00:00");
  EXPECT_EQ(*m_store->tzdata_version(), "2099z");

  ListQuery q = between(k_sep26 + 7h, k_sep26 + 7h + 1s);
  q.tag = "cis";
  EXPECT_EQ(titles(list(q)), std::vector<std::string>{stored.title});

  auto again = m_store->recompute_instants("2099z");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->empty());
  reopen();
  EXPECT_EQ(*m_store->tzdata_version(), "2099z");
}

TEST_F(EventStoreTest, an_event_whose_zone_left_tzdata_keeps_its_times) {
  Event lost = timed("lost zone", k_sep26, 1h);
  lost.tz = "Mars/Olympus_Mons";
  const Event stored = add(lost);
  auto moved = m_store->recompute_instants("2099z");
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_TRUE(moved->empty());
  EXPECT_EQ(unix_of(m_store->get(stored.id)->start_utc), unix_of(k_sep26));
}

TEST_F(EventStoreTest, a_full_disk_is_a_storage_error_that_says_what_failed) {
  add(timed("before", k_sep26));
  const int pages = m_store->database().execAndGet("PRAGMA page_count").getInt();
  m_store->database().exec("PRAGMA max_page_count = " + std::to_string(pages));
  Event big = timed("big", k_sep26);
  big.description = std::string(64 * 1024, 'x');
  auto added = m_store->add(big);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, ErrorCode::storage);
  EXPECT_EQ(added.error().message, "could not add event: database or disk is full");
  EXPECT_EQ(*m_store->count(), 1);
  // The store still works once there is room again.
  m_store->database().exec("PRAGMA max_page_count = 1073741823");
  EXPECT_TRUE(m_store->add(big));
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

// What another process (a second connection) sees of the file.
std::int64_t committed_events(const fs::path &path) {
  SQLite::Database reader(path, SQLite::OPEN_READONLY);
  return reader.execAndGet("SELECT count(*) FROM events").getInt64();
}

TEST_F(EventStoreTest,
       group_commit_makes_a_turns_writes_durable_together_and_a_failure_stays_alone) {
  int scheduled = 0;
  m_store->enable_group_commit([&] { ++scheduled; });
  Event first = timed("first", sys_days{2031_y / September / 1} + 7h);
  first.uid = "first@example.org";
  ASSERT_TRUE(m_store->add(first));
  ASSERT_TRUE(m_store->add(timed("second", sys_days{2031_y / September / 2} + 7h)));
  Event clash = timed("clash", sys_days{2031_y / September / 3} + 7h);
  clash.uid = "first@example.org";
  auto refused = m_store->add(clash); // fails inside the group: rolls back alone
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::conflict);

  EXPECT_EQ(scheduled, 1); // one commit for the turn
  EXPECT_TRUE(m_store->group_open());
  EXPECT_EQ(m_store->writes(), 2u);
  EXPECT_EQ(*m_store->count(), 2);        // this connection sees its own writes
  EXPECT_EQ(committed_events(m_path), 0); // nobody else does yet

  ASSERT_TRUE(m_store->commit_group());
  EXPECT_FALSE(m_store->group_open());
  EXPECT_EQ(committed_events(m_path), 2);

  // The next write opens the next group.
  ASSERT_TRUE(m_store->add(timed("third", sys_days{2031_y / September / 4} + 7h)));
  EXPECT_EQ(scheduled, 2);
  ASSERT_TRUE(m_store->flush_group()); // a writer that cannot join (the outbox)
  EXPECT_EQ(committed_events(m_path), 3);
  EXPECT_TRUE(m_store->commit_group()); // the scheduled commit finds nothing left
}

// An import's chunks (issue 13): the open group is committed first (its
// clients' writes keep their fsync), the chunk commits at once in a
// transaction of its own without waiting for the disk, and client writes
// after it wait for the disk again (synchronous back to FULL).
TEST_F(EventStoreTest, an_unsynced_write_commits_the_group_first_and_leaves_full_sync_behind) {
  m_store->enable_group_commit([] {});
  ASSERT_TRUE(m_store->add(timed("client", sys_days{2031_y / September / 1} + 7h)));
  EXPECT_EQ(committed_events(m_path), 0);
  auto chunk = m_store->write_unsynced([&]() -> core::Result<void> {
    EXPECT_EQ(committed_events(m_path), 1) << "the client's write was committed first";
    for (int day = 2; day <= 4; ++day) {
      auto added = m_store->add(timed("imported", sys_days{2031_y / September / day} + 7h));
      if (!added) {
        return tl::unexpected(added.error());
      }
    }
    return {};
  });
  ASSERT_TRUE(chunk) << chunk.error().message;
  EXPECT_FALSE(m_store->group_open());
  EXPECT_EQ(committed_events(m_path), 4);
  ASSERT_TRUE(m_store->sync());
  EXPECT_EQ(m_store->database().execAndGet("PRAGMA synchronous").getInt(), 2) << "FULL";

  // A failing chunk rolls back whole and also leaves FULL behind.
  auto failed = m_store->write_unsynced([&]() -> core::Result<void> {
    EXPECT_TRUE(m_store->add(timed("lost", sys_days{2031_y / September / 5} + 7h)));
    return core::fail(ErrorCode::storage, "stopped on purpose");
  });
  EXPECT_FALSE(failed);
  EXPECT_EQ(committed_events(m_path), 4);
  EXPECT_EQ(m_store->database().execAndGet("PRAGMA synchronous").getInt(), 2);
}

// Issue 17: an import's chunk writes its events without a savepoint each
// (Nesting::flat). What it commits is the same; and a write inside it that
// fails takes the whole chunk with it, also when the code around it carries
// on as if nothing happened (no half-written event is ever committed).
TEST_F(EventStoreTest, a_flat_unsynced_write_commits_whole_or_not_at_all) {
  m_store->enable_group_commit([] {});
  ASSERT_TRUE(m_store->add(timed("client", sys_days{2031_y / September / 1} + 7h)));
  auto chunk = m_store->write_unsynced(
      [&]() -> core::Result<void> {
        EXPECT_EQ(committed_events(m_path), 1) << "the client's write was committed first";
        for (int day = 2; day <= 4; ++day) {
          auto added =
              m_store->add_unused_uid(timed("imported", sys_days{2031_y / September / day} + 7h));
          if (!added) {
            return tl::unexpected(added.error());
          }
        }
        return {};
      },
      EventStore::Nesting::flat);
  ASSERT_TRUE(chunk) << chunk.error().message;
  EXPECT_FALSE(m_store->group_open());
  EXPECT_EQ(committed_events(m_path), 4);
  EXPECT_EQ(m_store->database().execAndGet("PRAGMA synchronous").getInt(), 2) << "FULL";

  // The second add fails (its uid is taken); the body ignores that and
  // reports success: nothing of the chunk is kept, and the caller hears.
  core::Event clash = timed("clash", sys_days{2031_y / September / 6} + 7h);
  clash.uid = "kept-once@test";
  ASSERT_TRUE(m_store->add(clash));
  ASSERT_TRUE(m_store->commit_group());
  auto ignored = m_store->write_unsynced(
      [&]() -> core::Result<void> {
        EXPECT_TRUE(m_store->add_unused_uid(
            timed("first of three", sys_days{2031_y / September / 7} + 7h)));
        EXPECT_FALSE(m_store->add_unused_uid(clash)) << "the UNIQUE index still refuses it";
        EXPECT_TRUE(m_store->add_unused_uid(
            timed("third of three", sys_days{2031_y / September / 8} + 7h)));
        return {};
      },
      EventStore::Nesting::flat);
  ASSERT_FALSE(ignored);
  EXPECT_NE(ignored.error().message.find("none of it was kept"), std::string::npos)
      << ignored.error().message;
  EXPECT_EQ(committed_events(m_path), 5);

  // A body that returns the failure rolls back whole too, and the store
  // takes client writes in groups again afterwards.
  auto failed = m_store->write_unsynced(
      [&]() -> core::Result<void> {
        EXPECT_TRUE(m_store->add_unused_uid(timed("lost", sys_days{2031_y / September / 9} + 7h)));
        return core::fail(ErrorCode::storage, "stopped on purpose");
      },
      EventStore::Nesting::flat);
  EXPECT_FALSE(failed);
  EXPECT_EQ(committed_events(m_path), 5);
  ASSERT_TRUE(m_store->add(timed("after", sys_days{2031_y / September / 10} + 7h)));
  EXPECT_TRUE(m_store->group_open());
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(committed_events(m_path), 6);
}

TEST_F(EventStoreTest, a_database_removed_during_a_group_is_written_back_by_the_next_group) {
  m_store->enable_group_commit([] {});
  ASSERT_TRUE(m_store->add(timed("before", sys_days{2031_y / September / 1} + 7h)));
  fs::remove_all(m_dir);
  // The group checked the file at its first write: the rest of it carries on
  // on the open connection, and nothing of it is lost.
  ASSERT_TRUE(m_store->add(timed("during", sys_days{2031_y / September / 2} + 7h)));
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_FALSE(fs::exists(m_path));
  // The next group's first write finds the file gone and writes it back.
  ASSERT_TRUE(m_store->add(timed("after", sys_days{2031_y / September / 3} + 7h)));
  ASSERT_TRUE(m_store->commit_group());
  ASSERT_TRUE(fs::exists(m_path));
  EXPECT_EQ(committed_events(m_path), 3);
}

TEST_F(EventStoreTest, writes_left_in_a_group_are_committed_when_the_store_closes) {
  m_store->enable_group_commit([] {});
  ASSERT_TRUE(m_store->add(timed("kept", sys_days{2031_y / September / 1} + 7h)));
  m_store.reset();
  EXPECT_EQ(committed_events(m_path), 1);
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

// The request side hands its WAL checkpoints to the worker's connection: its
// own commits never checkpoint (the WAL it leaves keeps growing, and it keeps
// asking), and once another connection has checkpointed, the WAL starts over.
TEST_F(EventStoreTest, a_connection_that_checkpoints_elsewhere_asks_and_never_checkpoints_itself) {
  int asked = 0;
  m_store->checkpoint_elsewhere([&] { ++asked; });
  m_store->enable_group_commit([] {});
  for (int i = 0; i < 1500; ++i) { // about 1,500 pages of WAL in one commit
    Event e = timed(fmt::format("session {}", i), sys_days{2031_y / September / 1} + 7h);
    e.description = std::string(2500, 'd');
    ASSERT_TRUE(m_store->add(e));
  }
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(asked, 1);
  // Not checkpointed by its own commit: the WAL is still past the mark.
  ASSERT_TRUE(m_store->add(timed("one more", sys_days{2031_y / September / 2} + 7h)));
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(asked, 2);

  auto other = EventStore::open(m_path);
  ASSERT_TRUE(other) << other.error().message;
  ASSERT_TRUE((*other)->checkpoint());
  ASSERT_TRUE(m_store->add(timed("after", sys_days{2031_y / September / 3} + 7h)));
  ASSERT_TRUE(m_store->commit_group());
  EXPECT_EQ(asked, 2) << "the WAL did not start over after the other connection's checkpoint";
  EXPECT_EQ(committed_events(m_path), 1502);
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

// Schema 8 (issue 16): a change of one occurrence stored alone keeps its
// series' UID and RECURRENCE-ID; a file from schema 7 keeps its events.
TEST_F(EventStoreTest, a_change_stored_alone_keeps_its_series_and_recurrence_id) {
  Event change = timed("Board (moved)", sys_days{2030_y / October / 10} + 12h);
  change.uid = "board@example.org";
  change.lone_change = core::LoneChange{"board@example.org", "2030-10-10T07:00:00Z"};
  const Event added = add(change);
  Event other = timed("Board (budget)", sys_days{2030_y / October / 17} + 7h);
  other.lone_change = core::LoneChange{"board@example.org", "2030-10-17T07:00:00Z"};
  add(other);
  add(timed("Unrelated", sys_days{2030_y / October / 18} + 7h));
  reopen();
  auto got = m_store->get(added.id);
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->lone_change.has_value());
  EXPECT_EQ(got->lone_change->series_uid, "board@example.org");
  EXPECT_EQ(got->lone_change->recurrence_id, "2030-10-10T07:00:00Z");
  auto changes = m_store->find_lone_changes("board@example.org", 10);
  ASSERT_TRUE(changes) << changes.error().message;
  ASSERT_EQ(changes->size(), 2U);
  EXPECT_EQ((*changes)[1].title, "Board (budget)");
  EXPECT_EQ(m_store->find_lone_changes("board@example.org", 1)->size(), 1U);
  EXPECT_TRUE(m_store->find_lone_changes("other@example.org", 10)->empty());
}

TEST_F(EventStoreTest, a_database_at_schema_7_upgrades_and_keeps_its_events) {
  m_store.reset();
  fs::remove(m_path);
  std::vector<Migration> up_to_7;
  for (const auto &migration : embedded_migrations()) {
    if (migration.version <= 7) {
      up_to_7.push_back(migration);
    }
  }
  {
    SQLite::Database db(m_path.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    auto version = apply_migrations(db, up_to_7);
    ASSERT_TRUE(version) << version.error().message;
    EXPECT_EQ(*version, 7);
    db.exec("INSERT INTO events (uid, title, precision, start_local, end_local, has_end, tz, "
            "start_utc, end_utc, status, owner_uid, created, updated) VALUES ('lunch@test', "
            "'Lunch', 'timed', '2025-09-22T12:00:00', '2025-09-22T13:00:00', 1, "
            "'Europe/Minsk', 1758531600, 1758535200, 'confirmed', 1000, 0, 0)");
  }
  reopen();
  EXPECT_GE(m_store->schema_version(), 8);
  auto found = m_store->find_uid("lunch@test");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->title, "Lunch");
  EXPECT_FALSE((*found)->lone_change.has_value());
}

} // namespace
} // namespace summit::store

namespace summit::store {
namespace {

// Issue 16: with a viewer's zone, floating events are chosen by their wall
// times there; this process reads them in UTC (the default floating zone).
TEST_F(EventStoreTest, a_viewers_range_lists_floating_events_by_their_wall_times_in_its_zone) {
  const auto at = [](int day, int hour) {
    return SysSeconds{sys_days{2030_y / March / day}} + std::chrono::hours{hour};
  };
  const auto floating = [](std::string title, SysSeconds wall) {
    Event e = timed(std::move(title), wall, 1h);
    e.tz = "floating";
    return e;
  };
  add(floating("early", at(4, 1)));            // Tokyo's 4 March: in
  add(floating("evening", at(4, 20)));         // 20:00 on 4 March: in, though 20:00Z is not
  add(floating("next morning", at(5, 8)));     // 5 March: out
  add(floating("late night", at(3, 23)));      // 3 March wall: out, though 23:00Z is in
  add(timed("noon UTC", at(4, 12), 1h));       // 21:00 in Tokyo: in
  add(timed("evening UTC", at(4, 16), 1h));    // 01:00 on 5 March in Tokyo: out
  ListQuery q = between(at(3, 15), at(4, 15)); // Tokyo's 4 March
  q.viewer = *core::find_zone("Asia/Tokyo");
  EXPECT_EQ(titles(list(q)), (std::vector<std::string>{"early", "noon UTC", "evening"}));

  // Page by page (one entry each) gives the same entries, in the same order.
  std::vector<std::string> paged;
  q.limit = 1;
  for (int pages = 0; pages < 10; ++pages) {
    const ListPage page = list(q);
    for (const std::string &title : titles(page)) {
      paged.push_back(title);
    }
    if (!page.more) {
      break;
    }
    q.after = cursor_of(page.entries.back());
  }
  EXPECT_EQ(paged, (std::vector<std::string>{"early", "noon UTC", "evening"}));

  // With words to search, the same choice.
  ListQuery words = between(at(3, 15), at(4, 15));
  words.viewer = q.viewer;
  words.search = "evening";
  EXPECT_EQ(titles(list(words)), (std::vector<std::string>{"evening"}));

  // Without a viewer, they are chosen by their instants in this process' zone.
  EXPECT_EQ(titles_between(at(3, 15), at(4, 15)),
            (std::vector<std::string>{"late night", "early", "noon UTC"}));
}

} // namespace
} // namespace summit::store
