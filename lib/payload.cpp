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

nlohmann::ordered_json inventory_json(const Inventory& inventory) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  auto add = [&json](const char* name, const auto& value) {
    if (value) json[name] = *value;
  };
  add("os_name", inventory.os_name);
  add("os_version", inventory.os_version);
  add("cpu_brand", inventory.cpu_brand);
  add("cpu_cores", inventory.cpu_cores);
  add("mem_total_kb", inventory.mem_total_kb);
  add("serial_number", inventory.serial_number);
  add("manufacturer", inventory.manufacturer);
  add("product_name", inventory.product_name);
  if (!inventory.mac_addrs.empty()) json["mac_addrs"] = inventory.mac_addrs;
  return json;
}

nlohmann::ordered_json presence_payload(EventKind kind, const std::string& timestamp,
                                        const std::string& fingerprint, const Metadata& metadata,
                                        const Inventory& inventory) {
  nlohmann::ordered_json payload = {{"event", std::string(event_name(kind))},
                                    {"identity", identity_json(fingerprint, metadata)},
                                    {"metadata", metadata_json(metadata)}};
  if (kind == EventKind::online) payload["inventory"] = inventory_json(inventory);
  payload["timestamp"] = timestamp;
  return payload;
}

}  // namespace pulse
