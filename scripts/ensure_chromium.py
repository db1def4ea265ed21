"""Install Debian's Chromium and a Chinese font for the report-rendering tests, if
they are not there; with ``--selenium`` also ChromeDriver, for the case board's
browser tests (tox -e ui-browser).

Used by tox (``commands_pre``) so that a clean machine gets them from the
project's own setup: ``apt-get install chromium`` and ``fonts-noto-cjk``
(Debian's packages, as root), and ``chromium-driver`` with ``--selenium``; or
nothing when ``$CHROMIUM`` or ``/usr/bin/chromium`` already runs, fontconfig
knows a font for Chinese (``fc-list :lang=zh``: Chinese pages must be drawn with
real glyphs, not empty boxes) and, with ``--selenium``, ``chromedriver`` is on
the path.
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


def has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], check=False, capture_output=True, text=True
    )
    return bool(listed.stdout.strip())


def missing(selenium: bool) -> list[str]:
    packages = [] if found() else ["chromium"]
    if not has_cjk_font():
        packages.append("fonts-noto-cjk")
    if selenium and not shutil.which("chromedriver"):
        packages.append("chromium-driver")
    return packages


def main(argv: list[str] | None = None) -> int:
    selenium = "--selenium" in (sys.argv[1:] if argv is None else argv)
    packages = missing(selenium)
    if not packages:
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.stderr.write(
            f"ensure_chromium: {' and '.join(packages)} missing and cannot be installed "
            "here (needs apt-get as root); install them (Chromium: or set $CHROMIUM)\n"
        )
        return 1
    sys.stderr.write(f"ensure_chromium: installing Debian's {', '.join(packages)} (minutes)\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages]):
        done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
            return 1
    return 0 if not missing(selenium) else 1


if __name__ == "__main__":
    sys.exit(main())
