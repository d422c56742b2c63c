"""The whole op table on the stand-in CUDA device (see op_sweep.py); known gaps are listed with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .op_sweep import CASES, IDS, check_case

pytestmark = pytest.mark.device

KNOWN_GAPS: dict = json.loads((Path(__file__).parent / "standin_known_gaps.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_op_on_standin_matches_cpu(case, cuda):
    if case.id in KNOWN_GAPS:
        pytest.xfail(KNOWN_GAPS[case.id])
    check_case(case)
