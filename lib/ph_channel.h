// Presence over Ph (RFC 2378) to today's Pharos hubs (contract §11): one TLS
// connection per event, `add` with the payload's fields, and the Ed25519
// challenge login when the hub asks for it.
#pragma once

#include <filesystem>
#include <string>

#include "identity.h"
#include "presence_channel.h"
#include "server_url.h"
#include "transport.h"

namespace pulse {

class PhPresenceChannel : public PresenceChannel {
 public:
  // `public_line` is what `auth` presents (see ph_public_line).
  PhPresenceChannel(ServerUrl server, const TransportContext& transport,
                    const Identity& identity, std::string public_line)
      : server_(std::move(server)),
        transport_(transport),
        identity_(identity),
        public_line_(std::move(public_line)) {}

  // Throws Failure(configuration) when no CA bundle can be found.
  Outcome deliver(const StoredEvent& event) override;
  // The lines one delivery sends, without the login exchange. Throws
  // Failure(configuration) for a value with CR or LF.
  std::string dry_run(const StoredEvent& event) override;
  std::string destination() const override { return server_.origin; }

 private:
  ServerUrl server_;
  const TransportContext& transport_;
  const Identity& identity_;
  std::string public_line_;
};

// The key line a hub compares verbatim, comment included: the first line of
// `<key_file>.pub` when it holds this identity's key, else the identity's
// own public_line() (which has the private key's comment).
std::string ph_public_line(const Identity& identity, const std::filesystem::path& key_file);

}  // namespace pulse
