#include "daemon.h"

#include <signal.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <memory>
#include <string>
#include <system_error>

#include "clock_step.h"
#include "delivery.h"
#include "file_lock.h"
#include "identity.h"
#include "log.h"
#include "presence.h"
#include "presence_channel.h"
#include "schedule.h"
#include "service_notifier.h"
#include "signal_inbox.h"
#include "spool.h"
#include "status_file.h"
#include "timer.h"
#include "waitable.h"

namespace pulse {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

// When a `send` holds the spool lock, look again shortly instead of blocking.
constexpr Duration kLockBusyRetry = seconds(1);

// Everything that a config (re)load builds; replaced as a whole on SIGHUP so
// a bad new config leaves the old one in force.
struct Connection {
  Settings settings;
  std::unique_ptr<Identity> identity;
  std::unique_ptr<HttpClient> client;
  std::unique_ptr<PresenceChannel> channel;
  std::unique_ptr<Spool> spool;
  // Collected at start and on reload, not for every event (contract §3).
  Inventory inventory;
};

std::string signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGHUP: return "SIGHUP";
    case SIGUSR1: return "SIGUSR1";
  }
  return "signal " + std::to_string(signal);
}

// A wait for people: milliseconds below a second, else whole seconds
// rounded up, so no wait that is still to come reads as "0s".
std::string for_people(Duration duration) {
  if (duration < seconds(1)) return format_duration(duration);
  return format_duration(std::chrono::ceil<seconds>(duration));
}

class Daemon {
 public:
  Daemon(const SettingsLoader& load, const DaemonOverrides& overrides)
      : load_(load),
        overrides_(overrides),
        signals_({SIGTERM, SIGINT, SIGHUP, SIGUSR1}),
        event_timer_(CLOCK_BOOTTIME),
        watchdog_timer_(CLOCK_MONOTONIC),
        clock_change_timer_(CLOCK_REALTIME),
        suspend_(system_clocks()),
        clock_steps_(system_clocks()),
        random_(system_random()),
        backoff_(kFirstRetry, kMaxRetry, random_) {}

  ExitCode run() {
    Settings settings = load_settings_with_overrides();
    try {
      instance_lock_ = std::make_unique<FileLock>(settings.state_dir / "pulse.lock", false);
    } catch (const std::system_error& error) {
      throw Failure(ExitCode::configuration,
                    std::string(error.what()) + "; check state.dir or --state-dir");
    }
    if (!instance_lock_->held()) {
      std::string pid = FileLock::read_content(settings.state_dir / "pulse.lock");
      throw Failure(ExitCode::temp_fail, "another pharos-pulse run is active for state dir '" +
                                             settings.state_dir.string() + "' (pid " +
                                             (pid.empty() ? "unknown" : pid) + ")");
    }
    instance_lock_->write_content(std::to_string(::getpid()));
    status_file_ = std::make_unique<StatusFile>(status_file_path(settings.state_dir));
    status_.pid = ::getpid();
    status_.started = wall_time_after(Duration(0));
    connection_ = connect(std::move(settings), true);
    status_file_->publish(status_);
    log::info("running as " + connection_->identity->fingerprint() + ", reporting to " +
              connection_->settings.server_url);

    clock_change_timer_.fire_on_clock_change();
    if (auto period = notifier_.watchdog_interval()) watchdog_timer_.fire_every(*period);
    // Ready before ONLINE is delivered, so boot never waits on the network.
    notifier_.notify("READY=1");

    send(EventKind::online);
    schedule_heartbeat(HeartbeatAfter::online);
    while (!stopping_) {
      act_on_what_is_due();
      if (!stopping_) wait();
    }
    shut_down();
    return ExitCode::ok;
  }

 private:
  Settings load_settings_with_overrides() const {
    Settings settings = load_();
    if (overrides_.interval) settings.heartbeat_interval = *overrides_.interval;
    if (overrides_.jitter) settings.heartbeat_jitter = *overrides_.jitter;
    if (overrides_.shutdown_timeout) settings.shutdown_timeout = *overrides_.shutdown_timeout;
    return settings;
  }

