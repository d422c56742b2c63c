"""gradient, as_strided and antialiased interpolate against PyTorch: values, dtypes and errors."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

torch = pytest.importorskip("torch")


def _both(fn):
    """(retrograd result or error, torch result or error) of fn(module)."""
    out = []
    for m in (rg, torch):
        try:
            out.append(fn(m))
        except Exception as e:  # noqa: BLE001 - the error itself is compared
            out.append(e)
    return out


def _same(ours, theirs):
    if isinstance(theirs, Exception):
        assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours}"
        assert str(ours) == str(theirs)
        return
    assert not isinstance(ours, Exception), f"{type(ours).__name__}: {ours}"
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        assert str(o.dtype).split(".")[-1] == str(t.dtype).split(".")[-1]
        assert tuple(o.shape) == tuple(t.shape)
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=1e-6, atol=1e-6)


def _grid(m):
    return m.arange(12.0).reshape(3, 4) ** 2


GRADIENT_CASES = {
    "default": lambda m: m.gradient(_grid(m)),
    "scalar": lambda m: m.gradient(_grid(m), spacing=2.0),
    "scalar-tensor": lambda m: m.gradient(_grid(m), spacing=m.tensor(2.0)),
    "scalars": lambda m: m.gradient(_grid(m), spacing=[2.0, 3.0]),
    "dims-reordered": lambda m: m.gradient(_grid(m), dim=[1, 0], spacing=[2.0, 3.0]),
    "scalar-dims": lambda m: m.gradient(_grid(m), dim=[1, 0], spacing=2),
    "int-input": lambda m: m.gradient(m.arange(5)),
    "int-coordinates": lambda m: m.gradient(m.arange(5), spacing=[m.tensor([0, 1, 3, 4, 8])]),
    "float32-float64-coordinates": lambda m: m.gradient(
        _grid(m), spacing=[m.tensor([0.0, 1, 3], dtype=m.float64)], dim=0
    ),
    "coordinates-edge2": lambda m: m.gradient(m.arange(5.0) ** 3, spacing=[m.tensor([0.0, 1, 3, 4, 8])], edge_order=2),
    "complex": lambda m: m.gradient(m.tensor([1 + 2j, 3 + 1j, 0j])),
    "empty-other-dim": lambda m: m.gradient(m.ones(0, 3), dim=1),
    "zero-dim": lambda m: m.gradient(m.tensor(1.0)),
    "size-1-other-dim": lambda m: m.gradient(m.ones(1, 4), dim=1),
    # errors
    "spacing-list-short": lambda m: m.gradient(_grid(m), spacing=[2.0]),
    "spacing-dim-lengths": lambda m: m.gradient(_grid(m), spacing=[1.0, 2.0], dim=0),
    "edge-order-3": lambda m: m.gradient(_grid(m), edge_order=3),
    "too-short-edge2": lambda m: m.gradient(m.ones(2, 4), edge_order=2),
    "too-short": lambda m: m.gradient(m.ones(1, 4)),
    "repeated-dim": lambda m: m.gradient(_grid(m), dim=(0, 0)),
    "dim-out-of-range": lambda m: m.gradient(_grid(m), dim=5),
    "coordinates-2d": lambda m: m.gradient(_grid(m), spacing=[m.tensor([[0.0, 1, 3, 4]])], dim=1),
    "coordinates-0d": lambda m: m.gradient(_grid(m), spacing=[m.tensor(2.0), m.tensor(3.0)]),
    "bool": lambda m: m.gradient(m.tensor([True, False, True])),
}


@pytest.mark.parametrize("name", list(GRADIENT_CASES))
def test_gradient_vs_torch(name):
    _same(*_both(GRADIENT_CASES[name]))


def test_gradient_mixed_spacing_is_a_type_error():
    for m in (rg, torch):
        with pytest.raises(TypeError):
            m.gradient(_grid(m), spacing=[m.tensor([0.0, 1, 3]), 2.0])
        with pytest.raises(TypeError):
            m.gradient(_grid(m), spacing=m.tensor([0.0, 1, 3]))


def test_gradient_flows_to_coordinates():
    grads = []
    for m in (rg, torch):
        x = m.tensor([0.0, 1.0, 3.0, 4.5, 8.0], requires_grad=True)
        y = m.tensor([1.0, -2.0, 0.5, 3.0, 2.0], requires_grad=True)
        (m.gradient(y, spacing=[x], edge_order=2)[0] ** 2).sum().backward()
        grads.append((x.grad.numpy(), y.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-6)


# --- as_strided ---------------------------------------------------------------------------------


def _geometry(r):
    if isinstance(r, Exception):
        return f"{type(r).__name__}: {r}"
    return r.detach().numpy().tolist(), tuple(r.stride()), r.storage_offset()


AS_STRIDED_CASES = {
    "overlapping": lambda m: m.as_strided(m.arange(10.0), (3, 3), (1, 1)),
    "offset": lambda m: m.as_strided(m.arange(10.0), (3, 3), (3, 1), 1),
    "default-offset-of-slice": lambda m: m.as_strided(m.arange(10.0)[2:], (3,), (2,)),
    "offset-zero-of-slice": lambda m: m.arange(10.0)[2:].as_strided((3,), (2,), 0),
    "transposed": lambda m: m.as_strided(m.arange(6.0).reshape(2, 3).t(), (2, 2), (1, 2)),
    "zero-dim": lambda m: m.as_strided(m.arange(10.0), (), (), 9),
    "int": lambda m: m.as_strided(m.tensor([1, 2, 3]), (2,), (1,)),
    "out-of-bounds": lambda m: m.as_strided(m.arange(10.0), (3, 4), (3, 1), 1),
    "out-of-bounds-zero-dim": lambda m: m.as_strided(m.arange(10.0), [], [], 10),
    "negative-offset": lambda m: m.as_strided(m.arange(10.0), (3, 4), (3, 1), -1),
    "negative-stride": lambda m: m.as_strided(m.arange(10.0), (3,), (-1,), 5),
    "negative-size": lambda m: m.as_strided(m.arange(10.0), (-3,), (1,), 5),
    "length-mismatch": lambda m: m.as_strided(m.arange(10.0), (3,), (1, 1), 5),
    "float-size": lambda m: m.as_strided(m.arange(10.0), (3.0,), (2,)),
    "int-size": lambda m: m.as_strided(m.arange(10.0), 3, 2),
    "scatter": lambda m: m.as_strided_scatter(m.arange(10.0), m.ones(3, 3) * 7, (3, 3), (3, 1), 1),
    "scatter-overlapping": lambda m: m.as_strided_scatter(m.arange(10.0), m.ones(3, 3) * 7, (3, 3), (1, 1), 1),
    "scatter-src-shape": lambda m: m.as_strided_scatter(m.arange(10.0), m.ones(3, 2), (3, 3), (3, 1), 1),
    "scatter-out-of-bounds": lambda m: m.as_strided_scatter(m.arange(10.0), m.ones(3), (3,), (1,), 9),
}


@pytest.mark.parametrize("name", list(AS_STRIDED_CASES))
def test_as_strided_vs_torch(name):
    ours, theirs = _both(AS_STRIDED_CASES[name])
    assert _geometry(ours) == _geometry(theirs)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.as_strided_scatter(m.arange(10.0)[2:], m.ones(2) * 7, (2,), (3,)),
        lambda m: m.as_strided_scatter(m.arange(6.0).reshape(2, 3).t(), m.tensor([10.0, 20.0]), (2,), (1,)),
    ],
)
def test_as_strided_scatter_values_of_views(make):
    ours, theirs = _both(make)  # the values; PyTorch's result keeps the input's strides, retrograd's is contiguous
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


def test_as_strided_is_a_view():
    for m in (rg, torch):
        z = m.arange(10.0)
        v = z.as_strided((3,), (2,), 1)
        v.mul_(100)
        assert z.tolist() == [0.0, 100.0, 2.0, 300.0, 4.0, 500.0, 6.0, 7.0, 8.0, 9.0]
        assert v._base is z


def test_as_strided_in_place():
    for m in (rg, torch):
        z = m.arange(10.0)
        assert z.as_strided_((3,), (2,), 1) is z
        assert (z.tolist(), z.stride(), z.storage_offset()) == ([1.0, 3.0, 5.0], (2,), 1)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            m.arange(6.0, requires_grad=True).as_strided_((2,), (2,))


@pytest.mark.parametrize(
    "view",
    [
        lambda a: a.as_strided((3, 3), (1, 1)),
        lambda a: a[1:].as_strided((2, 2), (1, 1), 0),
        lambda a: a.reshape(2, 3).t().as_strided((2, 2), (1, 1)),
        lambda a: a.expand(2, 6).as_strided((2, 2), (1, 1)),
        lambda a: (a * 2).as_strided((2, 2), (1, 1), 3),
    ],
)
def test_as_strided_gradient_vs_torch(view):
    grads = []
    for m in (rg, torch):
        a = m.arange(6.0, requires_grad=True)
        out = view(a)
        out.backward(m.arange(1.0, 1.0 + out.numel()).reshape(out.shape))
        grads.append(a.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


# --- interpolate(antialias=True) ------------------------------------------------------------------

AA_SIZES = [
    {"size": (4, 5)}, {"size": (6, 9)}, {"size": (13, 17)}, {"size": (20, 30)}, {"size": (3, 40)}, {"size": (1, 4)},
    {"scale_factor": 0.3}, {"scale_factor": (0.5, 2.5)}, {"scale_factor": 0.37, "recompute_scale_factor": True},
]  # fmt: skip


@pytest.mark.parametrize("mode", ["bilinear", "bicubic"])
@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize("kw", AA_SIZES, ids=str)
def test_interpolate_antialias_vs_torch(mode, align_corners, kw):
    a = np.random.default_rng(0).normal(size=(2, 3, 13, 17))
    results = []
    for m in (rg, torch):
        x = m.tensor(a, requires_grad=True)
        out = m.nn.functional.interpolate(x, mode=mode, align_corners=align_corners, antialias=True, **kw)
        (out * m.tensor(np.arange(out.numel()).reshape(out.shape) % 7)).sum().backward()
        results.append((out.detach().numpy(), x.grad.numpy(), type(out.grad_fn).__name__))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-9, atol=1e-12)
    assert results[0][2] == results[1][2]


def test_interpolate_antialias_float32():
    a = np.random.default_rng(1).normal(size=(1, 2, 11, 9)).astype(np.float32)
    ours = rg.nn.functional.interpolate(rg.tensor(a), size=(4, 20), mode="bicubic", antialias=True)
    theirs = torch.nn.functional.interpolate(torch.tensor(a), size=(4, 20), mode="bicubic", antialias=True)
    assert ours.dtype == rg.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), atol=1e-5)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=2, mode="nearest", antialias=True),
        lambda m: m.nn.functional.interpolate(m.ones(1, 4, 4), size=2, mode="bilinear", antialias=True),
        lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4, 4), size=2, mode="bicubic", antialias=True),
    ],
)
def test_interpolate_antialias_errors(make):
    ours, theirs = _both(make)
    assert type(ours) is type(theirs) and str(ours) == str(theirs)
