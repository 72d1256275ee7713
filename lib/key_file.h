// How the identity key's text is kept on disk. POSIX systems: the OpenSSH
// file of contract §2 as is, mode 0600. Windows: the same text sealed with
// DPAPI for the machine, behind an ACL for SYSTEM and the Administrators.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "failure.h"

namespace pulse {

// Fills `text` (sized once, so no unwiped copy of the key is freed) with the
// key file's OpenSSH text. Throws Failure(configuration) for a missing file,
// one that others may read, or one that cannot be read or opened.
void read_key_file(const std::filesystem::path& key_file, std::string& text);

// Writes the key atomically. Throws std::system_error.
void write_key_file(const std::filesystem::path& key_file, std::string_view text);

// Writes the key atomically unless a file exists at `key_file`: false then,
// and nothing changed. Throws std::system_error.
bool create_key_file(const std::filesystem::path& key_file, std::string_view text);

// "cannot read identity key '<file>': <reason>", exit 78.
Failure unreadable_key(const std::filesystem::path& key_file, const std::string& reason);

}  // namespace pulse
