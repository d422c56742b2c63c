"""Container, NLLLoss2d, factory_kwargs, DataParallel, SyncBatchNorm (one process), CrossMapLRN2d vs PyTorch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg


def _warned(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    return out, [(w.category, str(w.message)) for w in caught]


def test_container_and_nllloss2d_vs_torch():
    torch = pytest.importorskip("torch")
    seen = []
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 4)).astype(np.float32)
    target = np.random.default_rng(1).integers(0, 3, (2, 4, 4))
    for lib in (rg, torch):
        container, w1 = _warned(lambda lib=lib: lib.nn.Container(a=lib.nn.Identity(), b=lib.nn.ReLU()))
        loss, w2 = _warned(lambda lib=lib: lib.nn.NLLLoss2d(ignore_index=1, reduction="sum"))
        value = loss(lib.tensor(x).log_softmax(1), lib.tensor(target)).item()
        seen.append((repr(container), w1, repr(loss), w2, isinstance(loss, lib.nn.NLLLoss), value))
    assert seen[0][:5] == seen[1][:5]
    assert seen[0][5] == pytest.approx(seen[1][5], rel=1e-6)


@pytest.mark.parametrize(
    "kwargs",
    [
        None,
        {},
        {"device": "cpu"},
        {"dtype": "D"},
        {"factory_kwargs": {"dtype": "D"}, "device": "cpu"},
        {"memory_format": None},
        {"foo": 1},
        {"dtype": "D", "factory_kwargs": {"dtype": "D"}},
    ],  # fmt: skip
)
def test_factory_kwargs_vs_torch(kwargs):
    torch = pytest.importorskip("torch")

    def run(lib):
        def fill(v):
            return lib.float64 if v == "D" else fill_dict(v) if isinstance(v, dict) else v

        def fill_dict(d):
            return {k: fill(v) for k, v in d.items()}

        try:
            return {k: str(v) for k, v in lib.nn.factory_kwargs(None if kwargs is None else fill_dict(kwargs)).items()}
        except TypeError as e:
            return str(e)

    ours, theirs = run(rg), run(torch)
    if isinstance(theirs, dict):
        assert ours == {k: v.replace("torch.", "retrograd.") for k, v in theirs.items()}
    else:
        assert ours == theirs


def test_data_parallel_wraps_the_module_vs_torch():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("compares the CPU-only behaviour")
    seen = []
    for lib in (rg, torch):
        lib.manual_seed(0)
        net = lib.nn.DataParallel(lib.nn.Linear(3, 2), dim=0)
        y = net(lib.ones(4, 3))
        seen.append((repr(net), net.device_ids, list(net.state_dict()), y.detach().numpy()))
    assert seen[0][:3] == seen[1][:3]
    np.testing.assert_allclose(seen[0][3], seen[1][3], rtol=1e-6)


def test_sync_batchnorm_on_one_process_is_batchnorm_vs_torch():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal((4, 3, 5)).astype(np.float32)
    seen = []
    for lib in (rg, torch):
        lib.manual_seed(0)
        net = lib.nn.Sequential(lib.nn.Conv1d(3, 3, 1), lib.nn.BatchNorm1d(3), lib.nn.Sequential(lib.nn.BatchNorm1d(3)))
        bn = net[1]
        net = lib.nn.SyncBatchNorm.convert_sync_batchnorm(net)
        assert net[1].weight is bn.weight and net[1].running_mean is bn.running_mean
        y = net(lib.tensor(x))
        y.sum().backward()
        seen.append((repr(net), y.detach().numpy(), net[1].running_var.numpy(), net[0].weight.grad.numpy()))
        with pytest.raises(ValueError) as e:
            lib.nn.SyncBatchNorm(3)(lib.ones(3))
        seen.append(str(e.value))
    assert seen[0][0] == seen[2][0] and seen[1] == seen[3]
    for ours, theirs in zip(seen[0][1:], seen[2][1:]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    assert isinstance(rg.nn.SyncBatchNorm.convert_sync_batchnorm(rg.nn.BatchNorm2d(2)), rg.nn.SyncBatchNorm)


def test_sync_batchnorm_lives_in_the_batchnorm_module():
    # timm's freeze() lists `torch.nn.modules.batchnorm.SyncBatchNorm` among the norms it freezes
    from retrograd.nn.modules import batchnorm

    assert batchnorm.SyncBatchNorm is rg.nn.SyncBatchNorm
    assert "SyncBatchNorm" in batchnorm.__all__
    assert rg.nn.SyncBatchNorm.__module__ == "retrograd.nn.modules.batchnorm"
    assert issubclass(batchnorm.SyncBatchNorm, batchnorm._BatchNorm)


def test_sync_batchnorm_module_path_vs_torch():
    torch = pytest.importorskip("torch")
    from retrograd.nn.modules import batchnorm

    assert torch.nn.SyncBatchNorm.__module__.replace("torch", "retrograd", 1) == rg.nn.SyncBatchNorm.__module__
    assert set(torch.nn.modules.batchnorm.__all__) - {"LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d"} <= set(
        batchnorm.__all__
    )


@pytest.mark.parametrize("size,channels", [(1, 3), (2, 4), (3, 3), (3, 6), (4, 9), (5, 9), (7, 2)])
def test_cross_map_lrn2d_forward_vs_torch(size, channels):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(size).standard_normal((2, channels, 3, 3))
    ours = rg.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=1.0)
    theirs = torch.nn.CrossMapLRN2d(size, alpha=0.5, beta=0.75, k=1.0)
    assert repr(ours) == repr(theirs)
    np.testing.assert_allclose(ours(rg.tensor(x)).numpy(), theirs(torch.tensor(x)).numpy(), rtol=1e-12, atol=1e-14)


def test_cross_map_lrn2d_gradients_and_errors():
    x = rg.randn(2, 5, 2, 2, dtype=rg.float64, requires_grad=True)
    m = rg.nn.CrossMapLRN2d(3, alpha=0.5, beta=0.75, k=1.0)
    assert rg.autograd.gradcheck(m, (x,)) and rg.autograd.gradgradcheck(m, (x,))
    with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D, got 3D instead."):
        m(rg.ones(3, 2, 2))


def _scatter_gather_on_cpu(lib):
    """What torch.nn.parallel.scatter_gather does without CUDA: non-tensors repeat, CPU tensors do not gather."""
    from importlib import import_module

    sg = import_module(f"{lib.__name__}.nn.parallel.scatter_gather")
    repeated = sg.scatter((3, "a"), [0, 1]), sg.scatter({"k": 1}, [0]), sg.scatter([], [0, 1])
    with pytest.raises(AssertionError) as e:
        sg.gather([lib.ones(2)], "cpu")
    nested = sg.gather([None], "cpu"), sg.gather([(None,)], "cpu")
    return repeated, str(e.value), nested, sorted(sg.__all__), lib.nn.parallel.scatter is sg.scatter


def test_scatter_gather_without_cuda():
    assert _scatter_gather_on_cpu(rg) == (
        ([(3, "a"), (3, "a")], [{"k": 1}], [[], []]),
        "Gather function not implemented for CPU tensors",
        (None, (None,)),
        ["gather", "scatter", "scatter_kwargs"],
        True,
    )


def test_scatter_gather_without_cuda_vs_torch():
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("compares the CPU-only behaviour")
    assert _scatter_gather_on_cpu(rg) == _scatter_gather_on_cpu(torch)
