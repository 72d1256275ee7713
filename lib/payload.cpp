#include "payload.h"

namespace pulse {

std::string to_body(const nlohmann::ordered_json& json) {
  return json.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

nlohmann::ordered_json identity_json(const std::string& fingerprint, const Metadata& metadata) {
  return {{"hw_uuid", metadata.hw_uuid},
          {"hostname", metadata.hostname},
          {"ssh_pubkey_fingerprint", fingerprint}};
}

nlohmann::ordered_json metadata_json(const Metadata& metadata) {
  return {{"os_family", metadata.os_family},
          {"os_version", metadata.os_version},
          {"kernel_version", metadata.kernel_version},
          {"platform", metadata.platform},
          {"local_ips", metadata.local_ips}};
}

nlohmann::ordered_json presence_payload(EventKind kind, const std::string& timestamp,
                                        const std::string& fingerprint, const Metadata& metadata) {
  return {{"event", std::string(event_name(kind))},
          {"identity", identity_json(fingerprint, metadata)},
          {"metadata", metadata_json(metadata)},
          {"timestamp", timestamp}};
}

}  // namespace pulse
