#include "terminal_text.h"

#include <catch2/catch.hpp>

#include <string>

using pulse::escape_server_text;

TEST_CASE("terminal_text: plain text and UTF-8 pass", "[terminal_text]") {
  CHECK(escape_server_text("invalid token") == "invalid token");
  CHECK(escape_server_text("nœud-é 東京 🚀") == "nœud-é 東京 🚀");
  CHECK(escape_server_text("\u00a0no-break") == "\u00a0no-break");
}

TEST_CASE("terminal_text: C0, DEL and C1 controls are escaped", "[terminal_text]") {
  CHECK(escape_server_text("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(escape_server_text("line\r\nnext\t\x7f") == "line\\x0d\\x0anext\\x09\\x7f");
  CHECK(escape_server_text(std::string("n\0d", 3)) == "n\\x00d");
  // U+009B is CSI on its own: ESC [ in one character.
  CHECK(escape_server_text("x\xc2\x9b" "31mred") == "x\\u009b31mred");
  CHECK(escape_server_text("\xc2\x80\xc2\x9f\xc2\xa0") == "\\u0080\\u009f\u00a0");
}

TEST_CASE("terminal_text: bytes that are not UTF-8 are escaped", "[terminal_text]") {
  CHECK(escape_server_text("\x9b" "31m") == "\\x9b31m");
  CHECK(escape_server_text("\xff\xfe") == "\\xff\\xfe");
  CHECK(escape_server_text("\xc0\xaf") == "\\xc0\\xaf");          // overlong '/'
  CHECK(escape_server_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
  CHECK(escape_server_text("\xe6\x9d") == "\\xe6\\x9d");           // cut short
}

TEST_CASE("terminal_text: long text is cut", "[terminal_text]") {
  CHECK(escape_server_text(std::string(300, 'a')) == std::string(200, 'a') + "…");
  CHECK(escape_server_text("abcdef", 3) == "abc…");
}
