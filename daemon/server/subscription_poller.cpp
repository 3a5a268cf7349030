#include "daemon/server/subscription_poller.hpp"

#include "core/calendar_rules.hpp"
#include "core/event_params.hpp"
#include "core/ical/ics_import.hpp"
#include "core/ical/recurrence.hpp"
#include "core/text.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <utility>

namespace summit::server {

namespace {

constexpr core::Seconds k_retry_after_failure{30 * 60};
// A feed lists this many skipped events by name in a sync's reply and in
// the log, and counts the rest.
constexpr std::size_t k_max_skipped_listed = 20;

// What a feed's VALARMs may ask of summitd: someone else writes the file, so
// its reminders are bounded as its events are. An event keeps its first
// three; a series that repeats more often than daily keeps none (2,000
// minutely series of 40 alarms each fired 80,000 reminders a minute).
constexpr std::size_t k_max_feed_reminders = 3;

bool repeats_within_a_day(const core::Event &event) {
  if (!event.recurrence) {
    return false;
  }
  const std::string &rule = event.recurrence->rrule;
  return rule.find("FREQ=MINUTELY") != std::string::npos ||
         rule.find("FREQ=HOURLY") != std::string::npos ||
         rule.find("FREQ=SECONDLY") != std::string::npos;
}

nlohmann::json outcome_of(const std::string &name, const std::string &outcome) {
  return nlohmann::json{{"name", name},
                        {"outcome", outcome},
                        {"added", 0},
                        {"updated", 0},
                        {"removed", 0},
                        {"unchanged", 0},
                        {"skipped", nlohmann::json::array()},
                        {"notes", nlohmann::json::array()},
                        {"error", ""}};
}

} // namespace

std::chrono::milliseconds expected_write(std::size_t events) {
  return std::chrono::milliseconds(50) +
         std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(150) *
                                                               static_cast<std::int64_t>(events));
}

core::SysSeconds next_poll(const store::Calendar &calendar) {
  if (!calendar.last_attempt) {
    return core::SysSeconds::min();
  }
  if (calendar.state == "error") {
    return *calendar.last_attempt + std::min(calendar.every, k_retry_after_failure);
  }
  return *calendar.last_attempt + calendar.every;
}

DraftedFeed draft_feed(const std::string &body, const std::string &tz, std::uint32_t owner,
                       core::SysSeconds now, std::size_t max_events, const std::string &url) {
  DraftedFeed feed;
  auto parsed = ical::parse_calendar(body, ical::ImportOptions{tz});
  if (!parsed) {
    feed.error =
        fmt::format("{} is not a calendar file summit can read: {}",
                    core::quoted_for_message(core::redacted_url(url), 200), parsed.error().message);
    return feed;
  }
  if (parsed->events.size() > max_events) {
    feed.error = fmt::format("{} holds {} events; a subscription holds at most {}; nothing was "
                             "changed",
                             core::quoted_for_message(core::redacted_url(url), 200),
                             parsed->events.size(), max_events);
    return feed;
  }
  const core::EventInputContext input{now, nullptr, owner, &ical::recurrence_rules()};
  std::set<std::string> uids;
  for (const auto &component : parsed->skipped) {
    // Most reasons name their line already ("line 4: VTODO is not an event").
    feed.skipped.push_back(component.reason.rfind("line ", 0) == 0
                               ? component.reason
                               : fmt::format("line {}: {}", component.line, component.reason));
  }
  for (auto &imported : parsed->events) {
    for (std::string &note : imported.notes) {
      if (feed.notes.size() < k_max_feed_notes) {
        feed.notes.push_back(std::move(note));
      }
      ++feed.notes_count;
    }
    auto drafted = core::event_from_add_params(imported.params, input);
    if (!drafted) {
      feed.skipped.push_back(fmt::format("line {}: {}", imported.line, drafted.error().message));
      continue;
    }
    if (!uids.insert(drafted->event.uid).second) {
      feed.skipped.push_back(
          fmt::format("line {}: the UID {} is used again; the first one was kept", imported.line,
                      core::quoted_for_message(drafted->event.uid, 60)));
      continue;
    }
    core::Event &event = drafted->event;
    if (!event.reminders.empty() && repeats_within_a_day(event)) {
      feed.skipped.push_back(fmt::format(
          "line {}: {}: its {} reminder(s) were left out: a subscribed series that repeats more "
          "often than daily does not remind",
          imported.line, core::quoted_for_message(event.title, 60), event.reminders.size()));
      event.reminders.clear();
    } else if (event.reminders.size() > k_max_feed_reminders) {
      feed.skipped.push_back(fmt::format(
          "line {}: {}: {} of its {} reminders were left out; a subscribed event keeps its "
          "first {}",
          imported.line, core::quoted_for_message(event.title, 60),
          event.reminders.size() - k_max_feed_reminders, event.reminders.size(),
          k_max_feed_reminders));
      event.reminders.resize(k_max_feed_reminders);
    }
    feed.events.push_back(std::move(event));
  }
  return feed;
}

