"""After the same seed, retrograd's random functions give PyTorch 2.13's CPU numbers bit for bit.

Each test seeds both libraries, makes the same calls and compares exactly (dtype and
bits), over many seeds and sizes: 1..100 covers both sides of the 16-element switch
to PyTorch's vectorised normal and its ragged tails (15, 16, 17, 31, 33, ...).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn as rnn
from retrograd.utils.data import DataLoader, RandomSampler, TensorDataset, WeightedRandomSampler

torch = pytest.importorskip("torch")

SEEDS = [0, 1, 7, 42, 123456789, 2**32 + 5, -3]
SIZES = [1, 2, 3, 7, 8, 15, 16, 17, 24, 31, 32, 33, 47, 48, 63, 64, 65, 99, 100]
FLOATS = ["float32", "float64"]


def seed_both(seed: int) -> None:
    rg.manual_seed(seed)
    torch.manual_seed(seed)


def same(a, b) -> None:
    """Exact equality of a retrograd tensor (or array/list) and a torch tensor, bits and dtype."""
    x = a.detach().numpy() if isinstance(a, rg.Tensor) else np.asarray(a)
    y = b.detach().numpy() if isinstance(b, torch.Tensor) else np.asarray(b)
    assert x.dtype == y.dtype and x.shape == y.shape
    if x.dtype.kind == "f":
        np.testing.assert_array_equal(x.view(f"u{x.itemsize}"), y.view(f"u{y.itemsize}"))
    else:
        np.testing.assert_array_equal(x, y)


def states_match() -> None:
    same(rg.get_rng_state(), torch.get_rng_state())


# --- generator --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS + [2**64 - 1, -(2**63)])
def test_seeding_gives_torchs_state_and_initial_seed(seed):
    seed_both(seed)
    states_match()
    assert rg.initial_seed() == torch.initial_seed()


def test_default_state_before_any_seed_matches_a_fresh_torch_generator():
    same(rg.Generator().get_state(), torch.Generator().get_state())
    assert rg.Generator().initial_seed() == torch.Generator().initial_seed()


@pytest.mark.parametrize("n", [1, 3, 5, 16, 700])
def test_state_bytes_match_after_draws_and_with_a_cached_normal(n):
    seed_both(11)
    rg.randn(n), torch.randn(n)  # odd small n leaves a cached Box-Muller value
    states_match()
    rg.rand(n, dtype=rg.float64), torch.rand(n, dtype=torch.float64)
    states_match()


def test_state_moves_between_the_libraries():
    torch.manual_seed(5)
    torch.randn(3)  # a cached normal travels in the state
    rg.set_rng_state(rg.tensor(torch.get_rng_state().numpy()))
    same(rg.randn(5), torch.randn(5))
    g = rg.Generator().manual_seed(9)
    rg.rand(3, generator=g)
    t = torch.Generator()
    t.set_state(torch.from_numpy(g.get_state().numpy()))
    same(rg.rand(40, generator=g), torch.rand(40, generator=t))


def test_invalid_state_is_refused_like_torch():
    state = rg.get_rng_state().numpy().copy()
    state[8:12] = 0  # left = 0
    with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
        rg.set_rng_state(rg.tensor(state))
    with pytest.raises(RuntimeError, match="size 5056 but found the input RNG state size to be 10"):
        rg.set_rng_state(rg.zeros(10, dtype=rg.uint8))


# --- floats -------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_rand_and_randn_over_sizes(seed, dtype):
    seed_both(seed)
    for n in SIZES:
        same(rg.rand(n, dtype=getattr(rg, dtype)), torch.rand(n, dtype=getattr(torch, dtype)))
        same(rg.randn(n, dtype=getattr(rg, dtype)), torch.randn(n, dtype=getattr(torch, dtype)))
    states_match()


@pytest.mark.parametrize("dtype", FLOATS)
def test_larger_shapes_and_the_scalar_normal_cache(dtype):
    seed_both(3)
    for shape in [(5,), (3, 4), (1000,), (7,), (2, 3, 17), (1,), (1,)]:
        same(rg.randn(*shape, dtype=getattr(rg, dtype)), torch.randn(*shape, dtype=getattr(torch, dtype)))
    states_match()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("bounds", [(0.0, 1.0), (-0.3, 0.7), (-0.37796447, 0.37796447), (2.5, 3.1), (-3.3, 1e-3)])
def test_uniform_(dtype, bounds):
    for seed in SEEDS[:4]:
        seed_both(seed)
        for n in (1, 17, 100, 1000):
            a = rg.empty(n, dtype=getattr(rg, dtype)).uniform_(*bounds)
            same(a, torch.empty(n, dtype=getattr(torch, dtype)).uniform_(*bounds))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mean_std", [(0.0, 1.0), (0.5, 3.0), (-2.0, 0.02), (0.0, 0.01)])
def test_normal_(dtype, mean_std):
    for seed in SEEDS[:4]:
        seed_both(seed)
        for n in SIZES:
            a = rg.empty(n, dtype=getattr(rg, dtype)).normal_(*mean_std)
            same(a, torch.empty(n, dtype=getattr(torch, dtype)).normal_(*mean_std))


def test_normal_on_a_non_contiguous_view_takes_the_scalar_path_in_memory_order():
    seed_both(4)
    a, b = rg.zeros(20, 30), torch.zeros(20, 30)
    a.t().normal_(), b.t().normal_()
    same(a, b)
    a[:, 3].normal_(1.0, 2.0), b[:, 3].normal_(1.0, 2.0)
    same(a, b)
    states_match()


@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_function_overloads(dtype):
    seed_both(8)
    rdt, tdt = getattr(rg, dtype), getattr(torch, dtype)
    same(rg.normal(2.0, 3.0, (40,), dtype=rdt), torch.normal(2.0, 3.0, (40,), dtype=tdt))
    m = np.linspace(-1, 1, 24).astype(dtype)
    s = np.linspace(0.1, 2, 24).astype(dtype)
    same(rg.normal(rg.tensor(m), rg.tensor(s)), torch.normal(torch.tensor(m), torch.tensor(s)))
    same(rg.normal(rg.tensor(m), 0.5), torch.normal(torch.tensor(m), 0.5))
    same(rg.normal(0.5, rg.tensor(s)), torch.normal(0.5, torch.tensor(s)))
    same(rg.randn_like(rg.tensor(m)), torch.randn_like(torch.tensor(m)))
    same(rg.rand_like(rg.tensor(m)), torch.rand_like(torch.tensor(m)))


@pytest.mark.parametrize("rate", [1.0, 0.5, 3.0])
@pytest.mark.parametrize("dtype", FLOATS)
def test_exponential_(dtype, rate):
    seed_both(2)
    for n in (1, 16, 33, 500):
        same(
            rg.empty(n, dtype=getattr(rg, dtype)).exponential_(rate),
            torch.empty(n, dtype=getattr(torch, dtype)).exponential_(rate),
        )


# --- integers, permutations ---------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "uint8", "float32", "float64"])
def test_randint_over_ranges(dtype):
    ranges = [(0, 2), (0, 10), (-5, 7), (3, 200), (0, 2**16)]
    if dtype in ("int64", "int32", "float64"):
        ranges += [(0, 2**28 - 1), (0, 2**28), (-(2**31), 2**31 - 1)]
    if dtype == "int64":
        ranges += [(-(2**62), 2**62), (-(2**63), 2**63 - 1)]
    if dtype in ("int16", "uint8"):
        ranges = [r for r in ranges if r[1] <= 200 and r[0] >= 0 or dtype == "int16" and r[1] < 2**15]
    for seed in SEEDS[:4]:
        seed_both(seed)
        for low, high in ranges:
            for n in (1, 17, 64):
                a = rg.randint(low, high, (n,), dtype=getattr(rg, dtype))
                same(a, torch.randint(low, high, (n,), dtype=getattr(torch, dtype)))


@pytest.mark.parametrize(
    "dtype", ["int64", "int32", "int16", "int8", "uint8", "bool", "float16", "bfloat16", "float32", "float64"]
)
def test_random_forms(dtype):
    seed_both(5)
    rdt, tdt = getattr(rg, dtype), getattr(torch, dtype)
    wide = dtype == "bfloat16"  # NumPy holds no bfloat16: compare its (exact) float32 values

    def both(*args):
        ours, theirs = rg.empty(50, dtype=rdt).random_(*args), torch.empty(50, dtype=tdt).random_(*args)
        same(ours.float() if wide else ours, theirs.float() if wide else theirs)

    both()
    both(2)
    both(0, 2)
    if dtype != "bool":
        both(1, None)
    if dtype == "int64":
        both(-(2**63), None)


FLOAT_BOUNDS = [
    (0, 2**25), (0, 5000), (0, 1000), (2**26 + 1, 2**26 + 20), (-(2**25), 0), (-(2**25) - 3, -(2**25) + 40),
    (0, 2**54), (2**54 + 1, 2**54 + 100), (-300, 300), (7, 2**30 + 1), (0, 2**60), (-(2**63), 2**62),
    (100, 2**12 + 3), (0, 2**28), (0, 2**32),
]  # fmt: skip


def _random_outcome(m, dtype: str, low: int, high: int):
    """random_(low, high) on `dtype` from module `m`: its values or error, and the warnings it gave."""
    m.manual_seed(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            drawn = m.empty(17, dtype=getattr(m, dtype)).random_(low, high).double().numpy()
        except RuntimeError as e:
            drawn = str(e)
    # PyTorch's warnings end with the C++ file that raised them
    return drawn, [str(w.message).split(" (Triggered internally")[0] for w in caught]


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float32", "float64"])
@pytest.mark.parametrize("low, high", FLOAT_BOUNDS)
def test_float_random_beyond_the_dtypes_precision(dtype, low, high):
    # bounds a float cannot hold exactly move inward and warn; out of the dtype's range they raise
    ours, theirs = _random_outcome(rg, dtype, low, high), _random_outcome(torch, dtype, low, high)
    assert ours[1] == theirs[1]
    if isinstance(theirs[0], str):
        assert ours[0] == theirs[0]
    else:
        np.testing.assert_array_equal(ours[0], theirs[0])


def test_randint_like():
    seed_both(6)
    x = np.zeros((4, 5), dtype=np.int32)
    same(rg.randint_like(rg.tensor(x), 3, 9), torch.randint_like(torch.tensor(x), 3, 9))
    same(rg.randint_like(rg.tensor(x), 9), torch.randint_like(torch.tensor(x), 9))


@pytest.mark.parametrize("seed", SEEDS)
def test_randperm(seed):
    seed_both(seed)
    for n in [0, 1, 2, 3, 15, 16, 17, 100, 1000, 60000]:
        same(rg.randperm(n), torch.randperm(n))
    same(rg.randperm(20, dtype=rg.int32), torch.randperm(20, dtype=torch.int32))
    states_match()


# --- bernoulli, dropout, multinomial, poisson ---------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOATS)
def test_bernoulli_forms(dtype):
    rdt, tdt = getattr(rg, dtype), getattr(torch, dtype)
    for seed in SEEDS[:4]:
        seed_both(seed)
        for n in (1, 16, 33, 300):
            same(rg.empty(n, dtype=rdt).bernoulli_(0.3), torch.empty(n, dtype=tdt).bernoulli_(0.3))
            p = np.linspace(0, 1, n).astype(dtype)
            same(rg.bernoulli(rg.tensor(p)), torch.bernoulli(torch.tensor(p)))
            same(rg.bernoulli(rg.tensor(p), 0.7), torch.bernoulli(torch.tensor(p), 0.7))
            same(rg.empty(n, dtype=rdt).bernoulli_(rg.tensor(p)), torch.empty(n, dtype=tdt).bernoulli_(torch.tensor(p)))
        states_match()


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.9])
def test_dropout_masks_and_scaling(p):
    for seed in SEEDS[:3]:
        seed_both(seed)
        x = np.random.default_rng(seed).standard_normal((8, 6, 5)).astype(np.float32)
        same(rnn.functional.dropout(rg.tensor(x), p), torch.nn.functional.dropout(torch.tensor(x), p))
        same(rnn.functional.dropout2d(rg.tensor(x), p), torch.nn.functional.dropout2d(torch.tensor(x), p))
        same(rnn.Dropout(p)(rg.tensor(x)), torch.nn.Dropout(p)(torch.tensor(x)))
        x64 = x.astype(np.float64)
        same(rnn.functional.dropout(rg.tensor(x64), p), torch.nn.functional.dropout(torch.tensor(x64), p))
        states_match()


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("replacement", [True, False])
def test_multinomial(dtype, replacement):
    w = np.random.default_rng(0).random((3, 12)).astype(dtype)
    w[1, 4] = 0
    for seed in SEEDS[:4]:
        seed_both(seed)
        for k in (1, 2, 5, 11):
            same(rg.multinomial(rg.tensor(w), k, replacement), torch.multinomial(torch.tensor(w), k, replacement))
            same(rg.multinomial(rg.tensor(w[0]), k, replacement), torch.multinomial(torch.tensor(w[0]), k, replacement))
        if replacement:
            same(rg.multinomial(rg.tensor(w), 200, True), torch.multinomial(torch.tensor(w), 200, True))
        states_match()


def test_poisson():
    rates = np.array([0.0, 0.5, 3.0, 9.9, 10.0, 25.0, 400.0] * 5)
    seed_both(12)
    for dtype in FLOATS:
        r = rates.astype(dtype)
        same(rg.poisson(rg.tensor(r)), torch.poisson(torch.tensor(r)))
    states_match()


# --- nn.init and module initialisation -----------------------------------------------------------


INITS = [
    ("uniform_", {}),
    ("uniform_", {"a": -0.1, "b": 0.3}),
    ("normal_", {"std": 0.02}),
    ("normal_", {"mean": 1.0, "std": 0.5}),
    ("xavier_uniform_", {}),
    ("xavier_normal_", {"gain": 2.0}),
    ("kaiming_uniform_", {"a": 5**0.5}),
    ("kaiming_normal_", {"mode": "fan_out", "nonlinearity": "relu"}),
    ("trunc_normal_", {"std": 0.02}),
    ("trunc_normal_", {}),
    ("trunc_normal_", {"mean": 0.5, "std": 2.0, "a": 0.0, "b": 1.0}),
    ("orthogonal_", {}),
    ("sparse_", {"sparsity": 0.3}),
]


@pytest.mark.parametrize("name, kwargs", INITS)
@pytest.mark.parametrize("shape", [(3, 5), (16, 4), (7, 3, 3, 3)])
@pytest.mark.parametrize("dtype", FLOATS)
def test_nn_init(name, kwargs, shape, dtype):
    if name == "sparse_" and len(shape) != 2:
        return
    for seed in SEEDS[:3]:
        seed_both(seed)
        a = getattr(rnn.init, name)(rg.zeros(*shape, dtype=getattr(rg, dtype)), **kwargs)
        b = getattr(torch.nn.init, name)(torch.zeros(*shape, dtype=getattr(torch, dtype)), **kwargs)
        if name == "orthogonal_":  # same draws, but the QR factorisations (LAPACK builds) round differently
            tol = 1e-5 if dtype == "float32" else 1e-12
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=tol, atol=tol)
        else:
            same(a, b)
        states_match()


MODULES = [
    ("Linear", (7, 5), {}),
    ("Linear", (16, 33), {"bias": False}),
    ("Bilinear", (4, 5, 3), {}),
    ("Conv1d", (3, 8, 3), {}),
    ("Conv2d", (3, 6, 5), {"groups": 3}),
    ("Conv3d", (2, 4, 2), {}),
    ("ConvTranspose2d", (4, 3, 3), {}),
    ("Embedding", (10, 6), {}),
    ("EmbeddingBag", (10, 6), {}) if hasattr(rnn, "EmbeddingBag") else ("Embedding", (5, 2), {}),
    ("LayerNorm", (6,), {}),
    ("BatchNorm1d", (6,), {}),
    ("RNN", (5, 7), {"num_layers": 2}),
    ("LSTM", (5, 7), {"bidirectional": True}),
    ("GRU", (5, 7), {}),
    ("MultiheadAttention", (8, 2), {}),
    ("TransformerEncoderLayer", (8, 2), {"dim_feedforward": 16}),
    ("PReLU", (), {}),
]


@pytest.mark.parametrize("name, args, kwargs", MODULES)
def test_module_parameters_after_manual_seed(name, args, kwargs):
    for seed in SEEDS[:3]:
        seed_both(seed)
        mine = getattr(rnn, name)(*args, **kwargs)
        theirs = getattr(torch.nn, name)(*args, **kwargs)
        ours = dict(mine.named_parameters())
        for key, value in theirs.named_parameters():
            same(ours[key], value)
        states_match()


def test_module_dtype_argument():
    seed_both(1)
    same(rnn.Linear(5, 3, dtype=rg.float64).weight, torch.nn.Linear(5, 3, dtype=torch.float64).weight)


# --- data loading -------------------------------------------------------------------------------


def _both_loaders(n: int, **kwargs):
    data = np.arange(n, dtype=np.float32)
    ours = DataLoader(TensorDataset(rg.tensor(data)), **kwargs)
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(data)), **kwargs)
    return ours, theirs


@pytest.mark.parametrize("n, batch", [(10, 3), (100, 16), (1000, 64)])
def test_shuffled_dataloader_batches_in_torchs_order(n, batch):
    for seed in SEEDS[:3]:
        seed_both(seed)
        ours, theirs = _both_loaders(n, batch_size=batch, shuffle=True)
        for _epoch in range(2):
            for (a,), (b,) in zip(ours, theirs, strict=True):
                same(a, b)
        states_match()


def test_dataloader_with_its_own_generator():
    ours, theirs = _both_loaders(50, batch_size=8, shuffle=True)
    ours.generator = None
    g, t = rg.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    ours = DataLoader(ours.dataset, batch_size=8, shuffle=True, generator=g)
    theirs = torch.utils.data.DataLoader(theirs.dataset, batch_size=8, shuffle=True, generator=t)
    for (a,), (b,) in zip(ours, theirs, strict=True):
        same(a, b)
    same(g.get_state(), t.get_state())


def test_random_samplers():
    seed_both(21)
    data = list(range(37))
    assert list(RandomSampler(data)) == list(torch.utils.data.RandomSampler(data))
    assert list(RandomSampler(data, replacement=True, num_samples=70)) == list(
        torch.utils.data.RandomSampler(data, replacement=True, num_samples=70)
    )
    assert list(RandomSampler(data, num_samples=80)) == list(torch.utils.data.RandomSampler(data, num_samples=80))
    weights = [0.1, 0.5, 2.0, 0.0, 1.0]
    assert list(WeightedRandomSampler(weights, 30)) == list(torch.utils.data.WeightedRandomSampler(weights, 30))
    assert list(WeightedRandomSampler(weights, 3, replacement=False)) == list(
        torch.utils.data.WeightedRandomSampler(weights, 3, replacement=False)
    )
    g, t = rg.Generator().manual_seed(2), torch.Generator().manual_seed(2)
    ours = [list(s.indices) for s in rg.utils.data.random_split(range(30), [10, 20], generator=g)]
    theirs = [list(s.indices) for s in torch.utils.data.random_split(range(30), [10, 20], generator=t)]
    assert ours == theirs
    states_match()


@pytest.mark.parametrize("dtype", FLOATS)
def test_zero_dim_bernoulli_and_rrelu_keep_the_shape(dtype):
    """A 0-d probability (Thompson sampling's `bernoulli(sigmoid(mean[a]))`) draws a 0-d sample."""
    for seed in SEEDS[:3]:
        seed_both(seed)
        for p in (0.0, 0.3, 1.0):
            same(
                rg.bernoulli(rg.tensor(p, dtype=getattr(rg, dtype))),
                torch.bernoulli(torch.tensor(p, dtype=getattr(torch, dtype))),
            )
        same(rg.tensor(0.5).bernoulli(), torch.tensor(0.5).bernoulli())
        x = rg.tensor(-0.5, dtype=getattr(rg, dtype), requires_grad=True)
        tx = torch.tensor(-0.5, dtype=getattr(torch, dtype), requires_grad=True)
        y, ty = rnn.functional.rrelu(x, training=True), torch.nn.functional.rrelu(tx, training=True)
        same(y, ty)
        y.backward()
        ty.backward()
        same(x.grad, tx.grad)
        states_match()


@pytest.mark.parametrize("dtype", FLOATS)
def test_rrelu_training_draws_slopes_for_non_positive_inputs_only(dtype):
    x = np.random.default_rng(0).standard_normal((30, 7)).astype(dtype)
    for seed in SEEDS[:3]:
        seed_both(seed)
        same(
            rnn.functional.rrelu(rg.tensor(x), 0.1, 0.3, training=True),
            torch.nn.functional.rrelu(torch.tensor(x), 0.1, 0.3, training=True),
        )
        same(rnn.RReLU()(rg.tensor(x)), torch.nn.RReLU()(torch.tensor(x)))
        states_match()


def test_float16_rand_and_normal():
    for seed in SEEDS[:3]:
        seed_both(seed)
        for n in (1, 7, 16, 20, 33, 100, 1000):
            same(rg.rand(n, dtype=rg.float16), torch.rand(n, dtype=torch.float16))
            same(rg.randn(n, dtype=rg.float16), torch.randn(n, dtype=torch.float16))
            same(rg.empty(n, dtype=rg.float16).normal_(0.5, 2.0), torch.empty(n, dtype=torch.float16).normal_(0.5, 2.0))
            same(
                rg.empty(n, dtype=rg.float16).uniform_(-0.3, 0.7),
                torch.empty(n, dtype=torch.float16).uniform_(-0.3, 0.7),
            )
        states_match()


def test_bfloat16_rand_and_normal():
    for seed in SEEDS[:3]:
        seed_both(seed)
        for n in (1, 7, 16, 17, 20, 33, 100):
            same(rg.rand(n, dtype=rg.bfloat16).float(), torch.rand(n, dtype=torch.bfloat16).float())
            same(rg.randn(n, dtype=rg.bfloat16).float(), torch.randn(n, dtype=torch.bfloat16).float())
            same(
                rg.empty(n, dtype=rg.bfloat16).normal_(0.5, 2.0).float(),
                torch.empty(n, dtype=torch.bfloat16).normal_(0.5, 2.0).float(),
            )
            same(
                rg.empty(n, dtype=rg.bfloat16).uniform_().float(),
                torch.empty(n, dtype=torch.bfloat16).uniform_().float(),
            )
        states_match()


def test_fills_of_non_contiguous_views_follow_memory_order():
    seed_both(1)
    a, b = rg.zeros(6, 9), torch.zeros(6, 9)
    a.t().uniform_(-1, 2), b.t().uniform_(-1, 2)
    same(a, b)
    a.t().bernoulli_(0.4), b.t().bernoulli_(0.4)
    same(a, b)
    a[:, ::2].exponential_(), b[:, ::2].exponential_()
    same(a, b)
    p = np.linspace(0, 1, 20).reshape(4, 5).astype(np.float32)
    same(rg.zeros(5, 4).t().bernoulli_(rg.tensor(p)), torch.zeros(5, 4).t().bernoulli_(torch.tensor(p)))
    states_match()


@pytest.mark.parametrize("dtype", FLOATS)
def test_uniform_never_returns_the_upper_bound(dtype):
    # values that round up to `to` become `from`, as in PyTorch (common with a narrow range far from 0)
    seed_both(2)
    a = rg.empty(300_000, dtype=getattr(rg, dtype)).uniform_(1000.0, 1000.5)
    same(a, torch.empty(300_000, dtype=getattr(torch, dtype)).uniform_(1000.0, 1000.5))


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("shape", [(), (3,), (5, 8), (40,)])
def test_complex_randn_and_normal_match_pytorch(dtype, shape):
    # PyTorch draws a complex normal as its real view with std / √2 (short and vectorised paths)
    seed_both(7)
    same(rg.randn(shape, dtype=getattr(rg, dtype)), torch.randn(shape, dtype=getattr(torch, dtype)))
    same(
        rg.zeros(shape, dtype=getattr(rg, dtype)).normal_(0.5, 2.0),
        torch.zeros(shape, dtype=getattr(torch, dtype)).normal_(0.5, 2.0),
    )
    same(
        rg.randn_like(rg.zeros(shape, dtype=getattr(rg, dtype))),
        torch.randn_like(torch.zeros(shape, dtype=getattr(torch, dtype))),
    )
    states_match()
