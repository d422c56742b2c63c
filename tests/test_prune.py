"""nn.utils.prune: masks, the reparametrisation, iterative pruning, global pruning and remove, run in both
libraries where PyTorch is installed (the random methods draw the same numbers after manual_seed)."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg, pytest.param(torch, marks=pytest.mark.skipif(torch is None, reason="PyTorch is not installed"))]
both = pytest.mark.parametrize("m", LIBS, ids=["retrograd", "torch"])


def prune_of(m):
    return importlib.import_module(m.__name__ + ".nn.utils.prune")  # (PyTorch's needs an import of its own)


def pruning_story(m):
    """Everything prune does, recorded as plain data."""
    prune = prune_of(m)
    m.manual_seed(0)
    out = {}
    lin = m.nn.Linear(6, 4)
    prune.l1_unstructured(lin, "weight", 0.5)
    out["names"] = (sorted(n for n, _ in lin.named_parameters()), sorted(n for n, _ in lin.named_buffers()))
    out["l1"] = lin.weight_mask.tolist()
    prune.random_unstructured(lin, "weight", amount=2)
    hook = next(iter(lin._forward_pre_hooks.values()))
    out["container"] = (type(hook).__name__, len(hook))
    prune.ln_structured(lin, "weight", amount=1, n=2, dim=0)
    out["iterative"] = lin.weight_mask.tolist()
    lin(m.randn(3, 6)).sum().backward()
    out["grad"] = np.round(lin.weight_orig.grad.numpy(), 6).tolist()
    out["pruned"] = prune.is_pruned(lin)
    prune.remove(lin, "weight")
    out["removed"] = (prune.is_pruned(lin), type(lin.weight).__name__, lin.weight.tolist())
    conv = m.nn.Conv2d(2, 4, 3)
    prune.random_structured(conv, "weight", amount=0.5, dim=0)
    out["structured"] = conv.weight_mask.sum(dim=(1, 2, 3)).tolist()
    a, b = m.nn.Linear(3, 3), m.nn.Linear(3, 2)
    prune.global_unstructured([(a, "weight"), (b, "weight")], pruning_method=prune.L1Unstructured, amount=0.4)
    out["global"] = (a.weight_mask.tolist(), b.weight_mask.tolist())
    prune.custom_from_mask(a, "bias", m.tensor([1, 0, 1]))
    out["custom"] = (a.bias.tolist()[1], sorted(a.state_dict()))
    scores = m.arange(6.0).reshape(2, 3)
    layer = prune.l1_unstructured(m.nn.Linear(3, 2), "weight", 2, importance_scores=scores)
    out["importance"] = layer.weight_mask.tolist()
    return out


def test_pruning_story():
    out = pruning_story(rg)
    assert out["names"] == (["bias", "weight_orig"], ["weight_mask"])
    assert sum(map(sum, out["l1"])) == 12  # half of 24 kept
    assert out["container"] == ("PruningContainer", 2)
    assert sum(map(sum, out["iterative"])) <= 10 and [sum(r) for r in out["iterative"]].count(0) >= 1
    assert all(g == 0 for row_g, row_m in zip(out["grad"], out["iterative"]) for g, k in zip(row_g, row_m) if not k)
    assert out["pruned"] and out["removed"][:2] == (False, "Parameter")
    assert sorted(out["structured"]) == [0, 0, 18, 18]
    assert sum(map(sum, out["global"][0])) + sum(map(sum, out["global"][1])) == 15 - round(0.4 * 15)
    assert out["custom"] == (0.0, ["bias_mask", "bias_orig", "weight_mask", "weight_orig"])
    assert out["importance"] == [[0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_pruning_story_matches_pytorch():
    assert pruning_story(rg) == pruning_story(torch)


@both
def test_pruning_errors(m):
    prune, lin = prune_of(m), m.nn.Linear
    with pytest.raises(ValueError, match=r"amount=1.5 should either be a float in the range \[0, 1\]"):
        prune.l1_unstructured(lin(2, 2), "weight", 1.5)
    with pytest.raises(ValueError, match="amount=9 should be smaller than the number of parameters to prune=4"):
        prune.l1_unstructured(lin(2, 2), "weight", 9)
    with pytest.raises(ValueError, match="Structured pruning can only be applied to multidimensional tensors"):
        prune.ln_structured(lin(2, 2), "bias", 1, 2, 0)
    with pytest.raises(ValueError, match="has to be pruned before pruning can be removed"):
        prune.remove(lin(2, 2), "weight")
    with pytest.raises(TypeError, match="Invalid type for amount: x. Must be int or float."):
        prune.l1_unstructured(lin(2, 2), "weight", "x")
    failed = lin(2, 2)
    with pytest.raises(ValueError):
        prune.l1_unstructured(failed, "weight", 9)
    assert "weight" in dict(failed.named_parameters())  # a refused pruning leaves the parameter in place


def test_prune_method_on_a_bare_tensor():
    t = rg.tensor([[0.1, -3.0], [2.0, 0.05]])
    assert rg.nn.utils.prune.L1Unstructured(amount=2).prune(t).tolist() == [[0.0, -3.0], [2.0, 0.0]]
