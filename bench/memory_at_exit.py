#!/usr/bin/env python3
"""Runs a command and reads its memory at the moment it exits.

    bench/memory_at_exit.py [--smaps FILE] [--pagemap FILE] -- COMMAND [ARG...]

Prints one JSON line: peak RSS (VmHWM), the resident set at exit split into
anonymous and file-backed pages (RssAnon, RssFile), the exit status and the
wall time. The command runs under ptrace with PTRACE_O_TRACEEXIT, which stops
it after its last instruction but before the kernel takes its memory away;
signals pass through unchanged; the command's standard output is discarded.
--smaps copies /proc/PID/smaps there;
--pagemap writes the resident pages of each file-backed mapping ("START END
OFFSET PATH" then one resident virtual address a line), for
bench/where_memory_goes.py.
"""

import argparse
import ctypes
import json
import os
import re
import struct
import sys
import time

PTRACE_TRACEME, PTRACE_CONT, PTRACE_SETOPTIONS = 0, 7, 0x4200
PTRACE_O_TRACEEXIT, PTRACE_EVENT_EXIT = 0x40, 6
PAGE = os.sysconf("SC_PAGE_SIZE")

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def status_kib(pid):
    values = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            name, _, rest = line.partition(":")
            if rest.strip().endswith("kB"):
                values[name] = int(rest.split()[0])
    return values


def write_pagemap(pid, path):
    """The resident pages of every file-backed mapping (pagemap bit 63: present)."""
    maps = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) \S+ \d+\s+(/\S+)$")
    with open("/proc/%d/maps" % pid) as m, open("/proc/%d/pagemap" % pid, "rb") as pm, \
            open(path, "w") as out:
        for line in m:
            match = maps.match(line.rstrip("\n"))
            if not match:
                continue
            start, end, offset = (int(match.group(i), 16) for i in (1, 2, 3))
            out.write("mapping %x %x %x %s\n" % (start, end, offset, match.group(4)))
            pm.seek(start // PAGE * 8)
            entries = pm.read((end - start) // PAGE * 8)
            for i in range(len(entries) // 8):
                (entry,) = struct.unpack_from("<Q", entries, i * 8)
                if entry >> 63:
                    out.write("%x\n" % (start + i * PAGE))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--smaps")
    parser.add_argument("--pagemap")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        libc.ptrace(PTRACE_TRACEME, 0, None, None)
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stdout is the report's
        os.execvp(args.command[0], args.command)
    _, status = os.waitpid(pid, 0)  # stopped at exec
    if libc.ptrace(PTRACE_SETOPTIONS, pid, None, ctypes.c_void_p(PTRACE_O_TRACEEXIT)) != 0:
        sys.exit("memory_at_exit: ptrace: %s" % os.strerror(ctypes.get_errno()))
    libc.ptrace(PTRACE_CONT, pid, None, None)
    report = {}
    while True:
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) or os.WIFSIGNALED(status):
            break
        signal = 0
        if (status >> 16) == PTRACE_EVENT_EXIT:
            kib = status_kib(pid)
            report = {"peak_kib": kib["VmHWM"], "rss_kib": kib["VmRSS"],
                      "anon_kib": kib["RssAnon"], "file_kib": kib["RssFile"]}
            if args.smaps:
                with open("/proc/%d/smaps" % pid) as src, open(args.smaps, "w") as dst:
                    dst.write(src.read())
            if args.pagemap:
                write_pagemap(pid, args.pagemap)
        elif os.WIFSTOPPED(status):
            signal = os.WSTOPSIG(status)  # pass the signal on
        libc.ptrace(PTRACE_CONT, pid, None, ctypes.c_void_p(signal))
    report["exit"] = os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status)
    report["seconds"] = round(time.monotonic() - started, 3)
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    main()
