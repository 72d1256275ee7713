#!/usr/bin/env python3
"""Says which library each resident page of a process belongs to.

    bench/where_memory_goes.py PAGEMAP SMAPS [LINK_MAP]

PAGEMAP and SMAPS come from bench/memory_at_exit.py. File-backed pages of a
shared library count for that library; pages of the static binary itself are
looked up in its GNU ld link map (-Wl,-Map, written next to the static
pharos-pulse), byte by byte of the input sections they hold. Template code of
the header-only libraries is told apart from ours by its mangled name.
Anonymous pages (heap, stack, data written to) are one row: no map says
which library allocated them. Prints a Markdown table in KiB.
"""

import bisect
import re
import sys

PAGE = 4096

# (pattern on an input file of the link map or on a shared library's path, part)
LIBRARIES = [
    (r"libwolfssl|libssl|libcrypto", "TLS (wolfSSL or OpenSSL)"),
    (r"libcurl", "curl"),
    (r"libcares", "c-ares"),
    (r"libsodium", "libsodium"),
    (r"libz\.", "zlib"),
    (r"libstdc\+\+|libsupc\+\+|libgcc", "libstdc++ and libgcc"),
    (r"/libc\.|/libm\.|libpthread|/crt[1in]\.o|crtbegin|crtend|ld-linux|libresolv|libdl", "libc"),
    (r"libpulse|main\.cpp\.o|/pharos-pulse$", "our code"),
]
# Template code instantiated in our objects, by mangled namespace.
HEADER_ONLY = [("8nlohmann", "JSON/TOML/CLI (header-only)"),
               ("4toml", "JSON/TOML/CLI (header-only)"),
               ("3CLI", "JSON/TOML/CLI (header-only)")]
OTHER_LIBS = "other shared libraries"
# Sections of the link map that take no memory at run time.
NOT_LOADED = (".debug", ".comment", ".gnu.warning", ".note.GNU-stack", ".gnu_debuglink")
UNATTRIBUTED = "ELF headers, unwind tables, GOT (linker-made)"


def part_of(path, section=""):
    for pattern, part in LIBRARIES:
        if re.search(pattern, path):
            if part == "our code":
                for mangled, header_part in HEADER_ONLY:
                    if mangled in section:
                        return header_part
            return part
    return None


def link_map_ranges(path):
    """[(start, end, part)] of the input sections placed in memory, sorted."""
    text = open(path, errors="replace").read()
    text = text[text.find("Linker script and memory map"):]
    entry = re.compile(r"^ (\.[^\s]+)\s*\n?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", re.M)
    ranges = []
    for match in entry.finditer(text):
        start, size = int(match.group(2), 16), int(match.group(3), 16)
        if start == 0 or size == 0 or match.group(1).startswith(NOT_LOADED):
            continue
        ranges.append((start, start + size, part_of(match.group(4), match.group(1)) or UNATTRIBUTED))
    ranges.sort()
    return ranges


def attribute_binary_page(ranges, starts, page):
    """{part: bytes} of one page of the binary."""
    parts = {}
    i = max(bisect.bisect_right(starts, page) - 1, 0)
    covered = 0
    while i < len(ranges) and ranges[i][0] < page + PAGE:
        start, end, part = ranges[i]
        overlap = min(end, page + PAGE) - max(start, page)
        if overlap > 0:
            parts[part] = parts.get(part, 0) + overlap
            covered += overlap
        i += 1
    if covered < PAGE:
        parts[UNATTRIBUTED] = parts.get(UNATTRIBUTED, 0) + PAGE - covered
    return parts


def main(argv):
    if len(argv) not in (3, 4):
        sys.exit(__doc__)
    ranges = link_map_ranges(argv[3]) if len(argv) == 4 else []
    starts = [r[0] for r in ranges]
    totals = {}

    def add(part, amount):
        totals[part] = totals.get(part, 0) + amount

    mapping_path = None
    for line in open(argv[1]):
        if line.startswith("mapping "):
            mapping_path = line.split(None, 4)[4].strip()
            continue
        page = int(line, 16)
        if ranges and mapping_path.endswith("/pharos-pulse"):
            for part, amount in attribute_binary_page(ranges, starts, page).items():
                add(part, amount)
        else:
            add(part_of(mapping_path) or OTHER_LIBS, PAGE)
    anonymous = sum(int(line.split()[1]) for line in open(argv[2])
                    if line.startswith("Anonymous:"))
    print("| part | resident KiB |")
    print("| --- | --- |")
    for part, amount in sorted(totals.items(), key=lambda item: -item[1]):
        print("| %s (file-backed) | %d |" % (part, round(amount / 1024)))
    print("| heap, stack and written data (anonymous) | %d |" % anonymous)
    print("| total | %d |" % (round(sum(totals.values()) / 1024) + anonymous))


if __name__ == "__main__":
    main(sys.argv)
