#include "daemon/app/run.hpp"

#include "core/clock.hpp"
#include "core/time_format.hpp"
#include "core/zones.hpp"
#include "daemon/app/config.hpp"
#include "daemon/app/fatal.hpp"
#include "daemon/app/firing_path.hpp"
#include "daemon/app/logging.hpp"
#include "daemon/app/options.hpp"
#include "daemon/app/paths.hpp"
#include "daemon/app/service_manager.hpp"
#include "daemon/app/tzdata_check.hpp"
#include "daemon/server/caldav_handlers.hpp"
#include "daemon/server/caldav_syncer.hpp"
#include "daemon/server/calendar_handlers.hpp"
#include "daemon/server/calendar_set_handlers.hpp"
#include "daemon/server/dispatcher.hpp"
#include "daemon/server/event_handlers.hpp"
#include "daemon/server/reminder_handlers.hpp"
#include "daemon/server/server.hpp"
#include "daemon/server/status_handler.hpp"
#include "daemon/server/subscriber_feed.hpp"
#include "daemon/server/subscription_poller.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/reminder_store.hpp"
#include "daemon/sync/fetch_thread.hpp"
#include "places/place_gazetteer.hpp"

#include <SQLiteCpp/Database.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <malloc.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <sqlite3.h>

namespace summit::daemon {
namespace {

struct Settings {
  Mode mode = Mode::user;
  Config config;
  Paths paths;
};

Settings settle(const Options &options) {
  Settings settings;
  settings.mode = options.system ? Mode::system : Mode::user;
  const auto env = Environment::from_process();

  std::filesystem::path config_path;
  const bool explicit_config = options.config.has_value();
  if (explicit_config) {
    config_path = *options.config;
  } else {
    auto path = default_config_path(settings.mode, env);
    if (!path) {
      throw Fatal(path.error().message);
    }
    config_path = *path;
  }
  auto config = load_config(config_path, !explicit_config);
  if (!config) {
    throw Fatal(config.error().message);
  }
  settings.config = std::move(*config);

  auto paths = resolve_paths(settings.mode, options, settings.config, env);
  if (!paths) {
    throw Fatal(paths.error().message);
  }
  settings.paths = std::move(*paths);
  // Absolute, so that daemon.status and the logs say where things really are.
  std::error_code ignored;
  settings.paths.socket = std::filesystem::absolute(settings.paths.socket, ignored);
  settings.paths.database = std::filesystem::absolute(settings.paths.database, ignored);
  // Before anything is created: a typo in --db must leave no trace.
  if (auto checked = check_database_path(settings.paths, config_path); !checked) {
    throw Fatal(checked.error().message);
  }
  if (auto prepared = prepare_socket_dir(settings.paths, settings.mode, env.uid); !prepared) {
    throw Fatal(prepared.error().message);
  }
  return settings;
}

// The feed's view of the firing log, over the request side's connection.
class StoreFiringLog final : public server::FiringLog {
public:
  explicit StoreFiringLog(store::ReminderStore &reminders) : m_reminders(reminders) {}
  core::Result<Page> after(std::int64_t after, std::size_t limit) override {
    auto page = m_reminders.firings_after(after, limit);
    if (!page) {
      return tl::unexpected(page.error());
    }
    return Page{std::move(page->fired), page->first_scanned, page->scanned_to, page->scanned};
  }
  core::Result<std::int64_t> last_id(core::SysSeconds now) override {
    return m_reminders.last_released_firing_id(now);
  }

private:
  store::ReminderStore &m_reminders;
};

// Descriptors the daemon needs besides its clients: database and WAL,
// timers, signals, the listening socket, logs, hook pipes.
constexpr rlim_t k_reserved_descriptors = 64;

// An import chunk held back for a due reminder looks again this much later
// (the hold lasts a few milliseconds at most, unless a burst is on its way).
constexpr std::chrono::microseconds k_held_write_pause{250};

// Raises the soft RLIMIT_NOFILE as far as the hard one allows so that
// `wanted` clients fit, and returns how many clients really fit: past that
// the server refuses new connections politely instead of failing accept().
std::size_t connection_budget(std::size_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return wanted;
  }
  const rlim_t needed = static_cast<rlim_t>(wanted) + k_reserved_descriptors;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : std::min(needed, limit.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      limit = raised;
    }
  }
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) {
    return wanted;
  }
  const auto fit = static_cast<std::size_t>(
      limit.rlim_cur > k_reserved_descriptors ? limit.rlim_cur - k_reserved_descriptors : 1);
  spdlog::warn("limits.max_connections is {} but the descriptor limit (RLIMIT_NOFILE, "
               "LimitNOFILE= in the unit) is {}: serving at most {} clients at once",
               wanted, static_cast<unsigned long long>(limit.rlim_cur), fit);
  return fit;
}

