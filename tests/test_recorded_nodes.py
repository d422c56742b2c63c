"""Nodes PyTorch records where there is no derivative: `unique`'s refusing nodes, and the in-place
samplers (`normal_`, `bernoulli_`, `random_`, ...), whose old values get a zero gradient."""

from __future__ import annotations

import pytest

import retrograd

try:
    import torch
except ImportError:
    torch = None


def test_unique_records_pytorchs_refusing_nodes():
    # PyTorch keeps unique's values in the graph under a node whose backward refuses
    x = retrograd.tensor([[1.0, 2.0], [1.0, 2.0], [3.0, 1.0]], requires_grad=True)
    cases = [
        (lambda: retrograd.unique(x, return_counts=True), "Unique2Backward0", "_unique2"),
        (lambda: retrograd.unique(x, dim=0), "UniqueDimBackward0", "unique_dim"),
        (
            lambda: retrograd.unique_consecutive(x, return_inverse=True),
            "UniqueConsecutiveBackward0",
            "unique_consecutive",
        ),
    ]
    for call, node, op in cases:
        result = call()
        values, rest = (result[0], result[1:]) if isinstance(result, tuple) else (result, ())
        assert values.grad_fn.name() == node and all(not r.requires_grad for r in rest)
        with pytest.raises(NotImplementedError, match=f"the derivative for '{op}' is not implemented."):
            values.sum().backward()
    assert not retrograd.unique(x.detach()).requires_grad


def _sampler_nodes(m):
    x = m.ones(3, requires_grad=True)
    p = m.full((3,), 0.3, requires_grad=True)
    calls = [
        lambda t: t.normal_(), lambda t: t.uniform_(), lambda t: t.bernoulli_(0.5), lambda t: t.bernoulli_(p),
        lambda t: t.exponential_(), lambda t: t.geometric_(0.5), lambda t: t.cauchy_(), lambda t: t.log_normal_(),
        lambda t: t.random_(), lambda t: t.random_(5), lambda t: t.random_(1, 5), lambda t: t.random_(to=5),
    ]  # fmt: skip
    names = []
    for call in calls:
        out = call(x * 2)
        names.append(out.grad_fn.name())
        out.sum().backward()
    return names, x.grad.tolist(), p.grad.tolist()


def test_in_place_samplers_record_pytorchs_nodes():
    names, x_grad, p_grad = _sampler_nodes(retrograd)
    assert names == [
        "NormalBackward0", "UniformBackward0", "BernoulliBackward2", "BernoulliBackward1", "ExponentialBackward0",
        "GeometricBackward0", "CauchyBackward0", "LogNormalBackward0", "RandomBackward2", "RandomBackward1",
        "RandomBackward0", "RandomBackward1",
    ]  # fmt: skip
    assert x_grad == [0.0, 0.0, 0.0] and p_grad == [0.0, 0.0, 0.0]  # the drawn values replace the old ones


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_in_place_sampler_nodes_match_pytorch():
    assert _sampler_nodes(retrograd) == _sampler_nodes(torch)
