#include "daemon.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <memory>
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

namespace pulse {
namespace {

using std::chrono::seconds;

constexpr Duration kFirstRetry = seconds(1);
constexpr Duration kMaxRetry = std::chrono::minutes(5);
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
};

Identity load_or_create_identity(const Settings& settings, const MetadataOptions& metadata) {
  if (std::filesystem::exists(settings.key_file)) return load_identity(settings.key_file);
  Identity identity = Identity::generate(default_key_comment(collect_metadata(metadata).hostname));
  save_identity(identity, settings.key_file, false);
  log::info("created identity key " + settings.key_file.string() + " (" + identity.fingerprint() +
            ")");
  return identity;
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

    if (auto period = notifier_.watchdog_interval()) watchdog_timer_.fire_every(*period);
    // Ready before ONLINE is delivered, so boot never waits on the network.
    notifier_.notify("READY=1");

    send(EventKind::online);
    schedule_heartbeat_from(now());
    while (!stopping_) wait_and_act();
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
        create_key ? load_or_create_identity(settings, metadata_options(settings))
                   : load_identity(settings.key_file));
    connection->client = std::make_unique<HttpClient>(TransportSettings::from(settings),
                                                      [this] { return should_abort_transfer(); });
    connection->channel =
        open_presence_channel(server, *connection->client, *connection->identity);
    connection->spool = std::make_unique<Spool>(settings.spool_dir(), settings.spool_max_events);
    connection->settings = std::move(settings);
    return connection;
  }

  Duration now() const { return system_clocks().boottime(); }

  void wait_and_act() {
    Duration deadline = next_heartbeat_;
    if (retry_at_) deadline = std::min(deadline, *retry_at_);
    event_timer_.fire_at(deadline);

    pollfd fds[] = {{signals_.fd(), POLLIN, 0},
                    {event_timer_.fd(), POLLIN, 0},
                    {watchdog_timer_.fd(), POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0 && errno != EINTR) {
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    service_watchdog();
    take_signals();
    event_timer_.acknowledge();
    act_on_requests();
    if (stopping_) return;

    if (suspend_.resumed_since_last_check()) {
      log::info("resumed after a suspend");
      send(EventKind::online);
      schedule_heartbeat_from(now());
      return;
    }
    if (retry_at_ && now() >= *retry_at_) retry_spool();
    if (now() >= next_heartbeat_) {
      send(EventKind::heartbeat);
      schedule_heartbeat_from(now());
    }
  }

  // Signals that arrived while a transfer ran are acted on here, after it.
  void act_on_requests() {
    while (!stopping_ && (reload_requested_ || heartbeat_requested_)) {
      if (reload_requested_) {
        reload_requested_ = false;
        reload();
      }
      if (heartbeat_requested_) {
        heartbeat_requested_ = false;
        send(EventKind::heartbeat);
        schedule_heartbeat_from(now());
      }
    }
  }

  void take_signals() {
    for (int signal : signals_.take()) {
      switch (signal) {
        case SIGTERM:
        case SIGINT: stopping_ = true; break;
        case SIGHUP: reload_requested_ = true; break;
        case SIGUSR1: heartbeat_requested_ = true; break;
      }
    }
  }

  void service_watchdog() {
    if (watchdog_timer_.acknowledge()) notifier_.notify("WATCHDOG=1");
  }

  // Called by libcurl during transfers: keeps the watchdog fed and stops a
  // transfer for shutdown (or at the shutdown deadline).
  bool should_abort_transfer() {
    service_watchdog();
    if (shutting_down_) return now() >= shutdown_deadline_;
    take_signals();
    return stopping_;
  }

  void schedule_heartbeat_from(Duration base) {
    last_heartbeat_ = base;
    const Settings& settings = connection_->settings;
    next_heartbeat_ = base + heartbeat_delay(settings.heartbeat_interval,
                                             settings.heartbeat_jitter, random_);
    status("next heartbeat in " + rounded(next_heartbeat_ - now()));
  }

  void send(EventKind kind) {
    StoredEvent event = create_presence_event(kind, *connection_->identity,
                                              metadata_options(connection_->settings),
                                              Clock::now());
    Outcome outcome = deliver_under_spool_lock(event);
    report(kind, outcome);
    after_delivery(outcome);
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
      return;
    }
    std::optional<Outcome> blocked = deliver_spool(*connection_->channel, *connection_->spool);
    if (!blocked) {
      backoff_.reset();
      return;
    }
    log::warning("spooled events still undelivered: " + blocked->message);
    after_delivery(*blocked);
  }

  void after_delivery(const Outcome& outcome) {
    if (outcome.kind != OutcomeKind::unavailable) {
      backoff_.reset();
      retry_at_.reset();
      return;
    }
    Duration delay = backoff_.next();
    if (outcome.retry_after) delay = std::max(delay, Duration(*outcome.retry_after));
    retry_at_ = now() + delay;
    log::info("retrying in " + rounded(delay));
  }

  void report(EventKind kind, const Outcome& outcome) {
    const std::string name(event_name(kind));
    if (outcome.kind == OutcomeKind::delivered) {
      log::info(name + " delivered (" + std::to_string(outcome.status) + ")");
      status("last: " + name + " delivered at " + format_timestamp(Clock::now()));
    } else {
      log::error(name + " " + std::string(outcome_name(outcome.kind)) + ": " + outcome.message);
      status("last: " + name + " " + std::string(outcome_name(outcome.kind)) + " at " +
             format_timestamp(Clock::now()));
    }
  }

  void status(const std::string& text) { notifier_.notify("STATUS=" + text); }

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
      schedule_heartbeat_from(last_heartbeat_);
    } catch (const Failure& failure) {
      log::error(std::string("config reload failed, keeping the previous config and key: ") +
                 failure.what());
    }
  }

  void shut_down() {
    notifier_.notify("STOPPING=1");
    shutting_down_ = true;
    const Duration budget = connection_->settings.shutdown_timeout;
    shutdown_deadline_ = now() + budget;
    connection_->client->limit_timeout(budget);

    StoredEvent event = create_presence_event(EventKind::offline, *connection_->identity,
                                              metadata_options(connection_->settings),
                                              Clock::now());
    report(EventKind::offline, deliver_under_spool_lock(event));
  }

  const SettingsLoader& load_;
  DaemonOverrides overrides_;
  SignalInbox signals_;
  ServiceNotifier notifier_;
  Timer event_timer_;
  Timer watchdog_timer_;
  SuspendDetector suspend_;
  RandomSource random_;
  Backoff backoff_;
  std::unique_ptr<FileLock> instance_lock_;
  std::unique_ptr<Connection> connection_;

  Duration last_heartbeat_{};
  Duration next_heartbeat_{};
  std::optional<Duration> retry_at_;
  bool stopping_ = false;
  bool reload_requested_ = false;
  bool heartbeat_requested_ = false;
  bool shutting_down_ = false;
  Duration shutdown_deadline_{};
};

}  // namespace

ExitCode run_daemon(const SettingsLoader& load, const DaemonOverrides& overrides) {
  Daemon daemon(load, overrides);
  return daemon.run();
}

}  // namespace pulse
