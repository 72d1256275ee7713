#!/usr/bin/env python3
"""Writes debian/changelog text for one release from the project's CHANGELOG.md
(Keep a Changelog): one entry per released version, newest first, each with
that version's items.

    debian-changelog.py CHANGELOG.md PACKAGE DEBIAN_REVISION MAINTAINER
"""

import datetime
import re
import sys
import textwrap


def releases(text):
    """[(version, date, [item text])] in the file's order."""
    found = []
    for line in text.splitlines():
        heading = re.match(r"^## \[(\d[^\]]*)\] - (\d{4}-\d\d-\d\d)\s*$", line)
        if heading:
            found.append((heading.group(1), heading.group(2), []))
        elif line.startswith("## "):
            found.append((None, None, []))  # [Unreleased]: not a release
        elif found and found[-1][0]:
            items = found[-1][2]
            if line.startswith("- "):
                items.append(line[2:].strip())
            elif line.startswith("  ") and items:
                items[-1] += " " + line.strip()
    return [r for r in found if r[0]]


def main():
    changelog, package, revision, maintainer = sys.argv[1:5]
    with open(changelog, encoding="utf-8") as f:
        entries = releases(f.read())
    if not entries:
        sys.exit("debian-changelog: no released version in %s" % changelog)
    out = []
    for version, date, items in entries:
        when = datetime.datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=datetime.timezone.utc)
        out.append("%s (%s-%s) unstable; urgency=medium\n" % (package, version, revision))
        for item in items or ["Release %s." % version]:
            item = item.replace("`", "")
            out.append(textwrap.fill(item, width=78, initial_indent="  * ",
                                     subsequent_indent="    ", break_on_hyphens=False))
        out.append("\n -- %s  %s\n" % (maintainer, when.strftime("%a, %d %b %Y %H:%M:%S %z")))
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