  std::unique_ptr<Connection> connect(Settings settings, bool create_key) {
    auto connection = std::make_unique<Connection>();
    ServerUrl server = parse_server_url(settings.server_url, settings.server_url_source);
    connection->identity = std::make_unique<Identity>(
        create_key ? load_or_create_identity(settings.key_file,
                                             [&settings] {
                                               return collect_metadata(metadata_options(settings))
                                                   .hostname;
                                             })
                   : load_identity(settings.key_file));
    WakeWatch wake_watch{{signals_.fd(), watchdog_timer_.fd()},
                         [this] { return wake_during_exchange(); }};
    connection->client =
        std::make_unique<HttpClient>(TransportSettings::from(settings), std::move(wake_watch));
    // No CA bundle is a configuration error at start or reload, not a
    // delivery failure to retry.
    if (server.scheme != Scheme::http) connection->client->tls_ca_bundle();
    connection->channel =
        open_presence_channel(server, *connection->client, *connection->identity, settings.key_file);
    connection->spool = std::make_unique<Spool>(settings.spool_dir(), settings.spool_max_events);
    connection->inventory = collect_inventory_logged(metadata_options(settings));
    status_.server = settings.server_url;
    status_.transport = settings.server_url.substr(0, settings.server_url.find("://"));
    connection->settings = std::move(settings);
    return connection;
  }

  Duration now() const { return system_clocks().boottime(); }

  // Sleeps until a signal, the next event, a watchdog ping or a clock change
  // (a resume) is due: a single wait with no timeout, so an idle daemon
  // makes no system calls at all.
  void wait() {
    publish_status();
#ifdef __GLIBC__
    // The heap a transfer freed stays resident until the next one, maybe an
    // hour away: give its pages back before sleeping.
    malloc_trim(0);
#endif
    event_timer_.fire_at(next_wake_up(next_heartbeat_, retry_at_));

    wait_for_any(
        {signals_.fd(), event_timer_.fd(), watchdog_timer_.fd(), clock_change_timer_.fd()});
    service_watchdog();
    take_signals();
    event_timer_.acknowledge();
    if (clock_change_timer_.acknowledge()) {
      clock_change_timer_.fire_on_clock_change();
      clock_changed_ = true;
    }
  }

  // The wall clock was set (or the machine resumed, which changes nothing
  // here): our spooled events take the time they really happened, and a
  // spool held back, perhaps by our clock's skew, is tried again at once.
  void follow_clock_change() {
    clock_step_to_follow_ = true;
    if (retry_at_) {
      backoff_.reset();
      retry_at_ = now();
    }
  }

  // Under the spool lock, before the spool is delivered.
  void retime_spool_after_clock_change() {
    if (!clock_step_to_follow_) return;
    clock_step_to_follow_ = false;
    try {
      clock_steps_.follow(*connection_->spool);
    } catch (const std::system_error& error) {
      log::error(std::string("cannot give spooled events the time the clock was set to: ") +
                 error.what());
    }
  }

  // Does everything that is due, most urgent first, until nothing is.
  // Requests can also arrive during an exchange (wake_during_exchange takes
  // the signals), so each pass looks at all of them again.
  void act_on_what_is_due() {
    while (!stopping_) {
      if (clock_changed_) {
        clock_changed_ = false;
        follow_clock_change();
      } else if (suspend_.resumed_since_last_check()) {
        log::info("resumed after a suspend");
        // The network is often still coming up: retry from 1 s again. The
        // ONLINE also answers a SIGUSR1 sent by a resume hook.
        backoff_.reset();
        heartbeat_requested_ = false;
        send(EventKind::online);
        schedule_heartbeat(HeartbeatAfter::online);
      } else if (reload_requested_) {
        reload_requested_ = false;
        reload();
      } else if (heartbeat_requested_) {
        heartbeat_requested_ = false;
        send(EventKind::heartbeat);
        schedule_heartbeat(HeartbeatAfter::heartbeat);
      } else if (now() >= next_heartbeat_) {
        if (heartbeat_waits_for_retry(now(), retry_at_)) {
          spool_until_retry(EventKind::heartbeat);
        } else {
          send(EventKind::heartbeat);
        }
        schedule_heartbeat(HeartbeatAfter::heartbeat);
      } else if (retry_at_ && now() >= *retry_at_) {
        retry_spool();
      } else {
        return;
      }
    }
  }