// The running daemon. Members are declared so that they are destroyed in a
// safe order: the io_context (and with it every session) before the
// dispatcher and handlers it calls, those before the store.
class Daemon {
public:
  explicit Daemon(Settings settings) : m_settings(std::move(settings)) {}

  void serve() {
    // Socket first: a second summitd must be refused before it touches the
    // database the first one is using.
    server::ServerOptions server_options;
    server_options.socket_path = m_settings.paths.socket;
    server_options.limits.max_line = m_settings.config.max_line;
    server_options.limits.idle_timeout = m_settings.config.idle_timeout;
    server_options.limits.request_timeout = m_settings.config.request_timeout;
    server_options.max_connections = connection_budget(m_settings.config.max_connections);
    server_options.max_connections_per_uid = m_settings.config.max_connections_per_uid;
    server_options.system_mode = m_settings.mode == Mode::system;
    if (m_service.listen_fds() == 1) {
      if (!m_service.is_listening_unix_stream(SD_LISTEN_FDS_START)) {
        throw Fatal(fmt::format("the socket passed by systemd (fd {}) is not a listening Unix "
                                "stream socket; check summitd.socket (ListenStream=)",
                                SD_LISTEN_FDS_START));
      }
      server_options.adopted_fd = SD_LISTEN_FDS_START;
    }
    const bool activated = server_options.adopted_fd.has_value();
    m_server = std::make_unique<server::Server>(m_io, m_dispatcher, server_options);
    if (auto listening = m_server->listen(); !listening) {
      throw Fatal(listening.error().message);
    }

    // Floating events (no zone: the same wall time everywhere) remind at
    // their wall time in summitd's own zone; read before any instant is.
    const char *tz_env = std::getenv("TZ");
    core::set_floating_zone(
        local_zone(tz_env != nullptr ? std::optional<std::string>(tz_env) : std::nullopt));

    store::StoreOptions store_options;
    store_options.reminder_plan.morning_hour = m_settings.config.reminders.morning_hour;
    store_options.shared_file = std::make_shared<store::SharedFile>();
    store_options.create_missing_folders = creates_database_folders();
    m_shared_file = store_options.shared_file;
    auto store = store::EventStore::open(m_settings.paths.database, store_options);
    if (!store) {
      throw Fatal(fmt::format("cannot open the database {}: {}", m_settings.paths.database.string(),
                              store.error().message));
    }
    m_store = std::move(*store);
    auto tzdata = reconcile_tzdata(*m_store, m_settings.config.tzdata_file);
    if (!tzdata) {
      throw Fatal(
          fmt::format("cannot update event times for the new tzdata: {}", tzdata.error().message));
    }
    // Read at the first event that gives a location without a zone, if ever;
    // no user's languages: a name in another script is looked up in every
    // catalogue.
    places::GazetteerFiles gazetteer_files;
    gazetteer_files.zoneinfo_dir = m_settings.config.zoneinfo_dir.string();
    m_gazetteer = places::PlaceGazetteer::on_demand(std::move(gazetteer_files));
    auto reminders = store::ReminderStore::open(*m_store);
    if (!reminders) {
      throw Fatal(fmt::format("cannot open the reminder schedule in {}: {}",
                              m_settings.paths.database.string(), reminders.error().message));
    }
    m_reminders = std::move(*reminders);
    m_firing_log = std::make_unique<StoreFiringLog>(*m_reminders);
    server::FeedOptions feed_options;
    feed_options.late_after = m_settings.config.reminders.late_after;
    m_feed = std::make_unique<server::SubscriberFeed>(
        m_io.get_executor(), *m_firing_log, [] { return core::system_now(); }, feed_options);
    // Taken reminders are announced once the subscribers that keep up have
    // them written, not when the feed was told: until then import chunks and
    // hook processes wait (hold_writes, ExecOptions::hold_starts).
    m_feed->on_caught_up([this] { m_store->announced(); });
    start_firing_path(store_options);

    server::EventHandlerOptions event_options;
    event_options.default_reminders = m_settings.config.reminders.defaults;
    event_options.on_change = [this] { changed(); };
    const auto on_loop = [this](std::function<void()> job) {
      boost::asio::post(m_io, std::move(job));
    };
    event_options.run_read = [this](auto job) {
      boost::asio::post(m_workers, [this, job = std::move(job)] { job(reader()); });
    };
    event_options.run_on_loop = on_loop;
    m_events =
        std::make_unique<server::EventHandlers>(*m_store, &m_gazetteer, std::move(event_options));
    m_events->register_with(m_dispatcher);
    m_reminder_methods = std::make_unique<server::ReminderHandlers>(
        *m_store, *m_reminders, store_options.reminder_plan, [this] { changed(); });
    m_reminder_methods->register_with(m_dispatcher);
    m_feed->register_with(m_dispatcher);
    server::CalendarHandlerOptions calendar_options;
    calendar_options.on_change = [this] { changed(); };
    calendar_options.run_on_workers = [this](auto job) {
      boost::asio::post(m_workers, std::move(job));
    };
    calendar_options.run_on_loop = on_loop;
    calendar_options.hold_writes = [this] { return hold_writes(); };
    const auto after_pause = [this](std::function<void()> job) {
      auto timer = std::make_shared<boost::asio::steady_timer>(m_io, k_held_write_pause);
      timer->async_wait([timer, job = std::move(job)](const boost::system::error_code &error) {
        if (!error) {
          job();
        }
      });
    };
    calendar_options.run_on_loop_after_pause = after_pause;
    calendar_options.max_uploads_per_connection = m_settings.config.max_uploads_per_connection;
    calendar_options.max_staged_bytes_per_uid = m_settings.config.max_staged_bytes_per_uid;
    m_calendar = std::make_unique<server::CalendarHandlers>(*m_store, std::move(calendar_options));
    m_calendar->register_with(m_dispatcher);
    // Subscriptions (issue 14): fetched on a network thread of their own,
    // parsed on the worker, written on the loop (docs/SYNC.md).
    m_fetches = std::make_unique<sync::FetchThread>();
    server::PollerOptions poller_options;
    poller_options.fetch = [this](sync::FetchRequest request,
                                  std::function<void(sync::FetchResult)> done) {
      m_fetches->submit(std::move(request), std::move(done));
    };
    poller_options.run_read = [this](std::function<void(store::EventStore *)> job) {
      boost::asio::post(m_workers, [this, job = std::move(job)] { job(reader()); });
    };
    poller_options.run_on_loop = on_loop;
    poller_options.on_change = [this] { changed(); };
    const auto reminders_first = [this](std::chrono::milliseconds expected) {
      if (hold_writes()) {
        return true;
      }
      const auto wake = m_firing ? m_firing->next_wake() : std::nullopt;
      if (!wake) {
        return false;
      }
      // The whole replacement must end before the next reminder is due.
      const auto until = *wake - std::chrono::system_clock::now();
      return until <= expected && until > -std::chrono::milliseconds(50);
    };
    poller_options.hold_writes = reminders_first;
    poller_options.run_on_loop_after_pause = after_pause;
    m_poller = std::make_unique<server::SubscriptionPoller>(m_io.get_executor(), *m_store,
                                                            std::move(poller_options));
    // Two-way CalDAV sync (issue 14): pushed and pulled on the same network
    // thread, parsed on the worker, written on the loop (docs/SYNC.md).
    server::CaldavSyncOptions caldav_options;
    caldav_options.run_on_network = [this](std::function<void(const std::function<bool()> &)> job) {
      m_fetches->submit_job(std::move(job));
    };
    caldav_options.run_on_workers = [this](std::function<void()> job) {
      boost::asio::post(m_workers, std::move(job));
    };
    caldav_options.run_on_loop = on_loop;
    caldav_options.on_change = [this] { changed(); };
    caldav_options.hold_writes = reminders_first;
    caldav_options.run_on_loop_after_pause = after_pause;
    caldav_options.max_deletion_share = m_settings.config.caldav_max_deletion_share;
    caldav_options.after_change = m_settings.config.caldav_after_change;
    caldav_options.progress_after = m_settings.config.caldav_progress_after;
    caldav_options.progress_interval = m_settings.config.caldav_progress_every;
    m_caldav = std::make_unique<server::CaldavSyncer>(m_io.get_executor(), *m_store,
                                                      std::move(caldav_options));
    m_calendar_set = std::make_unique<server::CalendarSetHandlers>(
        *m_store, m_poller.get(), [this] { changed(); }, m_caldav.get());
    m_caldav_methods =
        std::make_unique<server::CaldavHandlers>(*m_store, m_caldav.get(), [this] { changed(); });
    m_caldav_methods->register_with(m_dispatcher);
    m_calendar_set->register_with(m_dispatcher);
    server::DaemonInfo info;
    info.socket = m_server->socket_path().string();
    info.database = m_settings.paths.database.string();
    info.mode = to_string(m_settings.mode);
    info.tzdata = *tzdata;
    info.started = core::system_now();
    m_status = std::make_unique<server::StatusHandler>(*m_store, std::move(info), m_reminders.get(),
                                                       m_settings.config.reminders.late_after,
                                                       m_feed.get());
    m_status->register_with(m_dispatcher);

    m_signals.async_wait([this](const boost::system::error_code &error, int signal) {
      if (error) {
        return;
      }
      spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
      shutdown();
    });
    // Group commit: the writes of one turn of the loop share a transaction
    // and one fsync, committed by a handler posted behind them; their
    // replies are held until then (post_commit).
    m_store->enable_group_commit([this] { post_commit(m_store->writes(), 0); });
    // The worker's read connection opens now, and the daemon serves no
    // request before it is open: a list that came first would open it
    // itself, and if the database's folder had been removed in between
    // (reliability_storage_faults, under load) it could not, where the open
    // file still answers every read.
    std::promise<void> reader_opened;
    boost::asio::post(m_workers, [this, &reader_opened] {
      release_page_cache(reader());
      reader_opened.set_value();
    });
    reader_opened.get_future().wait();
    // The WAL checkpoints of the request side's commits (a write of the
    // pages to the database file and an fsync) run on the worker, on its
    // read connection, not on the loop.
    m_store->checkpoint_elsewhere([this] {
      if (m_checkpoint_posted) {
        return;
      }
      m_checkpoint_posted = true;
      boost::asio::post(m_workers, [this] {
        if (auto *connection = reader()) {
          if (auto done = connection->checkpoint(); !done) {
            spdlog::warn("{}", done.error().message);
          }
        }
        boost::asio::post(m_io, [this] { m_checkpoint_posted = false; });
      });
    });
    m_dispatcher.set_commit_group(&m_commit_group);
    m_server->start();

    const auto status = status_line();
    spdlog::info("summitd {} ready ({} mode{}): {}, database {}", SUMMIT_VERSION,
                 to_string(m_settings.mode), activated ? ", socket-activated" : "", status,
                 m_settings.paths.database.string());
    // What start-up allocated and freed (the zone tables read for the
    // gazetteer, the migrations' text) goes back to the system.
    release_page_cache(m_store.get());
    ::malloc_trim(0);
    m_service.notify("READY=1\nSTATUS=" + status);
    m_last_status = status;
    m_firing->start_watchdog();
    m_poller->reschedule();
    m_caldav->reschedule();

    m_io.run();
    // Writes still in a group are committed by the store's destructor;
    // their replies (and the sessions they keep) go now, while the loop the
    // sessions' sockets belong to still exists.
    if (m_store && m_store->group_open()) {
      commit_group();
    }
    m_dispatcher.release(core::Result<void>{});
    m_dispatcher.drop_waiting();
    spdlog::info("summitd stopped");
  }

private:
  // The firing path on its own thread, started before READY=1 so that
  // reminders that fell due while we were down go out first. Its own
  // connection shares the request side's SharedFile: a removed database is
  // written back by the request side (asked to by the firing thread).
  void start_firing_path(const store::StoreOptions &store_options) {
    const auto &config = m_settings.config;
    FiringPathOptions options;
    options.database = m_settings.paths.database;
    options.store = store_options;
    options.store.writes_back_removed_file = false;
    options.store.on_file_removed = [this] {
      boost::asio::post(m_io, [this] {
        if (m_store && !m_store->group_open()) {
          if (auto written = m_store->ensure_file(); !written) {
            spdlog::error("{}", written.error().message);
          }
        }
      });
    };
    options.scheduler.grace = config.reminders.grace;
    options.scheduler.late_after = config.reminders.late_after;
    options.exec_commands = config.exec_commands;
    options.keep_firings = config.reminders.keep_firings;
    if (const std::uint64_t usec = m_service.watchdog_usec(); usec > 0) {
      options.watchdog_interval = std::chrono::microseconds(usec / 2);
      options.ping_watchdog = [this] { m_service.notify("WATCHDOG=1"); };
      spdlog::debug("systemd watchdog: pinging every {} ms from the reminder thread", usec / 2000);
    }
    options.on_fired = [this](std::int64_t last) {
      boost::asio::post(m_io, [this, last] {
        if (m_feed) {
          m_feed->advance(last); // announced when caught up
        } else if (m_store) {
          m_store->announced();
        }
        refresh_status_soon();
      });
    };
    options.on_prepared = [this](std::int64_t first, std::int64_t last) {
      boost::asio::post(m_io, [this, first, last] {
        if (m_feed) {
          m_feed->prepare(first, last);
        }
      });
    };
    options.on_withdrawn = [this](std::int64_t first) {
      boost::asio::post(m_io, [this, first] {
        if (m_feed) {
          m_feed->withdraw(first);
        }
      });
    };
    options.on_next_wake = [this] { boost::asio::post(m_io, [this] { refresh_status_soon(); }); };
    m_firing = std::make_unique<FiringPath>(std::move(options));
    m_firing->start();
  }

