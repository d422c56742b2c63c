"""The API coverage page and the AttributeError that points to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import retrograd

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.pytorch
def test_coverage_page_is_current_vs_pytorch():
    pytest.importorskip("torch")
    run = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "api_coverage.py"), "--check"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr


def test_missing_torch_name_says_not_yet():
    # (every top-level name of PyTorch's is here now; autograd still lacks one)
    message = r"module 'retrograd.autograd' has no attribute 'NestedIOFunction': retrograd does not have"
    with pytest.raises(AttributeError, match=message):
        retrograd.autograd.NestedIOFunction  # noqa: B018
    with pytest.raises(AttributeError, match=r"see docs/api-coverage.md"):
        retrograd.autograd.NestedIOFunction  # noqa: B018


def test_unknown_name_is_a_plain_attribute_error():
    with pytest.raises(AttributeError) as info:
        retrograd.no_such_thing  # noqa: B018
    assert str(info.value) == "module 'retrograd' has no attribute 'no_such_thing'"
    with pytest.raises(AttributeError) as info:
        retrograd.nn.functional.no_such_thing  # noqa: B018
    assert str(info.value) == "module 'retrograd.nn.functional' has no attribute 'no_such_thing'"
    assert not hasattr(retrograd.ones(1), "no_such_thing")


def test_tensor_attribute_error_names_the_class():
    x = retrograd.ones(2)
    with pytest.raises(AttributeError) as info:
        x.no_such_method  # noqa: B018
    assert str(info.value) == "'Tensor' object has no attribute 'no_such_method'"
    assert info.value.name == "no_such_method" and info.value.obj is x


def test_every_missing_entry_is_really_missing():
    from retrograd._torch_names import MISSING

    for where, names in MISSING.items():
        owner = retrograd.Tensor if where == "Tensor" else sys.modules.get(where) or __import__(where, fromlist=["_"])
        present = [n for n in names.split() if hasattr(owner, n)]
        assert not present, f"{where} has these now; rerun tools/api_coverage.py: {present}"


def test_lazy_submodules_still_load():
    import importlib

    assert importlib.import_module("retrograd.utils.data").DataLoader is retrograd.utils.data.DataLoader
    assert retrograd.optim.lr_scheduler.StepLR is not None
