"""The shell completions in completions/ complete what pharos-pulse takes.

Each case runs in bash, zsh and fish (completion_harness.py drives each shell
the way it completes a line); a shell that is not installed is skipped.
test_docs_in_step.py checks that the options offered are exactly those of
`pharos-pulse --help`; this file checks commands, values, and file and
directory arguments.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import completion_harness as ch  # noqa: E402

COMMANDS = ["enroll", "inspect", "keygen", "run", "send", "status"]
EVENTS = ["heartbeat", "offline", "online"]


class CompletionCases:
    """Mixed into one TestCase per shell."""

    shell = None

    def setUp(self):
        if shutil.which(self.shell) is None:
            self.skipTest(self.shell + " is not installed")
        self.complete_words = ch.DRIVERS[self.shell]
        scratch = tempfile.TemporaryDirectory(prefix="pulse-completion-")
        self.addCleanup(scratch.cleanup)
        self.cwd = scratch.name
        # pu<TAB> must find exactly these two (and never "other.txt").
        with open(os.path.join(self.cwd, "pulse.toml"), "w"):
            pass
        os.mkdir(os.path.join(self.cwd, "pulse.d"))
        with open(os.path.join(self.cwd, "other.txt"), "w"):
            pass

    def complete(self, *words):
        # zsh and fish mark directories with a trailing slash; bash does not.
        found = self.complete_words(["pharos-pulse", *words], cwd=self.cwd)
        return sorted({entry.rstrip("/") or entry for entry in found})

    def test_commands(self):
        self.assertEqual(self.complete(""), COMMANDS)

    def test_command_prefix(self):
        self.assertEqual(self.complete("se"), ["send"])
        self.assertEqual(self.complete("in"), ["inspect"])

    def test_command_after_global_options(self):
        self.assertEqual(self.complete("--server", "https://pharos.example.net", ""), COMMANDS)
        self.assertEqual(self.complete("-v", "--state-dir", "pulse.d", "r"), ["run"])

    def test_send_takes_an_event(self):
        self.assertEqual(self.complete("send", ""), EVENTS)
        self.assertEqual(self.complete("send", "h"), ["heartbeat"])
        self.assertEqual(self.complete("--timeout", "5s", "send", "of"), ["offline"])

    def test_send_takes_one_event(self):
        self.assertFalse(set(self.complete("send", "online", "")) & set(EVENTS + COMMANDS))

    def test_inspect_event_values(self):
        self.assertEqual(self.complete("inspect", "--event", ""), EVENTS)
        self.assertEqual(self.complete("inspect", "--json", "--event", "he"), ["heartbeat"])

    def test_file_arguments(self):
        for words in (["--config"], ["--key"], ["--ca-file"], ["send", "--config"],
                      ["enroll", "--token-file"]):
            with self.subTest(words=words):
                self.assertEqual(self.complete(*words, "pu"), ["pulse.d", "pulse.toml"])

    def test_directory_arguments(self):
        self.assertEqual(self.complete("--state-dir", "pu"), ["pulse.d"])
        self.assertEqual(self.complete("run", "--state-dir", "pu"), ["pulse.d"])

    def test_free_values_offer_nothing(self):
        for words in (["--server"], ["--pin"], ["--timeout"], ["keygen", "--comment"],
                      ["run", "--interval"], ["run", "--jitter"],
                      ["run", "--shutdown-timeout"]):
            with self.subTest(words=words):
                self.assertEqual(self.complete(*words, "pu"), [])

    def test_enroll_token_from_standard_input(self):
        self.assertEqual(self.complete("enroll", "--token", ""), ["-"])

    def test_options_of_the_command_and_global_ones(self):
        offered = self.complete("run", "--")
        for option in ("--interval", "--jitter", "--shutdown-timeout", "--config", "--help"):
            self.assertIn(option, offered)
        self.assertNotIn("--force", offered)
        self.assertNotIn("--version", offered)
        self.assertIn("--version", self.complete("--"))
        self.assertEqual(self.complete("keygen", "--f"), ["--force"])
        self.assertEqual(self.complete("enroll", "--no-w"), ["--no-write-config"])


class BashCompletion(CompletionCases, unittest.TestCase):
    shell = "bash"

    def test_loads_and_registers(self):
        result = subprocess.run(
            ["bash", "--norc", "--noprofile", "-c",
             'source "$1" && complete -p pharos-pulse', "bash", ch.BASH_FILE],
            capture_output=True, text=True, timeout=ch.TIMEOUT)
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        self.assertEqual(result.stdout.strip(), "complete -F _pharos_pulse pharos-pulse")

    def test_option_value_after_equals_sign(self):
        # COMP_WORDBREAKS splits --config=pu into --config, =, pu.
        self.assertEqual(self.complete("--config", "=", "pu"), ["pulse.d", "pulse.toml"])
        self.assertEqual(self.complete("inspect", "--event", "=", "of"), ["offline"])
        self.assertEqual(self.complete("--state-dir", "=", "pulse.d", "se"), ["send"])

    @unittest.skipUnless(os.path.exists(ch.BASH_COMPLETION), "bash-completion is not installed")
    def test_file_arguments_with_bash_completion_loaded(self):
        def complete(*words):
            found = ch.complete_bash(["pharos-pulse", *words], cwd=self.cwd,
                                     with_bash_completion=True)
            return sorted({entry.rstrip("/") for entry in found})
        self.assertEqual(complete("--config", "pu"), ["pulse.d", "pulse.toml"])
        self.assertEqual(complete("enroll", "--token-file", "pu"), ["pulse.d", "pulse.toml"])
        self.assertEqual(complete("--state-dir", "pu"), ["pulse.d"])
        self.assertEqual(complete("send", ""), EVENTS)

    def test_raw_comp_words_as_in_the_brief(self):
        result = subprocess.run(
            ["bash", "--norc", "--noprofile", "-c",
             'source "$1"; COMP_WORDS=(pharos-pulse se); COMP_CWORD=1; _pharos_pulse; '
             'printf "%s\\n" "${COMPREPLY[@]}"', "bash", ch.BASH_FILE],
            capture_output=True, text=True, timeout=ch.TIMEOUT)
        self.assertEqual((result.returncode, result.stdout, result.stderr), (0, "send\n", ""))


class ZshCompletion(CompletionCases, unittest.TestCase):
    shell = "zsh"

    def test_loads_and_registers(self):
        with tempfile.TemporaryDirectory(prefix="pulse-zsh-") as scratch:
            script = (
                'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcompdump"; '
                '[[ $_comps[pharos-pulse] == _pharos-pulse ]] || exit 3; '
                'autoload +X _pharos-pulse')
            result = subprocess.run(
                ["zsh", "-f", "-c", script, "zsh", ch.COMPLETIONS, scratch],
                capture_output=True, text=True, timeout=ch.TIMEOUT,
                env=dict(os.environ, HOME=scratch, ZDOTDIR=scratch))
        self.assertEqual((result.returncode, result.stderr), (0, ""))

    def test_syntax(self):
        result = subprocess.run(["zsh", "-n", ch.ZSH_FILE], capture_output=True, text=True,
                                timeout=ch.TIMEOUT)
        self.assertEqual((result.returncode, result.stderr), (0, ""))


class FishCompletion(CompletionCases, unittest.TestCase):
    shell = "fish"

    def test_loads(self):
        for args in (["--no-execute", ch.FISH_FILE], ["-c", 'source $argv[1]', ch.FISH_FILE]):
            with self.subTest(args=args):
                result = subprocess.run(["fish", "--no-config", *args], capture_output=True,
                                        text=True, timeout=ch.TIMEOUT)
                self.assertEqual((result.returncode, result.stderr), (0, ""))


if __name__ == "__main__":
    unittest.main()