  // Whether an import's next chunk (a transaction of up to a few
  // milliseconds) should wait: reminders are being taken or are on their way
  // to subscribers, or one falls due so soon that the chunk would still hold
  // the write lock when the firing thread comes for it.
  bool hold_writes() const {
    if (m_store->announcement_pending() || (m_feed && m_feed->serving_keeping_up())) {
      return true;
    }
    return m_firing && clear_the_way(m_firing->next_wake(), std::chrono::system_clock::now());
  }

  // An event or a reminder changed: once the change is committed (the
  // firing thread reads on its own connection), it re-plans, and systemd
  // is told. Once per group: 1,000 adds re-plan once, after their commit.
  void changed() {
    m_replan_wanted = true;
    if (!m_replan_posted) {
      m_replan_posted = true;
      boost::asio::post(m_io, [this] {
        m_replan_posted = false;
        if (m_store && !m_store->group_open()) {
          replan_if_wanted(); // written outside a group: committed already
        }
        if (m_caldav) {
          m_caldav->local_change(); // a CalDAV calendar's change is pushed soon
        }
      });
    }
    refresh_status_soon();
  }

  void replan_if_wanted() {
    if (m_replan_wanted && m_firing) {
      m_replan_wanted = false;
      m_firing->replan();
    }
  }

