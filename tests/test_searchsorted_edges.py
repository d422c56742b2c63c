"""searchsorted and bucketize at their edges: NaN among the boundaries (PyTorch's bisection, where every
comparison with NaN is false, rather than NumPy's NaN-last order), bool operands (no kernel) and the
once-per-program warnings for non-contiguous operands."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import retrograd as rg

try:  # the comparisons skip without PyTorch; the other tests run anyway
    import torch
except ImportError:
    torch = None

NAN = float("nan")


def test_nan_boundaries_follow_pytorchs_bisection():
    seq = rg.tensor([1.0, 2.0, NAN])
    values = rg.tensor([0.5, 2.0, 3.0, NAN])
    assert rg.searchsorted(seq, values).tolist() == [0, 1, 3, 3]
    assert rg.searchsorted(seq, values, right=True).tolist() == [0, 3, 3, 3]
    assert rg.searchsorted(rg.tensor([1.0, NAN]), rg.tensor([NAN, 2.0])).tolist() == [2, 2]
    # rows of a 2-D sequence, and a number as the value
    assert rg.searchsorted(seq.expand(2, 3), values.expand(2, 4)).tolist() == [[0, 1, 3, 3]] * 2
    assert rg.searchsorted(seq, 2.0, right=True).item() == 3
    # without NaN among the boundaries a NaN value goes last, as in NumPy
    assert rg.bucketize(rg.tensor([NAN, 1.0]), rg.tensor([0.0, 1.0, 2.0])).tolist() == [3, 1]


def _bool_calls(m):
    b, i = m.tensor([False, True]), m.tensor([0, 1])
    return [
        lambda: m.searchsorted(b, m.tensor([True])),
        lambda: m.searchsorted(b, True),
        lambda: m.bucketize(m.tensor([True]), b),
        lambda: m.searchsorted(i, m.tensor([True])),  # int with bool: an int search
        lambda: m.searchsorted(b, m.tensor([1])),
        lambda: m.bucketize(True, i),
    ]


def _outcome(call):
    try:
        return call().tolist()
    except NotImplementedError as e:
        return str(e)


def test_bool_operands_have_no_kernel():
    refused = "\"searchsorted_out_cpu\" not implemented for 'Bool'"
    assert [_outcome(c) for c in _bool_calls(rg)] == [refused, refused, refused, [1], [1], 1]


def test_non_contiguous_operands_warn_once(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    seq = rg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]).t().contiguous().t()
    sorter = rg.tensor([[0, 0], [1, 1], [2, 2]]).t()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rg.bucketize(rg.zeros(2, 0).t(), rg.tensor([1.0]))  # no values: no copy, no warning
        rg.searchsorted(seq, rg.tensor([[2.0], [5.0]]), sorter=sorter)
        rg.searchsorted(seq, rg.tensor([[2.0], [5.0]]), sorter=sorter)
        rg.bucketize(rg.tensor([[1.0, 2.0], [3.0, 4.0]]).t(), rg.tensor([1.0, 3.0]))
    messages = [str(w.message) for w in caught]
    assert [m.split(" tensor is")[0] for m in messages] == [
        "torch.searchsorted(): boundary",
        "torch.searchsorted(): sorter",
        "torch.searchsorted(): input value",
    ]
    assert messages[2] == (
        "torch.searchsorted(): input value tensor is non-contiguous, this will lower the performance due to extra "
        "data copy when converting non-contiguous tensor to contiguous, please use contiguous input value tensor "
        "if possible. This message will only appear once per program."
    )
    assert all(w.filename == __file__ for w in caught)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_searchsorted_edges_match_pytorch():
    assert [_outcome(c) for c in _bool_calls(rg)] == [_outcome(c) for c in _bool_calls(torch)]
    rng = np.random.default_rng(0)
    for _ in range(100):
        n = int(rng.integers(1, 9))
        seq = np.sort(rng.integers(0, 5, n).astype(np.float32))
        seq[n - int(rng.integers(0, n + 1)) :] = np.nan
        if rng.random() < 0.3:
            seq[rng.integers(0, n)] = np.nan  # NaN inside, too
        values = rng.integers(-1, 6, 5).astype(np.float32)
        values[rng.random(5) < 0.2] = np.nan
        for right in (False, True):
            ours = rg.searchsorted(rg.tensor(seq), rg.tensor(values), right=right).tolist()
            theirs = torch.searchsorted(torch.tensor(seq), torch.tensor(values), right=right).tolist()
            assert ours == theirs, (seq, values, right)


def _dimension_errors(m):
    """A 0-d value (a number, or a 0-d tensor) needs 1-D boundaries; 0-d boundaries are refused;
    N-D boundaries share their leading dims with the values (a scalar is checked first)."""
    rows = m.tensor([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0]])
    calls = [
        lambda: m.searchsorted(rows, 0.5),
        lambda: m.searchsorted(rows, m.tensor(0.5)),
        lambda: m.searchsorted(m.tensor(1.0), 0.5),
        lambda: m.searchsorted(m.tensor(1.0), m.tensor([0.5])),
        lambda: m.searchsorted(rows, m.tensor([0.5, 1.5])),
        lambda: m.searchsorted(rows[0], m.tensor(1.5)),
    ]
    errors = []
    for call in calls:
        try:
            errors.append(call().tolist())
        except RuntimeError as e:
            errors.append(str(e))
    return errors


def test_dimension_errors_name_the_scalar_and_the_0d_boundaries():
    assert _dimension_errors(rg) == [
        "torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got "
        "boundaries tensor dim(2) and input value's dim(0) numel(1)",
    ] * 2 + [
        "torch.searchsorted(): input value can be a scalar only when boundaries tensor dimension is 1, but we got "
        "boundaries tensor dim(0) and input value's dim(0) numel(1)",
        "torch.searchsorted(): boundaries tensor should have positive dimension, but got 0 dimension",
        "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries "
        "tensor and input value tensor must match, but we got boundaries tensor [2, 3] and input value tensor [2]",
        2,
    ]


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_dimension_errors_match_pytorch():
    assert _dimension_errors(rg) == _dimension_errors(torch)
