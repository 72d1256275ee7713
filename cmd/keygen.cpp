// pharos-pulse keygen: create the node's identity key (contract §2).
#include <cstdio>
#include <memory>

#include "commands.h"
#include "identity.h"
#include "metadata.h"
#include "settings.h"

namespace pulse::cmd {
namespace {

struct KeygenOptions {
  bool force = false;
  std::optional<std::string> comment;
};

ExitCode run_keygen(const KeygenOptions& options, const GlobalOptions& globals) {
  Settings settings = resolve_settings(globals);
  std::string comment = options.comment.value_or(
      default_key_comment(reported_hostname(metadata_options(settings))));
  Identity identity = Identity::generate(std::move(comment));
  const std::string key_file = settings.key_file.string();
  if (!save_identity(identity, settings.key_file, options.force)) {
    throw Failure(ExitCode::cant_create,
                  "identity key '" + key_file + "' already exists; use --force to replace it");
  }
  std::printf("wrote %s\nwrote %s.pub\nfingerprint %s\n", key_file.c_str(), key_file.c_str(),
              identity.fingerprint().c_str());
  return ExitCode::ok;
}

}  // namespace

Subcommand register_keygen(CLI::App& app, const GlobalOptions& globals) {
  auto options = std::make_shared<KeygenOptions>();
  CLI::App* sub = app.add_subcommand("keygen", "Create the node's Ed25519 identity key");
  sub->add_flag("--force", options->force, "Replace an existing key");
  sub->add_option("--comment", options->comment,
                  "Comment of the public key (default pharos-pulse@HOST)")
      ->type_name("TEXT");
  return {sub, [options, &globals] { return run_keygen(*options, globals); }};
}

}  // namespace pulse::cmd