  // Coalesced: 10,000 firings in one turn of the loop send one STATUS=, and
  // a busy daemon sends one at most every k_status_interval: the line counts
  // the events, a scan of the whole table (30 ms with 1M events). Nothing
  // at all when no service manager listens (no NOTIFY_SOCKET).
  static constexpr std::chrono::seconds k_status_interval{2};
  void refresh_status_soon() {
    if (m_status_posted || !m_firing || !m_service.notifies()) {
      return;
    }
    m_status_posted = true;
    const auto now = std::chrono::steady_clock::now();
    m_status_timer.expires_at(std::max(now, m_last_status_at + k_status_interval));
    m_status_timer.async_wait([this](const boost::system::error_code &error) {
      m_status_posted = false;
      if (error || !m_firing) {
        return;
      }
      m_last_status_at = std::chrono::steady_clock::now();
      auto status = status_line();
      if (status != m_last_status) {
        m_service.notify("STATUS=" + status);
        m_last_status = std::move(status);
      }
    });
  }

  // "serving 3 events on /run/summit/summitd.sock; next reminder 2025-09-25T07:00:00Z"
  std::string status_line() {
    const auto count = m_store->count();
    auto line = fmt::format("serving {} events on {}", count ? *count : 0,
                            m_server->socket_path().string());
    const auto next = m_firing ? m_firing->next_wake() : std::nullopt;
    if (next) {
      line += "; next reminder " + core::format_iso_utc(*next);
    } else {
      line += "; no reminder pending";
    }
    return line;
  }

