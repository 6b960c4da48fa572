"""LibreOffice as the tests run it: a conversion that ends, one way or the other.

``soffice`` is a shell script that starts ``soffice.bin``; killing the script on a timeout leaves
soffice.bin running with the test's pipes open, so ``subprocess.run(..., timeout=…)`` then waits
for them for ever and the whole run hangs. Here soffice starts in a process group of its own and
the whole group is killed when the time is up, so a stuck conversion fails the test that asked.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")


def convert(paths: list[str], *, to: str, outdir: Path, profile: Path, timeout: float = 240) -> None:
    """Convert ``paths`` to ``to`` (pdf, docx …) into ``outdir`` in one headless soffice, with a
    private ``profile`` (parallel runs must not share LibreOffice's user installation)."""
    process = subprocess.Popen([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                                "--convert-to", to, "--outdir", str(outdir), *paths],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise AssertionError(f"LibreOffice did not finish converting {len(paths)} file(s) in {timeout:.0f} s "
                             f"and was stopped: {out} {err}") from None
    assert process.returncode == 0, f"LibreOffice failed ({process.returncode}): {out} {err}"
