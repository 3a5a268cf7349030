// summit-host-stalls: how long this machine itself stops running a thread
// that should run, measured beside bench/isolation's classes.
//
// One thread per CPU, pinned to it and scheduled SCHED_FIFO (a real-time
// thread preempts every ordinary one at once, so no process of the run, the
// daemon included, can delay it), sleeps 1 ms at a time. Whenever a sleep
// ends more than --threshold-ms later than asked, the CPU did not run the
// thread for that long: a virtual CPU the hypervisor did not schedule, or
// the kernel with preemption off. Each such stall is printed as one JSON
// line, {"cpu":N,"from":WALL,"to":WALL,"ms":OVERSHOOT}, wall times in
// seconds since the epoch, so that a reminder's lateness can be set beside
// what the machine did in the same milliseconds.
//
//   summit-host-stalls SECONDS [--threshold-ms 1]
//
// Needs CAP_SYS_NICE (root) for SCHED_FIFO; without it, it prints
// {"error": ...} and exits 2 rather than measure something else.

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

double seconds(clockid_t clock) {
  timespec t{};
  ::clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

std::mutex g_out;

void watch(int cpu, double until, double threshold_ms, std::atomic<int> &failed) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (int e = ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set); e != 0) {
    std::lock_guard lock(g_out);
    std::printf("{\"error\":\"cpu %d: pthread_setaffinity_np: %s\"}\n", cpu, std::strerror(e));
    failed = 1;
    return;
  }
  sched_param param{};
  param.sched_priority = 1;
  if (int e = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &param); e != 0) {
    std::lock_guard lock(g_out);
    std::printf("{\"error\":\"SCHED_FIFO: %s (run as root)\"}\n", std::strerror(e));
    failed = 1;
    return;
  }
  constexpr timespec k_step{0, 1'000'000};
  double last = seconds(CLOCK_MONOTONIC);
  while (last < until && failed == 0) {
    ::clock_nanosleep(CLOCK_MONOTONIC, 0, &k_step, nullptr);
    const double now = seconds(CLOCK_MONOTONIC);
    const double over_ms = (now - last) * 1000.0 - 1.0;
    if (over_ms > threshold_ms) {
      const double wall_now = seconds(CLOCK_REALTIME);
      std::lock_guard lock(g_out);
      std::printf("{\"cpu\":%d,\"from\":%.6f,\"to\":%.6f,\"ms\":%.3f}\n", cpu,
                  wall_now - (now - last) + 0.001, wall_now, over_ms);
      std::fflush(stdout);
    }
    last = now;
  }
}

} // namespace

int main(int argc, char **argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: summit-host-stalls SECONDS [--threshold-ms MS]\n");
    return 2;
  }
  const double duration = std::strtod(argv[1], nullptr);
  double threshold_ms = 1.0;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::string(argv[i]) == "--threshold-ms") {
      threshold_ms = std::strtod(argv[i + 1], nullptr);
    }
  }
  const double until = seconds(CLOCK_MONOTONIC) + duration;
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int cpu = 0; cpu < cpus; ++cpu) {
    threads.emplace_back(watch, cpu, until, threshold_ms, std::ref(failed));
  }
  for (auto &t : threads) {
    t.join();
  }
  return failed != 0 ? 2 : 0;
}
