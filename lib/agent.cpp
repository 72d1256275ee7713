#include "agent.h"

#include <system_error>

#include "delivery.h"
#include "failure.h"
#include "log.h"
#include "presence.h"

namespace pulse {
namespace {

std::filesystem::path spool_lock_path(const Settings& settings) {
  return settings.state_dir / "spool.lock";
}

}  // namespace

Agent::Agent(Settings settings, const KeyUse& keys, WakeWatch wake_watch,
             const ChannelFactory& open_channel)
    : settings_(std::move(settings)), server_(settings_.required_server()) {
  identity_ = std::make_unique<Identity>(
      keys.create ? load_or_create_identity(settings_.key_file, keys.hostname)
                  : load_identity(settings_.key_file));
  transport_ = std::make_unique<TransportContext>(TransportSettings::from(settings_),
                                                  std::move(wake_watch));
  channel_ = open_channel(server_, *transport_, *identity_, settings_.key_file);
  spool_ = std::make_unique<Spool>(settings_.spool_dir(), settings_.spool_max_events);
}

StoredEvent Agent::presence_event(EventKind kind, const Inventory& inventory,
                                  Clock::time_point made) const {
  return create_presence_event(kind, *identity_, metadata_options(settings_), inventory, made);
}

Outcome Agent::deliver_waiting(const StoredEvent& event) {
  std::unique_ptr<FileLock> lock;
  try {
    lock = std::make_unique<FileLock>(spool_lock_path(settings_), true);
  } catch (const std::system_error& error) {
    throw Failure(ExitCode::configuration,
                  std::string(error.what()) + "; check the state directory (--state-dir)");
  }
  return deliver_in_order(*channel_, spool_.get(), event);
}

std::unique_ptr<FileLock> Agent::try_spool_lock(std::string_view instead) const {
  try {
    return std::make_unique<FileLock>(spool_lock_path(settings_), false);
  } catch (const std::system_error& error) {
    log::error(std::string(error.what()) + "; " + std::string(instead));
    return nullptr;
  }
}

Outcome Agent::deliver_unless_busy(const StoredEvent& event,
                                   const std::function<void(Spool&)>& under_lock) {
  std::unique_ptr<FileLock> lock = try_spool_lock("delivering without the spool");
  if (!lock) return deliver_guarded(event, nullptr);
  if (lock->held()) {
    if (under_lock) under_lock(*spool_);
    return deliver_guarded(event, spool_.get());
  }
  Outcome outcome = unavailable_outcome("the spool is being delivered by another process");
  spool_event(*spool_, event, outcome);
  outcome.retry_after = kSpoolLockBusyRetry;
  return outcome;
}

Outcome Agent::deliver_guarded(const StoredEvent& event, Spool* spool) {
  try {
    return deliver_in_order(*channel_, spool, event);
  } catch (const std::exception& error) {
    Outcome outcome = unavailable_outcome(std::string("cannot deliver: ") + error.what());
    if (spool != nullptr) spool_event(*spool, event, outcome);
    return outcome;
  }
}

SpoolRetry Agent::retry_spool(const std::function<void(Spool&)>& under_lock) {
  std::unique_ptr<FileLock> lock = try_spool_lock("cannot deliver the spool");
  if (!lock || !lock->held()) return {true, std::nullopt};
  if (under_lock) under_lock(*spool_);
  try {
    return {false, deliver_spool(*channel_, *spool_)};
  } catch (const std::exception& error) {
    return {false, unavailable_outcome(std::string("cannot deliver: ") + error.what())};
  }
}

}  // namespace pulse
