"""Install Debian's Chromium for the report-rendering test, if it is not there.

Used by tox (``commands_pre``) so that a clean machine gets it from the
project's own setup: ``apt-get install chromium`` (Debian's package, as root),
or nothing when ``$CHROMIUM`` or ``/usr/bin/chromium`` already runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def found() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def main() -> int:
    if found():
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.stderr.write(
            "ensure_chromium: Chromium is missing and cannot be installed here "
            "(needs apt-get as root); install it, or set $CHROMIUM\n"
        )
        return 1
    sys.stderr.write("ensure_chromium: installing Debian's chromium (a minute or two)\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
            return 1
    return 0 if found() else 1


if __name__ == "__main__":
    sys.exit(main())
