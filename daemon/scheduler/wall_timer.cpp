#include "daemon/scheduler/wall_timer.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <utility>

namespace summit::scheduler {

namespace {

int make_timerfd() {
  const int fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "timerfd_create");
  }
  return fd;
}

} // namespace

WallTimer::WallTimer(const boost::asio::any_io_executor &executor)
    : m_descriptor(executor, make_timerfd()) {
  start_wait();
}

// Closing the descriptor completes the outstanding wait with
// operation_aborted; its handler returns before touching `this`.
WallTimer::~WallTimer() = default;

void WallTimer::wait_until(WallInstant when, Handler handler) {
  m_handler = std::move(handler);
  set_kernel_timer(when);
}

void WallTimer::cancel() {
  clear_kernel_timer();
  if (m_handler) {
    boost::asio::post(m_descriptor.get_executor(), [handler = std::exchange(m_handler, nullptr)] {
      handler(Outcome::cancelled);
    });
  }
}

void WallTimer::disarm() {
  clear_kernel_timer();
  m_handler = nullptr;
}

// The descriptor is registered edge-triggered, and Asio does not complete a
// wait started after an edge it has already seen. So one wait is always
// outstanding, and on_readable re-issues it *before* reading: readiness that
// arrives after the read finds a waiter; readiness before it is consumed by it.
void WallTimer::start_wait() {
  m_descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                          [this](const boost::system::error_code &ec) {
                            if (ec) {
                              if (ec != boost::asio::error::operation_aborted) {
                                spdlog::error("wall timer: wait failed: {}", ec.message());
                              }
                              return;
                            }
                            on_readable();
                          });
}

void WallTimer::on_readable() {
  start_wait();
  std::uint64_t expirations = 0;
  const auto n = ::read(m_descriptor.native_handle(), &expirations, sizeof expirations);
  Outcome outcome = Outcome::due;
  if (n == static_cast<ssize_t>(sizeof expirations)) {
    outcome = Outcome::due;
  } else if (n < 0 && errno == ECANCELED) {
    outcome = Outcome::clock_changed;
  } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
    return; // readiness already consumed, or the timer was re-armed since
  } else {
    spdlog::error("wall timer: read failed: {}", n < 0 ? std::strerror(errno) : "short read");
    return;
  }
  // An expired timer still has cancel-on-set registered: clear it so that a
  // clock change while nothing is pending does not wake us.
  clear_kernel_timer();
  if (!m_handler) {
    return; // disarmed or cancelled meanwhile
  }
  auto handler = std::exchange(m_handler, nullptr);
  handler(outcome); // last: it may re-arm, or destroy this timer
}

void WallTimer::set_kernel_timer(WallInstant when) {
  itimerspec spec{};
  const auto since_epoch = when.time_since_epoch();
  const auto seconds = std::chrono::floor<std::chrono::seconds>(since_epoch);
  if (since_epoch.count() > 0) {
    spec.it_value.tv_sec = static_cast<time_t>(seconds.count());
    spec.it_value.tv_nsec = static_cast<long>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - seconds).count());
  } else {
    // A zero it_value would disarm; 1 ns after the epoch is "in the past,
    // fire at once".
    spec.it_value.tv_nsec = 1;
  }
  if (::timerfd_settime(m_descriptor.native_handle(), TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
                        &spec, nullptr) == 0) {
    return;
  }
  const int error = errno;
  if (error == ECANCELED && m_handler) {
    // The clock was set between our read of it and this call.
    boost::asio::post(m_descriptor.get_executor(), [handler = std::exchange(m_handler, nullptr)] {
      handler(Outcome::clock_changed);
    });
    return;
  }
  spdlog::error("wall timer: cannot arm for {}s after the epoch: {}", seconds.count(),
                std::strerror(error));
}

void WallTimer::clear_kernel_timer() {
  const itimerspec spec{};
  if (::timerfd_settime(m_descriptor.native_handle(), 0, &spec, nullptr) != 0) {
    spdlog::error("wall timer: cannot disarm: {}", std::strerror(errno));
  }
}

} // namespace summit::scheduler