  void take_signals() {
    for (int signal : signals_.take()) {
      log::debug("received " + signal_name(signal));
      switch (signal) {
        case SIGTERM:
        case SIGINT:
          if (stopping_) break;
          stopping_ = true;
          // The whole shutdown, an aborted exchange included, fits in the
          // budget counted from the signal.
          shutdown_deadline_ = steady_clock::now() + connection_->settings.shutdown_timeout;
          log::info(signal_name(signal) + " received, sending OFFLINE");
          break;
        case SIGHUP: reload_requested_ = true; break;
        case SIGUSR1: heartbeat_requested_ = true; break;
      }
    }
  }

  void service_watchdog() {
    if (watchdog_timer_.acknowledge()) notifier_.notify("WATCHDOG=1");
  }

  // Called when the signalfd or the watchdog timer wakes a network wait:
  // feeds the watchdog, takes the signals (none is lost, and the wait does
  // not spin on them) and stops the exchange when it is time to shut down.
  // The OFFLINE itself runs until the shutdown deadline.
  bool wake_during_exchange() {
    service_watchdog();
    take_signals();
    return stopping_ && !shutting_down_;
  }

  void schedule_heartbeat(HeartbeatAfter after) {
    const Settings& settings = connection_->settings;
    next_heartbeat_ = next_heartbeat_at(after, last_heartbeat_, now(), settings.heartbeat_interval,
                                        settings.heartbeat_jitter, random_);
    if (after != HeartbeatAfter::reload) last_heartbeat_ = now();
    next_heartbeat_text_ = wall_time_after(next_heartbeat_ - now());
    status_.next_heartbeat = next_heartbeat_text_;
    log::debug("next heartbeat in " + for_people(next_heartbeat_ - now()));
  }

  void send(EventKind kind) {
    const ClockReading made = clock_steps_.now();
    StoredEvent event = create_presence_event(kind, *connection_->identity,
                                              metadata_options(connection_->settings),
                                              connection_->inventory, made.wall);
    Outcome outcome = deliver_under_spool_lock(event);
    report(kind, outcome);
    after_delivery(outcome);
    if (outcome.kind == OutcomeKind::unavailable) {
      waiting_in_spool_ = kind;
      clock_steps_.remember(event, made, *connection_->spool);
    } else {
      waiting_in_spool_.reset();
    }
  }

  // A heartbeat due while the spool waits for its retry joins the spool
  // without asking the server (heartbeat_waits_for_retry).
  void spool_until_retry(EventKind kind) {
    const ClockReading made = clock_steps_.now();
    StoredEvent event = create_presence_event(kind, *connection_->identity,
                                              metadata_options(connection_->settings),
                                              connection_->inventory, made.wall);
    try {
      connection_->spool->add(event);
    } catch (const std::system_error& error) {
      log::error("cannot spool the " + std::string(event_name(kind)) + ": " + error.what() +
                 "; sending it now");
      send(kind);
      return;
    }
    log::info(std::string(event_name(kind)) + " spooled behind the events waiting for the retry at " +
              retry_text_);
    waiting_in_spool_ = kind;
    clock_steps_.remember(event, made, *connection_->spool);
  }

  // The spool lock when no `send` holds it; nullptr when the state
  // directory is unusable, logged with what the daemon does `instead`.
  std::unique_ptr<FileLock> try_spool_lock(std::string_view instead) const {
    try {
      return std::make_unique<FileLock>(connection_->settings.state_dir / "spool.lock", false);
    } catch (const std::system_error& error) {
      log::error(std::string(error.what()) + "; " + std::string(instead));
      return nullptr;
    }
  }

