"""Drives the shell completions in completions/ as each shell would.

complete_bash, complete_zsh and complete_fish take the words of a command
line (the last one is the word being completed, "" for a new word) and return
the candidates the shell would offer, as a sorted list without duplicates.

- bash: calls _pharos_pulse with prepared COMP_WORDS and COMP_CWORD.
- zsh: runs an interactive `zsh -f` in a pseudo-terminal, loads the
  completion system with completions/ first in $fpath, types the line and a
  TAB, and records every match handed to compadd.
- fish: `complete -C` with completions/ as the only completion directory
  (and a stub pharos-pulse on $PATH: fish completes only existing commands).

Every driver runs in `cwd`, so that file and directory candidates are
predictable. A driver returns None when its shell is not installed.
"""

import os
import pty
import select
import shlex
import shutil
import subprocess
import tempfile
import time

SOURCE_DIR = os.environ.get(
    "PULSE_SOURCE_DIR",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
COMPLETIONS = os.path.join(SOURCE_DIR, "completions")
BASH_FILE = os.path.join(COMPLETIONS, "pharos-pulse.bash")
ZSH_FILE = os.path.join(COMPLETIONS, "_pharos-pulse")
FISH_FILE = os.path.join(COMPLETIONS, "pharos-pulse.fish")

TIMEOUT = 20


BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"


def complete_bash(words, cwd=None, with_bash_completion=False):
    """with_bash_completion: load the bash-completion package first, as an
    interactive shell with it installed does (the completion then uses its
    _filedir)."""
    if shutil.which("bash") is None:
        return None
    preload = 'source "%s"; ' % BASH_COMPLETION if with_bash_completion else ""
    script = preload + (
        'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
        '_pharos_pulse; printf "%s\\n" "${COMPREPLY[@]}"')
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script, "bash", BASH_FILE, *words],
        cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=True)
    if result.stderr:
        raise AssertionError("bash completion wrote to stderr: " + result.stderr)
    return sorted({line for line in result.stdout.split("\n") if line})


def complete_fish(words, cwd=None):
    if shutil.which("fish") is None:
        return None
    line = " ".join(shlex.quote(word) for word in words[:-1])
    line = (line + " " if line else "") + words[-1]
    script = 'set -g fish_complete_path $argv[1]; complete -C $argv[2]'
    # fish loads a command's completions only when the command exists.
    with tempfile.TemporaryDirectory(prefix="pulse-fish-") as scratch:
        stub = os.path.join(scratch, "pharos-pulse")
        with open(stub, "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(stub, 0o755)
        env = dict(os.environ, PATH=scratch + os.pathsep + os.environ.get("PATH", ""),
                   HOME=scratch, XDG_CONFIG_HOME=scratch, XDG_DATA_HOME=scratch)
        result = subprocess.run(
            ["fish", "--no-config", "-c", script, COMPLETIONS, line],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=True)
    if result.stderr:
        raise AssertionError("fish completion wrote to stderr: " + result.stderr)
    return sorted({entry.split("\t", 1)[0] for entry in result.stdout.split("\n") if entry})


# Runs inside the interactive zsh: no prompt, Enter does nothing, TAB
# completes; compadd is wrapped to print each match between two markers.
ZSH_SETUP = r"""
PROMPT= RPROMPT= PS2=
unsetopt beep
fpath=($PULSE_COMPLETIONS $fpath)
autoload -Uz compinit
# The first run writes the dump; later ones (-C) trust it, which saves
# seconds each.
if [[ -e $PULSE_ZCOMPDUMP ]]; then
  compinit -C -d $PULSE_ZCOMPDUMP
else
  compinit -u -d $PULSE_ZCOMPDUMP
fi
bindkey '^M' undefined
bindkey '^J' undefined
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
_pulse_capture_begin() { print -r -- '<<begin>>' }
_pulse_capture_end() { print -r -- '<<end>>'; exit }
compprefuncs=(_pulse_capture_begin)
comppostfuncs=(_pulse_capture_end)
compadd() {
  # Calls that only compute matches (-O, -A, -D) are the machinery's own.
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "$@"
    return
  fi
  local -a __pulse_hits
  builtin compadd -O __pulse_hits "$@"
  (( $#__pulse_hits )) && print -rl -- '<<match>>'${^__pulse_hits}
  builtin compadd "$@"
}
print -r -- '<<ready>>'
"""


def complete_zsh(words, cwd=None):
    if shutil.which("zsh") is None:
        return None
    line = " ".join(shlex.quote(word) for word in words[:-1])
    line = (line + " " if line else "") + words[-1]
    with tempfile.TemporaryDirectory(prefix="pulse-zsh-") as scratch:
        setup = os.path.join(scratch, "setup.zsh")
        with open(setup, "w") as f:
            f.write(ZSH_SETUP)
        env = dict(os.environ, TERM="dumb", HOME=scratch, ZDOTDIR=scratch,
                   PULSE_COMPLETIONS=COMPLETIONS,
                   PULSE_ZCOMPDUMP=os.path.join(_zsh_dump_dir(), "zcompdump"))
        pid, fd = pty.fork()
        if pid == 0:
            try:
                if cwd:
                    os.chdir(cwd)
                os.execvpe("zsh", ["zsh", "-f", "-i"], env)
            finally:
                os._exit(127)
        try:
            _write(fd, "source " + shlex.quote(setup) + "\n")
            _read_until(fd, "<<ready>>\r")
            _write(fd, line + "\t")
            output = _read_until(fd, "<<end>>")
        finally:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
            os.close(fd)
    if "<<begin>>" not in output:
        raise AssertionError("zsh did not start completing: " + output)
    matches = set()
    for entry in output.replace("\r", "").split("\n"):
        if entry.startswith("<<match>>"):
            matches.add(entry[len("<<match>>"):])
    return sorted(matches)


_ZSH_DUMP_DIR = None


def _zsh_dump_dir():
    global _ZSH_DUMP_DIR
    if _ZSH_DUMP_DIR is None:
        _ZSH_DUMP_DIR = tempfile.TemporaryDirectory(prefix="pulse-zcompdump-")
    return _ZSH_DUMP_DIR.name


def _write(fd, text):
    os.write(fd, text.encode())


def _read_until(fd, marker):
    data = b""
    deadline = time.monotonic() + TIMEOUT
    while marker.encode() not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError("zsh: no %r within %ds; got %r" % (marker, TIMEOUT, data))
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            raise AssertionError("zsh exited before %r; got %r" % (marker, data))
        data += chunk
    return data.decode(errors="replace")


DRIVERS = {"bash": complete_bash, "zsh": complete_zsh, "fish": complete_fish}
