"""Install Debian's Chromium for the report-rendering test, if it is not there; with
``--selenium`` also ChromeDriver and a CJK font, for the case board's browser tests.

Used by tox (``commands_pre``) so that a clean machine gets it from the
project's own setup: ``apt-get install chromium`` (Debian's packages, as root),
or nothing when ``$CHROMIUM`` or ``/usr/bin/chromium`` already runs (and, with
``--selenium``, ``chromedriver`` is on the path and fontconfig knows a Chinese
font: ``chromium-driver`` and ``fonts-noto-cjk``; without such a font Chinese
pages are drawn as empty boxes).
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


def cjk_font() -> bool:
    """Whether fontconfig has a font for Simplified Chinese."""
    if shutil.which("fc-list") is None:
        return False
    done = subprocess.run(["fc-list", ":lang=zh-cn"], capture_output=True, text=True, check=False)
    return bool(done.stdout.strip())


def missing(selenium: bool) -> list[str]:
    packages = [] if found() else ["chromium"]
    if selenium:
        packages += [] if shutil.which("chromedriver") else ["chromium-driver"]
        packages += [] if cjk_font() else ["fonts-noto-cjk"]
    return packages


def main(argv: list[str] | None = None) -> int:
    selenium = "--selenium" in (sys.argv[1:] if argv is None else argv)
    packages = missing(selenium)
    if not packages:
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.stderr.write(
            f"ensure_chromium: {', '.join(packages)} missing and cannot be installed here "
            "(needs apt-get as root); install them, or set $CHROMIUM\n"
        )
        return 1
    sys.stderr.write(
        f"ensure_chromium: installing Debian's {', '.join(packages)} (a minute or two)\n"
    )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages]):
        done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
            return 1
    return 0 if not missing(selenium) else 1


if __name__ == "__main__":
    sys.exit(main())