  // Delivers the spool and `event` while holding the spool lock. When a
  // `send` holds it, the event is spooled and picked up shortly; when the
  // state directory is unusable, the event is sent without the spool.
  Outcome deliver_under_spool_lock(const StoredEvent& event) {
    std::unique_ptr<FileLock> lock = try_spool_lock("delivering without the spool");
    if (!lock) return deliver_guarded(event, nullptr);
    if (lock->held()) {
      retime_spool_after_clock_change();
      return deliver_guarded(event, connection_->spool.get());
    }
    Outcome outcome = unavailable_outcome("the spool is being delivered by another process");
    spool_event(*connection_->spool, event, outcome);
    outcome.retry_after = std::chrono::duration_cast<seconds>(kLockBusyRetry);
    return outcome;
  }

  // Whatever a delivery throws stays in the loop: the event is kept and
  // retried like any undelivered one, and OFFLINE still goes at shutdown.
  Outcome deliver_guarded(const StoredEvent& event, Spool* spool) {
    try {
      return deliver_in_order(*connection_->channel, spool, event);
    } catch (const std::exception& error) {
      Outcome outcome = unavailable_outcome(std::string("cannot deliver: ") + error.what());
      if (spool != nullptr) spool_event(*spool, event, outcome);
      return outcome;
    }
  }

  void retry_spool() {
    retry_at_.reset();
    std::unique_ptr<FileLock> lock = try_spool_lock("cannot deliver the spool");
    if (!lock || !lock->held()) {
      retry_at_ = now() + kLockBusyRetry;
      retry_text_ = wall_time_after(kLockBusyRetry);
      return;
    }
    retime_spool_after_clock_change();
    std::optional<Outcome> blocked;
    try {
      blocked = deliver_spool(*connection_->channel, *connection_->spool);
    } catch (const std::exception& error) {
      blocked = unavailable_outcome(std::string("cannot deliver: ") + error.what());
    }
    if (!blocked) {
      backoff_.reset();
      if (waiting_in_spool_) {
        last_outcome_text_ = std::string(event_name(*waiting_in_spool_)) +
                             " delivered from the spool at " + wall_time_after(Duration(0));
        status_.last_event = {std::string(event_name(*waiting_in_spool_)), "delivered",
                              wall_time_after(Duration(0))};
        waiting_in_spool_.reset();
      }
      return;
    }
    log::warning(blocked->message);
    status_.last_error = {wall_time_after(Duration(0)), blocked->message};
    after_delivery(*blocked);
  }

  void after_delivery(const Outcome& outcome) {
    if (stopping_) return;  // the OFFLINE at shutdown delivers the spool once more
    if (outcome.kind != OutcomeKind::unavailable) {
      backoff_.reset();
      retry_at_.reset();
      return;
    }
    if (outcome.retry_after && *outcome.retry_after > kMaxRetryAfter) {
      log::warning("the server asked to wait " + for_people(*outcome.retry_after) +
                   " before retrying; waiting " + format_duration(kMaxRetryAfter) +
                   ", the longest Retry-After honoured");
    }
    const Duration delay = retry_delay(backoff_.next(), outcome.retry_after, random_);
    retry_at_ = now() + delay;
    retry_text_ = wall_time_after(delay);
    log::info("retrying in " + for_people(delay));
  }

  void report(EventKind kind, const Outcome& outcome) {
    const std::string name(event_name(kind));
    const std::string what = outcome.kind == OutcomeKind::delivered
                                 ? "delivered"
                                 : std::string(outcome_name(outcome.kind));
    if (outcome.kind == OutcomeKind::delivered) {
      log::info(name + " delivered (" + std::to_string(outcome.status) + ")");
    } else {
      log::error(name + " " + what + ": " + outcome.message);
    }
    last_outcome_text_ = name + " " + what + " at " + wall_time_after(Duration(0));
    status_.last_event = {name, what, wall_time_after(Duration(0))};
    if (outcome.kind != OutcomeKind::delivered) {
      status_.last_error = {wall_time_after(Duration(0)), outcome.message};
    }
  }

