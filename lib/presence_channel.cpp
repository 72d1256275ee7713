#include "presence_channel.h"

#include "ph_channel.h"
#include "signed_request.h"

namespace pulse {
namespace {

constexpr std::string_view kPresencePath = "/v1/presence";

}  // namespace

HttpRequest HttpsPresenceChannel::request_for(const StoredEvent& event) const {
  return build_signed_request(server_, kPresencePath, identity_, event.payload, event.id,
                              fresh_request_parameters());
}

Outcome HttpsPresenceChannel::deliver(const StoredEvent& event) {
  return client_.post(request_for(event));
}

std::string HttpsPresenceChannel::dry_run(const StoredEvent& event) {
  return format_dry_run(request_for(event));
}

std::string HttpsPresenceChannel::destination() const { return server_.url_of(kPresencePath); }

std::unique_ptr<PresenceChannel> open_presence_channel(const ServerUrl& server,
                                                       const TransportContext& transport,
                                                       const Identity& identity,
                                                       const std::filesystem::path& key_file) {
  if (server.scheme == Scheme::ph) {
    return std::make_unique<PhPresenceChannel>(server, transport, identity,
                                               ph_public_line(identity, key_file));
  }
  return std::make_unique<HttpsPresenceChannel>(server, transport, identity);
}

}  // namespace pulse
