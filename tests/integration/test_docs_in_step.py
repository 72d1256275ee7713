"""Help text, man pages, completions and the example config say the same.

The binary is the source of truth for the command line: for every command,
every option that `pharos-pulse [COMMAND] --help` prints must be described
in that command's part of pharos-pulse(1), appear in each completion file,
and be exactly what each shell offers when completing "-" after the command.
lib/config_file.cpp is the source of truth for the config file: every key is
in pharos-pulse.toml(5) and in examples/pulse.toml, whose values are the
defaults. Both man pages must pass `mandoc -T lint` without a message.

Needs PULSE_BINARY and mandoc; a shell that is not installed is skipped.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import completion_harness as ch  # noqa: E402

SOURCE_DIR = ch.SOURCE_DIR
BINARY = os.environ.get("PULSE_BINARY")
MAN1 = os.path.join(SOURCE_DIR, "man", "pharos-pulse.1")
MAN5 = os.path.join(SOURCE_DIR, "man", "pharos-pulse.toml.5")
EXAMPLE = os.path.join(SOURCE_DIR, "examples", "pulse.toml")
COMPLETION_FILES = {"bash": ch.BASH_FILE, "zsh": ch.ZSH_FILE, "fish": ch.FISH_FILE}


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=60, **kwargs)


def clean_environment():
    return {k: v for k, v in os.environ.items() if not k.startswith("PHAROS_")}


class Help:
    """What `pharos-pulse [COMMAND] --help` prints, parsed."""

    def __init__(self, text):
        self.options = []       # e.g. ["-h", "--help", "--force"]
        self.choices = {}       # option or positional -> its allowed values
        self.commands = []
        section = None
        for line in text.splitlines():
            if line and not line.startswith(" "):
                section = line.rstrip(":")
                continue
            match = re.match(r"^  (\S+)(?: (\S+))?", line)
            if not match:
                continue
            name, kind = match.groups()
            if section == "Subcommands":
                self.commands.append(name)
                continue
            members = re.search(r":\{([^}]*)\}", kind or "")
            if name.startswith("-"):
                self.options += name.split(",")
            if members:
                self.choices[name.split(",")[-1]] = sorted(members.group(1).split(","))


def pulse_help(*command):
    result = run([BINARY, *command, "--help"], env=clean_environment())
    if result.returncode != 0:
        raise AssertionError("%s --help failed: %s" % (" ".join(command), result.stderr))
    return Help(result.stdout)


def render(page):
    """The man page as a reader sees it, without bold or underline."""
    result = run(["mandoc", "-T", "ascii", "-O", "width=1000", page])
    if result.returncode != 0:
        raise AssertionError("mandoc %s: %s" % (page, result.stderr))
    return re.sub(r".\x08", "", result.stdout)


def sections(rendered):
    """{"NAME": text, ..., "COMMANDS/keygen": text, ...} of a rendered page.

    mandoc puts .SH headings at column 0 and .SS headings at column 3.
    """
    parts = {}
    section = subsection = None
    for line in rendered.splitlines()[1:-1]:
        if re.match(r"^\S", line):
            section, subsection = line.strip(), None
            continue
        if re.match(r"^   \S", line):
            subsection = section + "/" + line.strip()
            parts.setdefault(subsection, "")
            continue
        if section is not None:
            parts[section] = parts.get(section, "") + line + "\n"
        if subsection is not None:
            parts[subsection] += line + "\n"
    return parts


def mentions(text, option):
    return re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(option), text) is not None


def described(text, option):
    """Whether a rendered section has an item (.TP) for option."""
    return re.search(r"^ {7}(?:\S+, )*%s(?![\w-])" % re.escape(option), text, re.M) is not None


def in_completion_file(shell, text, option):
    if mentions(text, option):
        return True
    # fish spells options -l NAME and -s X.
    if shell == "fish":
        flag = "-l" if option.startswith("--") else "-s"
        return re.search(r"(?<!\S)%s %s(?![\w-])" % (flag, re.escape(option.lstrip("-"))),
                         text) is not None
    return False


def config_schema():
    """{table: [keys]} as lib/config_file.cpp accepts them."""
    with open(os.path.join(SOURCE_DIR, "lib", "config_file.cpp")) as f:
        source = f.read()
    source = source[source.index("schema()"):]
    schema, table = {}, None
    for name, follower in re.findall(r'"(\w+)",\s*(\{\{|\[)', source):
        if follower == "{{":
            table = name
            schema[table] = []
        else:
            schema[table].append(name)
    if not schema or not all(schema.values()):
        raise AssertionError("could not read the schema in lib/config_file.cpp")
    return schema


@unittest.skipUnless(BINARY, "PULSE_BINARY is not set")
class DocsInStep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("mandoc") is None:
            raise AssertionError("mandoc is not installed (scripts/install-deps.sh installs it)")
        cls.top = pulse_help()
        cls.commands = {name: pulse_help(name) for name in cls.top.commands}
        cls.man1 = sections(render(MAN1))
        cls.man5 = sections(render(MAN5))
        cls.files = {}
        for shell, path in COMPLETION_FILES.items():
            with open(path) as f:
                cls.files[shell] = f.read()

    # --- the man pages ---------------------------------------------------------

    def test_man_pages_lint_clean(self):
        for page in (MAN1, MAN5):
            with self.subTest(page=os.path.basename(page)):
                result = run(["mandoc", "-T", "lint", page])
                self.assertEqual((result.returncode, result.stdout + result.stderr), (0, ""))

    def test_every_command_has_its_section(self):
        self.assertTrue(self.top.commands)
        documented = sorted(key.split("/", 1)[1] for key in self.man1
                            if key.startswith("COMMANDS/"))
        self.assertEqual(documented, sorted(self.top.commands))
        for name in self.top.commands:
            self.assertTrue(mentions(self.man1["SYNOPSIS"], name), name)

    def test_every_global_option_in_the_man_page(self):
        for option in self.top.options:
            with self.subTest(option=option):
                self.assertTrue(described(self.man1["OPTIONS"], option),
                                "OPTIONS of pharos-pulse(1) does not describe " + option)

    def test_every_command_option_in_its_man_section(self):
        for name, help_ in self.commands.items():
            text = self.man1["COMMANDS/" + name]
            for option in help_.options:
                if option in ("-h", "--help"):
                    continue  # described once, under OPTIONS
                with self.subTest(command=name, option=option):
                    self.assertTrue(described(text, option),
                                    "COMMANDS/%s of pharos-pulse(1) does not describe %s"
                                    % (name, option))
                    self.assertTrue(mentions(self.man1["SYNOPSIS"], option))

    def test_every_choice_in_the_man_page(self):
        for name, help_ in self.commands.items():
            for owner, values in help_.choices.items():
                for value in values:
                    with self.subTest(command=name, owner=owner, value=value):
                        self.assertTrue(mentions(self.man1["COMMANDS/" + name], value))

    def test_every_environment_variable_in_the_man_page(self):
        names = set()
        for directory in ("lib", "cmd"):
            for root, _, files in os.walk(os.path.join(SOURCE_DIR, directory)):
                for file in files:
                    with open(os.path.join(root, file), errors="replace") as f:
                        names |= set(re.findall(r'"(PHAROS_\w+)"', f.read()))
        self.assertIn("PHAROS_SERVER", names)
        for name in sorted(names):
            with self.subTest(variable=name):
                self.assertTrue(mentions(self.man1["ENVIRONMENT"], name))

    def test_every_exit_code_in_the_man_page(self):
        with open(os.path.join(SOURCE_DIR, "lib", "failure.h")) as f:
            enum = re.search(r"enum class ExitCode[^{]*\{(.*?)\};", f.read(), re.S).group(1)
        codes = re.findall(r"=\s*(\d+)", enum)
        self.assertIn("78", codes)
        documented = re.findall(r"^       (\d+)\s", self.man1["EXIT STATUS"], re.M)
        self.assertEqual(sorted(documented, key=int), sorted(codes, key=int))

    # --- the completions ---------------------------------------------------------

    def test_every_option_in_each_completion_file(self):
        every = set(self.top.options)
        for help_ in self.commands.values():
            every |= set(help_.options)
        for shell, text in self.files.items():
            for option in sorted(every):
                with self.subTest(shell=shell, option=option):
                    self.assertTrue(in_completion_file(shell, text, option),
                                    "%s lacks %s" % (COMPLETION_FILES[shell], option))
            for name in self.top.commands:
                with self.subTest(shell=shell, command=name):
                    self.assertTrue(mentions(text, name))

    def test_completions_offer_exactly_the_help_options(self):
        global_options = [o for o in self.top.options if o != "--version"]
        cases = {(): self.top.options}
        for name, help_ in self.commands.items():
            cases[(name,)] = set(help_.options) | set(global_options)
        for shell, complete in ch.DRIVERS.items():
            if shutil.which(shell) is None:
                continue
            for words, options in cases.items():
                with self.subTest(shell=shell, command=words):
                    offered = complete(["pharos-pulse", *words, "-"])
                    self.assertEqual(offered, sorted(set(options)))

    def test_completions_offer_exactly_the_commands_and_choices(self):
        for shell, complete in ch.DRIVERS.items():
            if shutil.which(shell) is None:
                continue
            with self.subTest(shell=shell):
                self.assertEqual(complete(["pharos-pulse", ""]), sorted(self.top.commands))
            for name, help_ in self.commands.items():
                for owner, values in help_.choices.items():
                    words = [name, owner] if owner.startswith("-") else [name]
                    with self.subTest(shell=shell, words=words):
                        self.assertEqual(complete(["pharos-pulse", *words, ""]), values)

    # --- the config file ---------------------------------------------------------

    def test_every_config_key_in_the_man_page(self):
        schema = config_schema()
        documented = {key.split("/", 1)[1].strip("[]"): text
                      for key, text in self.man5.items() if key.startswith("KEYS/")}
        self.assertEqual(sorted(documented), sorted(schema))
        for table, keys in schema.items():
            described = re.findall(r"^       (\w+) \(", documented[table], re.M)
            self.assertEqual(sorted(described), sorted(keys), "[%s]" % table)

    def test_example_config_has_every_key(self):
        with open(EXAMPLE) as f:
            text = f.read()
        # Uncommented, every key must be there, in its table, and valid TOML.
        uncommented = re.sub(r"^#(\w+ = )", r"\1", text, flags=re.M)
        document = tomllib.loads(uncommented)
        self.assertEqual({t: sorted(v) for t, v in document.items()},
                         {t: sorted(v) for t, v in config_schema().items()})

    def test_example_config_values_are_the_documented_defaults(self):
        with open(EXAMPLE, "rb") as f:
            example = tomllib.load(f)
        checked = 0
        for table, values in example.items():
            text = self.man5["KEYS/[%s]" % table]
            for key, value in values.items():
                with self.subTest(key=table + "." + key):
                    default = re.search(r"^       %s \([^)]*default ([^)]*)\)$" % key, text, re.M)
                    self.assertIsNotNone(default, "no default documented")
                    self.assertEqual(default.group(1), '"%s"' % value
                                     if isinstance(value, str) else str(value))
                    checked += 1
        self.assertGreater(checked, 5)

    def test_example_config_changes_nothing(self):
        # Uncommented keys are the defaults: inspect reports the same settings
        # with the example as with an empty config file.
        with tempfile.TemporaryDirectory(prefix="pulse-docs-") as scratch:
            empty = os.path.join(scratch, "empty.toml")
            with open(empty, "w"):
                pass
            outputs = []
            for config in (EXAMPLE, empty):
                result = run([BINARY, "--config", config, "--state-dir", scratch, "inspect"],
                             env=clean_environment())
                self.assertEqual(result.returncode, 0, result.stderr)
                outputs.append([line for line in result.stdout.splitlines()
                                if not line.strip().startswith("config file")])
        self.assertEqual(outputs[0], outputs[1])


if __name__ == "__main__":
    unittest.main()
