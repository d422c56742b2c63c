"""`load`'s weights_only when the caller leaves it out: True, False when a `pickle_module` is
given, and the two environment overrides PyTorch reads (`TORCH_FORCE_WEIGHTS_ONLY_LOAD`,
`TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`), which users of frameworks that pickle their own objects in
checkpoints (mmengine's `HistoryBuffer`, resumed with `resume=True`) set."""

from __future__ import annotations

import io
import pickle
import warnings

import pytest

import retrograd as rg


class Note:
    """A plain class a weights-only load refuses."""


def _outcomes(m, monkeypatch) -> list:
    buffer = io.BytesIO()
    m.save({"w": m.arange(3), "note": Note()}, buffer)

    def attempt(**kwargs):
        buffer.seek(0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                got = type(m.load(buffer, **kwargs)["note"]).__name__
            except (pickle.UnpicklingError, RuntimeError) as e:
                got = (isinstance(e, pickle.UnpicklingError), str(e)[:40])
        return got, [str(w.message).split(" detected")[0] for w in caught]

    monkeypatch.delenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", raising=False)
    monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", raising=False)
    results = [attempt(), attempt(pickle_module=pickle)]
    monkeypatch.setenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")
    results += [attempt(), attempt(weights_only=True)]
    monkeypatch.setenv("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "Yes")
    results.append(attempt(weights_only=False))
    monkeypatch.delenv("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD")
    results.append(attempt(weights_only=False))
    return results


REFUSED = ((True, "Weights only load failed. This file can "), [])
EXPECTED = [
    REFUSED,
    ("Note", []),  # a pickle_module turns the default to weights_only=False
    ("Note", ["Environment variable TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD"]),
    REFUSED,  # an explicit weights_only=True is kept
    ((False, "Only one of `TORCH_FORCE_WEIGHTS_ONLY_LO"), []),
    REFUSED,  # TORCH_FORCE_WEIGHTS_ONLY_LOAD wins over an explicit weights_only=False
]


def test_weights_only_default_and_environment_overrides(monkeypatch):
    assert _outcomes(rg, monkeypatch) == EXPECTED


def test_weights_only_default_and_environment_overrides_vs_torch(monkeypatch):
    torch = pytest.importorskip("torch")
    assert _outcomes(torch, monkeypatch) == EXPECTED
