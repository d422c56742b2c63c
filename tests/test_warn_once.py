"""Warnings PyTorch gives once per process (its C++ TORCH_WARN_ONCE): once here too, whatever the filters.

Old code calls these deprecated functions in a loop (`torch.qr` per step, `torch.meshgrid` per batch);
PyTorch says it once, so a retrograd run must not fill the log with the same text.
"""

from __future__ import annotations

import warnings

import pytest

import retrograd

CALLS = {
    "same_padding_even_kernel": (
        lambda t: t.nn.functional.conv1d(t.ones(1, 1, 5), t.ones(1, 1, 2), padding="same"),
        "Using padding='same' with even kernel lengths and odd dilation",
    ),
    "meshgrid_no_indexing": (
        lambda t: t.meshgrid(t.arange(2), t.arange(3)),
        "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
    ),
    "chain_matmul": (lambda t: t.chain_matmul(t.eye(2), t.eye(2)), "torch.chain_matmul is deprecated"),
    "lu_solve": (
        lambda t: t.lu_solve(t.ones(2, 1), *t.linalg.lu_factor(t.tensor([[2.0, 1.0], [1.0, 3.0]]))),
        "torch.lu_solve is deprecated",
    ),
    "triangular_solve": (
        lambda t: t.triangular_solve(t.ones(2, 1), t.tensor([[2.0, 1.0], [0.0, 3.0]])),
        "torch.triangular_solve is deprecated",
    ),
    "cholesky": (lambda t: t.cholesky(t.tensor([[2.0, 1.0], [1.0, 3.0]])), "torch.cholesky is deprecated"),
    "qr": (lambda t: t.qr(t.tensor([[2.0, 1.0], [1.0, 3.0]])), "torch.qr is deprecated"),
    "lstm_projections": (
        lambda t: t.nn.LSTM(2, 3, proj_size=1)(t.ones(2, 2)),
        "LSTM with projections is not supported with oneDNN. Using default implementation.",
    ),
    "stft_return_complex_false": (
        lambda t: t.stft(t.ones(32), 8, window=t.ones(8), return_complex=False),
        "stft with return_complex=False is deprecated",
    ),
}


def _warnings_of_three_calls(t, name):
    call = CALLS[name][0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            call(t)
    return [str(w.message).split(" (Triggered internally")[0] for w in caught]


@pytest.mark.parametrize("name", sorted(CALLS))
def test_warns_once_per_process(name):
    """(the conftest fixture starts each test as a new process would)"""
    got = _warnings_of_three_calls(retrograd, name)
    assert len(got) == 1 and got[0].startswith(CALLS[name][1])
    assert _warnings_of_three_calls(retrograd, name) == []


@pytest.mark.parametrize("name", sorted(CALLS))
def test_warns_once_per_process_vs_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = _warnings_of_three_calls(retrograd, name), _warnings_of_three_calls(torch, name)
    assert theirs in ([], ours)  # PyTorch's once may have gone to an earlier test of this process
