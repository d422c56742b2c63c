"""Every program of the seed tutorial prints exactly what PyTorch prints.

The programs and PyTorch's outputs live in the team's shared folder
(`../shared/seed`), which exists only on the team's machines; elsewhere this skips.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT.parent / "shared" / "seed" / "check.py"


@pytest.mark.skipif(not CHECK.exists(), reason="the shared seed programs are not on this machine")
def test_seed_programs_print_what_pytorch_prints():
    result = subprocess.run(
        [sys.executable, str(CHECK), "--src", str(ROOT / "src"), "-v"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "seed: 7 of 7 programs print exactly what PyTorch prints" in result.stdout
