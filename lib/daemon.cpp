#include "daemon.h"

#include <signal.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <system_error>

#include "delivery.h"
#include "identity.h"
#include "log.h"
#include "presence.h"
#include "presence_channel.h"
#include "schedule.h"
#include "service_notifier.h"
#include "signal_inbox.h"
#include "spool.h"
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

std::string rounded(Duration duration) {
  return format_duration(std::chrono::duration_cast<seconds>(duration));
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
    connection_ = connect(std::move(settings), true);
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
    ServerUrl server = parse_server_url(settings.server_url);
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
    connection->channel =
        open_presence_channel(server, *connection->client, *connection->identity, settings.key_file);
    connection->spool = std::make_unique<Spool>(settings.spool_dir(), settings.spool_max_events);
    connection->inventory = collect_inventory_logged(metadata_options(settings));
    connection->settings = std::move(settings);
    return connection;
  }

  Duration now() const { return system_clocks().boottime(); }

  // Sleeps until a signal, the next event, a watchdog ping or a clock change
  // (a resume) is due: a single wait with no timeout, so an idle daemon
  // makes no system calls at all.
  void wait() {
    publish_status();
    event_timer_.fire_at(next_wake_up(next_heartbeat_, retry_at_));

    wait_for_any(
        {signals_.fd(), event_timer_.fd(), watchdog_timer_.fd(), clock_change_timer_.fd()});
    service_watchdog();
    take_signals();
    event_timer_.acknowledge();
    if (clock_change_timer_.acknowledge()) clock_change_timer_.fire_on_clock_change();
  }

  // Does everything that is due, most urgent first, until nothing is.
  // Requests can also arrive during an exchange (wake_during_exchange takes
  // the signals), so each pass looks at all of them again.
  void act_on_what_is_due() {
    while (!stopping_) {
      if (suspend_.resumed_since_last_check()) {
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
        send(EventKind::heartbeat);
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
    log::debug("next heartbeat in " + rounded(next_heartbeat_ - now()));
  }

  void send(EventKind kind) {
    StoredEvent event = create_presence_event(kind, *connection_->identity,
                                              metadata_options(connection_->settings),
                                              connection_->inventory, Clock::now());
    Outcome outcome = deliver_under_spool_lock(event);
    report(kind, outcome);
    after_delivery(outcome);
    if (outcome.kind == OutcomeKind::unavailable) {
      waiting_in_spool_ = kind;
    } else {
      waiting_in_spool_.reset();
    }
  }

  // Delivers the spool and `event` while holding the spool lock. When a
  // `send` holds it, the event is spooled and picked up shortly; when the
  // state directory is unusable, the event is sent without the spool.
  Outcome deliver_under_spool_lock(const StoredEvent& event) {
    std::unique_ptr<FileLock> lock;
    try {
      lock = std::make_unique<FileLock>(connection_->settings.state_dir / "spool.lock", false);
    } catch (const std::system_error& error) {
      log::error(std::string(error.what()) + "; delivering without the spool");
      return deliver_in_order(*connection_->channel, nullptr, event);
    }
    if (lock->held()) {
      return deliver_in_order(*connection_->channel, connection_->spool.get(), event);
    }
    Outcome outcome = unavailable_outcome("the spool is being delivered by another process");
    spool_event(*connection_->spool, event, outcome);
    outcome.retry_after = std::chrono::duration_cast<seconds>(kLockBusyRetry);
    return outcome;
  }

  void retry_spool() {
    retry_at_.reset();
    std::unique_ptr<FileLock> lock;
    try {
      lock = std::make_unique<FileLock>(connection_->settings.state_dir / "spool.lock", false);
    } catch (const std::system_error& error) {
      log::error(std::string(error.what()) + "; cannot deliver the spool");
    }
    if (!lock || !lock->held()) {
      retry_at_ = now() + kLockBusyRetry;
      retry_text_ = wall_time_after(kLockBusyRetry);
      return;
    }
    std::optional<Outcome> blocked = deliver_spool(*connection_->channel, *connection_->spool);
    if (!blocked) {
      backoff_.reset();
      if (waiting_in_spool_) {
        last_outcome_text_ = std::string(event_name(*waiting_in_spool_)) +
                             " delivered from the spool at " + wall_time_after(Duration(0));
        waiting_in_spool_.reset();
      }
      return;
    }
    log::warning("spooled events still undelivered: " + blocked->message);
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
      log::warning("the server asked to wait " + rounded(*outcome.retry_after) +
                   " before retrying; waiting " + format_duration(kMaxRetryAfter) +
                   ", the longest Retry-After honoured");
    }
    const Duration delay = retry_delay(backoff_.next(), outcome.retry_after, random_);
    retry_at_ = now() + delay;
    retry_text_ = wall_time_after(delay);
    log::info("retrying in " + rounded(delay));
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
  }

  // STATUS= for `systemctl status`: the last outcome and what comes next.
  // Sent only when it changed, so a watchdog wake-up adds no message.
  void publish_status() {
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
      connection_ = connect(std::move(settings), false);
      log::info("config reloaded; reporting to " + connection_->settings.server_url + " every " +
                format_duration(connection_->settings.heartbeat_interval));
      schedule_heartbeat(HeartbeatAfter::reload);
    } catch (const Failure& failure) {
      log::error(std::string("config reload failed, keeping the previous config and key: ") +
                 failure.what());
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
  }

  const SettingsLoader& load_;
  DaemonOverrides overrides_;
  SignalInbox signals_;
  ServiceNotifier notifier_;
  Timer event_timer_;
  Timer watchdog_timer_;
  Timer clock_change_timer_;
  SuspendDetector suspend_;
  RandomSource random_;
  Backoff backoff_;
  std::unique_ptr<FileLock> instance_lock_;
  std::unique_ptr<Connection> connection_;

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
  steady_clock::time_point shutdown_deadline_{};
};

}  // namespace

ExitCode run_daemon(const SettingsLoader& load, const DaemonOverrides& overrides) {
  Daemon daemon(load, overrides);
  return daemon.run();
}

}  // namespace pulse
