"""Modules of `torch.distributed` that libraries import unconditionally (torchopt at import time):
`distributed.autograd` (as in a build without RPC) and `elastic.multiprocessing.errors.record`."""

from __future__ import annotations

import json

import pytest

from retrograd.distributed import autograd as dist_autograd
from retrograd.distributed.elastic.multiprocessing.errors import record


def test_distributed_autograd_is_not_available():
    assert dist_autograd.is_available() is False
    assert dist_autograd.__all__ == ["context", "is_available"]
    with pytest.raises(RuntimeError, match="not available"), dist_autograd.context():
        pass


def _entry_points():
    def ok(a, b=1):
        """Docs."""
        return a + b

    def exits(code):
        raise SystemExit(code)

    def fails():
        raise ValueError("bad input")

    return ok, exits, fails


def test_record_passes_results_and_records_the_escaping_error(tmp_path, monkeypatch):
    ok, exits, fails = (record(f) for f in _entry_points())
    assert ok(2, b=3) == 5 and ok.__name__ == "ok" and ok.__doc__ == "Docs."
    assert exits(0) is None
    with pytest.raises(SystemExit):
        exits(2)
    error_file = tmp_path / "error.json"
    monkeypatch.setenv("TORCHELASTIC_ERROR_FILE", str(error_file))
    with pytest.raises(ValueError, match="bad input"):
        fails()
    message = json.loads(error_file.read_text())["message"]
    assert message["message"] == "ValueError: bad input"
    assert "py_callstack" in message["extraInfo"] and message["extraInfo"]["timestamp"].isdigit()


def test_record_vs_torch(tmp_path, monkeypatch):
    errors = pytest.importorskip("torch.distributed.elastic.multiprocessing.errors")
    results = []
    for index, decorate in enumerate((record, errors.record)):
        ok, exits, fails = (decorate(f) for f in _entry_points())
        error_file = tmp_path / f"error{index}.json"
        monkeypatch.setenv("TORCHELASTIC_ERROR_FILE", str(error_file))
        with pytest.raises(ValueError):
            fails()
        message = json.loads(error_file.read_text())["message"]
        results.append((ok(2, b=3), exits(0), message["message"], sorted(message["extraInfo"])))
    assert results[0] == results[1]


def test_old_dtensor_home_and_implicit_replication():
    # Opacus imports `implicit_replication` from the old path at import time and wraps FSDP steps in it
    from retrograd.distributed import _tensor, tensor
    from retrograd.distributed._tensor.experimental import implicit_replication
    from retrograd.distributed._tensor.placement_types import Shard

    assert _tensor.DTensor is tensor.DTensor and Shard is tensor.Shard
    assert implicit_replication is tensor.experimental.implicit_replication
    with implicit_replication() as value:
        assert value is None


def test_old_dtensor_home_vs_torch():
    old = pytest.importorskip("torch.distributed._tensor")
    from retrograd.distributed import _tensor

    for name in ["DTensor", "DeviceMesh", "Partial", "Placement", "Replicate", "Shard", "distribute_module",
                 "distribute_tensor", "init_device_mesh"]:
        assert hasattr(old, name) and hasattr(_tensor, name), name
    import importlib

    assert hasattr(importlib.import_module("torch.distributed._tensor.experimental"), "implicit_replication")
