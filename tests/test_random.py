"""retrograd.random: seeding, state, generators, samplers' shapes/dtypes/ranges, statistics, errors.

These tests check retrograd on its own (and PyTorch's error types and messages);
tests/test_random_torch_bits.py checks that the numbers are PyTorch's, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.random import fork_rng, sample_like

try:
    import torch
except ImportError:  # the comparisons skip cleanly without PyTorch
    torch = None

N = 200_000  # samples for the statistical checks (loose bounds, seeded: never flaky)


def draws(m, gen=None):
    """One of every sampler, from module `m` (retrograd), as NumPy arrays."""
    kw = {"generator": gen}
    return [
        m.rand(2, 3, **kw),
        m.randn(4, **kw),
        m.randint(0, 10, (5,), **kw),
        m.randperm(6, **kw),
        m.normal(0.0, 2.0, (3,), **kw),
        m.normal(m.zeros(3), m.ones(3), **kw),
        m.bernoulli(m.full((4,), 0.5), **kw),
        m.multinomial(m.tensor([1.0, 2.0, 3.0]), 2, **kw),
        m.poisson(m.full((3,), 4.0), **kw),
        m.rand_like(m.zeros(2), **kw),
        m.randn_like(m.zeros(2), **kw),
        m.randint_like(m.zeros(2), 5, **kw),
    ]


def as_arrays(ts):
    return [t.numpy() for t in ts]


# --- seeding and state -------------------------------------------------------------------


def test_manual_seed_makes_every_sampler_reproducible():
    retrograd.manual_seed(123)
    first = as_arrays(draws(retrograd))
    retrograd.manual_seed(123)
    second = as_arrays(draws(retrograd))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    retrograd.manual_seed(124)
    third = as_arrays(draws(retrograd))
    assert not np.array_equal(first[0], third[0])


def test_manual_seed_returns_the_default_generator_and_records_the_seed():
    g = retrograd.manual_seed(7)
    assert g is retrograd.default_generator
    assert isinstance(g, retrograd.Generator)
    assert retrograd.initial_seed() == 7
    retrograd.manual_seed(-1)  # negative seeds wrap to 64 bits, as in PyTorch
    assert retrograd.initial_seed() == 2**64 - 1
    retrograd.manual_seed(3.0)  # torch.manual_seed accepts anything int() accepts
    assert retrograd.initial_seed() == 3


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_manual_seed_out_of_range(seed):
    with pytest.raises(ValueError, match="Overflow when unpacking long long"):
        retrograd.manual_seed(seed)


def test_generator_manual_seed_wants_an_int():
    with pytest.raises(RuntimeError, match="manual_seed expected a long, but got float"):
        retrograd.Generator().manual_seed(1.5)


def test_default_seed_is_pytorchs():
    assert retrograd.Generator().initial_seed() == 67280421310721


def test_seed_is_nondeterministic_and_recorded():
    s1 = retrograd.seed()
    assert retrograd.initial_seed() == s1
    assert 0 <= s1 < 2**64
    assert retrograd.Generator().seed() != retrograd.Generator().seed()


def test_rng_state_round_trips():
    retrograd.manual_seed(5)
    state = retrograd.get_rng_state()
    assert state.dtype == retrograd.uint8 and state.dim() == 1
    a = as_arrays(draws(retrograd))
    retrograd.set_rng_state(state)
    b = as_arrays(draws(retrograd))
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)
    assert retrograd.initial_seed() == 5


def test_state_round_trips_after_an_odd_number_of_32_bit_draws():
    # an odd number of 32-bit draws leaves the twister mid-way through a 64-bit pair
    g = retrograd.Generator().manual_seed(9)
    g_state = g.get_state()
    retrograd.rand(3, generator=g, dtype=retrograd.float32)
    state = g.get_state()
    assert not np.array_equal(state.numpy(), g_state.numpy())
    a = retrograd.rand(5, generator=g)
    g.set_state(state)
    np.testing.assert_array_equal(a.numpy(), retrograd.rand(5, generator=g).numpy())


def test_set_rng_state_errors():
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        retrograd.set_rng_state(retrograd.zeros(3))
    with pytest.raises(RuntimeError, match="state size to be 3"):
        retrograd.set_rng_state(retrograd.zeros(3, dtype=retrograd.uint8))


def test_fork_rng_restores_the_state():
    retrograd.manual_seed(11)
    with fork_rng():
        retrograd.rand(10)
    after = retrograd.rand(3).numpy()
    retrograd.manual_seed(11)
    np.testing.assert_array_equal(after, retrograd.rand(3).numpy())


# --- generators are independent ----------------------------------------------------------


def test_generators_are_independent_of_each_other_and_of_the_default():
    retrograd.manual_seed(0)
    expected = retrograd.rand(4).numpy()
    retrograd.manual_seed(0)
    g = retrograd.Generator().manual_seed(0)
    from_g = as_arrays(draws(retrograd, g))  # draws from g must not advance the default stream
    np.testing.assert_array_equal(retrograd.rand(4).numpy(), expected)
    h = retrograd.Generator().manual_seed(0)
    for a, b in zip(from_g, as_arrays(draws(retrograd, h)), strict=True):
        np.testing.assert_array_equal(a, b)
    other = retrograd.Generator().manual_seed(1)
    assert not np.array_equal(retrograd.rand(8, generator=other).numpy(), retrograd.rand(8, generator=h).numpy())


def test_generator_device():
    assert str(retrograd.Generator().device) == "cpu"
    assert str(retrograd.Generator(device="cpu").device) == "cpu"


def _cloned_generator_draws(m):
    g = m.Generator().manual_seed(3)
    m.randn(3, generator=g)  # leaves a cached normal: the clone copies it too
    clone = g.clone_state()
    clone_seed = clone.initial_seed()
    clone.manual_seed(9)  # the clone is independent of g
    drawn = [m.randn(1, generator=g).item(), m.rand(2, generator=g).tolist()]
    return [type(clone).__name__, clone_seed, g.initial_seed()] + drawn


def test_clone_state_copies_the_state_into_a_new_generator():
    g = retrograd.Generator().manual_seed(3)
    clone = g.clone_state()
    assert clone is not g and clone.initial_seed() == 3
    assert retrograd.rand(3, generator=clone).tolist() == retrograd.rand(3, generator=g).tolist()
    assert _cloned_generator_draws(retrograd)[:3] == ["Generator", 3, 3]


def test_graphsafe_state_is_refused_on_the_cpu():
    g = retrograd.Generator()
    with pytest.raises(NotImplementedError, match="graphsafe_get_state is not supported in this Generator"):
        g.graphsafe_get_state()
    with pytest.raises(NotImplementedError, match="graphsafe_set_state is not supported in this Generator"):
        g.graphsafe_set_state(retrograd.Generator())
    with pytest.raises(TypeError, match="expected a Generator, but got int"):
        g.graphsafe_set_state(5)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_clone_state_matches_pytorch():
    assert _cloned_generator_draws(retrograd) == _cloned_generator_draws(torch)


def test_in_place_samplers_use_the_generator():
    t1 = retrograd.zeros(5).uniform_(2.0, 3.0, generator=retrograd.Generator().manual_seed(3))
    t2 = retrograd.zeros(5).uniform_(2.0, 3.0, generator=retrograd.Generator().manual_seed(3))
    np.testing.assert_array_equal(t1.numpy(), t2.numpy())
    assert ((t1.numpy() >= 2) & (t1.numpy() < 3)).all()
    n = retrograd.zeros(4, dtype=retrograd.float64).normal_(1.0, 0.5, generator=retrograd.Generator())
    assert n.dtype == retrograd.float64
    b = retrograd.zeros(6, dtype=retrograd.int64).bernoulli_(0.5)
    assert b.dtype == retrograd.int64 and set(np.unique(b.numpy())) <= {0, 1}


# --- shapes, dtypes, ranges --------------------------------------------------------------


@pytest.mark.parametrize("size", [(2, 3), ((2, 3),), ([2, 3],), (retrograd.Size([2, 3]),)])
def test_size_spellings(size):
    for f in (retrograd.rand, retrograd.randn):
        t = f(*size)
        assert tuple(t.shape) == (2, 3) and t.dtype == retrograd.float32


def test_size_by_keyword():
    # d2l's `torch.rand(size=(1, 1, 28, 28))`: PyTorch's factories take their shape as `size=` too
    retrograd.manual_seed(3)
    a = retrograd.rand(size=(2, 3), dtype=retrograd.float64)
    b = retrograd.randn(size=retrograd.Size([4]), requires_grad=True)
    retrograd.manual_seed(3)
    assert a.tolist() == retrograd.rand(2, 3, dtype=retrograd.float64).tolist()
    assert b.tolist() == retrograd.randn(4).tolist() and b.requires_grad and b.is_leaf
    assert retrograd.rand(size=[]).shape == ()


def test_size_by_keyword_matches_pytorch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    for m in (retrograd, torch):
        m.manual_seed(11)
    assert retrograd.rand(size=(2, 3)).tolist() == torch.rand(size=(2, 3)).tolist()
    assert retrograd.randn(size=[5]).tolist() == torch.randn(size=[5]).tolist()


def test_zero_dim_and_empty():
    assert retrograd.rand(()).shape == () and retrograd.randn(0, 3).shape == (0, 3)
    assert retrograd.randint(3, (0,)).shape == (0,)
    assert retrograd.randperm(0).shape == (0,)


def test_float_dtypes():
    for dt in (retrograd.float16, retrograd.float32, retrograd.float64):
        for t in (
            retrograd.rand(3, dtype=dt),
            retrograd.randn(3, dtype=dt),
            retrograd.normal(0.0, 1.0, (3,), dtype=dt),
        ):
            assert t.dtype == dt and t.numpy().dtype == dt.np
    previous = retrograd.get_default_dtype()
    retrograd.set_default_dtype(retrograd.float64)
    try:
        assert retrograd.rand(2).dtype == retrograd.float64
        assert retrograd.randn(2).dtype == retrograd.float64
    finally:
        retrograd.set_default_dtype(previous)


def test_integer_dtypes():
    assert retrograd.randint(5, (3,)).dtype == retrograd.int64
    assert retrograd.randperm(5).dtype == retrograd.int64
    assert retrograd.randperm(5, dtype=retrograd.float32).dtype == retrograd.float32
    assert retrograd.randint(0, 5, (3,), dtype=retrograd.float32).dtype == retrograd.float32
    assert retrograd.randint(0, 2, (3,), dtype=retrograd.bool).dtype == retrograd.bool
    assert retrograd.randint(0, 256, (3,), dtype=retrograd.uint8).dtype == retrograd.uint8
    assert retrograd.randint_like(retrograd.zeros(2), 5).dtype == retrograd.float32
    assert retrograd.rand_like(retrograd.zeros(2, dtype=retrograd.float64)).dtype == retrograd.float64


def test_float_integers_past_the_precision_move_the_bounds_and_warn():
    # float32 holds no odd integer past 2**24: to = 2**25 moves to 2**25 - 2, and draws are
    # x % (2**25 - 2) rounded to float32 (PyTorch 2.13's numbers after manual_seed(0))
    retrograd.manual_seed(0)
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]\. Due to precision"):
        drawn = retrograd.randint(0, 2**25, (3,), dtype=retrograd.float32)
    assert drawn.tolist() == [8325944.0, 29665988.0, 18261804.0]
    with pytest.raises(RuntimeError, match="random_ expects 'from' casted to dtype to be less than 'to' casted"):
        retrograd.empty(3).random_(2**54 + 1, 2**54 + 100)  # from moves past to
    with pytest.raises(RuntimeError, match="to - 1 is out of bounds for c10::Half"):
        retrograd.empty(3, dtype=retrograd.float16).random_(0, 2**25)


def test_bfloat16_random_without_bounds_draws_up_to_2_to_the_8():
    retrograd.manual_seed(0)
    assert retrograd.empty(3, dtype=retrograd.bfloat16).random_().tolist() == [149.0, 179.0, 47.0]


def test_requires_grad_gives_a_leaf():
    for t in (
        retrograd.rand(2, requires_grad=True),
        retrograd.randn(2, requires_grad=True),
        retrograd.normal(0.0, 1.0, (2,), requires_grad=True),
        retrograd.rand_like(retrograd.zeros(2), requires_grad=True),
    ):
        assert t.requires_grad and t.is_leaf


def test_ranges():
    retrograd.manual_seed(0)
    u = retrograd.rand(N).numpy()
    assert u.min() >= 0 and u.max() < 1
    r = retrograd.randint(-3, 4, (N,)).numpy()
    assert r.min() == -3 and r.max() == 3
    assert set(np.unique(retrograd.randint(2, (100,)).numpy())) == {0, 1}
    np.testing.assert_array_equal(np.sort(retrograd.randperm(50).numpy()), np.arange(50))
    b = retrograd.bernoulli(retrograd.rand(1000)).numpy()
    assert set(np.unique(b)) <= {0.0, 1.0}
    assert (retrograd.poisson(retrograd.full((100,), 3.0)).numpy() >= 0).all()


def test_multinomial_without_replacement_draws_distinct_categories():
    retrograd.manual_seed(0)
    probs = retrograd.rand(20, 10) + 0.01
    idx = retrograd.multinomial(probs, 10).numpy()
    assert idx.shape == (20, 10) and idx.dtype == np.int64
    for row in idx:
        assert sorted(row) == list(range(10))


def test_multinomial_never_draws_zero_probability_categories():
    retrograd.manual_seed(0)
    probs = retrograd.tensor([[0.0, 1.0, 0.0, 2.0, 0.0], [3.0, 0.0, 0.0, 0.0, 1.0]])
    with_repl = retrograd.multinomial(probs, 1000, replacement=True).numpy()
    assert set(np.unique(with_repl[0])) == {1, 3} and set(np.unique(with_repl[1])) == {0, 4}
    without = retrograd.multinomial(probs, 2).numpy()
    assert sorted(without[0]) == [1, 3] and sorted(without[1]) == [0, 4]


def test_sample_like_has_the_target_shape_and_dtype():
    for dt in (retrograd.float32, retrograd.float64):
        t = retrograd.zeros(2, 3, dtype=dt)
        for kind, a, b in (("uniform", 0.0, 1.0), ("normal", 0.0, 1.0), ("bernoulli", 0.3, None)):
            arr = sample_like(t, kind, a, b, None)
            assert arr.shape == (2, 3) and arr.dtype == dt.np


# --- statistics (loose bounds, fixed seed) -----------------------------------------------


def test_statistics():
    retrograd.manual_seed(2024)
    u = retrograd.rand(N).numpy()
    assert abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.005
    z = retrograd.randn(N, dtype=retrograd.float64).numpy()
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02
    n = retrograd.normal(3.0, 2.0, (N,)).numpy()
    assert abs(n.mean() - 3) < 0.05 and abs(n.std() - 2) < 0.05
    nt = retrograd.normal(retrograd.full((N,), -1.0), retrograd.full((N,), 0.5)).numpy()
    assert abs(nt.mean() + 1) < 0.02 and abs(nt.std() - 0.5) < 0.02
    b = retrograd.bernoulli(retrograd.full((N,), 0.3)).numpy()
    assert abs(b.mean() - 0.3) < 0.01
    p = retrograd.poisson(retrograd.full((N,), 4.0)).numpy()
    assert abs(p.mean() - 4) < 0.05
    r = retrograd.randint(0, 10, (N,)).numpy()
    assert np.abs(np.bincount(r, minlength=10) / N - 0.1).max() < 0.01


def test_multinomial_frequencies():
    retrograd.manual_seed(1)
    weights = np.array([1.0, 2.0, 3.0, 4.0])
    idx = retrograd.multinomial(retrograd.tensor(weights), N, replacement=True).numpy()
    freq = np.bincount(idx, minlength=4) / N
    np.testing.assert_allclose(freq, weights / weights.sum(), atol=0.01)
    # without replacement, the first draw follows the weights
    rows = retrograd.tensor(np.tile(weights, (20_000, 1)))
    first = retrograd.multinomial(rows, 2).numpy()[:, 0]
    np.testing.assert_allclose(np.bincount(first, minlength=4) / 20_000, weights / weights.sum(), atol=0.02)


def test_randperm_is_uniform_over_positions():
    retrograd.manual_seed(3)
    counts = np.zeros((4, 4))
    for _ in range(4000):
        counts[np.arange(4), retrograd.randperm(4).numpy()] += 1
    np.testing.assert_allclose(counts / 4000, 0.25, atol=0.04)


# --- gradients: sampling is not reparameterised; PyTorch gives zeros ----------------------


def _leaves(m, n):
    return [m.full((3,), 0.5, requires_grad=True) for _ in range(n)]


@pytest.mark.parametrize(
    "call, n, node",
    [
        (lambda m, a: m.normal(a, 1.0), 1, "NormalBackward1"),
        (lambda m, s: m.normal(0.0, s), 1, "NormalBackward2"),
        (lambda m, a, s: m.normal(a, s), 2, "NormalBackward3"),
        (lambda m, p: m.bernoulli(p), 1, "BernoulliBackward0"),
        (lambda m, r: m.poisson(r), 1, "PoissonBackward0"),
    ],
)
def test_sampling_gradients_are_zero(call, n, node):
    leaves = _leaves(retrograd, n)
    out = call(retrograd, *leaves)
    assert out.grad_fn.name() == node
    out.sum().backward()
    for leaf in leaves:
        np.testing.assert_array_equal(leaf.grad.numpy(), 0)
    if torch is not None:
        theirs = call(torch, *_leaves(torch, n))
        assert theirs.grad_fn.name() == node


def test_normal_broadcasts_tensor_arguments():
    assert tuple(retrograd.normal(retrograd.zeros(2, 1), retrograd.ones(3)).shape) == (2, 3)


def _normal_with_size(m):
    # Opacus' adaptive clipping: normal(mean=0, std=sigma * clipbound, size=...) with a 0-dim tensor clipbound
    draws = []
    for mean, std in [(0, m.tensor(1.5)), (m.tensor(1.0), 2.0), (0, m.tensor(2))]:
        draws.append(m.normal(mean=mean, std=std, size=(3,), generator=m.Generator().manual_seed(0)))
    for bad in [m.tensor([1.5]), m.tensor(1.5, requires_grad=True)]:  # one element is not 0-dim; a graph
        with pytest.raises(TypeError, match="normal\\(\\) received an invalid combination of arguments"):
            m.normal(0, bad, (3,))
    return draws


def test_normal_with_size_takes_a_0_dim_tensor_as_a_float():
    draws = _normal_with_size(retrograd)
    unit = retrograd.normal(0.0, 1.0, (3,), generator=retrograd.Generator().manual_seed(0))
    for got, expected in zip(draws, [1.5 * unit, 1.0 + 2.0 * unit, 2.0 * unit], strict=True):
        assert got.dtype == retrograd.float32 and retrograd.allclose(got, expected)


def test_normal_with_size_takes_a_0_dim_tensor_vs_torch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_normal_with_size(retrograd), _normal_with_size(torch), strict=True):
        np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_rrelu_training_uses_the_generator():
    x = retrograd.full((1000,), -1.0)
    a = retrograd.rrelu(x, 0.1, 0.3, training=True, generator=retrograd.Generator().manual_seed(4))
    b = retrograd.rrelu(x, 0.1, 0.3, training=True, generator=retrograd.Generator().manual_seed(4))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    slopes = -a.numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.03
    pos = retrograd.rrelu(retrograd.full((5,), 2.0), training=True)
    np.testing.assert_array_equal(pos.numpy(), 2.0)


# --- errors: same type and message as PyTorch --------------------------------------------

ERRORS = [
    (
        "randint_high_le_low",
        lambda m: m.randint(5, 5, (3,)),
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=5",
    ),
    (
        "randint_high_lt_low",
        lambda m: m.randint(5, 3, (3,)),
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=5 >= to=3",
    ),
    ("randint_size_int", lambda m: m.randint(5, 3), TypeError, "must be tuple of ints, not int"),
    (
        "randint_uint8_bounds",
        lambda m: m.randint(0, 300, (3,), dtype=m.uint8),
        RuntimeError,
        "to - 1 is out of bounds for unsigned char",
    ),
    (
        "randint_int8_from",
        lambda m: m.randint(-200, 1, (3,), dtype=m.int8),
        RuntimeError,
        "from is out of bounds for signed char",
    ),
    (
        "randint_like_bounds",
        lambda m: m.randint_like(m.zeros(2), 4, 2),
        RuntimeError,
        "random_ expects 'from' to be less than 'to', but got from=4 >= to=2",
    ),
    (
        "randint_requires_grad",
        lambda m: m.randint(0, 5, (3,), requires_grad=True),
        RuntimeError,
        "Only Tensors of floating point",
    ),
    (
        "rand_int_dtype",
        lambda m: m.rand(3, dtype=m.int64),
        NotImplementedError,
        "\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    (
        "randn_int_dtype",
        lambda m: m.randn(3, dtype=m.int64),
        NotImplementedError,
        "\"normal_kernel_cpu\" not implemented for 'Long'",
    ),
    (
        "rand_like_int",
        lambda m: m.rand_like(m.zeros(2, dtype=m.int64)),
        NotImplementedError,
        "\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    (
        "rand_negative_dim",
        lambda m: m.rand(2, -3),
        RuntimeError,
        "Trying to create tensor with negative dimension -3: [2, -3]",
    ),
    (
        "randperm_negative",
        lambda m: m.randperm(-1),
        RuntimeError,
        "Trying to create tensor with negative dimension -1: [-1]",
    ),
    (
        "normal_negative_std",
        lambda m: m.normal(0.0, -1.0, (2,)),
        RuntimeError,
        "normal expects std >= 0.0, but found std -1",
    ),
    (
        "normal_negative_std_tensor",
        lambda m: m.normal(m.zeros(3), -m.ones(3)),
        RuntimeError,
        "normal expects all elements of std >= 0.0",
    ),
    (
        "normal_no_size",
        lambda m: m.normal(0.0, 1.0),
        TypeError,
        "normal() received an invalid combination of arguments",
    ),
    (
        "normal_int_mean",
        lambda m: m.normal(m.zeros(3, dtype=m.int64), 1.0),
        NotImplementedError,
        "\"normal_kernel_cpu\" not implemented for 'Long'",
    ),
    (
        "bernoulli_p_range",
        lambda m: m.bernoulli(m.tensor([1.5])),
        RuntimeError,
        "Expected p_in >= 0 && p_in <= 1 to be true",
    ),
    (
        "bernoulli_float_p",
        lambda m: m.bernoulli(m.zeros(2), 1.5),
        RuntimeError,
        "bernoulli_ expects p to be in [0, 1], but got p=1.5",
    ),
    (
        "bernoulli_int",
        lambda m: m.bernoulli(m.tensor([1, 0])),
        NotImplementedError,
        "\"bernoulli_tensor_cpu_p_\" not implemented for 'Long'",
    ),
    (
        "multinomial_too_many",
        lambda m: m.multinomial(m.tensor([1.0, 2.0, 3.0]), 5),
        RuntimeError,
        "cannot sample n_sample > prob_dist.size(-1) samples without replacement",
    ),
    (
        "multinomial_negative",
        lambda m: m.multinomial(m.tensor([1.0, -2.0, 3.0]), 2),
        RuntimeError,
        "probability tensor contains either `inf`, `nan` or element < 0",
    ),
    (
        "multinomial_zero_sum",
        lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1),
        RuntimeError,
        "invalid multinomial distribution (sum of probabilities <= 0)",
    ),
    ("multinomial_3d", lambda m: m.multinomial(m.ones(2, 2, 2), 1), RuntimeError, "prob_dist must be 1 or 2 dim"),
    (
        "multinomial_int",
        lambda m: m.multinomial(m.tensor([1, 2]), 1),
        RuntimeError,
        "multinomial only supports floating-point dtypes for input, got: Long",
    ),
    (
        "randperm_generator_int",  # RandomSampler(ds, generator=seed): a seed where a Generator belongs
        lambda m: m.randperm(4, generator=3),
        TypeError,
        "randperm() received an invalid combination of arguments - got (int, generator=int), but expected one of:\n"
        " * (int n, *, ",
    ),
    (  # a float count (`n * 0.5`) would draw int(2.0) samples; PyTorch's parser refuses it
        "multinomial_float_count",
        lambda m: m.multinomial(m.tensor([1.0, 2.0, 3.0]), 2.0),
        TypeError,
        "multinomial(): argument 'num_samples' (position 2) must be int, not float",
    ),
    (
        "multinomial_bool_count",
        lambda m: m.multinomial(m.tensor([1.0, 2.0, 3.0]), True),
        TypeError,
        "multinomial(): argument 'num_samples' (position 2) must be int, not bool",
    ),
    (
        "multinomial_int_replacement",
        lambda m: m.multinomial(m.tensor([1.0, 2.0, 3.0]), 2, 1),
        TypeError,
        "multinomial(): argument 'replacement' (position 3) must be bool, not int",
    ),
    (
        "multinomial_list_weights",
        lambda m: m.multinomial([1.0, 2.0], 1),
        TypeError,
        "multinomial(): argument 'input' (position 1) must be Tensor, not list",
    ),
    (
        "multinomial_zero_samples",
        lambda m: m.multinomial(m.tensor([1.0, 2.0]), 0),
        RuntimeError,
        "cannot sample n_sample <= 0 samples",
    ),
    (
        "poisson_negative",
        lambda m: m.poisson(m.tensor([-1.0])),
        RuntimeError,
        "invalid Poisson rate, expected rate to be non-negative",
    ),
    (
        "poisson_int",
        lambda m: m.poisson(m.tensor([1, 2])),
        NotImplementedError,
        "\"poisson_cpu\" not implemented for 'Long'",
    ),
    (
        "uniform_bounds",
        lambda m: m.zeros(3).uniform_(2, 1),
        RuntimeError,
        "uniform_ expects to return a [from, to) range, but found from=2 > to=1",
    ),
    (
        "uniform_int",
        lambda m: m.zeros(3, dtype=m.int64).uniform_(0, 1),
        NotImplementedError,
        "\"check_uniform_bounds\" not implemented for 'Long'",
    ),
    ("normal__std", lambda m: m.zeros(3).normal_(0, -1), RuntimeError, "normal expects std >= 0.0, but found std -1"),
    (
        "bernoulli__p",
        lambda m: m.zeros(3).bernoulli_(1.5),
        RuntimeError,
        "bernoulli_ expects p to be in [0, 1], but got p=1.5",
    ),
    (
        "rand_size_twice",
        lambda m: m.rand(2, size=(3,)),
        TypeError,
        "rand() received an invalid combination of arguments - got (int, size=tuple)",
    ),
    ("randn_size_int", lambda m: m.randn(size=3), TypeError, "randn(): argument 'size' must be tuple of ints, not int"),
    (
        "exponential__lambda",
        lambda m: m.zeros(3).exponential_(-1),
        RuntimeError,
        "exponential_ expects lambda > 0.0, but found lambda=-1",
    ),
    ("exponential__zero", lambda m: m.zeros(3).exponential_(0), RuntimeError, "but found lambda=0"),
    (
        "exponential__int",
        lambda m: m.zeros(3, dtype=m.int64).exponential_(),
        RuntimeError,
        "Exponential distribution is a continuous probability distribution. "
        "dtype must be a floating point but you specified Long",
    ),
    (
        "cauchy__int",
        lambda m: m.zeros(3, dtype=m.int64).cauchy_(),
        RuntimeError,
        "Cauchy distribution is a continuous probability distribution. "
        "dtype must be a floating point but you specified long int",
    ),
    (
        "normal_shapes",
        lambda m: m.normal(m.ones(2), m.ones(3)),
        RuntimeError,
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0",
    ),
    (
        "geometric__p",
        lambda m: m.zeros(3).geometric_(1.5),
        RuntimeError,
        "geometric_ expects p to be in (0, 1), but got p=1.5",
    ),
    (
        "geometric__p_zero",
        lambda m: m.zeros(3).geometric_(0),
        RuntimeError,
        "geometric_ expects p to be in (0, 1), but got p=0",
    ),
    (
        "rrelu_bounds",
        lambda m: m.rrelu(m.randn(3), 0.5, 0.1),
        RuntimeError,
        "Lower bound should be less than or equal to the upper bound",
    ),
]


def test_multinomial_takes_a_one_element_integer_tensor_count():
    assert retrograd.multinomial(retrograd.ones(3), retrograd.tensor([2])).shape == (2,)
    assert retrograd.multinomial(retrograd.ones(3), retrograd.tensor(2)).shape == (2,)


@pytest.mark.parametrize("call, exc, message", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS])
def test_errors(call, exc, message):
    with pytest.raises(exc) as info:
        call(retrograd)
    assert message in str(info.value)
    if torch is not None:
        with pytest.raises(exc) as theirs:
            call(torch)
        assert message in str(theirs.value)


_CONTINUOUS_DTYPES = ["int64", "int32", "int16", "int8", "uint8", "bool", "complex64", "complex128"]


def _continuous_draw_error(m, method, dtype_name):
    with pytest.raises(RuntimeError) as info:
        getattr(m.zeros(3, dtype=getattr(m, dtype_name)), method)()
    return str(info.value)


def test_exponential_of_integers_names_the_scalar_type():
    # F.gumbel_softmax of integer logits reaches exponential_ and fails here, not with "not implemented"
    message = _continuous_draw_error(retrograd, "exponential_", "uint8")
    assert message.endswith("dtype must be a floating point but you specified Byte")
    assert _continuous_draw_error(retrograd, "cauchy_", "complex64").endswith("you specified c10::complex<float>")


@pytest.mark.parametrize("method", ["exponential_", "cauchy_"])
@pytest.mark.parametrize("dtype_name", _CONTINUOUS_DTYPES)
def test_continuous_draw_dtype_errors_vs_torch(method, dtype_name):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    assert _continuous_draw_error(retrograd, method, dtype_name) == _continuous_draw_error(torch, method, dtype_name)


# --- multinomial's checks of the weights: the with-replacement kernel names the first bad entry ---
_MULTINOMIAL_WEIGHT_ERRORS = [
    ([-1.0, 2.0], 3, True, "invalid multinomial distribution (encountering probability entry < 0)"),
    ([float("nan"), 1.0], 2, True, "invalid multinomial distribution (encountering probability entry < 0)"),
    (
        [1.0, float("inf"), -1.0],
        2,
        True,
        "invalid multinomial distribution (encountering probability entry = infinity or NaN)",
    ),
    ([[0.0, 0.0], [-1.0, 1.0]], 2, True, "invalid multinomial distribution (sum of probabilities <= 0)"),
    ([-1.0, 2.0], 1, True, "probability tensor contains either `inf`, `nan` or element < 0"),
    ([-1.0, 2.0], 1, False, "probability tensor contains either `inf`, `nan` or element < 0"),
    ([[], []], 1, True, "aminmax(): cannot compute aminmax over an empty dimension as the operation has no identity."),
    ([[], []], 2, True, "invalid multinomial distribution (sum of probabilities <= 0)"),
]


def _multinomial_error(m, weights, k, replacement):
    with pytest.raises(RuntimeError) as info:
        m.multinomial(m.tensor(weights), k, replacement)
    return str(info.value)


@pytest.mark.parametrize("weights, k, replacement, message", _MULTINOMIAL_WEIGHT_ERRORS)
def test_multinomial_weight_errors(weights, k, replacement, message):
    # e.g. WeightedRandomSampler([-1, 2], 3) draws with replacement: "entry < 0", not the shortcut's message
    assert _multinomial_error(retrograd, weights, k, replacement) == message


def test_multinomial_of_no_rows_is_empty_whatever_the_categories():
    assert retrograd.multinomial(retrograd.zeros(0, 0), 2, True).shape == (0, 2)
    assert retrograd.multinomial(retrograd.zeros(0, 3), 1).shape == (0, 1)


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("weights, k, replacement, message", _MULTINOMIAL_WEIGHT_ERRORS)
def test_multinomial_weight_errors_match_pytorch(weights, k, replacement, message):
    assert _multinomial_error(torch, weights, k, replacement) == _multinomial_error(retrograd, weights, k, replacement)


# --- randint's argument errors and the Generator's repr, as PyTorch's parser and class print them ---
_RANDINT_FIRST_SIGNATURE = (
    " * (int high, tuple of ints size, *, retrograd.Generator generator, Tensor out = None, retrograd.dtype dtype = "
    "None, retrograd.layout layout = None, retrograd.device device = None, bool pin_memory = False, bool "
    "requires_grad = False)\n"
)


def test_randint_lists_its_signatures_when_several_fit_the_argument_count():
    g = retrograd.Generator()
    with pytest.raises(TypeError) as error:
        retrograd.randint(0, 27, 32, generator=g)
    head, first = str(error.value).split("\n")[:2]
    assert head == (
        "randint() received an invalid combination of arguments - got (int, int, int, "
        "generator=retrograd._C.Generator), but expected one of:"
    )
    assert first + "\n" == _RANDINT_FIRST_SIGNATURE and str(error.value).count("\n * (") == 4
    for bad in ((0, 2.5, (3,)), (0, 27, [32.0]), ((32,),)):
        with pytest.raises(TypeError, match=r"^randint\(\) received an invalid combination of arguments - got \("):
            retrograd.randint(*bad)


def test_randint_names_the_argument_when_one_signature_fits_the_count():
    with pytest.raises(
        TypeError, match=r"^randint\(\): argument 'size' \(position 2\) must be tuple of ints, not int$"
    ):
        retrograd.randint(27, 32)


def test_generator_repr_names_its_class():
    from retrograd._display_name import set_package_name

    g = retrograd.Generator()
    assert repr(g) == f"<retrograd.Generator object at {hex(id(g))}>"
    set_package_name("torch")
    try:
        assert repr(g) == f"<torch._C.Generator object at {hex(id(g))}>"
    finally:
        set_package_name("retrograd")


def test_randint_errors_and_generator_repr_match_pytorch():
    torch = pytest.importorskip("torch")
    for module_args in (lambda m: (0, 27, 32), lambda m: (27, 32), lambda m: (0, 2.5, (3,))):
        messages = []
        for m in (retrograd, torch):
            with pytest.raises(TypeError) as error:
                m.randint(*module_args(m), generator=m.Generator())
            messages.append(str(error.value).replace("retrograd._C.", "torch._C.").replace("retrograd.", "torch."))
        assert messages[0] == messages[1]
    assert repr(torch.Generator()).startswith("<torch._C.Generator object at 0x")
