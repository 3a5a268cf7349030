#pragma once

#include "daemon/sync/http_fetch.hpp"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>

namespace summit::sync {

// The one thread that does summitd's network work, started at the first
// fetch: fetches run there, one at a time, never on the request loop, the
// worker or the firing thread, so that a slow or stalled server delays only
// the next fetch. Each job's
// `done` is called on this thread with the result (the caller posts it on).
class FetchThread {
public:
  using Done = std::function<void(FetchResult)>;

  // `fetcher` does one transfer (sync::fetch; tests may pass another).
  explicit FetchThread(
      std::function<FetchResult(const FetchRequest &, const std::function<bool()> &)> fetcher =
          fetch);
  // Ends the transfer under way (the fetcher polls cancellation) and drops
  // the jobs not started; joins the thread.
  ~FetchThread();
  FetchThread(const FetchThread &) = delete;
  FetchThread &operator=(const FetchThread &) = delete;

  // The same as the destructor, earlier (shutdown): jobs submitted after it
  // are dropped. Idempotent; call it from one thread.
  void stop();

  // Queues a fetch. The caller bounds the queue (at most one job per
  // calendar at a time).
  void submit(FetchRequest request, Done done);
  // Queues any network job (a CalDAV sync): `job` runs on this thread with
  // the cancellation to poll, and posts its own result on.
  void submit_job(std::function<void(const std::function<bool()> &cancelled)> job);

private:
  void run();

  std::function<FetchResult(const FetchRequest &, const std::function<bool()> &)> m_fetcher;
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<std::function<void(const std::function<bool()> &)>> m_jobs;
  std::atomic<bool> m_stopping{false};
  std::thread m_thread; // started by the first submit, under m_mutex
};

} // namespace summit::sync
