"""Firmware version from the build: `git describe --tags --always --dirty`, else package.json's version.

PlatformIO runs this before every env (`extra_scripts = pre:scripts/version.py` in platformio.ini) and it defines
ESPHIL_FW_VERSION, the `fw` of hello, info, the boot line and Improv's device info. Run it by hand to see the value:
`python3 scripts/version.py [project dir]`. The logic is plain functions so tests/test_version.py runs it against
temporary git repositories without PlatformIO.

What feeds esp_app_desc_t (the `app` member) is not this script: on the stock arduino framework the descriptor is
compiled into the framework's precompiled ESP-IDF libraries (esp32-arduino-lib-builder, `project(arduino-lib-builder)`),
so its version and project name are the library build's; only app_elf_sha256 belongs to this build (filled in by
`esptool elf2image --elf-sha256-offset 0xb0`, which arduino-esp32's tools/pioarduino-build.py adds). Builds where
ESP-IDF compiles the app (framework = espidf, or arduino as a component) take PROJECT_VER from IDF's own rule,
which ends in the same `git describe --always --tags --dirty` in the project directory.
"""

import json
import os
import re
import subprocess
import sys

# esp_app_desc_t.version and the protocol's app.version are char[32] with the NUL: 31 characters
# (ESP-IDF esp_app_desc.c static-asserts sizeof(PROJECT_VER) <= sizeof(version)); `fw` follows the same bound.
MAX_VERSION_CHARS = 31
# git describe of a hung repository (network filesystem, lock) must not stall the build forever.
GIT_TIMEOUT_S = 10
FALLBACK_VERSION = "0.0.0-unknown"
DIRTY_SUFFIX = "-dirty"
# Anything else would need escaping inside the C string literal; tag names may hold almost anything.
_UNSAFE = re.compile(r"[^A-Za-z0-9._+/-]")


def git_describe(cwd, git="git"):
    """`git describe --tags --always --dirty` in cwd, or None when git is missing or cwd is not a repository."""
    try:
        out = subprocess.run(
            [git, "describe", "--tags", "--always", "--dirty"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = out.stdout.strip()
    return text if out.returncode == 0 and text else None


def package_version(project_dir):
    """The "version" of project_dir/package.json, or None."""
    try:
        with open(os.path.join(project_dir, "package.json"), encoding="utf-8") as fp:
            v = json.load(fp).get("version")
    except (OSError, ValueError, AttributeError):
        return None
    return v if isinstance(v, str) and v.strip() else None


def bounded(version):
    """Safe characters only, at most MAX_VERSION_CHARS, keeping a trailing -dirty visible when cutting."""
    v = _UNSAFE.sub("_", version.strip())
    if len(v) <= MAX_VERSION_CHARS:
        return v
    suffix = DIRTY_SUFFIX if v.endswith(DIRTY_SUFFIX) else ""
    return v[: MAX_VERSION_CHARS - len(suffix)] + suffix


def firmware_version(project_dir, git="git"):
    """git describe, else package.json's version, else FALLBACK_VERSION; always 1-31 safe characters."""
    v = git_describe(project_dir, git) or package_version(project_dir) or FALLBACK_VERSION
    return bounded(v) or FALLBACK_VERSION


def c_string_define(version):
    """The value for CPPDEFINES so the macro is a C string literal ("..." with the quotes escaped for the shell)."""
    return '\\"%s\\"' % version


def apply_to_env(env):
    version = firmware_version(env.subst("$PROJECT_DIR"))
    env.Append(CPPDEFINES=[("ESPHIL_FW_VERSION", c_string_define(version))])
    print("esphil firmware version: %s" % version)


try:
    Import("env")  # noqa: F821 -- provided by PlatformIO (SCons) when run as an extra script
except NameError:
    env = None

if env is not None:
    apply_to_env(env)
elif __name__ == "__main__":
    print(firmware_version(sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
