#pragma once

#include "daemon/scheduler/timer.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <system_error>

namespace summit::scheduler {

// A Timer on the wall clock: a CLOCK_REALTIME timerfd armed with
// TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET inside an Asio descriptor.
// Unlike asio's system_timer (which sleeps on the monotonic clock and can be
// minutes late after a suspend), it completes as soon as the wall clock
// reaches the instant, also on resume, and it reports a setting of the wall
// clock at once (Outcome::clock_changed). One read-wait is kept outstanding
// on the descriptor; a disarmed timerfd never becomes readable, so an idle
// timer costs no wake-ups. Single-threaded: call it on its executor's thread.
class WallTimer final : public Timer {
public:
  // Throws std::system_error when no timerfd can be created (out of file
  // descriptors): the daemon cannot schedule without one.
  explicit WallTimer(const boost::asio::any_io_executor &executor);
  ~WallTimer() override;
  WallTimer(const WallTimer &) = delete;
  WallTimer &operator=(const WallTimer &) = delete;

  void wait_until(WallInstant when, Handler handler) override;
  void cancel() override;
  void disarm() override;

private:
  void start_wait();
  void on_readable();
  void set_kernel_timer(WallInstant when);
  void clear_kernel_timer();

  boost::asio::posix::stream_descriptor m_descriptor;
  Handler m_handler;
};

} // namespace summit::scheduler
