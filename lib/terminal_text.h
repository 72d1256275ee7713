// Text from a server (answers, error fields, node ids, Ph replies) shown on
// a terminal or in a log: control characters there could move the cursor,
// rewrite earlier lines or set the window title.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace pulse {

// `text` with C0 controls, DEL, C1 controls (U+0080–U+009F, such as U+009B,
// the one-byte CSI) and bytes that are not UTF-8 written as \xNN or \uNNNN,
// and cut after `limit` bytes of input (with "…").
std::string escape_server_text(std::string_view text, std::size_t limit = 200);

}  // namespace pulse
