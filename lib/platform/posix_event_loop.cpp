// The portable loop, for macOS and the BSDs (and built on Linux to test it,
// PULSE_EVENT_LOOP=posix): signal handlers write the signal's number into a
// pipe whose read end poll watches, the watchdog's pings are SIGALRMs from
// an interval timer through the same pipe (so a ping wakes a network wait as
// a signal does), and the deadline is worked out from the clocks.
//
// Nothing here is woken by a clock step or a resume: a step is the wall
// clock moving against the monotonic clock between two looks, a resume the
// same (the monotonic clock stops while the machine sleeps) and, for the
// daemon's SuspendDetector, the boot-time clock running ahead of the
// monotonic one. So each sleep is bounded, kLongestSleep.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <system_error>

#include "event_loop.h"
#include "platform/posix_descriptor.h"
#include "platform/posix_signals.h"

namespace pulse {
namespace {

// poll's timeout does not count time suspended, and no descriptor here
// becomes readable when the clock is set: on this loop a resume or a clock
// step is noticed within a minute instead of at once. An idle daemon wakes
// once a minute for it.
constexpr Duration kLongestSleep = std::chrono::seconds(60);

// The smallest move of the wall clock against the monotonic one taken for a
// step: the smallest the daemon acts on (ClockStepFollower). NTP's slewing
// (at most 0.5 ms/s) stays far below it between two looks.
constexpr Duration kSmallestClockStep = std::chrono::seconds(1);

constexpr int kPing = SIGALRM;

// Where the handlers write: the pipe of the one open loop, -1 when none is.
std::atomic<int> pipe_for_handlers{-1};
static_assert(std::atomic<int>::is_always_lock_free, "read in signal handlers");

void on_signal(int number) {
  const int saved_errno = errno;
  const auto byte = static_cast<unsigned char>(number);
  // A full pipe holds wake-ups enough: a byte that does not fit can go.
  [[maybe_unused]] const ssize_t written = ::write(pipe_for_handlers.load(), &byte, 1);
  errno = saved_errno;
}

std::system_error last_error(const char* what) {
  return std::system_error(errno, std::generic_category(), what);
}

// A non-blocking pipe, closed on exec (no pipe2 on macOS): [read, write].
std::array<Descriptor, 2> open_pipe() {
  int ends[2];
  if (::pipe(ends) != 0) throw last_error("cannot open a pipe");
  std::array<Descriptor, 2> pipe{Descriptor(ends[0]), Descriptor(ends[1])};
  for (const Descriptor& end : pipe) {
    if (::fcntl(end.get(), F_SETFL, O_NONBLOCK) != 0 ||
        ::fcntl(end.get(), F_SETFD, FD_CLOEXEC) != 0) {
      throw last_error("cannot set up a pipe");
    }
  }
  return pipe;
}

void catch_signal(int signal) {
  struct sigaction action{};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // The rest of the daemon's system calls go on as if nothing happened;
  // only the waits (poll) return early, which is the point.
  action.sa_flags = SA_RESTART;
  if (::sigaction(signal, &action, nullptr) != 0) throw last_error("cannot handle a signal");
}

void set_interval_timer(Duration period) {
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(period).count();
  itimerval timer{};
  timer.it_interval = {static_cast<time_t>(micros / 1'000'000),
                       static_cast<suseconds_t>(micros % 1'000'000)};
  timer.it_value = timer.it_interval;
  ::setitimer(ITIMER_REAL, &timer, nullptr);
}

class PosixEventLoop final : public EventLoop {
 public:
  PosixEventLoop() : pipe_(open_pipe()), clock_offset_(wall_against_monotonic()) {
    int none = -1;
    if (!pipe_for_handlers.compare_exchange_strong(none, pipe_[1].get())) {
      throw std::system_error(EBUSY, std::generic_category(), "an event loop is already open");
    }
    for (int signal : kRequestSignals) catch_signal(signal);
    catch_signal(kPing);
  }

  PosixEventLoop(const PosixEventLoop&) = delete;
  PosixEventLoop& operator=(const PosixEventLoop&) = delete;

  // The signals stay held off (see open_system_event_loop): ignored, before
  // the pipe their handlers wrote to closes.
  ~PosixEventLoop() override {
    set_interval_timer(Duration(0));
    for (int signal : kRequestSignals) ::signal(signal, SIG_IGN);
    ::signal(kPing, SIG_IGN);
    pipe_for_handlers.store(-1);
  }

  const Clocks& clocks() const override { return system_clocks(); }

  void ping_every(Duration period) override { set_interval_timer(period); }

  Wakeup wait_until(Duration deadline) override {
    const Duration sleep = std::clamp(deadline - clocks().boottime(), Duration(0), kLongestSleep);
    pollfd fd{pipe_[0].get(), POLLIN, 0};
    if (::poll(&fd, 1, static_cast<int>(sleep.count())) < 0 && errno != EINTR) {
      throw last_error("poll");
    }
    return take();
  }

  Wakeup take() override {
    Wakeup wakeup;
    std::array<unsigned char, 64> numbers;
    ssize_t length = 0;
    while ((length = ::read(pipe_[0].get(), numbers.data(), numbers.size())) > 0) {
      for (ssize_t i = 0; i < length; ++i) {
        if (numbers[i] == kPing) {
          wakeup.watchdog_due = true;
        } else {
          wakeup.signals.push_back(signal_of(numbers[i]));
        }
      }
    }
    wakeup.clock_changed = clock_stepped();
    return wakeup;
  }

  std::vector<Waitable> wake_sources() const override { return {pipe_[0].get()}; }

 private:
  Duration wall_against_monotonic() const { return clocks().realtime() - clocks().monotonic(); }

  // Whether the wall clock moved against the monotonic clock since the last
  // look: it was set, or the machine slept.
  bool clock_stepped() {
    const Duration offset = wall_against_monotonic();
    const bool stepped = std::chrono::abs(offset - clock_offset_) >= kSmallestClockStep;
    clock_offset_ = offset;
    return stepped;
  }

  std::array<Descriptor, 2> pipe_;
  Duration clock_offset_;
};

}  // namespace

std::unique_ptr<EventLoop> open_system_event_loop() { return std::make_unique<PosixEventLoop>(); }

}  // namespace pulse
