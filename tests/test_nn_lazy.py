"""Lazy modules, Uninitialized{Parameter,Buffer} and nn.Buffer, against PyTorch."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import retrograd as rg

LAZY_CASES = [
    ("LazyLinear", (3,), (2, 5)),
    ("LazyLinear", (3, False), (2, 4, 5)),
    ("LazyConv1d", (4, 3), (2, 3, 8)),
    ("LazyConv1d", (4, 3), (3, 8)),
    ("LazyConv2d", (4, 3), (1, 2, 6, 6)),
    ("LazyConv2d", (4, 3, 1, 1, 1, 2), (1, 4, 5, 5)),
    ("LazyConv3d", (2, 2), (1, 3, 4, 4, 4)),
    ("LazyConvTranspose1d", (2, 3), (1, 4, 5)),
    ("LazyConvTranspose2d", (2, 3, 1, 0, 0, 2), (1, 4, 5, 5)),
    ("LazyConvTranspose3d", (2, 2), (1, 3, 3, 3, 3)),
    ("LazyBatchNorm1d", (), (4, 3)),
    ("LazyBatchNorm2d", (), (2, 3, 4, 4)),
    ("LazyBatchNorm3d", (), (2, 3, 2, 2, 2)),
    ("LazyInstanceNorm1d", (), (2, 3, 5)),
    ("LazyInstanceNorm2d", (), (2, 3, 4, 4)),
    ("LazyInstanceNorm3d", (), (2, 3, 2, 2, 2)),
]


@pytest.mark.parametrize("name,args,shape", LAZY_CASES, ids=lambda c: str(c))
def test_lazy_module_vs_torch(name, args, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    seen = []
    for lib in (rg, torch):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(*args)
        before = (repr(m), [k for k in m.state_dict()], m.has_uninitialized_params())
        y = m(lib.tensor(x))
        seen.append((before, type(m).__name__, repr(m), y.detach().numpy(), m.state_dict()))
    (b_ours, cls_ours, r_ours, y_ours, sd_ours), (b_theirs, cls_theirs, r_theirs, y_theirs, sd_theirs) = seen
    assert b_ours == b_theirs and cls_ours == cls_theirs and r_ours == r_theirs
    np.testing.assert_allclose(y_ours, y_theirs, rtol=1e-5, atol=1e-6)  # same seed, same initial values
    assert list(sd_ours) == list(sd_theirs)
    for k in sd_ours:
        np.testing.assert_allclose(sd_ours[k].numpy(), sd_theirs[k].numpy(), rtol=1e-5, atol=1e-6)


def test_uninitialized_parameter_behaviour():
    m = rg.nn.LazyLinear(3)
    assert repr(m.weight) == "<UninitializedParameter>" and m.weight.requires_grad
    assert isinstance(m.weight, rg.nn.UninitializedParameter) and isinstance(m.weight, rg.nn.Parameter)
    assert m.weight.dtype == rg.float32 and str(m.weight.device) == "cpu"
    with pytest.raises(RuntimeError, match="Can't access the shape of an uninitialized parameter"):
        m.weight.shape
    with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
        m.weight + 1
    assert repr(m.state_dict()["bias"]) == "<UninitializedParameter>"
    assert isinstance(copy.deepcopy(m).weight, rg.nn.UninitializedParameter)
    m = rg.nn.LazyLinear(3).double()
    m(rg.ones(1, 2, dtype=rg.float64))
    assert m.weight.dtype == rg.float64 and type(m) is rg.nn.Linear
    b = rg.nn.UninitializedBuffer(dtype=rg.float64)
    b.materialize((2,))
    assert type(b) is rg.Tensor and b.shape == (2,) and b.dtype == rg.float64
    with pytest.raises(RuntimeError, match="Expected 3D \\(unbatched\\) or 4D \\(batched\\) input to LazyConv2d"):
        rg.nn.LazyConv2d(2, 3)(rg.ones(2, 5))


def test_uninitialized_parameter_data_is_an_empty_plain_tensor():
    # d2l's LinearRegression: `self.net.weight.data.normal_(0, 0.01)` on a LazyLinear does nothing
    m = rg.nn.LazyLinear(1)
    d = m.weight.data
    assert type(d) is rg.Tensor and d.shape == (0,) and d.dtype == rg.float32 and not d.requires_grad
    assert d.normal_(0, 0.01).shape == (0,)
    m.bias.data.fill_(0)
    assert isinstance(m.bias, rg.nn.UninitializedParameter)
    m = m.double()
    assert m(rg.ones(2, 3, dtype=rg.float64)).shape == (2, 1) and m.weight.dtype == rg.float64


def test_uninitialized_parameter_data_vs_torch():
    torch = pytest.importorskip("torch")
    for lib in (rg, torch):
        m = lib.nn.LazyLinear(1)
        d = m.weight.data
        m.weight.data.normal_(0, 0.01)
        m.bias.data.fill_(0)
        assert type(d) is lib.Tensor and tuple(d.shape) == (0,) and not d.requires_grad
        assert repr(m.bias) == "<UninitializedParameter>"
        assert tuple(m(lib.ones(2, 3)).shape) == (2, 1)


def test_requires_grad_method_is_refused_before_the_first_forward():
    m = rg.nn.LazyLinear(3)
    with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
        m.requires_grad_(False)
    with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
        rg.nn.UninitializedBuffer().requires_grad_()
    with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
        m.weight.numpy()  # (not the requires-grad RuntimeError)
    m.weight.requires_grad = False  # the attribute may be set, and stays set once materialized
    m(rg.ones(2, 4))
    assert not m.weight.requires_grad and m.bias.requires_grad
    assert m.requires_grad_(True) is m and m.weight.requires_grad


def test_requires_grad_method_before_the_first_forward_vs_torch():
    torch = pytest.importorskip("torch")
    for lib in (rg, torch):
        m = lib.nn.LazyLinear(3)
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            m.requires_grad_(False)
        with pytest.raises(ValueError, match="Attempted to use an uninitialized parameter"):
            m.weight.numpy()
        m.weight.requires_grad = False
        m(lib.ones(2, 4))
        assert (m.weight.requires_grad, m.bias.requires_grad) == (False, True)


def test_optimizers_built_before_the_first_forward_vs_torch():
    torch = pytest.importorskip("torch")
    for name in ["SGD", "Adam", "RMSprop", "Adagrad"]:
        outcomes = []
        for lib in (rg, torch):
            lib.manual_seed(0)
            m = lib.nn.LazyLinear(3)
            try:
                opt = getattr(lib.optim, name)(m.parameters(), lr=0.1)
                m(lib.ones(2, 4)).sum().backward()
                opt.step()
                outcomes.append(m.weight.detach().numpy())
            except ValueError as e:
                outcomes.append(str(e).split(" in ")[0].split(".")[0])
        if isinstance(outcomes[0], str):
            assert outcomes[0] == outcomes[1], name  # Adagrad builds its state at once: an error in both
        else:
            np.testing.assert_allclose(outcomes[0], outcomes[1], rtol=1e-5, atol=1e-6)


def test_lazy_state_dicts_load_both_ways():
    lazy_sd = rg.nn.Sequential(rg.nn.LazyLinear(3)).state_dict()
    other = rg.nn.Sequential(rg.nn.LazyLinear(3))
    other.load_state_dict(lazy_sd)  # lazy into lazy: still lazy
    assert other[0].has_uninitialized_params()
    with pytest.raises(RuntimeError, match="Can't access the shape"):
        rg.nn.Sequential(rg.nn.Linear(2, 3)).load_state_dict(lazy_sd)
    source = rg.nn.Linear(4, 3)
    m = rg.nn.LazyLinear(3)
    m.load_state_dict(source.state_dict())  # real tensors into lazy: materialized and copied
    assert type(m) is rg.nn.LazyLinear and not m.has_uninitialized_params()
    assert rg.equal(m.weight, source.weight)
    m(rg.ones(1, 4))
    assert type(m) is rg.nn.Linear and rg.equal(m.weight, source.weight)  # a forward does not re-draw them


def test_buffer_registers_vs_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (rg, torch):
        m = lib.nn.Module()
        m.x = lib.nn.Buffer(lib.ones(2), persistent=False)
        m.y = lib.nn.Buffer(lib.zeros(1))
        grad_kept = lib.nn.Buffer(lib.ones(1, requires_grad=True)).requires_grad
        names = (list(m._buffers), sorted(m._non_persistent_buffers_set), list(m.state_dict()))
        seen.append((names, type(m.x).__name__, lib.nn.Buffer().shape == (0,), grad_kept))
    assert seen[0] == seen[1]
    source = rg.ones(2)
    m = rg.nn.Module()
    m.b = rg.nn.Buffer(source)
    m.b.add_(1)
    assert source.tolist() == [2.0, 2.0]  # the buffer shares the memory


def test_uninitialized_buffer_assigned_registers_vs_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for lib in (rg, torch):
        m = lib.nn.Module()
        m.x = lib.nn.UninitializedBuffer(persistent=False)
        m.y = lib.nn.UninitializedBuffer()
        seen.append((list(m._buffers), sorted(m._non_persistent_buffers_set)))
    assert seen[0] == seen[1]
