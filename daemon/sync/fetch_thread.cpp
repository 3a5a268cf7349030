#include "daemon/sync/fetch_thread.hpp"

namespace summit::sync {

FetchThread::FetchThread(
    std::function<FetchResult(const FetchRequest &, const std::function<bool()> &)> fetcher)
    : m_fetcher(std::move(fetcher)) {}

FetchThread::~FetchThread() { stop(); }

void FetchThread::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    m_jobs.clear();
  }
  m_wake.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
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
    // Started at the first fetch: a summitd without subscriptions keeps no
    // thread (nor its stack) for them.
    if (!m_thread.joinable()) {
      m_thread = std::thread([this] { run(); });
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
      m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
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
