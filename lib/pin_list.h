// The server public-key pin of contract §4: curl's "sha256//<base64 of the
// SHA-256 of the key>", several joined by ';'. Checked when settings load,
// so a typo is a configuration error, not a TLS failure on every event.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pulse {

// Why `pins` is not such a list, or nullopt when it is.
std::optional<std::string> pin_list_problem(std::string_view pins);

}  // namespace pulse