  // The commit goes behind the work queued on the loop. While each pass
  // still brings new writes (clients pipelining, many clients at once), it
  // steps back once more so that the sockets already readable join the same
  // fsync, at most k_gather_passes times: latency stays bounded.
  static constexpr int k_gather_passes = 8;
  void post_commit(std::uint64_t writes_seen, int pass) {
    boost::asio::post(m_io, [this, writes_seen, pass] {
      const auto writes = m_store->writes();
      if (m_store->group_open() && writes != writes_seen && pass < k_gather_passes) {
        post_commit(writes, pass + 1);
        return;
      }
      commit_group();
    });
  }

  // The worker's read connection (event.list, checkpoints), used only on
  // the worker's thread. Opened there at start-up (and a first read made, so
  // that it holds the WAL open too), so that it can still read if the
  // database folder is removed under the daemon, as the request side can.
  // It follows the file the request side uses (SharedFile): opened again
  // once the request side has written a removed file back, never onto
  // another file moved into its place. Null when it could not be opened
  // (logged).
  // The pages start-up read (the schema, the migrations' checks, the
  // counts) leave the connection's page cache before summitd waits for its
  // first request, which reads what it needs again from the OS's cache
  // (issue 17, idle memory). SQLite's connections are serialized, so any
  // thread may ask.
  static void release_page_cache(store::EventStore *store) {
    if (store != nullptr) {
      ::sqlite3_db_release_memory(store->database().getHandle());
    }
  }

