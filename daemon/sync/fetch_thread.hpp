#pragma once

#include "daemon/sync/http_fetch.hpp"

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace summit::sync {

// summitd's network threads, started as fetches need them: fetches and
// CalDAV syncs run there, never on the request loop, the worker or the
// firing thread. Up to `threads` jobs run at once, so that a stalled server
// (a transfer may take 120 s) holds up one thread, not every other
// calendar's sync nor a `calendar add`'s discovery (docs/SYNC.md). The
// callers keep one job per calendar at a time, so no two jobs of one
// calendar run together. Each job's `done` is called on the thread that ran
// it (the caller posts it on).
class FetchThread {
public:
  using Done = std::function<void(FetchResult)>;
  static constexpr std::size_t k_default_threads = 4;

  // `fetcher` does one transfer (sync::fetch; tests may pass another).
  explicit FetchThread(
      std::function<FetchResult(const FetchRequest &, const std::function<bool()> &)> fetcher =
          fetch,
      std::size_t threads = k_default_threads);
  // Ends the transfers under way (the fetcher polls cancellation) and drops
  // the jobs not started; joins the threads.
  ~FetchThread();
  FetchThread(const FetchThread &) = delete;
  FetchThread &operator=(const FetchThread &) = delete;

  // The same as the destructor, earlier (shutdown): jobs submitted after it
  // are dropped. Idempotent; call it from one thread.
  void stop();

  // Queues a fetch. The caller bounds the queue (at most one job per
  // calendar at a time).
  void submit(FetchRequest request, Done done);
  // Queues any network job (a CalDAV sync, a discovery): `job` runs on a
  // network thread with the cancellation to poll, and posts its own result
  // on.
  void submit_job(std::function<void(const std::function<bool()> &cancelled)> job);

private:
  void run();

  std::function<FetchResult(const FetchRequest &, const std::function<bool()> &)> m_fetcher;
  std::size_t m_max_threads;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void(const std::function<bool()> &)>> m_jobs;
  std::size_t m_idle = 0; // threads waiting for a job (under m_mutex)
  std::atomic<bool> m_stopping{false};
  std::vector<std::thread> m_threads; // started as jobs need them, under m_mutex
};

} // namespace summit::sync
