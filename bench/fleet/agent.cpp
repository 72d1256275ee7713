#include "agent.h"

namespace fleet {
namespace {

using pulse::HeartbeatAfter;

// The `before` rules drew no jitter on top of a Retry-After.
const pulse::RandomSource& no_jitter() {
  static const pulse::RandomSource zero = [](std::uint64_t) -> std::uint64_t { return 0; };
  return zero;
}

}  // namespace

Agent::Agent(std::uint32_t id, const pulse::RandomSource& random, Rules rules)
    : id_(id),
      random_(random),
      rules_(rules),
      backoff_(pulse::kFirstRetry, pulse::kMaxRetry, [&random](std::uint64_t bound) {
        return random(bound);
      }) {}

void Agent::start(Duration now, const AgentSettings& settings, Peer& peer) {
  settings_ = settings;
  started_ = true;
  send(false, now, peer);
  schedule_heartbeat(HeartbeatAfter::online, now);
  act(now, peer);
}

void Agent::request_reload(const AgentSettings& settings) { reload_ = settings; }

void Agent::act(Duration now, Peer& peer) {
  while (true) {
    if (reload_) {
      settings_ = *reload_;
      reload_.reset();
      schedule_heartbeat(HeartbeatAfter::reload, now);
    } else if (now >= next_heartbeat_) {
      if (rules_ == Rules::current && pulse::heartbeat_waits_for_retry(now, retry_at_)) {
        add_to_spool(Event{next_seq_++, true, now});
      } else {
        send(true, now, peer);
      }
      schedule_heartbeat(HeartbeatAfter::heartbeat, now);
    } else if (retry_at_ && now >= *retry_at_) {
      retry_spool(now, peer);
    } else {
      return;
    }
  }
}

void Agent::schedule_heartbeat(HeartbeatAfter after, Duration now) {
  if (rules_ == Rules::before) {
    // Every heartbeat, the first one and a reloaded one included, was the
    // interval plus jitter from its base; an overdue one went out at once.
    const Duration base = after == HeartbeatAfter::reload ? last_heartbeat_ : now;
    next_heartbeat_ = pulse::next_heartbeat_at(HeartbeatAfter::heartbeat, base, base,
                                               settings_.interval, settings_.jitter, random_);
  } else {
    next_heartbeat_ = pulse::next_heartbeat_at(after, last_heartbeat_, now, settings_.interval,
                                               settings_.jitter, random_);
  }
  if (after != HeartbeatAfter::reload) last_heartbeat_ = now;
}

// Daemon::send with deliver_in_order: the spool first, then the new event;
// the event goes to the spool behind anything still undelivered.
void Agent::send(bool heartbeat, Duration now, Peer& peer) {
  const Event event{next_seq_++, heartbeat, now};
  std::optional<Answer> blocked = deliver_spool(now, peer);
  if (!blocked) {
    Answer answer = peer.deliver(id_, event, now);
    if (!answer.delivered) blocked = answer;
  }
  if (blocked) add_to_spool(event);
  after_delivery(blocked.value_or(Answer{true, std::nullopt}), now);
}

void Agent::retry_spool(Duration now, Peer& peer) {
  retry_at_.reset();
  if (std::optional<Answer> blocked = deliver_spool(now, peer)) {
    after_delivery(*blocked, now);
  } else {
    backoff_.reset();
  }
}

std::optional<Answer> Agent::deliver_spool(Duration now, Peer& peer) {
  std::size_t delivered = 0;
  std::optional<Answer> blocked;
  for (const Event& event : spool_) {
    Answer answer = peer.deliver(id_, event, now);
    if (!answer.delivered) {
      blocked = answer;
      break;
    }
    ++delivered;
  }
  spool_.erase(spool_.begin(), spool_.begin() + static_cast<std::ptrdiff_t>(delivered));
  return blocked;
}

void Agent::add_to_spool(const Event& event) {
  spool_.push_back(event);
  if (spool_.size() > settings_.spool_max_events) {
    spool_.erase(spool_.begin());
    ++dropped_;
  }
}

// Daemon::after_delivery.
void Agent::after_delivery(const Answer& answer, Duration now) {
  if (answer.delivered) {
    backoff_.reset();
    retry_at_.reset();
    return;
  }
  const pulse::RandomSource& jitter = rules_ == Rules::before ? no_jitter() : random_;
  retry_at_ = now + pulse::retry_delay(backoff_.next(), answer.retry_after, jitter);
}

}  // namespace fleet
