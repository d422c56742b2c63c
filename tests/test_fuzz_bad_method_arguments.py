"""Fuzz of bad arguments to Tensor methods against PyTorch: the same exception type, or the same result.

Every public method both libraries' Tensor has (`fuzz_bad_method_arguments.methods`) is called
with each argument pattern of `fuzz_bad_method_arguments.PATTERNS` on both libraries. Known gaps
are listed with a reason in `fuzz_method_known_gaps.json` and marked xfail (non-strict: a fixed
one simply passes; remove it from the list then). Skipped without PyTorch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fuzz_bad_method_arguments import cases, compare, torch

KNOWN = json.loads((Path(__file__).with_name("fuzz_method_known_gaps.json")).read_text())
CASES = [
    pytest.param(name, pattern, id=f"{name}[{pattern}]",
                 marks=[pytest.mark.xfail(reason=KNOWN[f"{name}[{pattern}]"], strict=False)]
                 if f"{name}[{pattern}]" in KNOWN else [])
    for name, pattern in cases()
]  # fmt: skip


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize(("name", "pattern"), CASES)
def test_bad_method_arguments_match_pytorch(name, pattern):
    difference = compare(name, pattern)
    assert difference is None, f"{name}[{pattern}]: {difference}"


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_known_gaps_name_real_cases():
    real = {f"{n}[{p}]" for n, p in cases()}
    assert set(KNOWN) <= real
