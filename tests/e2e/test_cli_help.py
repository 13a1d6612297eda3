"""Every subcommand's --help, the generated docs (cli.md, faults.md, check.md's table), and the
options each command really accepts, against each other.

The help text is one table in app/help.cpp; these tests fail when docs/cli.md was not
regenerated (`bulkharness help --markdown > docs/cli.md`), when a command accepts an option its
help does not show or shows one it refuses (the accepted set is read from the command's own
"unknown option: expected one of: ..." error), or when an example names a scenario file that
does not exist.
"""
import pathlib
import re
import unittest

import harness

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLAG = re.compile(r"--[a-z][a-z0-9-]*")
# Commands whose options are flags (faults and scenarios take verbs).
FLAGGED = ("demo", "serve", "export", "check", "judge", "sim", "keygen")


def run(*args):
    return harness.run([harness.BULKHARNESS, *args], 30)


def listed_commands():
    code, out, _, _ = run("help")
    assert code == 0, out
    return [m.group(1) for m in re.finditer(r"^  ([a-z]+) ", out, re.M) if m.group(1) != "help"]


def accepted_flags(command):
    code, _, err, _ = run(command, "--no-such-option-at-all")
    assert code == 2, (command, err)
    m = re.search(r"expected one of:((?: --[a-z0-9-]+)+)", err)
    assert m, f"{command}: no option list in {err!r}"
    return set(m.group(1).split())


def usage_flags(command):
    _, out, _, _ = run(command, "--help")
    usage = out.split("\nusage:", 1)[1].split("\nexamples:", 1)[0]
    return set(FLAG.findall(usage)) - {"--help"}


class CliHelp(unittest.TestCase):
    def test_every_command_has_help_with_examples_and_exit_codes(self):
        commands = listed_commands()
        self.assertGreaterEqual(len(commands), 9, commands)
        for command in commands:
            with self.subTest(command):
                for spelling in ("--help", "-h"):
                    code, out, err, _ = run(command, spelling)
                    self.assertEqual(code, 0, err)
                    self.assertIn(f"usage: bulkharness {command}", out)
                    self.assertIn("\nexamples:\n  bulkharness " + command, out)
                    self.assertRegex(out, r"\nexit codes:\n +0  ")
                    self.assertRegex(out, r"\n +2  usage error")
                self.assertEqual(run("help", command)[1], run(command, "--help")[1])

    def test_documented_options_are_exactly_the_accepted_ones(self):
        serve = accepted_flags("serve")
        for command in FLAGGED:
            with self.subTest(command):
                accepted, shown = accepted_flags(command), usage_flags(command)
                if command == "demo":  # "and every serve option but --verdict-on-exit"
                    _, out, _, _ = run("demo", "--help")
                    line = next(l for l in out.splitlines() if "every serve option" in l)
                    excepted = set(FLAG.findall(line))
                    shown = (shown | serve) - excepted
                self.assertEqual(sorted(accepted - shown), [], "accepted but not in --help")
                self.assertEqual(sorted(shown - accepted), [], "in --help but refused")

    def test_docs_cli_md_is_the_generated_text(self):
        code, out, _, _ = run("help", "--markdown")
        self.assertEqual(code, 0)
        self.assertEqual((ROOT / "docs/cli.md").read_text(), out,
                         "docs/cli.md is stale: bulkharness help --markdown > docs/cli.md")

    def test_docs_faults_md_is_the_generated_catalogue(self):
        code, out, _, _ = run("faults", "list", "--markdown")
        self.assertEqual(code, 0)
        kinds = re.findall(r"^### `([a-z0-9-]+)`", out, re.M)
        self.assertGreaterEqual(len(kinds), 60, "every fault kind has a section")
        self.assertEqual((ROOT / "docs/faults.md").read_text(), out,
                         "docs/faults.md is stale: bulkharness faults list --markdown > "
                         "docs/faults.md")

    def test_docs_check_md_holds_the_generated_check_table(self):
        code, out, _, _ = run("check", "--list", "--markdown")
        self.assertEqual(code, 0)
        doc = (ROOT / "docs/check.md").read_text()
        m = re.search(r"<!-- checks:[^\n]*-->\n(.*?)<!-- /checks -->", doc, re.S)
        self.assertTrue(m, "docs/check.md has no <!-- checks --> section")
        self.assertEqual(m.group(1), out, "docs/check.md's table is stale: "
                         "replace it with bulkharness check --list --markdown")
        _, listed, _, _ = run("check", "--list")
        self.assertEqual(len(out.splitlines()) - 2, len(re.findall(r"^\S", listed, re.M)))

    def test_examples_name_scenario_files_that_exist(self):
        _, md, _, _ = run("help", "--markdown")
        named = set(re.findall(r"scenarios/[a-z0-9-]+\.json", md))
        self.assertTrue(named)
        for path in named:
            self.assertTrue((ROOT / path).is_file(), path)

    def test_top_level_usage_and_its_exit_codes(self):
        self.assertEqual(run()[0], 2)
        self.assertEqual(run("help")[0], 0)
        self.assertEqual(run("--help")[0], 0)
        self.assertEqual(run("help", "no-such-command")[0], 2)
        code, _, err, _ = run("no-such-command")
        self.assertEqual(code, 2)
        self.assertIn("unknown command", err)


if __name__ == "__main__":
    harness.main()
