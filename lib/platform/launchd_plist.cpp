#include "platform/launchd_plist.h"

namespace pulse {
namespace {

std::string xml_escaped(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

}  // namespace

std::string launchd_plist(const std::vector<std::string>& arguments) {
  const std::string label(kLaunchdLabel);
  std::string argument_lines;
  for (const std::string& argument : arguments) {
    argument_lines += "    <string>" + xml_escaped(argument) + "</string>\n";
  }
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!--
  pharos-pulse as a macOS launch daemon: )" + std::string(kLaunchdPlistPath) + R"(
  (root:wheel, 0644), written by `sudo pharos-pulse service install`.
  Start:              sudo launchctl bootstrap system )" + std::string(kLaunchdPlistPath) + R"(
  Reload the config:  sudo launchctl kill HUP system/)" + label + R"(
  Heartbeat now:      sudo launchctl kill USR1 system/)" + label + R"(
  Stop (OFFLINE):     sudo launchctl bootout system/)" + label + R"(
-->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>)" + label + R"(</string>
  <key>ProgramArguments</key>
  <array>
)" + argument_lines + R"(  </array>
  <key>RunAtLoad</key>
  <true/>
  <!-- Restarted after a failure, not after a clean stop. -->
  <key>KeepAlive</key>
  <dict>
    <key>SuccessfulExit</key>
    <false/>
  </dict>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <!-- Seconds between SIGTERM and SIGKILL: room above heartbeat.shutdown_timeout (5s). -->
  <key>ExitTimeOut</key>
  <integer>)" + std::to_string(kLaunchdExitTimeout.count()) + R"(</integer>
  <key>ProcessType</key>
  <string>Standard</string>
  <!-- 0077: the key it generates on first start is private. -->
  <key>Umask</key>
  <integer>63</integer>
  <key>StandardErrorPath</key>
  <string>)" + std::string(kLaunchdLogPath) + R"(</string>
</dict>
</plist>
)";
}

}  // namespace pulse
