#include "daemon/sync/fetch_thread.hpp"

#include <algorithm>

namespace summit::sync {

FetchThread::FetchThread(
    std::function<FetchResult(const FetchRequest &, const std::function<bool()> &)> fetcher,
    std::size_t threads)
    : m_fetcher(std::move(fetcher)), m_max_threads(std::max<std::size_t>(threads, 1)) {}

FetchThread::~FetchThread() { stop(); }

void FetchThread::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_jobs.clear();
    threads = std::move(m_threads);
    m_threads.clear();
  }
  m_wake.notify_all();
  for (auto &thread : threads) {
    if (thread.joinable()) {
      thread.join();
    }
  }
}

void FetchThread::submit(FetchRequest request, Done done) {
  submit_job([this, request = std::move(request),
              done = std::move(done)](const std::function<bool()> &cancelled) {
    FetchResult result = m_fetcher(request, cancelled);
    if (!m_stopping) {
      done(std::move(result));
    }
  });
}

void FetchThread::submit_job(std::function<void(const std::function<bool()> &)> job) {
  {
    std::lock_guard lock(m_mutex);
    if (m_stopping) {
      return;
    }
    m_jobs.push_back(std::move(job));
    // Started as needed: a summitd without subscriptions keeps no thread
    // (nor its stack) for them; one more while every thread is busy (a
    // stalled server), up to m_max_threads.
    if (m_idle < m_jobs.size() && m_threads.size() < m_max_threads) {
      m_threads.emplace_back([this] { run(); });
    }
  }
  m_wake.notify_one();
}

void FetchThread::run() {
  const std::function<bool()> cancelled = [this] { return m_stopping.load(); };
  for (;;) {
    std::function<void(const std::function<bool()> &)> job;
    {
      std::unique_lock lock(m_mutex);
      ++m_idle;
      m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
      --m_idle;
      if (m_stopping) {
        return;
      }
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
    }
    job(cancelled);
  }
}

} // namespace summit::sync