  store::EventStore *reader() {
    dev_t dev = 0;
    ino_t ino = 0;
    {
      const std::lock_guard lock(m_shared_file->mutex);
      dev = m_shared_file->dev;
      ino = m_shared_file->ino;
    }
    if (m_reader && dev == m_reader_dev && ino == m_reader_ino) {
      return m_reader.get();
    }
    store::StoreOptions options;
    options.create_missing_folders = creates_database_folders();
    auto opened = store::EventStore::open(m_settings.paths.database, options);
    if (opened) {
      if (auto counted = (*opened)->count(); !counted) {
        opened = tl::unexpected(counted.error());
      }
    }
    if (!opened) {
      spdlog::error("cannot open a read connection to {}: {}", m_settings.paths.database.string(),
                    opened.error().message);
      return m_reader.get(); // the one there was, if any
    }
    m_reader = std::move(*opened);
    m_reader_dev = dev;
    m_reader_ino = ino;
    return m_reader.get();
  }

  // The default location's folders are made (0700); a named path's must
  // exist (checked in settle(), and again by the store when it opens).
  bool creates_database_folders() const {
    return m_settings.paths.database_source == Paths::DatabaseSource::default_location;
  }

  void commit_group() {
    auto committed = m_store->commit_group();
    if (!committed) {
      spdlog::error("{}; the writes of this turn were rolled back and their clients told",
                    committed.error().message);
    }
    m_dispatcher.release(committed);
    // The firing thread sees the group now; subscribers may see firings the
    // group's snapshot hid, behind the replies just released.
    replan_if_wanted();
    if (m_feed) {
      m_feed->pump_all();
    }
  }

  void shutdown() {
    m_service.notify("STOPPING=1");
    m_status_timer.cancel();
    m_signals.cancel();
    m_server->stop();
    // No new fetch, and the one under way is abandoned (its thread joined);
    // both objects stay until the Daemon goes (handlers point at them).
    if (m_caldav) {
      m_caldav->stop();
    }
    if (m_poller) {
      m_poller->stop();
    }
    if (m_fetches) {
      m_fetches->stop();
    }
    // The open group first: the firing thread's last outbox write (the
    // completions in hand) must not wait for SQLite's write lock behind it.
    if (m_store && m_store->group_open()) {
      commit_group();
    }
    if (m_firing) {
      // Joins the firing thread: what it had in hand is recorded first.
      m_firing->stop();
    }
  }

  // The store's group of writes, as the dispatcher sees it.
  class StoreGroup final : public server::CommitGroup {
  public:
    explicit StoreGroup(const std::unique_ptr<store::EventStore> &store) : m_store(store) {}
    bool open() const override { return m_store && m_store->group_open(); }
    std::uint64_t writes() const override { return m_store ? m_store->writes() : 0; }

  private:
    const std::unique_ptr<store::EventStore> &m_store;
  };

