"""scripts/version.py against real temporary git repositories: tagged, untagged, dirty, no git, bounds.

Run by `make check` (python3 tests/test_version.py); needs git and python3, no PlatformIO.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import version  # noqa: E402

GIT = shutil.which("git")
# The user's git configuration (signing, hooks, default branch) must not change what the test sees.
GIT_ENV = dict(
    os.environ,
    GIT_CONFIG_GLOBAL=os.devnull,
    GIT_CONFIG_NOSYSTEM="1",
    GIT_AUTHOR_NAME="t",
    GIT_AUTHOR_EMAIL="t@example.invalid",
    GIT_COMMITTER_NAME="t",
    GIT_COMMITTER_EMAIL="t@example.invalid",
)


class Repo:
    def __init__(self, path):
        self.path = path

    def git(self, *args):
        return subprocess.run(
            [GIT, *args], cwd=self.path, env=GIT_ENV, check=True, capture_output=True, text=True
        ).stdout.strip()

    def commit(self, name, text):
        with open(os.path.join(self.path, name), "w", encoding="utf-8") as fp:
            fp.write(text)
        self.git("add", name)
        self.git("commit", "-q", "-m", name)
        return self.git("rev-parse", "--short", "HEAD")


class VersionTest(unittest.TestCase):
    def setUp(self):
        if GIT is None:
            self.fail("git is required by this test (scripts/version.py runs git describe)")
        self.tmp = tempfile.mkdtemp(prefix="esphil-version-")
        self.repo = Repo(self.tmp)
        self.repo.git("init", "-q")
        with open(os.path.join(self.tmp, "package.json"), "w", encoding="utf-8") as fp:
            json.dump({"name": "fw", "version": "0.3.1"}, fp)

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def describe(self):
        # The environment git describe would see from PlatformIO: no test-only config.
        old = dict(os.environ)
        os.environ.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
        try:
            return version.firmware_version(self.tmp)
        finally:
            os.environ.clear()
            os.environ.update(old)

    def test_untagged_repository_is_the_short_commit_hash(self):
        head = self.repo.commit("a.txt", "a")
        self.assertEqual(self.describe(), head)

    def test_tag_on_head_is_the_tag(self):
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", "v1.2.3")
        self.assertEqual(self.describe(), "v1.2.3")

    def test_commits_after_a_tag_count_and_name_the_commit(self):
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", "v1.2.3")
        head = self.repo.commit("b.txt", "b")
        self.assertRegex(self.describe(), r"^v1\.2\.3-1-g[0-9a-f]{7,}$")
        self.assertTrue(self.describe().endswith(head))

    def test_lightweight_tags_count_too(self):
        # --tags: a plain `git tag name` (no -a) is used, as PlatformIO users tend to make.
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", "release-7")
        self.assertEqual(self.describe(), "release-7")

    def test_uncommitted_change_is_dirty(self):
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", "v2.0.0")
        with open(os.path.join(self.tmp, "a.txt"), "w", encoding="utf-8") as fp:
            fp.write("changed")
        self.assertEqual(self.describe(), "v2.0.0-dirty")

    def test_no_repository_falls_back_to_package_json(self):
        shutil.rmtree(os.path.join(self.tmp, ".git"))
        self.assertEqual(self.describe(), "0.3.1")

    def test_git_missing_falls_back_to_package_json(self):
        self.repo.commit("a.txt", "a")
        self.assertIsNone(version.git_describe(self.tmp, git=os.path.join(self.tmp, "no-such-git")))
        self.assertEqual(version.firmware_version(self.tmp, git=os.path.join(self.tmp, "no-such-git")), "0.3.1")

    def test_no_repository_and_no_package_json_is_the_fallback(self):
        shutil.rmtree(os.path.join(self.tmp, ".git"))
        os.remove(os.path.join(self.tmp, "package.json"))
        self.assertEqual(self.describe(), version.FALLBACK_VERSION)

    def test_long_tags_are_cut_to_31_chars_keeping_dirty(self):
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", "v" + "9" * 40)
        self.assertEqual(self.describe(), "v" + "9" * 30)
        with open(os.path.join(self.tmp, "a.txt"), "w", encoding="utf-8") as fp:
            fp.write("changed")
        v = self.describe()
        self.assertEqual(len(v), version.MAX_VERSION_CHARS)
        self.assertTrue(v.endswith("-dirty"))

    def test_characters_a_c_string_would_need_escaped_are_replaced(self):
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", 'v1"x,y')  # git refuses backslashes in tag names but takes quotes
        self.assertEqual(self.describe(), "v1_x_y")
        self.assertEqual(version.bounded("a\\b\n"), "a_b")
        self.assertEqual(version.c_string_define("v1.0"), '\\"v1.0\\"')

    def test_every_result_fits_the_protocol(self):
        for raw in ["", " ", "a" * 100, "v1 2", "é"]:
            v = version.bounded(raw) or version.FALLBACK_VERSION
            self.assertTrue(re.fullmatch(r"[A-Za-z0-9._+/-]{1,31}", v), raw)

    def test_runs_as_a_command(self):
        self.repo.commit("a.txt", "a")
        self.repo.git("tag", "v5.0.0")
        script = os.path.join(os.path.dirname(version.__file__), "version.py")
        out = subprocess.run([sys.executable, script, self.tmp], env=GIT_ENV, check=True, capture_output=True, text=True)
        self.assertEqual(out.stdout.strip(), "v5.0.0")


if __name__ == "__main__":
    unittest.main(verbosity=1)