SubscriptionPoller::SubscriptionPoller(boost::asio::any_io_executor executor,
                                       store::EventStore &store, PollerOptions options)
    : m_store(store), m_calendars(store), m_options(std::move(options)), m_timer(executor),
      m_self(std::make_shared<SubscriptionPoller *>(this)) {}

SubscriptionPoller::~SubscriptionPoller() { m_timer.cancel(); }

void SubscriptionPoller::post(const std::function<void(std::function<void()>)> &where,
                              std::function<void()> job) {
  if (where) {
    where(std::move(job));
  } else {
    job();
  }
}

void SubscriptionPoller::stop() {
  m_stopped = true;
  m_timer.cancel();
  auto waiting = std::move(m_waiting);
  m_waiting.clear();
  for (auto &entry : waiting) {
    for (auto &done : entry.second) {
      auto outcome = outcome_of("", "failed");
      outcome["error"] = "summitd is shutting down";
      done(outcome);
    }
  }
}

void SubscriptionPoller::reschedule() {
  if (m_stopped) {
    return;
  }
  auto calendars = m_calendars.list(/*count_events=*/false);
  if (!calendars) {
    spdlog::warn("subscriptions: {}", calendars.error().message);
    return;
  }
  const core::SysSeconds now = m_options.clock();
  std::optional<core::SysSeconds> earliest;
  std::vector<store::Calendar> due_now;
  for (auto &calendar : *calendars) {
    if (calendar.kind != "subscription" || m_waiting.count(calendar.id) != 0) {
      continue;
    }
    core::SysSeconds due = next_poll(calendar);
    // Whatever the database says (a failure that could not be recorded
    // leaves last_attempt behind), never automatically more often than the
    // shortest interval.
    if (auto begun = m_begun.find(calendar.id); begun != m_begun.end()) {
      due = std::max(due, begun->second + core::k_min_poll_interval);
    }
    if (due <= now) {
      due_now.push_back(std::move(calendar));
    } else if (!earliest || due < *earliest) {
      earliest = due;
    }
  }
  m_timer.cancel();
  if (earliest) {
    // A steady timer: a poll may come late after a suspend, which is fine
    // for a feed (reminders have the wall-clock timer of the firing path).
    m_timer.expires_after(*earliest - now);
    m_timer.async_wait([weak = std::weak_ptr(m_self)](const boost::system::error_code &error) {
      if (error) {
        return;
      }
      if (auto self = weak.lock()) {
        (*self)->reschedule();
      }
    });
  }
  // Last: a fetch that finishes at once (tests) reschedules again itself.
  // All are marked first, so that none is begun twice.
  for (const auto &calendar : due_now) {
    m_waiting[calendar.id];
    m_begun[calendar.id] = now;
  }
  for (const auto &calendar : due_now) {
    begin(calendar);
  }
}

void SubscriptionPoller::sync_now(const store::Calendar &calendar, Finished done) {
  if (m_stopped) {
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = "summitd is shutting down";
    done(outcome);
    return;
  }
  auto [waiting, fresh] = m_waiting.try_emplace(calendar.id);
  waiting->second.push_back(std::move(done));
  if (fresh) {
    begin(calendar);
  }
}

