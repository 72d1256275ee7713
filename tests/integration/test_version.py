"""`--version` alone, `--version --verbose`, and the static build's licence file.

`--version` prints exactly `pharos-pulse <semver>` (contract §8). With
`--verbose` it also names the build and every library linked in, as the
binary sees them; a static build names the Debian source packages it was made
from, and writes THIRD-PARTY-LICENSES (their licences) beside the binary.
"""

import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pulse_cli  # noqa: E402

FIELDS = ["commit", "build date", "libcurl", "TLS", "libsodium", "c-ares", "zlib", "features",
          "protocols", "built from"]
# A Debian version: [epoch:]upstream-revision, e.g. 5.5.4-2+deb12u3.
DEBIAN_VERSION = r"(?:\d+:)?\d[\w.+~]*-[\w.+~]+"
LINKED = ["wolfssl", "curl", "libsodium", "c-ares", "zlib"]


def project_version():
    with open(os.path.join(pulse_cli.SOURCE_DIR, "CMakeLists.txt")) as f:
        return re.search(r"project\(pharos-pulse VERSION (\S+)", f.read()).group(1)


def is_static(binary):
    result = subprocess.run(["ldd", binary], capture_output=True, text=True)
    return "not a dynamic executable" in result.stdout + result.stderr


def run(*args):
    return subprocess.run([pulse_cli.binary(), *args], capture_output=True, text=True, timeout=30)


class Version(unittest.TestCase):
    def test_version_alone_prints_name_and_semver_only(self):
        r = run("--version")
        self.assertEqual(r.returncode, 0, repr(r))
        self.assertEqual(r.stdout, "pharos-pulse %s\n" % project_version())
        self.assertEqual(r.stderr, "")

    def verbose_report(self, *args):
        r = run(*args)
        self.assertEqual(r.returncode, 0, repr(r))
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0], "pharos-pulse %s" % project_version())
        fields = dict(line.split(": ", 1) for line in lines[1:])
        self.assertEqual(list(fields), FIELDS)
        return fields

    def test_verbose_names_the_build_and_its_libraries(self):
        fields = self.verbose_report("--version", "--verbose")
        self.assertEqual(self.verbose_report("-v", "--version"), fields)
        self.assertRegex(fields["commit"], r"^([0-9a-f]{12}(-dirty)?|unknown)$")
        self.assertRegex(fields["build date"], r"^\d{4}-\d{2}-\d{2}$")
        self.assertRegex(fields["libcurl"], r"^\d+\.\d+\.\d+")
        self.assertRegex(fields["libsodium"], r"^\d+\.\d+\.\d+")
        self.assertRegex(fields["c-ares"], r"^\d+\.\d+\.\d+")
        self.assertRegex(fields["zlib"], r"^\d+\.\d+")
        self.assertIn("SSL", fields["features"].split())
        self.assertIn("https", fields["protocols"].split())

    def test_static_build_names_wolfssl_and_its_debian_sources(self):
        if not is_static(pulse_cli.binary()):
            self.assertRegex(self.verbose_report("--version", "-v")["built from"],
                             "^the system's libraries$")
            self.skipTest("a dynamic build: the system's libcurl and its TLS library")
        fields = self.verbose_report("--version", "--verbose")
        self.assertRegex(fields["TLS"], r"^wolfSSL/\d+\.\d+\.\d+$")
        self.assertEqual(fields["protocols"], "http https")
        sources = fields["built from"]
        self.assertTrue(sources.startswith("Debian "), sources)
        for package in LINKED:
            self.assertRegex(sources, r"\b%s %s\b" % (re.escape(package), DEBIAN_VERSION))

    def test_static_build_writes_the_licences_of_what_it_links(self):
        if not is_static(pulse_cli.binary()):
            self.skipTest("only the static build links third-party libraries in")
        path = os.path.join(os.path.dirname(pulse_cli.binary()), "THIRD-PARTY-LICENSES")
        with open(path) as f:
            text = f.read()
        sources = self.verbose_report("--version", "--verbose")["built from"]
        for package, version in re.findall(r"([\w-]+) (%s)" % DEBIAN_VERSION, sources):
            self.assertIn("(Debian source package %s %s)" % (package, version), text)
        # wolfSSL's GPL-2.0 and curl's licence in full, not only referred to.
        self.assertIn("GNU GENERAL PUBLIC LICENSE\n                       Version 2, June 1991", text)
        self.assertIn("COPYRIGHT AND PERMISSION NOTICE", text)


if __name__ == "__main__":
    unittest.main()
