// Where presence events go: the HTTPS API of contract §4, or a Ph hub (§11).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "event.h"
#include "http_client.h"
#include "identity.h"
#include "outcome.h"
#include "server_url.h"

namespace pulse {

class PresenceChannel {
 public:
  virtual ~PresenceChannel() = default;
  // One attempt; the event keeps its id and time, the signature is fresh.
  virtual Outcome deliver(const StoredEvent& event) = 0;
  // What deliver would send, for send --dry-run.
  virtual std::string dry_run(const StoredEvent& event) = 0;
  // Where events go, as used: the whole URL, path prefix included.
  virtual std::string destination() const = 0;
};

class HttpsPresenceChannel : public PresenceChannel {
 public:
  HttpsPresenceChannel(ServerUrl server, const HttpClient& client, const Identity& identity)
      : server_(std::move(server)), client_(client), identity_(identity) {}

  Outcome deliver(const StoredEvent& event) override;
  std::string dry_run(const StoredEvent& event) override;
  std::string destination() const override;

 private:
  HttpRequest request_for(const StoredEvent& event) const;

  ServerUrl server_;
  const HttpClient& client_;
  const Identity& identity_;
};

// The channel for the server URL's scheme. `key_file` is the identity's
// key file, whose .pub line a ph:// hub compares verbatim; without it the
// line is rebuilt from the key and its comment.
std::unique_ptr<PresenceChannel> open_presence_channel(const ServerUrl& server,
                                                       const HttpClient& client,
                                                       const Identity& identity,
                                                       const std::filesystem::path& key_file = {});

}  // namespace pulse
