"""Ops and APIs added for PyTorch coverage that the op table does not check (no gradient, in-place)."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.ops import inplace_functions

try:  # the comparisons skip without PyTorch; the other tests run anyway
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

# in-place function -> (input values, extra arguments)
_POSITIVE_BELOW_ONE = np.array([0.2, 0.5, 0.7])
_ARGS = {
    "acosh_": (np.array([1.5, 2.0, 3.0]), ()),
    "arccosh_": (np.array([1.5, 2.0, 3.0]), ()),
    "addmv_": (np.array([1.0, 2.0]), ("mat", "vec")),
    "clamp_": (np.array([-1.0, 0.5, 2.0]), (0.0, 1.0)),
    "clip_": (np.array([-1.0, 0.5, 2.0]), (0.0, 1.0)),
    "clamp_max_": (np.array([-1.0, 0.5, 2.0]), (1.0,)),
    "clamp_min_": (np.array([-1.0, 0.5, 2.0]), (0.0,)),
    "fill_": (np.array([1.0, 2.0]), (3.0,)),
    "index_put_": (np.array([1.0, 2.0, 3.0]), ("indices", "values")),
    "xlogy_": (np.array([1.0, 2.0, 3.0]), (2.0,)),
    "resize_as_": (np.array([1.0, 2.0, 3.0, 4.0]), ("template",)),
}


def _call_in_place(module, name):
    values, extra = _ARGS.get(name, (_POSITIVE_BELOW_ONE, ()))
    x = module.tensor(values.astype(np.float32))
    args = []
    for a in extra:
        if a == "mat":
            args.append(module.ones(2, 3))
        elif a == "vec":
            args.append(module.tensor([1.0, 2.0, 3.0]))
        elif a == "indices":
            args.append((module.tensor([0, 2]),))
        elif a == "values":
            args.append(module.tensor([9.0, 8.0]))
        elif a == "template":
            args.append(module.zeros(2, 2))
        else:
            args.append(a)
    result = getattr(module, name)(x, *args)
    assert result is x
    return x.numpy()


@needs_torch
@pytest.mark.parametrize("name", inplace_functions.__all__)
def test_in_place_function_matches_pytorch(name):
    np.testing.assert_allclose(_call_in_place(retrograd, name), _call_in_place(torch, name), rtol=1e-6)


def test_in_place_function_rejects_non_tensors():
    with pytest.raises(TypeError, match="must be Tensor"):
        retrograd.exp_(1.0)


@needs_torch
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.unique(m.tensor([3, 1, 2, 3, 1]), return_inverse=True, return_counts=True),
        lambda m: m.unique(m.tensor([[1, 2], [1, 2], [0, 5]]), dim=0, return_inverse=True, return_counts=True),
        lambda m: m.unique(m.tensor([2.0, float("nan"), 1.0, float("nan")])),
        lambda m: m.tensor([[3, 1], [1, 1]]).unique(sorted=True),
        lambda m: m.unique_consecutive(m.tensor([1, 1, 2, 2, 3, 1]), return_counts=True, return_inverse=True),
        lambda m: m.unique_consecutive(m.tensor([[1, 1], [1, 1], [2, 0]]), dim=0),
        lambda m: m.searchsorted(m.tensor([1, 3, 5, 7]), m.tensor([[3, 6], [1, 9]])),
        lambda m: m.searchsorted(m.tensor([[1, 3, 5], [2, 4, 6]]), m.tensor([[3], [6]]), side="right"),
        lambda m: m.searchsorted(m.tensor([1.0, 3.0, 5.0]), 3.0, out_int32=True),
        lambda m: m.searchsorted(m.tensor([5, 1, 3]), m.tensor([2, 4]), sorter=m.tensor([1, 2, 0])),
        lambda m: m.bucketize(m.tensor([1, 5, 9]), m.tensor([1, 3, 5, 7])),
        lambda m: m.bucketize(m.tensor([1, 5, 9]), m.tensor([1, 3, 5, 7]), right=True),
        lambda m: m.isin(m.tensor([1, 2, 3]), m.tensor([2, 5])),
        lambda m: m.isin(m.tensor([1.0, 2.0]), 2, invert=True),
        lambda m: m.bincount(m.tensor([0, 1, 1, 3]), minlength=6),
        lambda m: m.bincount(m.tensor([0, 1, 1, 3]), weights=m.tensor([1.0, 2, 3, 4])),
        lambda m: m.bincount(m.tensor([0, 1, 1, 3]), weights=m.tensor([1, 2, 3, 4])),
        lambda m: m.histc(m.tensor([1.0, 2, 1, 4]), bins=4, min=0, max=3),
        lambda m: m.tensor([0.5, 0.1, 0.9, 0.3], dtype=m.float64).histc(bins=3),
    ],
)
def test_searching_ops_match_pytorch(call):
    ours, theirs = call(retrograd), call(torch)
    ours, theirs = (ours, theirs) if isinstance(ours, tuple) else ((ours,), (theirs,))
    assert len(ours) == len(theirs)
    for r, t in zip(ours, theirs):
        assert str(r.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_array_equal(r.numpy(), t.numpy())


@pytest.mark.parametrize(("dtype", "message"), [
    ("uint8", "\"histogram_cpu\" not implemented for 'Byte'"),  # an image histogram needs .float() first
    ("int16", "\"histogram_cpu\" not implemented for 'Short'"),
    ("bool", "\"linspace_cpu\" not implemented for 'Bool'"),
    ("complex64", "\"aminmax_cpu\" not implemented for 'ComplexFloat'"),
])
def test_histc_refuses_other_than_floats_naming_pytorchs_kernel(dtype, message):
    with pytest.raises(NotImplementedError) as info:
        retrograd.histc(retrograd.ones(3, dtype=getattr(retrograd, dtype)))
    assert str(info.value) == message


def test_histc_bins_in_the_data_dtype():
    # (x - min) * bins / (max - min) rounded in the data's dtype, as PyTorch's kernel: a float32 0.7
    # (0.699999988) times 10 rounds to 7.0 (bin 7); in float64 it stayed 6.99999988 (bin 6)
    conf = retrograd.tensor([0.0, 0.1, 0.2, 0.5, 0.99, 1.0, 0.3, 0.7, 0.7, 0.05])
    assert retrograd.histc(conf, bins=10, min=0, max=1).tolist() == [2, 1, 1, 1, 0, 1, 0, 2, 0, 2]
    assert retrograd.histc(conf.double(), bins=10, min=0, max=1).tolist() == [2, 1, 1, 1, 0, 1, 2, 0, 0, 2]
    # float16's 0.1 is 0.09998, times 10 rounds to 1.0 in float16: bin 1 (float64 put it in bin 0)
    assert retrograd.histc(conf.half(), bins=10, min=0, max=1).tolist() == [2, 1, 1, 1, 0, 1, 0, 2, 0, 2]


@needs_torch
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "bfloat16"])
def test_histc_bins_vs_torch(dtype):
    rng = np.random.default_rng(0)
    for trial in range(60):
        values = [rng.random(200), np.round(rng.random(200), 2), rng.standard_normal(200) * 3][trial % 3]
        bins = int(rng.integers(1, 40))
        low, high = sorted(rng.choice([0.0, 0.1, -1.0, 0.3, 1.0, 2.5], 2, replace=False)) if trial % 4 else (0, 0)
        ours = retrograd.histc(retrograd.tensor(values.tolist(), dtype=getattr(retrograd, dtype)), bins, low, high)
        theirs = torch.histc(torch.tensor(values.tolist(), dtype=getattr(torch, dtype)), bins, low, high)
        np.testing.assert_array_equal(ours.float().numpy(), theirs.float().numpy())


def test_histogram_float32_weights_add_up_as_pytorchs_threads():
    # each thread's share of 200+ points adds its weights in float32, in order: 1 + 1e-8 stays 1
    weights = np.full(400, 1e-8, np.float32)
    weights[0] = 1
    x = retrograd.full((400,), 0.5)
    hist = retrograd.histogram(x[:100], bins=1, range=(0.0, 1.0), weight=retrograd.from_numpy(weights[:100])).hist
    assert hist.tolist() == [1.0]  # float64 sums rounded once gave 1.000001
    threads = retrograd.get_num_threads()
    retrograd.set_num_threads(2)
    try:  # two shares of 200: 1.0 and 200 × 1e-8, added at the end
        hist = retrograd.histogram(x, bins=1, range=(0.0, 1.0), weight=retrograd.from_numpy(weights)).hist
    finally:
        retrograd.set_num_threads(threads)
    assert hist.tolist() == [1.0000020265579224]
    # density divides by the total, then by the widths (PyTorch's order), each rounded in float32
    dens = retrograd.histogram(retrograd.tensor([0.1, 0.2, 0.7]), bins=3, range=(0.0, 0.9), density=True).hist
    widths = np.diff(np.float32([0.0, 0.29999998211860657, 0.6000000238418579, 0.8999999761581421]))
    assert dens.tolist() == (np.float32([2, 0, 1]) / np.float32(3) / widths).tolist()
    assert dens.tolist() == [2.222222328186035, 0.0, 1.1111112833023071]  # was 2.2222220897674560 first


@needs_torch
@pytest.mark.parametrize("weighted", [False, True])
def test_histogram_weights_and_density_vs_torch(weighted):
    rng = np.random.default_rng(0)
    threads = torch.get_num_threads(), retrograd.get_num_threads()
    torch.set_num_threads(2)
    retrograd.set_num_threads(2)
    try:
        for trial in range(40):
            values = rng.random([50, 200, 201, 1000][trial % 4]).astype(np.float32)
            weights = rng.random(values.size).astype(np.float32) if weighted else None
            args = {"bins": int(rng.integers(1, 20)), "range": (0.0, 1.0), "density": not weighted and trial % 2 == 0}
            hists = [
                m.histogram(m.from_numpy(values), weight=None if weights is None else m.from_numpy(weights), **args)
                for m in (retrograd, torch)
            ]
            np.testing.assert_array_equal(hists[0].hist.numpy(), hists[1].hist.numpy())
    finally:
        torch.set_num_threads(threads[0])
        retrograd.set_num_threads(threads[1])


@needs_torch
@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.bincount(m.tensor([-1, 2])),
        lambda m: m.bincount(m.tensor([[1, 2]])),
        lambda m: m.histc(m.tensor([1, 2])),
        lambda m: m.histc(m.tensor([1, 2], dtype=m.uint8), bins=4, min=0, max=255),
        lambda m: m.histc(m.tensor([True, False])),
        lambda m: m.histc(m.tensor([1j, 2])),
        lambda m: m.searchsorted(m.tensor([1, 2]), m.tensor([1]), side="middle"),
        lambda m: m.bucketize(m.tensor([1]), m.tensor([[1, 2]])),
        lambda m: m.quantile(m.tensor([1.0, 2.0]), 1.5),
        lambda m: m.quantile(m.tensor([1, 2]), 0.5),
        lambda m: m.logcumsumexp(m.tensor([1, 2]), 0),
        lambda m: m.diff(m.tensor(1.0)),
    ],
)
def test_bad_arguments_raise_pytorchs_error(call):
    with pytest.raises(Exception) as theirs:
        call(torch)
    with pytest.raises(type(theirs.value)) as ours:
        call(retrograd)
    assert str(ours.value).split("\n")[0] == str(theirs.value).split("\n")[0]


@needs_torch
def test_tensor_aliases_match_pytorch():
    for module in (retrograd, torch):
        x, y = module.tensor([1.0, 2.0, 3.0]), module.tensor([2.0, 2.0, 2.0])
        module.got = [
            x.clone().greater_(y),
            x.clone().subtract_(y, alpha=2),
            x.divide(y, rounding_mode="floor"),
            x.multiply(y),
            module.tensor([3, 5]).bitwise_xor_(module.tensor([1, 1])),
            module.tensor([3, 5]).bitwise_and(module.tensor([1, 1])),
            x.ravel(),
            x.clone().sgn_(),
            x.clone().arcsinh_(),
            x.clone().rad2deg_(),
            x.logaddexp2(y),
            x.clone().not_equal_(y),
        ]
    for r, t in zip(retrograd.got, torch.got):
        assert str(r.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-6)
    del retrograd.got, torch.got


# --- torch.testing.assert_close ---------------------------------------------------------------


def _assert_close_calls(m):
    T = m.tensor
    return [
        lambda: m.testing.assert_close(T([1.0, 2, 3]), T([1.0, 2.5, 3])),
        lambda: m.testing.assert_close(T([[1, 2], [3, 4]]), T([[1, 2], [3, 5]])),
        lambda: m.testing.assert_close(T([1.0, 2]), T([1.0, 2], dtype=m.float64)),
        lambda: m.testing.assert_close(T([1.0, 2]), T([1.0, 2, 3])),
        lambda: m.testing.assert_close(1.0, 1.5),
        lambda: m.testing.assert_close(1, 2),
        lambda: m.testing.assert_close([T(1.0)], [T(2.0)]),
        lambda: m.testing.assert_close({"a": T(1.0)}, {"a": T(2.0)}),
        lambda: m.testing.assert_close(T([float("nan")]), T([float("nan")])),
        lambda: m.testing.assert_close(T([float("nan"), 1.0]), T([float("nan"), 1.0]), equal_nan=True),
        lambda: m.testing.assert_close(T([1.0]), T([2.0]), msg="custom"),
        lambda: m.testing.assert_close(T([1.0]), T([2.0]), rtol=1e-3),
        lambda: m.testing.assert_close([1, 2], [1, 2, 3]),
        lambda: m.testing.assert_close(T([True, False]), T([True, True])),
        lambda: m.testing.assert_close(T([1.0, 2]), T([1.0, 2], dtype=m.float64), check_dtype=False),
        lambda: m.testing.assert_close(T([0.0, 1.0]), T([0.0, float("inf")])),
        lambda: m.testing.assert_close(T([1.0, 2.0]), T([1.000001, 2.0])),
        lambda: m.testing.assert_close(T([1.0, 5.0]), T([1.0, 2.0]), atol=1, rtol=0.1),
        lambda: m.testing.assert_close(T([1.0, 5.0]), T([1.0, 2.0]), msg=lambda s: s.upper()[:20]),
    ]


def _outcome(call):
    try:
        call()
    except Exception as e:
        return type(e).__name__, str(e)
    return "passed", ""


@needs_torch
@pytest.mark.parametrize("index", range(len(_assert_close_calls(retrograd))))
def test_assert_close_matches_pytorch(index):
    ours = _outcome(_assert_close_calls(retrograd)[index])
    theirs = _outcome(_assert_close_calls(torch)[index])
    assert ours == (theirs[0], theirs[1].replace("torch.", "retrograd."))


def test_assert_close_type_errors():
    with pytest.raises(TypeError, match="No comparison pair"):
        retrograd.testing.assert_close("a", "b")
    with pytest.raises(TypeError, match="No comparison pair"):
        retrograd.testing.assert_close(retrograd.tensor(1.0), 1.0)


def test_make_tensor_respects_range_and_dtype():
    t = retrograd.testing.make_tensor(3, 4, dtype=retrograd.float32, low=-1, high=1, requires_grad=True)
    assert t.shape == (3, 4) and t.dtype == retrograd.float32 and t.requires_grad
    assert float(t.min()) >= -1 and float(t.max()) <= 1
    i = retrograd.testing.make_tensor((5,), dtype=retrograd.int64, exclude_zero=True)
    assert i.dtype == retrograd.int64 and bool((i != 0).all())


def test_make_tensor_layouts_as_pytorch():
    make = retrograd.testing.make_tensor
    t = make(2, 3, 4, 5, dtype=retrograd.float32, memory_format=retrograd.channels_last, requires_grad=True)
    assert t.stride() == (60, 1, 15, 3) and t.is_leaf and t.requires_grad
    assert make(2, 3, 4, 5, dtype=retrograd.float32, noncontiguous=True).stride() == (120, 40, 10, 2)
    with pytest.raises(ValueError, match="mutually exclusive"):
        make(2, 3, 4, 5, dtype=retrograd.float32, noncontiguous=True, memory_format=retrograd.channels_last)


# --- torch.autograd names ---------------------------------------------------------------------


def test_gradient_edge_and_version():
    graph = retrograd.autograd.graph
    x = retrograd.ones(2, requires_grad=True)
    y = x * 2
    assert graph.get_gradient_edge(y) == (y.grad_fn, 0)
    assert "AccumulateGrad" in graph.get_gradient_edge(x).node.name()
    before = x._version
    graph.increment_version(x)
    assert x._version == before + 1
    with pytest.raises(RuntimeError, match="does not require gradients"):
        graph.get_gradient_edge(retrograd.ones(1))


def test_set_multithreading_enabled_restores():
    grad_mode = retrograd.autograd.grad_mode
    with retrograd.autograd.set_multithreading_enabled(False):
        assert not grad_mode.is_multithreading_enabled()
    assert grad_mode.is_multithreading_enabled()
