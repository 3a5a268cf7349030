#include "daemon/server/caldav_syncer.hpp"

#include "core/calendar_rules.hpp"
#include "core/ical/ics_export.hpp"
#include "core/ical/ics_merge.hpp"
#include "daemon/server/subscription_poller.hpp"
#include "daemon/store/event_store.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace summit::server {

namespace {

constexpr core::Seconds k_default_every{15 * 60};
constexpr core::Seconds k_retry_after_failure{30 * 60};
constexpr std::size_t k_max_skipped_listed = 20;

nlohmann::json outcome_of(const std::string &name, const std::string &outcome) {
  return nlohmann::json{{"name", name},       {"kind", "caldav"},
                        {"outcome", outcome}, {"added", 0},
                        {"updated", 0},       {"removed", 0},
                        {"unchanged", 0},     {"pushed", 0},
                        {"conflicts", 0},     {"skipped", nlohmann::json::array()},
                        {"requests", 0},      {"error", ""}};
}

sync::PushItem::Kind push_kind(store::CaldavPending::Kind kind) {
  switch (kind) {
  case store::CaldavPending::Kind::create:
    return sync::PushItem::Kind::create;
  case store::CaldavPending::Kind::change:
    return sync::PushItem::Kind::change;
  case store::CaldavPending::Kind::remove:
    return sync::PushItem::Kind::remove;
  }
  return sync::PushItem::Kind::change;
}

store::CaldavPending::Kind pending_kind(sync::PushItem::Kind kind) {
  switch (kind) {
  case sync::PushItem::Kind::create:
    return store::CaldavPending::Kind::create;
  case sync::PushItem::Kind::change:
    return store::CaldavPending::Kind::change;
  case sync::PushItem::Kind::remove:
    return store::CaldavPending::Kind::remove;
  }
  return store::CaldavPending::Kind::change;
}

// Puts the edit `item` (summit's rendering in item.ics) onto `server`, the
// resource's last text on the server (ical::merge_resource); notes what
// could not be kept.
void merge_onto_server_copy(sync::PushItem &item, const std::string &server,
                            const store::Calendar &calendar, core::SysSeconds now,
                            std::size_t max_events, std::vector<std::string> &notes) {
  const std::string where = core::quoted_for_message(item.href, 200);
  if (server.empty()) {
    notes.push_back(fmt::format("{}: the server's copy was not kept (over {} KiB, or synced "
                                "before summit kept copies): the edit was pushed as summit "
                                "renders the event, without what summit does not model",
                                where, store::k_max_kept_resource / 1024));
    return;
  }
  DraftedFeed base =
      draft_feed(server, calendar.tz, calendar.owner_uid, now, max_events, item.href);
  const core::Event *read = nullptr;
  for (const auto &event : base.events) {
    if (event.uid == item.uid) {
      read = &event;
      break;
    }
  }
  if (read == nullptr) {
    notes.push_back(fmt::format("{}: the server's copy holds no event {}: the edit was pushed "
                                "as summit renders it",
                                where, core::quoted_for_message(item.uid, 100)));
    return;
  }
  ical::MergedResource merged =
      ical::merge_resource(server, ical::export_calendar({*read}, now), item.ics);
  for (auto &note : merged.notes) {
    notes.push_back(where + ": " + note);
  }
  item.ics = std::move(merged.ics);
}

} // namespace

core::SysSeconds next_caldav_sync(const store::Calendar &calendar) {
  if (!calendar.last_attempt) {
    return core::SysSeconds::min();
  }
  const core::Seconds every = calendar.every.count() > 0 ? calendar.every : k_default_every;
  if (calendar.state == "error") {
    return *calendar.last_attempt + std::min(every, k_retry_after_failure);
  }
  return *calendar.last_attempt + every;
}

CaldavSyncer::CaldavSyncer(boost::asio::any_io_executor executor, store::EventStore &store,
                           CaldavSyncOptions options)
    : m_store(store), m_calendars(store), m_caldav(store), m_options(std::move(options)),
      m_timer(executor), m_self(std::make_shared<CaldavSyncer *>(this)) {}

