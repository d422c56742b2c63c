"""Fuzz of bad arguments against PyTorch: the same exception type, or the same result.

Every function of `retrograd.ops.__all__` that PyTorch also has is called with each
argument pattern of `fuzz_bad_arguments.PATTERNS` (fixed inputs, no randomness) on both
libraries. Known gaps are listed with a reason in `fuzz_known_gaps.json` and marked
xfail (non-strict: a fixed one simply passes; remove it from the list then).
Skipped without PyTorch.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .fuzz_bad_arguments import PATTERNS, compare, functions, torch

KNOWN = json.loads((Path(__file__).with_name("fuzz_known_gaps.json")).read_text())
CASES = [
    pytest.param(name, pattern, id=f"{name}[{pattern}]",
                 marks=[pytest.mark.xfail(reason=KNOWN[f"{name}[{pattern}]"], strict=False)]
                 if f"{name}[{pattern}]" in KNOWN else [])
    for name in functions()
    for pattern in PATTERNS
]  # fmt: skip


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize(("name", "pattern"), CASES)
def test_bad_arguments_match_pytorch(name, pattern):
    difference = compare(name, pattern)
    assert difference is None, f"{name}[{pattern}]: {difference}"


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_known_gaps_name_real_cases():
    real = {f"{n}[{p}]" for n in functions() for p in PATTERNS}
    assert set(KNOWN) <= real
