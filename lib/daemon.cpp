#include "daemon.h"

#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <memory>
#include <string>
#include <system_error>

#include "agent.h"
#include "clock_step.h"
#include "event_loop.h"
#include "file_lock.h"
#include "identity.h"
#include "log.h"
#include "presence.h"
#include "presence_channel.h"
#include "schedule.h"
#include "service_notifier.h"
#include "spool.h"
#include "status_file.h"

namespace pulse {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

// Everything that a config (re)load builds; replaced as a whole on SIGHUP so
// a bad new config leaves the old one in force.
struct LoadedConfig {
  std::unique_ptr<Agent> agent;
  // Collected at start and on reload, not for every event (contract §3).
  Inventory inventory;

  const Settings& settings() const { return agent->settings(); }
};

// A wait for people: milliseconds below a second, else whole seconds
// rounded up, so no wait that is still to come reads as "0s".
std::string for_people(Duration duration) {
  if (duration < seconds(1)) return format_duration(duration);
  return format_duration(std::chrono::ceil<seconds>(duration));
}

class Daemon {
 public:
  Daemon(const SettingsLoader& load, const DaemonOverrides& overrides, DaemonParts parts)
      : load_(load),
        overrides_(overrides),
        loop_(std::move(parts.loop)),
        open_channel_(std::move(parts.open_channel)),
        suspend_(loop_->clocks()),
        clock_steps_(loop_->clocks()),
        random_(std::move(parts.random)),
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
    config_ = load_config(std::move(settings), true);
    status_file_->publish(status_);
    log::info("running as " + config_->agent->identity().fingerprint() + ", reporting to " +
              config_->settings().server_url);

    if (auto period = notifier_.watchdog_interval()) loop_->ping_every(*period);
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

  std::unique_ptr<LoadedConfig> load_config(Settings settings, bool create_key) {
    auto config = std::make_unique<LoadedConfig>();
    const MetadataOptions metadata = metadata_options(settings);
    auto hostname = [&metadata] { return collect_metadata(metadata).hostname; };
    const KeyUse keys = create_key ? KeyUse::load_or_create(hostname) : KeyUse::load();
    WakeWatch wake_watch{loop_->wake_sources(), [this] { return wake_during_exchange(); }};
    config->agent =
        std::make_unique<Agent>(std::move(settings), keys, std::move(wake_watch), open_channel_);
    // No CA bundle is a configuration error at start or reload, not a
    // delivery failure to retry.
    if (config->agent->server().scheme != Scheme::http) config->agent->transport().ca_bundle();
    config->inventory = collect_inventory_logged(metadata);
    const std::string& url = config->settings().server_url;
    status_.server = url;
    status_.transport = url.substr(0, url.find("://"));
    return config;
  }

  Duration now() const { return loop_->clocks().boottime(); }