void SubscriptionPoller::begin(const store::Calendar &calendar) {
  sync::FetchRequest request;
  request.url = calendar.url;
  request.etag = calendar.etag;
  request.last_modified = calendar.last_modified;
  request.limits = m_options.limits;
  spdlog::info("subscription '{}': fetching {}", calendar.name,
               core::quoted_for_message(core::redacted_url(calendar.url), 200));
  // Runs on the network thread: hands the outcome to the loop, where
  // `weak` is checked (the poller may be gone by then).
  auto done = [run_on_loop = m_options.run_on_loop, weak = std::weak_ptr(m_self),
               calendar](sync::FetchResult result) {
    auto job = [weak, calendar, moved = std::move(result)]() mutable {
      if (auto self = weak.lock()) {
        (*self)->fetched(calendar, std::move(moved));
      }
    };
    if (run_on_loop) {
      run_on_loop(std::move(job));
    } else {
      job();
    }
  };
  if (m_options.fetch) {
    m_options.fetch(std::move(request), std::move(done));
  } else {
    done(sync::fetch(request));
  }
}

void SubscriptionPoller::fetched(store::Calendar calendar, sync::FetchResult result) {
  if (m_stopped) {
    return;
  }
  const core::SysSeconds now = m_options.clock();
  if (result.outcome == sync::FetchResult::Outcome::failed) {
    spdlog::warn("subscription '{}': {}", calendar.name, result.error);
    if (auto recorded = m_calendars.record_failure(calendar.id, result.error, now); !recorded) {
      spdlog::error("subscription '{}': {}", calendar.name, recorded.error().message);
    }
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = result.error;
    finish(calendar.id, std::move(outcome));
    return;
  }
  if (result.outcome == sync::FetchResult::Outcome::not_modified) {
    if (auto recorded = m_calendars.record_unchanged(calendar.id, now); !recorded) {
      auto outcome = outcome_of(calendar.name, "failed");
      outcome["error"] = recorded.error().message;
      finish(calendar.id, std::move(outcome));
      return;
    }
    spdlog::info("subscription '{}': not modified", calendar.name);
    finish(calendar.id, outcome_of(calendar.name, "unchanged"));
    return;
  }
  // Runs on the worker: copies what it needs, never touches the poller;
  // `reader` (the worker's read connection) may be null.
  auto parse = [run_on_loop = m_options.run_on_loop, max_events = m_options.max_events,
                weak = std::weak_ptr(m_self), calendar, now,
                fetched_result = std::move(result)](store::EventStore *reader) mutable {
    DraftedFeed feed = draft_feed(fetched_result.body, calendar.tz, calendar.owner_uid, now,
                                  max_events, calendar.url);
    std::string().swap(fetched_result.body);
    if (reader != nullptr && feed.error.empty()) {
      auto plan =
          store::CalendarStore(*reader).plan_replacement(calendar.id, std::move(feed.events));
      if (plan) {
        feed.plan = std::move(*plan);
      } else {
        feed.error = "could not compare the new version: " + plan.error().message;
      }
      feed.events.clear();
    }
    auto job = [weak, calendar, moved_result = std::move(fetched_result),
                moved_feed = std::move(feed)]() mutable {
      if (auto self = weak.lock()) {
        (*self)->apply(calendar, moved_result, std::move(moved_feed));
      }
    };
    if (run_on_loop) {
      run_on_loop(std::move(job));
    } else {
      job();
    }
  };
  if (m_options.run_read) {
    m_options.run_read(std::move(parse));
  } else {
    post(m_options.run_on_workers, [parse = std::move(parse)]() mutable { parse(nullptr); });
  }
}