  Settings m_settings;
  ServiceManager m_service = ServiceManager::from_environment();
  std::unique_ptr<store::EventStore> m_store;
  StoreGroup m_commit_group{m_store};
  std::unique_ptr<store::ReminderStore> m_reminders;
  std::unique_ptr<StoreFiringLog> m_firing_log;
  places::PlaceGazetteer m_gazetteer;
  server::Dispatcher m_dispatcher{[] { return core::system_now(); }};
  std::unique_ptr<server::EventHandlers> m_events;
  std::unique_ptr<server::ReminderHandlers> m_reminder_methods;
  std::unique_ptr<server::CalendarHandlers> m_calendar;
  std::unique_ptr<server::CalendarSetHandlers> m_calendar_set;
  std::unique_ptr<server::StatusHandler> m_status;
  std::string m_last_status;
  bool m_status_posted = false;
  bool m_replan_posted = false;
  bool m_replan_wanted = false;
  bool m_checkpoint_posted = false; // a checkpoint waits for the worker
  std::chrono::steady_clock::time_point m_last_status_at{};
  boost::asio::io_context m_io{1};
  boost::asio::signal_set m_signals{m_io, SIGTERM, SIGINT};
  boost::asio::steady_timer m_status_timer{m_io};
  std::unique_ptr<server::Server> m_server;
  // After the io_context: the feed's callbacks in sessions go with it.
  std::unique_ptr<server::SubscriberFeed> m_feed;
  // After the io_context: the network thread posts to it (joined first,
  // after the poller whose timer is on the loop).
  std::unique_ptr<sync::FetchThread> m_fetches;
  std::unique_ptr<server::SubscriptionPoller> m_poller;
  std::unique_ptr<server::CaldavSyncer> m_caldav;
  std::unique_ptr<server::CaldavHandlers> m_caldav_methods;
  // The worker's read connection: before the pool, which is joined first.
  std::shared_ptr<store::SharedFile> m_shared_file;
  std::unique_ptr<store::EventStore> m_reader;
  dev_t m_reader_dev = 0;
  ino_t m_reader_ino = 0;
  // Import parsing (CalendarHandlers) and event.list pages (EventHandlers).
  // One thread: libical's error states are process-wide and the parser sets
  // and restores one around each parse. After the io_context: joined before
  // it goes, since a worker posts its result to it.
  boost::asio::thread_pool m_workers{1};
  // Last: stopped (its thread joined) before anything it posts to goes.
  std::unique_ptr<FiringPath> m_firing;
};

} // namespace

int run(int argc, const char *const *argv) {
  // A burst of requests (a group of 1,000 adds and their held replies) grows
  // the heap by a few MB that are free again once it is answered. With
  // glibc's defaults (free memory past 128 kB at the top goes back at once)
  // every burst gave its pages back and faulted them in again: brk and page
  // faults were a tenth of an add's CPU. Up to 8 MB free now stay; idle,
  // summitd still holds no more than it did.
  ::mallopt(M_TOP_PAD, 1 << 20);
  ::mallopt(M_TRIM_THRESHOLD, 8 << 20);
  // SQLite gives each connection's page cache an initial block of 20 pages
  // (SQLITE_DEFAULT_PCACHE_INITSZ, 87 KiB, its free list threaded through
  // every slot, so resident at once) at its first transaction, whether or
  // not it ever holds 20 pages; summitd keeps three connections open (the
  // loop's, the reader's, the firing path's). Without the block each page is
  // allocated when the cache first holds it (issue 17, idle memory: -80 kB
  // measured); a cache that has grown is the same as before. Set before any
  // connection is opened, which is when SQLite reads its configuration.
  if (const int configured = ::sqlite3_config(SQLITE_CONFIG_PAGECACHE, nullptr, 0, 0);
      configured != SQLITE_OK) {
    spdlog::warn("SQLite refused a page cache without an initial block: {}",
                 ::sqlite3_errstr(configured));
  }
  auto parsed = parse_options(argc, argv);
  if (const auto *early = std::get_if<EarlyExit>(&parsed)) {
    return early->exit_code;
  }
  const auto &options = std::get<Options>(parsed);
  if (options.log_level && !is_log_level(*options.log_level)) {
    throw Fatal(fmt::format("--log-level: unknown level '{}' (use trace, debug, info, "
                            "warning, error, critical or off)",
                            *options.log_level),
                k_exit_usage);
  }
  setup_logging(options.log_level.value_or("info"));

  auto settings = settle(options);
  if (!options.log_level && settings.config.log_level) {
    set_log_level(*settings.config.log_level);
  }
  // A client that hangs up mid-reply must not kill us with SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  Daemon daemon(std::move(settings));
  daemon.serve();
  return 0;
}

} // namespace summit::daemon