  // STATUS= for `systemctl status` and the status file for `pharos-pulse
  // status`: the last outcome and what comes next. Written only when they
  // changed, so a watchdog wake-up adds no message.
  void publish_status() {
    status_.retry_at = retry_at_ ? std::optional(retry_text_) : std::nullopt;
    status_file_->publish(status_);
    std::string text = "last: " + last_outcome_text_;
    if (retry_at_) text += "; retry at " + retry_text_;
    text += "; next heartbeat at " + next_heartbeat_text_;
    if (text == published_status_) return;
    notifier_.notify("STATUS=" + text);
    published_status_ = std::move(text);
  }

  // The wall-clock time `delay` from now, to the second, for people.
  static std::string wall_time_after(Duration delay) {
    const std::string stamp = format_timestamp(Clock::now() + delay);
    return stamp.substr(0, stamp.find('.')) + "Z";
  }

  void reload() {
    try {
      Settings settings = load_settings_with_overrides();
      if (settings.state_dir != connection_->settings.state_dir) {
        log::warning("state.dir changed; it takes effect at the next start");
        settings.state_dir = connection_->settings.state_dir;
      }
      std::unique_ptr<Connection> next = connect(std::move(settings), false);
      // A value the new settings cannot send (a line feed in a Ph value)
      // fails here, while the old settings are still in force. An ONLINE
      // carries every field, the inventory's too.
      next->channel->dry_run(create_presence_event(EventKind::online, *next->identity,
                                                   metadata_options(next->settings),
                                                   next->inventory, Clock::now()));
      connection_ = std::move(next);
      log::info("config reloaded; reporting to " + connection_->settings.server_url + " every " +
                format_duration(connection_->settings.heartbeat_interval));
      schedule_heartbeat(HeartbeatAfter::reload);
    } catch (const std::exception& error) {
      log::error(std::string("config reload failed, keeping the previous config and key: ") +
                 error.what());
    }
  }

  void shut_down() {
    notifier_.notify("STOPPING=1");
    shutting_down_ = true;
    connection_->client->end_all_by(
        shutdown_deadline_, "the " + format_duration(connection_->settings.shutdown_timeout) +
                                " shutdown budget (heartbeat.shutdown_timeout)");

    StoredEvent event = create_presence_event(EventKind::offline, *connection_->identity,
                                              metadata_options(connection_->settings),
                                              connection_->inventory, Clock::now());
    report(EventKind::offline, deliver_under_spool_lock(event));
    status_.retry_at.reset();
    status_file_->publish(status_);
  }

  const SettingsLoader& load_;
  DaemonOverrides overrides_;
  SignalInbox signals_;
  ServiceNotifier notifier_;
  Timer event_timer_;
  Timer watchdog_timer_;
  Timer clock_change_timer_;
  SuspendDetector suspend_;
  ClockStepFollower clock_steps_;
  RandomSource random_;
  Backoff backoff_;
  std::unique_ptr<FileLock> instance_lock_;
  std::unique_ptr<Connection> connection_;
  std::unique_ptr<StatusFile> status_file_;
  DaemonStatus status_;

  Duration last_heartbeat_{};
  Duration next_heartbeat_{};
  std::optional<Duration> retry_at_;
  std::string last_outcome_text_ = "none yet";
  // Our latest event, when it went to the spool and is not delivered yet.
  std::optional<EventKind> waiting_in_spool_;
  std::string next_heartbeat_text_;
  std::string retry_text_;
  std::string published_status_;
  bool stopping_ = false;
  bool reload_requested_ = false;
  bool heartbeat_requested_ = false;
  bool shutting_down_ = false;
  bool clock_changed_ = false;
  bool clock_step_to_follow_ = false;
  steady_clock::time_point shutdown_deadline_{};
};

}  // namespace

ExitCode run_daemon(const SettingsLoader& load, const DaemonOverrides& overrides) {
  Daemon daemon(load, overrides);
  return daemon.run();
}

}  // namespace pulse
