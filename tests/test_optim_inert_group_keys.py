"""A param group's keys that its optimizer does not take are kept and ignored, as in PyTorch: a
"weight_decay" in an Rprop or SparseAdam group, a "decoupled_weight_decay" in an SGD or Adamax group.
Before, the shared gradient step applied them."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - the comparison skips
    torch = None

CASES = [
    ("Rprop", {"weight_decay": 0.1}),
    ("SGD", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("Adamax", {"weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("SparseAdam", {"weight_decay": 0.1}),
]


def _run(lib, name: str, extra: dict) -> list[float]:
    p = lib.nn.Parameter(lib.tensor([1.0, -2.0, 3.0]))
    opt = getattr(lib.optim, name)([{"params": [p], **extra}], lr=0.1)
    for step in range(3):
        grad = lib.tensor([0.5, -0.25, 1.0]) * (step + 1)
        p.grad = grad.to_sparse() if name == "SparseAdam" else grad
        opt.step()
    assert all(opt.param_groups[0][k] == v for k, v in extra.items())  # (kept in the group)
    return p.detach().tolist()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_inert_group_keys_change_nothing(case: tuple[str, dict]) -> None:
    name, extra = case
    plain = {k: v for k, v in extra.items() if k == "weight_decay" and name in ("SGD", "Adamax")}
    assert _run(rg, name, extra) == _run(rg, name, plain)


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_inert_group_keys_vs_torch(case: tuple[str, dict]) -> None:
    name, extra = case
    assert _run(rg, name, extra) == _run(torch, name, extra)
