#include "pin_list.h"

#include "encoding.h"

namespace pulse {
namespace {

constexpr std::string_view kPrefix = "sha256//";

std::optional<std::string> pin_problem(std::string_view pin) {
  if (pin.empty()) return "an empty pin (a ';' too many)";
  const std::string quoted = "'" + std::string(pin) + "'";
  if (!pin.starts_with(kPrefix)) {
    // curl would take a path as a key file; the contract has only hashes.
    if (pin.starts_with('/') || pin.starts_with('.') || pin.ends_with(".pem") ||
        pin.ends_with(".der")) {
      return quoted + " looks like a file, which is not accepted: give the key's hash, "
             "sha256//$(openssl x509 -in CERT -pubkey -noout | openssl pkey -pubin -outform der "
             "| openssl dgst -sha256 -binary | base64)";
    }
    return quoted + " is not sha256//<base64>";
  }
  const auto digest = decode_base64(pin.substr(kPrefix.size()));
  if (!digest || digest->size() != 32) {
    return quoted + " is not sha256// and the base64 of a 32-byte SHA-256";
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> pin_list_problem(std::string_view pins) {
  for (;;) {
    const auto end = pins.find(';');
    if (auto problem = pin_problem(pins.substr(0, end))) return problem;
    if (end == std::string_view::npos) return std::nullopt;
    pins.remove_prefix(end + 1);
  }
}

}  // namespace pulse