  // Sleeps until a signal, the next event, a watchdog ping or a clock change
  // (a resume) is due.
  void wait() {
    publish_status();
#ifdef __GLIBC__
    // The heap a transfer freed stays resident until the next one, maybe an
    // hour away: give its pages back before sleeping.
    malloc_trim(0);
#endif
    take(loop_->wait_until(next_wake_up(next_heartbeat_, retry_at_)));
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
  void retime_spool_after_clock_change(Spool& spool) {
    if (!clock_step_to_follow_) return;
    clock_step_to_follow_ = false;
    try {
      clock_steps_.follow(spool);
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

  // Feeds the watchdog and notes what was asked, for act_on_what_is_due.
  void take(const Wakeup& wakeup) {
    if (wakeup.watchdog_due) notifier_.notify("WATCHDOG=1");
    for (const Signal& signal : wakeup.signals) {
      log::debug("received " + signal.name);
      switch (signal.request) {
        case Request::stop:
          if (stopping_) break;
          stopping_ = true;
          // The whole shutdown, an aborted exchange included, fits in the
          // budget counted from the signal.
          shutdown_deadline_ = steady_clock::now() + config_->settings().shutdown_timeout;
          log::info(signal.name + " received, sending OFFLINE");
          break;
        case Request::reload: reload_requested_ = true; break;
        case Request::heartbeat: heartbeat_requested_ = true; break;
      }
    }
    if (wakeup.clock_changed) clock_changed_ = true;
  }

  // Called when one of the loop's wake sources wakes a network wait: takes
  // what arrived (none is lost, and the wait does not spin on it) and stops
  // the exchange when it is time to shut down. The OFFLINE itself runs until
  // the shutdown deadline.
  bool wake_during_exchange() {
    take(loop_->take());
    return stopping_ && !shutting_down_;
  }

  void schedule_heartbeat(HeartbeatAfter after) {
    const Settings& settings = config_->settings();
    next_heartbeat_ = next_heartbeat_at(after, last_heartbeat_, now(), settings.heartbeat_interval,
                                        settings.heartbeat_jitter, random_);
    if (after != HeartbeatAfter::reload) last_heartbeat_ = now();
    next_heartbeat_text_ = wall_time_after(next_heartbeat_ - now());
    status_.next_heartbeat = next_heartbeat_text_;
    log::debug("next heartbeat in " + for_people(next_heartbeat_ - now()));
  }

  void send(EventKind kind) {
    const ClockReading made = clock_steps_.now();
    StoredEvent event = presence_event(kind, made.wall);
    Outcome outcome = deliver_under_spool_lock(event);
    report(kind, outcome);
    after_delivery(outcome);
    if (outcome.kind == OutcomeKind::unavailable) {
      waiting_in_spool_ = kind;
      clock_steps_.remember(event, made, config_->agent->spool());
    } else {
      waiting_in_spool_.reset();
    }
  }

  // A heartbeat due while the spool waits for its retry joins the spool
  // without asking the server (heartbeat_waits_for_retry).
  void spool_until_retry(EventKind kind) {
    const ClockReading made = clock_steps_.now();
    StoredEvent event = presence_event(kind, made.wall);
    try {
      config_->agent->spool().add(event);
    } catch (const std::system_error& error) {
      log::error("cannot spool the " + std::string(event_name(kind)) + ": " + error.what() +
                 "; sending it now");
      send(kind);
      return;
    }
    log::info(std::string(event_name(kind)) + " spooled behind the events waiting for the retry at " +
              retry_text_);
    waiting_in_spool_ = kind;
    clock_steps_.remember(event, made, config_->agent->spool());
  }

  StoredEvent presence_event(EventKind kind, Clock::time_point made) const {
    return config_->agent->presence_event(kind, config_->inventory, made);
  }

  Outcome deliver_under_spool_lock(const StoredEvent& event) {
    return config_->agent->deliver_unless_busy(
        event, [this](Spool& spool) { retime_spool_after_clock_change(spool); });
  }

  void retry_spool() {
    retry_at_.reset();
    const SpoolRetry retry = config_->agent->retry_spool(
        [this](Spool& spool) { retime_spool_after_clock_change(spool); });
    if (retry.lock_busy) {
      retry_at_ = now() + kSpoolLockBusyRetry;
      retry_text_ = wall_time_after(kSpoolLockBusyRetry);
      return;
    }
    const std::optional<Outcome>& blocked = retry.blocked;
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
      if (settings.state_dir != config_->settings().state_dir) {
        log::warning("state.dir changed; it takes effect at the next start");
        settings.state_dir = config_->settings().state_dir;
      }
      std::unique_ptr<LoadedConfig> next = load_config(std::move(settings), false);
      // A value the new settings cannot send (a line feed in a Ph value)
      // fails here, while the old settings are still in force. An ONLINE
      // carries every field, the inventory's too.
      next->agent->channel().dry_run(
          next->agent->presence_event(EventKind::online, next->inventory, Clock::now()));
      config_ = std::move(next);
      log::info("config reloaded; reporting to " + config_->settings().server_url + " every " +
                format_duration(config_->settings().heartbeat_interval));
      schedule_heartbeat(HeartbeatAfter::reload);
    } catch (const std::exception& error) {
      log::error(std::string("config reload failed, keeping the previous config and key: ") +
                 error.what());
    }
  }

  void shut_down() {
    notifier_.notify("STOPPING=1");
    shutting_down_ = true;
    config_->agent->transport().end_all_by(
        shutdown_deadline_, "the " + format_duration(config_->settings().shutdown_timeout) +
                                " shutdown budget (heartbeat.shutdown_timeout)");

    StoredEvent event = presence_event(EventKind::offline, Clock::now());
    report(EventKind::offline, deliver_under_spool_lock(event));
    status_.retry_at.reset();
    status_file_->publish(status_);
  }

  const SettingsLoader& load_;
  DaemonOverrides overrides_;
  ServiceNotifier notifier_;
  std::unique_ptr<EventLoop> loop_;
  ChannelFactory open_channel_;
  SuspendDetector suspend_;
  ClockStepFollower clock_steps_;
  RandomSource random_;
  Backoff backoff_;
  std::unique_ptr<FileLock> instance_lock_;
  std::unique_ptr<LoadedConfig> config_;
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

DaemonParts system_daemon_parts() {
  return {open_system_event_loop(), system_random(), open_presence_channel};
}

ExitCode run_daemon(const SettingsLoader& load, const DaemonOverrides& overrides,
                    DaemonParts parts) {
  Daemon daemon(load, overrides, std::move(parts));
  return daemon.run();
}

}  // namespace pulse
