"""Install LibreOffice (headless), poppler and a CJK font for the dossier-rendering tests.

Used by ``tox -e render`` (``commands_pre``) so that a clean machine gets what it
needs from the project's own setup: Debian's ``libreoffice-writer-nogui`` (no X11,
no Java), ``poppler-utils`` (``pdftoppm``) and ``fonts-noto-cjk`` (else
``fonts-wqy-microhei``), with ``apt-get`` as root.  Nothing is done when all of it
is there already (``$SOFFICE`` names another LibreOffice), so the second run costs a
few milliseconds: the packages stay installed on the machine, which is the cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

PACKAGES = ("libreoffice-writer-nogui", "poppler-utils")
FONTS = ("fonts-noto-cjk", "fonts-wqy-microhei")


def soffice() -> str | None:
    for candidate in (os.environ.get("SOFFICE"), "soffice", "libreoffice"):
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    return None


def cjk_font() -> bool:
    """A font that covers Simplified Chinese is known to fontconfig."""
    if shutil.which("fc-list") is None:
        return False
    done = subprocess.run(
        ["fc-list", ":lang=zh-cn", "family"], check=False, capture_output=True, text=True
    )
    return done.returncode == 0 and bool(done.stdout.strip())


def missing() -> list[str]:
    wanted = []
    if soffice() is None:
        wanted.append(PACKAGES[0])
    if shutil.which("pdftoppm") is None:
        wanted.append(PACKAGES[1])
    if not cjk_font():
        wanted.append(FONTS[0])
    return wanted


def _apt(arguments: list[str], env: dict[str, str]) -> bool:
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=600", *arguments]
    done = subprocess.run(command, env=env, check=False, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])
    return done.returncode == 0


def main() -> int:
    wanted = missing()
    if not wanted:
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        sys.stderr.write(
            f"ensure_office: missing {', '.join(wanted)} and cannot install here (needs "
            "apt-get as root); install them, or set $SOFFICE\n"
        )
        return 1
    sys.stderr.write(f"ensure_office: installing {', '.join(wanted)} (a few minutes, once)\n")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["install", "-y", "-q", "--no-install-recommends"]
    if not _apt(["update", "-q"], env):
        return 1
    if not _apt([*install, *wanted], env) and FONTS[0] in wanted:
        # the smaller font, should the Noto one not be available
        rest = [name for name in wanted if name != FONTS[0]]
        if not _apt([*install, *rest, FONTS[1]], env):
            return 1
    left = missing()
    if left:
        sys.stderr.write(f"ensure_office: still missing {', '.join(left)}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