CaldavSyncer::~CaldavSyncer() { m_timer.cancel(); }

void CaldavSyncer::stop() {
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

void CaldavSyncer::local_change() {
  if (m_stopped || m_options.after_change.count() == 0) {
    return;
  }
  const core::SysSeconds soon = m_options.clock() + m_options.after_change;
  if (!m_soon || soon < *m_soon) {
    m_soon = soon;
  }
  reschedule();
}

void CaldavSyncer::reschedule() {
  if (m_stopped) {
    return;
  }
  auto calendars = m_calendars.list(/*count_events=*/false);
  if (!calendars) {
    spdlog::warn("caldav: {}", calendars.error().message);
    return;
  }
  const core::SysSeconds now = m_options.clock();
  std::optional<core::SysSeconds> earliest;
  std::vector<store::Calendar> due_now;
  bool soon_used = false;
  for (auto &calendar : *calendars) {
    if (calendar.kind != "caldav" || m_waiting.count(calendar.id) != 0) {
      continue;
    }
    core::SysSeconds due = next_caldav_sync(calendar);
    if (m_soon) {
      auto pending = m_caldav.pending_count(calendar.id);
      if (pending && *pending > 0) {
        due = std::min(due, *m_soon);
        soon_used = true;
      }
    }
    if (due <= now) {
      due_now.push_back(std::move(calendar));
    } else if (!earliest || due < *earliest) {
      earliest = due;
    }
  }
  if (!soon_used || (m_soon && *m_soon <= now)) {
    m_soon.reset();
  }
  m_timer.cancel();
  if (earliest) {
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
  for (const auto &calendar : due_now) {
    m_waiting[calendar.id];
  }
  for (const auto &calendar : due_now) {
    begin(calendar, false);
  }
}

void CaldavSyncer::sync_now(const store::Calendar &calendar, bool allow_deletions, Finished done,
                            Progress progress) {
  if (m_stopped) {
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = "summitd is shutting down";
    done(outcome);
    return;
  }
  auto [waiting, fresh] = m_waiting.try_emplace(calendar.id);
  waiting->second.push_back(std::move(done));
  if (progress) {
    m_watching[calendar.id].push_back(std::move(progress));
  }
  if (fresh) {
    begin(calendar, allow_deletions);
  }
}

void CaldavSyncer::discover(const store::Calendar &calendar,
                            std::function<void(sync::Discovery)> done) {
  if (m_stopped) {
    sync::Discovery stopped;
    stopped.error = "summitd is shutting down";
    stopped.refused = true;
    done(std::move(stopped));
    return;
  }
  sync::SyncInput input;
  input.name = calendar.name;
  input.url = calendar.url;
  input.collection = calendar.collection;
  input.user = calendar.user_name;
  input.password_file = calendar.password_file;
  input.limits = m_options.limits;
  auto job = [run_on_loop = m_options.run_on_loop, weak = std::weak_ptr(m_self),
              moved = std::move(input),
              done = std::move(done)](const std::function<bool()> &cancelled) mutable {
    sync::Discovery found = sync::discover_collection(moved, cancelled);
    auto back = [weak, done = std::move(done), found = std::move(found)]() mutable {
      if (weak.lock()) {
        done(std::move(found));
      }
    };
    if (run_on_loop) {
      run_on_loop(std::move(back));
    } else {
      back();
    }
  };
  if (m_options.run_on_network) {
    m_options.run_on_network(std::move(job));
  } else {
    job([] { return false; });
  }
}

void CaldavSyncer::begin(const store::Calendar &calendar, bool allow_deletions) {
  const core::SysSeconds now = m_options.clock();
  sync::SyncInput input;
  input.name = calendar.name;
  input.url = calendar.url;
  input.collection = calendar.collection;
  input.collection_url = calendar.collection_url;
  input.user = calendar.user_name;
  input.password_file = calendar.password_file;
  input.sync_token = calendar.sync_token;
  input.ctag = calendar.ctag;
  input.limits = m_options.limits;
  if (auto learnt = m_auth.find(calendar.id); learnt != m_auth.end()) {
    input.auth = learnt->second;
  }
  auto known = m_caldav.known(calendar.id);
  auto pending = m_caldav.pending(calendar.id);
  if (!known || !pending) {
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = !known ? known.error().message : pending.error().message;
    finish(calendar.id, std::move(outcome));
    return;
  }
  input.known = std::move(*known);
  std::vector<std::string> server_copies; // per push: the server's last text, for an edit
  for (auto &change : *pending) {
    sync::PushItem item;
    item.kind = push_kind(change.kind);
    item.uid = change.uid;
    item.title = change.title;
    item.href = change.href;
    item.etag = change.etag;
    if (change.event) {
      item.event_id = change.event->id;
      item.ics = ical::export_calendar({*change.event}, now);
      item.snapshot = store::comparable_event(*change.event).dump();
    }
    server_copies.push_back(item.kind == sync::PushItem::Kind::change ? std::move(change.server_ics)
                                                                      : std::string());
    input.pushes.push_back(std::move(item));
  }
  spdlog::info("caldav '{}': syncing ({} local change(s) to push)", calendar.name,
               input.pushes.size());
  if (m_options.run_on_loop) {
    // From the network thread to the loop: one post per multiget (100
    // resources), only for a sync at least progress_after long.
    input.progress = [run_on_loop = m_options.run_on_loop, weak = std::weak_ptr(m_self),
                      id = calendar.id, name = calendar.name,
                      after = m_options.progress_after](std::size_t fetched, std::size_t total) {
      if (total < after) {
        return;
      }
      run_on_loop([weak, id, name, fetched, total] {
        if (auto self = weak.lock()) {
          (*self)->progressed(id, name, fetched, total);
        }
      });
    };
  }
  auto shared = std::make_shared<sync::SyncInput>(std::move(input));
  auto notes = std::make_shared<std::vector<std::string>>();
  auto job = [run_on_loop = m_options.run_on_loop, weak = std::weak_ptr(m_self), calendar,
              allow_deletions, shared, notes](const std::function<bool()> &cancelled) {
    sync::SyncOutput output = sync::run_caldav_sync(*shared, cancelled);
    output.notes.insert(output.notes.begin(), notes->begin(), notes->end());
    auto back = [weak, calendar, allow_deletions, out = std::move(output)]() mutable {
      if (auto self = weak.lock()) {
        (*self)->synced(calendar, allow_deletions, std::move(out));
      }
    };
    if (run_on_loop) {
      run_on_loop(std::move(back));
    } else {
      back();
    }
  };
  // An edit is put onto the server's last copy of its resource, so that
  // what summit does not model stays there (ical::merge_resource). Parsing
  // is the worker's; then the network thread pushes.
  auto prepare = [run_on_network = m_options.run_on_network, calendar, now,
                  max = m_options.max_events_per_resource, copies = std::move(server_copies),
                  shared, notes, job = std::move(job)]() mutable {
    for (std::size_t i = 0; i < shared->pushes.size() && i < copies.size(); ++i) {
      sync::PushItem &item = shared->pushes[i];
      if (item.kind == sync::PushItem::Kind::change && !item.ics.empty()) {
        merge_onto_server_copy(item, copies[i], calendar, now, max, *notes);
      }
    }
    if (run_on_network) {
      run_on_network(std::move(job));
    } else {
      job([] { return false; });
    }
  };
  if (m_options.run_on_workers) {
    m_options.run_on_workers(std::move(prepare));
  } else {
    prepare();
  }
}

void CaldavSyncer::synced(const store::Calendar &calendar, bool allow_deletions,
                          sync::SyncOutput output) {
  if (m_stopped) {
    return;
  }
  m_auth[calendar.id] = output.auth;
  const core::SysSeconds now = m_options.clock();
  // Parsed on the worker: copies what it needs, never touches the syncer.
  auto parse = [run_on_loop = m_options.run_on_loop, weak = std::weak_ptr(m_self), calendar,
                allow_deletions, now, max = m_options.max_events_per_resource,
                out = std::move(output)]() mutable {
    std::vector<store::CaldavResource> parsed;
    std::vector<std::string> skipped;
    for (auto &entry : out.fetched) {
      DraftedFeed feed =
          draft_feed(entry.calendar_data, calendar.tz, calendar.owner_uid, now, max, entry.href);
      if (!feed.error.empty()) {
        std::string().swap(entry.calendar_data);
        skipped.push_back(feed.error);
        continue;
      }
      for (auto &line : feed.skipped) {
        skipped.push_back(entry.href + ": " + line);
      }
      // Kept (bounded, schema 013): a local edit is put onto it. A
      // resource with no event (a VTODO) is recorded too, with its ETag,
      // so that it is not fetched again until it changes.
      std::string text;
      if (!feed.events.empty() && entry.calendar_data.size() <= store::k_max_kept_resource) {
        text = std::move(entry.calendar_data);
      }
      std::string().swap(entry.calendar_data);
      parsed.push_back({entry.href, entry.etag, std::move(feed.events), std::move(text)});
    }
    out.fetched.clear();
    auto back = [weak, calendar, allow_deletions, o = std::move(out), p = std::move(parsed),
                 s = std::move(skipped)]() mutable {
      if (auto self = weak.lock()) {
        (*self)->apply(calendar, allow_deletions, std::move(o), std::move(p), std::move(s));
      }
    };
    if (run_on_loop) {
      run_on_loop(std::move(back));
    } else {
      back();
    }
  };
  if (m_options.run_on_workers) {
    m_options.run_on_workers(std::move(parse));
  } else {
    parse();
  }
}

void CaldavSyncer::apply(const store::Calendar &calendar, bool allow_deletions,
                         sync::SyncOutput output, std::vector<store::CaldavResource> parsed,
                         std::vector<std::string> skipped,
                         std::optional<std::chrono::steady_clock::time_point> held_since) {
  if (m_stopped) {
    return;
  }
  // Due reminders go first, as for a subscription's replacement: while one
  // falls due before this write would end, it waits on the loop.
  const std::size_t writes = parsed.size() + output.gone.size() + output.pushed.size();
  if (m_options.hold_writes && m_options.run_on_loop_after_pause &&
      m_options.hold_writes(expected_write(writes))) {
    const auto first = held_since.value_or(std::chrono::steady_clock::now());
    if (std::chrono::steady_clock::now() - first < k_max_hold) {
      m_options.run_on_loop_after_pause([weak = std::weak_ptr(m_self), calendar, allow_deletions,
                                         o = std::move(output), p = std::move(parsed),
                                         s = std::move(skipped), first]() mutable {
        if (auto self = weak.lock()) {
          (*self)->apply(calendar, allow_deletions, std::move(o), std::move(p), std::move(s),
                         first);
        }
      });
      return;
    }
  }
  const core::SysSeconds now = m_options.clock();
  auto current = m_calendars.find(calendar.name);
  if (!current || !*current || (*current)->id != calendar.id) {
    auto outcome = outcome_of(calendar.name, "failed");
    outcome["error"] = "the calendar was removed during its sync";
    finish(calendar.id, std::move(outcome));
    return;
  }
  std::vector<store::CaldavPushed> pushed;
  for (const auto &push : output.pushed) {
    store::CaldavPushed record;
    record.change.kind = pending_kind(push.item.kind);
    record.change.uid = push.item.uid;
    record.change.title = push.item.title;
    record.change.href = push.item.href;
    if (push.item.event_id != 0) {
      core::Event event;
      event.id = push.item.event_id;
      record.change.event = event;
    }
    record.result =
        push.result == sync::PushOutcome::Result::done   ? store::CaldavPushed::Result::done
        : push.result == sync::PushOutcome::Result::gone ? store::CaldavPushed::Result::gone
                                                         : store::CaldavPushed::Result::conflict;
    record.href = push.item.href;
    record.etag = push.etag;
    record.local_ics = push.item.ics;
    if (push.result == sync::PushOutcome::Result::done) {
      record.pushed_ics = push.item.ics;
    }
    if (!push.item.snapshot.empty()) {
      record.snapshot = nlohmann::json::parse(push.item.snapshot, nullptr, false);
    }
    pushed.push_back(std::move(record));
  }
  store::CaldavPull pull;
  pull.collection_url = output.collection_url;
  pull.fetched = std::move(parsed);
  pull.gone = output.gone;
  pull.sync_token = output.sync_token;
  pull.ctag = output.ctag;
  pull.pulled = output.error.empty();
  auto change =
      m_caldav.apply(**current, pushed, pull, allow_deletions, m_options.max_deletion_share, now);
  auto outcome = outcome_of(calendar.name, "updated");
  outcome["requests"] = output.requests;
  if (!change) {
    const std::string error = "could not store the sync: " + change.error().message;
    spdlog::error("caldav '{}': {}", calendar.name, error);
    (void)m_calendars.record_failure(calendar.id, error, now);
    outcome["outcome"] = "failed";
    outcome["error"] = error;
    finish(calendar.id, std::move(outcome));
    return;
  }
  skipped.insert(skipped.begin(), output.notes.begin(), output.notes.end());
  skipped.insert(skipped.end(), change->skipped.begin(), change->skipped.end());
  outcome["added"] = change->added;
  outcome["updated"] = change->updated;
  outcome["removed"] = change->removed;
  outcome["unchanged"] = change->unchanged;
  outcome["pushed"] = change->pushed;
  outcome["conflicts"] = change->conflicts;
  outcome["skipped_count"] = skipped.size();
  if (skipped.size() > k_max_skipped_listed) {
    skipped.resize(k_max_skipped_listed);
  }
  outcome["skipped"] = skipped;
  outcome["token_reset"] = output.token_reset;
  std::string error = output.error;
  if (error.empty() && change->guarded) {
    error = fmt::format("the server no longer lists {} of the {} events of '{}'; nothing was "
                        "removed. If that is right, run: summit sync --allow-deletions {}",
                        change->would_remove, change->held, calendar.name, calendar.name);
  }
  if (!error.empty()) {
    spdlog::warn("caldav '{}': {}", calendar.name, error);
    (void)m_calendars.record_failure(calendar.id, error, now);
    outcome["outcome"] = "failed";
    outcome["error"] = error;
  } else {
    (void)m_calendars.record_unchanged(calendar.id, now);
    if ((change->added | change->updated | change->removed | change->pushed | change->conflicts) ==
        0) {
      outcome["outcome"] = "unchanged";
    }
  }
  spdlog::info("caldav '{}': {} added, {} updated, {} removed, {} pushed, {} conflict(s), {} "
               "request(s){}",
               calendar.name, change->added, change->updated, change->removed, change->pushed,
               change->conflicts, output.requests,
               output.token_reset ? " (sync-token refused: compared in full)" : "");
  if ((change->added | change->updated | change->removed) != 0 && m_options.on_change) {
    m_options.on_change();
  }
  // A sync pushes a bounded batch (store::k_max_pushes_per_sync): when this
  // one moved some and more wait, the next starts right away.
  if (error.empty() && (change->pushed | change->conflicts) != 0) {
    if (auto left = m_caldav.pending_count(calendar.id); left && *left > 0) {
      m_soon = now;
    }
  }
  finish(calendar.id, std::move(outcome));
}

void CaldavSyncer::progressed(std::int64_t id, const std::string &name, std::size_t fetched,
                              std::size_t total) {
  auto watching = m_watching.find(id);
  if (watching == m_watching.end()) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  auto last = m_last_progress.find(id);
  if (fetched < total && last != m_last_progress.end() &&
      now - last->second < m_options.progress_interval) {
    return; // at most one per interval; the last one always
  }
  m_last_progress[id] = now;
  const nlohmann::json progress{{"name", name}, {"fetched", fetched}, {"total", total}};
  for (auto &tell : watching->second) {
    tell(progress);
  }
}

void CaldavSyncer::finish(std::int64_t id, nlohmann::json outcome) {
  m_watching.erase(id);
  m_last_progress.erase(id);
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
