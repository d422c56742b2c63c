"""Random ops whose parameters are batched under vmap (bernoulli(p), normal(mean), multinomial, poisson,
binomial), and jacfwd's `randomness=`: PyTorch's draws after the same seed, and its errors."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

OPS = {
    "bernoulli": lambda m, x: m.bernoulli(x),
    "normal": lambda m, x: m.normal(x, 1.0),
    "normal of two tensors": lambda m, x: m.normal(x, x),
    "multinomial": lambda m, x: m.multinomial(x, 2),
    "poisson": lambda m, x: m.poisson(x),
    "binomial": lambda m, x: m.binomial(m.full_like(x, 10.0), x),
}


@pytest.mark.parametrize("name", list(OPS))
def test_different_draws_are_the_draws_of_the_whole_batch(name):
    # PyTorch: vmap(op, randomness="different") over p draws what op draws on the batched p itself
    p = rg.full((3, 4), 0.5)
    rg.manual_seed(0)
    batched = rg.func.vmap(lambda x: OPS[name](rg, x), randomness="different")(p)
    rg.manual_seed(0)
    assert batched.tolist() == OPS[name](rg, p).tolist()


def test_multinomial_of_batched_matrices_draws_row_by_row():
    p = rg.rand(2, 3, 4)
    rg.manual_seed(0)
    batched = rg.func.vmap(lambda x: rg.multinomial(x, 2), randomness="different")(p)
    rg.manual_seed(0)
    assert batched.tolist() == rg.multinomial(p.reshape(6, 4), 2).reshape(2, 3, 2).tolist()


@pytest.mark.parametrize("name", list(OPS))
@pytest.mark.parametrize(
    "randomness, message",
    [("same", "Vmap does not currently support same randomness with a batched tensor input"),
     ("error", "vmap: called random operation while in randomness error mode")],
)
def test_batched_parameters_refuse_same_and_error(name, randomness, message):
    with pytest.raises(RuntimeError, match=message):
        rg.func.vmap(lambda x: OPS[name](rg, x), randomness=randomness)(rg.full((3, 4), 0.5))


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(OPS))
def test_draws_match_pytorch(name):
    results = []
    for m in (rg, torch):
        m.manual_seed(0)
        results.append(m.func.vmap(lambda x, m=m: OPS[name](m, x), randomness="different")(m.full((3, 4), 0.5)))
    assert results[0].tolist() == results[1].tolist()


def test_jacfwd_randomness():
    f = lambda x: x * rg.rand(3)  # noqa: E731
    rg.manual_seed(0)
    draws = rg.rand(3, 3)
    rg.manual_seed(0)
    assert rg.func.jacfwd(f, randomness="different")(rg.ones(3)).tolist() == rg.diag(draws.diagonal()).tolist()
    rg.manual_seed(0)
    assert rg.func.jacfwd(f, randomness="same")(rg.ones(3)).tolist() == rg.diag(draws.reshape(-1)[:3]).tolist()
    with pytest.raises(RuntimeError, match="randomness error mode"):
        rg.func.jacfwd(f)(rg.ones(3))
    rg.manual_seed(0)
    jac, aux = rg.func.jacfwd(lambda x: (f(x), x.sum()), has_aux=True, randomness="different")(rg.ones(3))
    assert aux.item() == 3.0 and jac.tolist() == rg.diag(draws.diagonal()).tolist()


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_jacfwd_different_matches_pytorch_with_two_arguments():
    results = []
    for m in (rg, torch):
        m.manual_seed(0)
        jac = m.func.jacfwd(lambda x, y, m=m: x * m.rand(3) * y.sum(), argnums=(0, 1), randomness="different")(
            m.ones(3), m.ones(2)
        )
        results.append([j.reshape(-1).tolist() for j in jac])
    for ours, theirs in zip(*results):
        assert ours == pytest.approx(theirs)


# --- forward-mode transforms keep the graph to tensors the function closes over ------------------


def test_jvp_and_jacfwd_results_reach_closed_over_parameters():
    w = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x = rg.tensor([0.5, -1.0, 2.0])
    out, tangent = rg.func.jvp(lambda x: rg.sin(w * x), (x,), (rg.ones(3),))
    assert out.requires_grad and tangent.requires_grad
    rg.func.jacfwd(lambda x: rg.sin(w * x))(x).sum().backward()
    expected = (rg.cos(w * x) - w * x * rg.sin(w * x)).detach()  # d/dw of the Jacobian's diagonal w cos(wx)
    assert rg.allclose(w.grad, expected)


def test_a_pinn_trained_through_jvp_gets_gradients():
    rg.manual_seed(0)
    model = rg.nn.Sequential(rg.nn.Linear(1, 8), rg.nn.Tanh(), rg.nn.Linear(8, 1))
    x = rg.linspace(0, 1, 5)[:, None]
    _, ux = rg.func.jvp(model, (x,), (rg.ones_like(x),))
    ux.pow(2).mean().backward()
    assert model[0].weight.grad is not None and model[0].weight.grad.abs().sum() > 0


def test_jacfwd_aux_is_a_plain_tensor():
    jac, aux = rg.func.jacfwd(lambda x: (x**2, x.sum()), has_aux=True)(rg.tensor([1.0, 2.0, 3.0]))
    assert type(aux) is rg.Tensor and (aux + 1).item() == 7.0
    assert jac.tolist() == [[2.0, 0.0, 0.0], [0.0, 4.0, 0.0], [0.0, 0.0, 6.0]]


def _perms(m, make):
    m.manual_seed(0)
    out = make(m)
    return out.tolist(), m.rand(2).tolist()


PER_EXAMPLE = {
    "different": lambda m: m.func.vmap(lambda z: m.randperm(3), randomness="different")(m.ones(4, 3)),
    "nested different": lambda m: m.func.vmap(
        m.func.vmap(lambda z: m.randperm(4), randomness="different"), randomness="different"
    )(m.ones(2, 3)),
    "same inside different": lambda m: m.func.vmap(
        m.func.vmap(lambda z: m.randperm(4) + z, randomness="same"), randomness="different"
    )(m.ones(2, 3, dtype=m.int64)),
    "multinomial of shared weights": lambda m: m.func.vmap(
        lambda z: m.multinomial(m.ones(5), 2), randomness="different"
    )(m.ones(3)),
    "multinomial of shared rows": lambda m: m.func.vmap(
        lambda z: m.multinomial(m.tensor([[0.1, 0.5, 0.4], [1.0, 1.0, 1.0]]), 4, replacement=True),
        randomness="different",
    )(m.ones(3)),
    "multinomial nested": lambda m: m.func.vmap(
        m.func.vmap(lambda z: m.multinomial(m.ones(5), 2), randomness="different"), randomness="different"
    )(m.ones(2, 3)),
}


def test_randperm_draws_one_permutation_per_example():
    """vmap(randomness="different") of randperm: each example draws its own permutation in turn,
    as PyTorch's batching rule does (a replay buffer's `torch.randperm(n)[:k]` per example)."""
    (perms, after) = _perms(rg, PER_EXAMPLE["different"])
    rg.manual_seed(0)
    assert perms == [rg.randperm(3).tolist() for _ in range(4)]  # the same draws, one after another
    assert after == rg.rand(2).tolist()
    assert len({tuple(p) for p in perms}) > 1
    nested, _ = _perms(rg, PER_EXAMPLE["nested different"])
    rg.manual_seed(0)
    drawn = [rg.randperm(4).tolist() for _ in range(6)]  # the inner level's loop outermost
    assert nested == [[drawn[2 * i + j] for i in range(3)] for j in range(2)]


def test_multinomial_of_shared_weights_draws_rows_of_the_batch():
    """Weights that are not batched, under randomness="different": PyTorch expands them over the
    batch and draws every example's rows in turn (it repeated the first example's draw)."""
    drawn, after = _perms(rg, PER_EXAMPLE["multinomial of shared weights"])
    rg.manual_seed(0)
    assert drawn == rg.multinomial(rg.ones(3, 5), 2).tolist()
    assert after == rg.rand(2).tolist()
    rg.manual_seed(0)
    same = rg.func.vmap(lambda z: rg.multinomial(rg.ones(5), 2), randomness="same")(rg.ones(3)).tolist()
    assert same[0] == same[1] == same[2]
    with pytest.raises(RuntimeError, match="prob_dist must be 1 or 2 dim"):
        rg.func.vmap(lambda z: rg.multinomial(rg.ones(2, 2, 2), 1), randomness="different")(rg.ones(3))


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("name", list(PER_EXAMPLE))
def test_randperm_under_vmap_vs_torch(name):
    assert _perms(rg, PER_EXAMPLE[name]) == _perms(torch, PER_EXAMPLE[name])