void SubscriptionPoller::apply(const store::Calendar &calendar, const sync::FetchResult &result,
                               DraftedFeed feed,
                               std::optional<std::chrono::steady_clock::time_point> held_since) {
  if (m_stopped) {
    return;
  }
  // Due reminders go first: while one falls due before this write would
  // end, it waits on the loop (at most k_max_hold; a storm of reminders
  // must not starve a feed for ever).
  if (feed.error.empty() && m_options.hold_writes && m_options.run_on_loop_after_pause &&
      m_options.hold_writes(expected_write(
          feed.plan
              ? feed.plan->added.size() + feed.plan->updated.size() + feed.plan->removed.size()
              : feed.events.size()))) {
    const auto first = held_since.value_or(std::chrono::steady_clock::now());
    if (std::chrono::steady_clock::now() - first < k_max_hold) {
      m_options.run_on_loop_after_pause([weak = std::weak_ptr(m_self), calendar, result,
                                         moved = std::move(feed), first]() mutable {
        if (auto self = weak.lock()) {
          (*self)->apply(calendar, result, std::move(moved), first);
        }
      });
      return;
    }
  }
  const core::SysSeconds now = m_options.clock();
  // The calendar may have been removed while its fetch was under way.
  auto current = m_calendars.find(calendar.name);
  if (!current || !*current || (*current)->id != calendar.id) {
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = "the calendar was removed during its sync";
    finish(calendar.id, std::move(outcome));
    return;
  }
  if (!feed.error.empty()) {
    spdlog::warn("subscription '{}': {}", calendar.name, feed.error);
    if (auto recorded = m_calendars.record_failure(calendar.id, feed.error, now); !recorded) {
      spdlog::error("subscription '{}': {}", calendar.name, recorded.error().message);
    }
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = feed.error;
    finish(calendar.id, std::move(outcome));
    return;
  }
  auto change = feed.plan ? m_calendars.apply_replacement(calendar.id, std::move(*feed.plan),
                                                          result.etag, result.last_modified, now)
                          : m_calendars.replace_events(calendar.id, std::move(feed.events),
                                                       result.etag, result.last_modified, now);
  if (!change) {
    const std::string error = "could not store the new version: " + change.error().message;
    spdlog::error("subscription '{}': {}", calendar.name, error);
    (void)m_calendars.record_failure(calendar.id, error, now);
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = error;
    finish(calendar.id, std::move(outcome));
    return;
  }
  // Committed with the loop's group; replies that report it are held for
  // that commit by the dispatcher.
  std::vector<std::string> skipped = std::move(feed.skipped);
  skipped.insert(skipped.end(), change->skipped.begin(), change->skipped.end());
  auto outcome = outcome_of(calendar.name, "updated");
  outcome["added"] = change->added;
  outcome["updated"] = change->updated;
  outcome["removed"] = change->removed;
  outcome["unchanged"] = change->unchanged;
  outcome["skipped_count"] = skipped.size();
  if (skipped.size() > k_max_skipped_listed) {
    skipped.resize(k_max_skipped_listed);
  }
  outcome["skipped"] = skipped;
  // Notes of what was changed on the way in (a title cut to its limit...):
  // never silent, though the event was kept.
  outcome["notes_count"] = feed.notes_count;
  outcome["notes"] = feed.notes;
  for (const std::string &note : feed.notes) {
    spdlog::info("subscription '{}': {}", calendar.name, core::text::escape_controls(note));
  }
  if (feed.notes_count > feed.notes.size()) {
    spdlog::info("subscription '{}': {} more notes", calendar.name,
                 feed.notes_count - feed.notes.size());
  }
  // The write holds the loop and SQLite's write lock (docs/SYNC.md).
  spdlog::info("subscription '{}': {} added, {} updated, {} removed, {} unchanged, {} skipped "
               "(compared in {} ms, written in {} ms)",
               calendar.name, change->added, change->updated, change->removed, change->unchanged,
               outcome["skipped_count"].get<std::size_t>(), change->compared_in.count(),
               change->written_in.count());
  if ((change->added | change->updated | change->removed) != 0 && m_options.on_change) {
    m_options.on_change();
  }
  finish(calendar.id, std::move(outcome));
}

void SubscriptionPoller::finish(std::int64_t id, nlohmann::json outcome) {
  // A deferred reply does not wait for the loop's group of writes: what
  // this sync wrote is made durable before anyone is told of it.
  if (auto flushed = m_store.flush_group(); !flushed) {
    outcome["outcome"] = "failed";
    outcome["error"] = flushed.error().message;
  }
  std::vector<Finished> waiting;
  if (auto found = m_waiting.find(id); found != m_waiting.end()) {
    waiting = std::move(found->second);
    m_waiting.erase(found);
  }
  for (auto &done : waiting) {
    done(outcome);
  }
  reschedule();
}

} // namespace summit::server
