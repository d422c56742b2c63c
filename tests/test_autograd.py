"""Autograd semantics: leaves, .grad, backward/grad options, grad modes, hooks, errors."""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import grad


def leaf(values, dtype=rg.float64):
    return rg.tensor(values, dtype=dtype, requires_grad=True)


# --- leaves, requires_grad and .grad --------------------------------------------------------


def test_requires_grad_propagates_and_leaves_are_leaves():
    x = leaf([1.0, 2.0])
    c = rg.tensor([3.0, 4.0])
    y = x * c
    assert x.is_leaf and c.is_leaf and not y.is_leaf
    assert y.requires_grad and not c.requires_grad
    assert (c * 2).grad_fn is None and (c * 2).is_leaf


def test_grad_is_none_until_backward_then_accumulates():
    x = leaf([1.0, 2.0])
    assert x.grad is None
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])
    first = x.grad
    (x * 3).sum().backward()
    assert x.grad is first  # accumulated in place
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 7.0])
    x.grad.zero_()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.0])
    x.grad = None
    (x * 2).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])


def test_grad_setter_validates():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"attempting to assign a gradient of size '\[3\]' to a tensor of size"):
        x.grad = rg.zeros(3, dtype=rg.float64)
    with pytest.raises(RuntimeError, match="a gradient with dtype 'float' to a tensor with grad_dtype 'Double'"):
        x.grad = rg.zeros(2)
    x.grad = rg.ones(2, dtype=rg.float64)
    assert x.grad.tolist() == [1.0, 1.0]


def test_gradients_of_shared_inputs_are_separate_tensors():
    x, y = leaf([1.0]), leaf([2.0])
    (x + y).sum().backward()
    assert x.grad is not y.grad
    x.grad.zero_()
    assert y.grad.tolist() == [1.0]


def test_grad_dtype_matches_input_dtype():
    x = leaf([1.0, 2.0], rg.float32)
    y = leaf([1.0, 2.0], rg.float64)
    (x * y).sum().backward()
    assert x.grad.dtype == rg.float32 and y.grad.dtype == rg.float64


def test_requires_grad_errors():
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype can require gradients"):
        rg.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="^only Tensors of floating point dtype can require gradients"):
        rg.tensor([1, 2]).requires_grad_()
    with pytest.raises(RuntimeError, match="^only Tensors of floating point and complex dtype can require gradients"):
        rg.tensor([1, 2]).requires_grad = True
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf variables"):
        y.requires_grad = False
    y.requires_grad_(True)  # already true: allowed


def test_reading_grad_of_non_leaf_warns():
    y = leaf([1.0]) * 2
    with pytest.warns(UserWarning, match="is not a leaf Tensor"):
        assert y.grad is None
    y.retain_grad()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y.sum().backward()
        assert y.grad.tolist() == [1.0]
        assert y.retains_grad


# --- grad_fn ------------------------------------------------------------------------------------


def test_grad_fn_names_and_next_functions():
    x = leaf([1.0, 2.0])
    y = (x * 2).exp().sum()
    assert y.grad_fn.name() == "SumBackward0"
    exp_node = y.grad_fn.next_functions[0][0]
    assert exp_node.name() == "ExpBackward0"
    mul_node = exp_node.next_functions[0][0]
    assert mul_node.name() == "MulBackward0"
    acc, nr = mul_node.next_functions[0]
    assert acc.name() == "torch::autograd::AccumulateGrad" and acc.variable is x and nr == 0
    assert repr(acc).startswith("<AccumulateGrad object at 0x")
    assert mul_node.next_functions[1] == (None, 0)  # the constant 2
    assert (x**2).grad_fn.name() == "PowBackward0"
    assert repr(y.grad_fn).startswith("<SumBackward0 object at 0x")


def test_grad_fn_names_spelled_as_pytorchs():
    # PyTorch capitalises the parts of these names: Log1P, Deg2Rad, Rad2Deg
    x = leaf([0.5, 1.0])
    assert type(x.log1p().grad_fn).__name__ == "Log1PBackward0"
    assert type(rg.special.log1p(x).grad_fn).__name__ == "Log1PBackward0"
    assert x.deg2rad().grad_fn.name() == "Deg2RadBackward0"
    assert x.rad2deg().grad_fn.name() == "Rad2DegBackward0"
    # fmod and remainder: a number divisor is overload 0, a tensor one (0-d too) overload 1
    y = leaf([2.0, 0.75])
    assert rg.fmod(x, 2).grad_fn.name() == "FmodBackward0" and rg.fmod(x, y).grad_fn.name() == "FmodBackward1"
    assert (x % 2).grad_fn.name() == "RemainderBackward0" and (x % y).grad_fn.name() == "RemainderBackward1"
    assert rg.remainder(x, rg.tensor(2.0)).grad_fn.name() == "RemainderBackward1"
    ((x % y).sum() + rg.fmod(x, y).sum()).backward()
    assert x.grad.tolist() == [2.0, 2.0] and y.grad.tolist() == [0.0, -2.0]  # -floor(a/b) - trunc(a/b)


def test_grad_fn_names_spelled_as_pytorchs_vs_torch():
    torch = pytest.importorskip("torch")
    for name in ("log1p", "deg2rad", "rad2deg", "expm1", "exp2", "log2", "log10"):
        got = getattr(rg, name)(leaf([0.5, 1.0])).grad_fn.name()
        expected = getattr(torch, name)(torch.tensor([0.5, 1.0], requires_grad=True)).grad_fn.name()
        assert got == expected, name
    for name in ("fmod", "remainder"):
        for other in (2, 2.5, "tensor", "0-d"):
            ours = {"tensor": leaf([2.0, 0.75]), "0-d": rg.tensor(2.0)}.get(other, other)
            theirs = {"tensor": torch.tensor([2.0, 0.75], requires_grad=True), "0-d": torch.tensor(2.0)}.get(
                other, other
            )
            got = getattr(rg, name)(leaf([0.5, 1.0]), ours).grad_fn.name()
            expected = getattr(torch, name)(torch.tensor([0.5, 1.0], requires_grad=True), theirs).grad_fn.name()
            assert got == expected, (name, other)


VIEW_DERIVATIVES = {  # a view's derivative under create_graph, recorded as PyTorch's op for it
    "unsqueeze": (lambda t: t.unsqueeze(1), "SqueezeBackward1"),
    "squeeze_dim": (lambda t: t.unsqueeze(0).squeeze(0), "SqueezeBackward1", "UnsqueezeBackward0"),
    "squeeze": (lambda t: t.unsqueeze(0).squeeze(), "SqueezeBackward1", "UnsqueezeBackward0"),
    "select": (lambda t: t[0], "SelectBackwardBackward0"),
    "slice": (lambda t: t[:, 1:], "SliceBackwardBackward0"),
}


def view_derivative_nodes(m, name):
    """The node of d/dx <view(x), w> under create_graph, then its first recorded input's."""
    x = m.ones(2, 3, requires_grad=True)
    y = VIEW_DERIVATIVES[name][0](x)
    (g,) = m.autograd.grad((y * m.ones(y.shape, requires_grad=True)).sum(), x, create_graph=True)
    first = g.grad_fn.next_functions[0][0]
    return g.grad_fn.name(), first.name()


@pytest.mark.parametrize("name", VIEW_DERIVATIVES)
def test_view_derivatives_are_recorded_as_pytorchs_ops(name):
    node, inner = view_derivative_nodes(rg, name)
    expected = VIEW_DERIVATIVES[name][1:]
    assert node == expected[0]
    assert len(expected) == 1 or inner == expected[1]


# The gradient of a gather-like read is recorded under the op PyTorch computes it with
INDEX_DERIVATIVES = {
    "index": (lambda m, t: t[m.tensor([0, 1, 0])], "IndexPutImplBackward0"),
    "mask": (lambda m, t: t[t > 0], "IndexPutImplBackward0"),
    "index_select": (lambda m, t: t.index_select(1, m.tensor([2, 0])), "IndexAddBackward0"),
    "gather": (lambda m, t: t.gather(1, m.tensor([[0], [2]])), "ScatterAddBackward0"),
    "masked_select": (lambda m, t: t.masked_select(t > 0), "MaskedScatterBackward0"),
    "take": (lambda m, t: t.take(m.tensor([5, 0])), "PutBackward0"),
}


def index_derivative_node(m, name):
    """The node of d/dx Σ read(x)² under create_graph."""
    x = m.ones(2, 3, requires_grad=True)
    (g,) = m.autograd.grad(INDEX_DERIVATIVES[name][0](m, x).pow(2).sum(), x, create_graph=True)
    return g.grad_fn.name()


@pytest.mark.parametrize("name", INDEX_DERIVATIVES)
def test_index_derivatives_are_recorded_as_pytorchs_ops(name):
    assert index_derivative_node(rg, name) == INDEX_DERIVATIVES[name][1]


@pytest.mark.parametrize("name", INDEX_DERIVATIVES)
def test_index_derivative_nodes_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert index_derivative_node(torch, name) == INDEX_DERIVATIVES[name][1]


def _leaf_node_story(m):
    x = m.tensor([1.0, 2.0], requires_grad=True)
    acc = (x * 2).grad_fn.next_functions[0][0]
    return acc.name(), type(acc).__name__, repr(acc).split(" object at ")[0]


def test_accumulate_grad_name_is_pytorchs_cpp_name():
    assert _leaf_node_story(rg) == ("torch::autograd::AccumulateGrad", "AccumulateGrad", "<AccumulateGrad")


def test_accumulate_grad_name_matches_pytorch():
    torch = pytest.importorskip("torch")
    assert _leaf_node_story(rg) == _leaf_node_story(torch)


def test_accumulate_grad_node_is_shared_by_uses_of_a_leaf():
    x = leaf([1.0])
    a, b = x * 2, x * 3
    assert a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]


# --- backward options -----------------------------------------------------------------------------


def test_backward_with_gradient_argument():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(rg.tensor([1.0, 0.5, 0.0], dtype=rg.float64))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 0.0])


def test_backward_errors():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match="Mismatch in shape"):
        (x * 2).backward(rg.ones(3, dtype=rg.float64))
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        rg.tensor([1.0]).sum().backward()


def _backward_without_grad_errors(m):
    """Without requires_grad, PyTorch names the missing graph before the shape or dtype of the output."""
    errors = []
    for t in [m.ones(3), m.ones(3, dtype=m.complex64), m.tensor(1j), m.tensor([1, 2])]:
        for call in [t.backward, lambda t=t: m.autograd.grad(t, m.ones(1, requires_grad=True))]:
            with pytest.raises(RuntimeError) as info:
                call()
            errors.append(str(info.value))
    return errors


def test_backward_of_an_output_without_grad_names_the_missing_graph():
    missing = "element 0 of tensors does not require grad and does not have a grad_fn"
    assert _backward_without_grad_errors(rg) == [missing] * 8


def test_backward_without_grad_errors_as_pytorch():
    torch = pytest.importorskip("torch")
    assert _backward_without_grad_errors(rg) == _backward_without_grad_errors(torch)


def _complex_grad_output_errors(m):
    """A real gradient for a complex output (or a complex one for a real output) is refused: it would
    silently drop the imaginary part of the chain rule."""
    z = m.tensor([1 + 2j, -0.5 + 0.3j], requires_grad=True)
    x = m.tensor([1.0, 2.0], requires_grad=True)
    errors = []
    for call in [
        lambda: m.autograd.grad(z * z, z, grad_outputs=m.ones(2)),
        lambda: (z * z).backward(m.ones(2)),
        lambda: (x * 2).backward(m.ones(2, dtype=m.complex64)),
        # (scalars with different values: PyTorch finds the index with list.index, which compares by ==)
        lambda: m.autograd.grad((x.sum(), z.sum()), (x, z), (m.tensor(1.0), m.tensor(2.0, dtype=m.float64))),
    ]:
        with pytest.raises(RuntimeError) as info:
            call()
        errors.append(str(info.value))
    # a gradient of another real (or complex) dtype is fine, as in PyTorch
    (z * 2).backward(m.ones(2, dtype=m.complex128))
    (x * 2).backward(m.ones(2, dtype=m.float64))
    return errors, z.grad.tolist(), x.grad.tolist()


def test_complex_output_needs_a_complex_grad_output():
    errors, z_grad, x_grad = _complex_grad_output_errors(rg)
    mismatch = (
        "For complex Tensors, both grad_output and output are required to have the same dtype. Mismatch in dtype: "
    )
    assert errors == [
        mismatch + "grad_output[0] has a dtype of retrograd.float32 and output[0] has a dtype of retrograd.complex64.",
        mismatch + "grad_output[0] has a dtype of retrograd.float32 and output[0] has a dtype of retrograd.complex64.",
        mismatch + "grad_output[0] has a dtype of retrograd.complex64 and output[0] has a dtype of retrograd.float32.",
        mismatch + "grad_output[1] has a dtype of retrograd.float64 and output[1] has a dtype of retrograd.complex64.",
    ]
    assert (z_grad, x_grad) == ([2 + 0j, 2 + 0j], [2.0, 2.0])


def test_complex_output_grad_output_errors_as_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _complex_grad_output_errors(rg), _complex_grad_output_errors(torch)
    assert [e.replace("retrograd.", "torch.") for e in ours[0]] == theirs[0]
    assert ours[1:] == theirs[1:]


def test_retain_graph_and_freed_graph_error():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * (np.exp([1.0, 2.0]) * (1 + np.array([1.0, 2.0]))))
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.backward()


@pytest.mark.parametrize(
    "make, raises",
    [
        (lambda x: x * 3, True),  # PyTorch saves the number as a tensor: freed after the first backward
        (lambda x: 3 * x, True),
        (lambda x: x / 3, True),
        (lambda x: x.mul(3), True),
        (lambda x: x + 3, False),  # nothing saved: a second backward works, as in PyTorch
        (lambda x: x - 3, False),
    ],
)
def test_second_backward_through_a_number_operand(make, raises):
    x = leaf([1.0, 2.0])
    y = make(x).sum()
    y.backward(retain_graph=True)
    y.backward()  # retained: works
    if raises:
        with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
            y.backward()
    else:
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])


# Ops whose indices, mask or condition PyTorch saves as tensors: a second backward through the
# node raises once the first has freed them (a detection loop reusing `feat[batch_idx]` for two
# `autograd.grad` calls). Slicing saves nothing and keeps working, in both.
_SAVED_INDEX_OPS = {
    "index": lambda m, x: x[m.tensor([0, 0, 2])],
    "index_bool": lambda m, x: x[m.tensor([True, False, True, False])],
    "index_select": lambda m, x: x.index_select(1, m.tensor([0, 2])),
    "gather": lambda m, x: x.gather(0, m.tensor([[0, 1, 3]])),
    "take": lambda m, x: x.take(m.tensor([0, 5])),
    "masked_select": lambda m, x: x.masked_select(x > 0),
    "masked_fill": lambda m, x: x.masked_fill(x > 0, 0.0),
    "where": lambda m, x: m.where(x > 0, x, 0.0),
    "index_put": lambda m, x: x.index_put((m.tensor([1, 1]),), m.tensor(2.0, dtype=x.dtype), accumulate=True),
    "scatter_add": lambda m, x: x.scatter_add(0, m.tensor([[0, 1, 0]]), x[:1]),
    "scatter_reduce": lambda m, x: x.scatter_reduce(0, m.tensor([[0, 1, 0]]), x[1:2], "amax"),
    "index_add": lambda m, x: x.index_add(0, m.tensor([0, 0]), x[:2]),
    "embedding": lambda m, x: m.nn.functional.embedding(m.tensor([0, 3]), x),
    "sort": lambda m, x: x.sort(0)[0],
    "topk": lambda m, x: x.topk(2)[0],
    "max_dim": lambda m, x: x.max(1)[0],
    "slice": lambda m, x: x[1:3],
}


def _second_backward_outcomes(m):
    outcomes = {}
    for name, make in _SAVED_INDEX_OPS.items():
        x = m.tensor(np.linspace(-1.0, 1.0, 12).reshape(4, 3), requires_grad=True)
        y = make(m, x).sum()
        m.autograd.grad(y, x)
        try:
            m.autograd.grad(y, x)
            outcomes[name] = "ok"
        except RuntimeError as e:
            outcomes[name] = str(e)[:50]
    return outcomes


def test_second_backward_through_saved_indices_raises():
    outcomes = _second_backward_outcomes(rg)
    assert outcomes.pop("slice") == "ok"
    assert set(outcomes.values()) == {"Trying to backward through the graph a second time"}


def test_second_backward_through_saved_indices_vs_torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    assert _second_backward_outcomes(rg) == _second_backward_outcomes(torch)


def test_backward_inputs_restricts_accumulation():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x * w).sum().backward(inputs=[x])
    assert w.grad is None
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0])


def test_autograd_backward_function():
    x = leaf([1.0, 2.0])
    rg.autograd.backward([(x * 2).sum(), (x * x).sum()])
    np.testing.assert_allclose(x.grad.numpy(), [4.0, 6.0])


def _grad_variables_calls(lib):
    """autograd.backward's deprecated `grad_variables` (fifth, before `inputs`): what each call gives."""
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(FutureWarning, match=r"^`grad_variables` is deprecated. Use `grad_tensors` instead.$"):
        lib.autograd.backward((x * 3).sum(), grad_variables=lib.tensor(2.0))
    first = x.grad.tolist()
    with pytest.warns(FutureWarning), pytest.raises(RuntimeError) as both:
        lib.autograd.backward((x * 3).sum(), lib.tensor(1.0), None, False, lib.tensor(2.0))
    x.grad = None
    (x * 5).sum().backward(None, None, False, [x])  # Tensor.backward's fourth is `inputs`
    return first, str(both.value), x.grad.tolist()


_GRAD_VARIABLES = (
    [6.0, 6.0],
    "`grad_tensors` and `grad_variables` (deprecated) arguments both passed to `backward()`. Please only use "
    "`grad_tensors`.",
    [5.0, 5.0],
)


def test_autograd_backward_takes_the_deprecated_grad_variables():
    assert _grad_variables_calls(rg) == _GRAD_VARIABLES


def test_autograd_backward_grad_variables_vs_torch():
    torch = pytest.importorskip("torch")
    assert _grad_variables_calls(torch) == _GRAD_VARIABLES


def test_grad_function_options():
    x, y, unused = leaf([1.0, 2.0]), leaf([3.0]), leaf([5.0])
    out = (x * y).sum()
    gx, gy = grad(out, (x, y), retain_graph=True)
    np.testing.assert_allclose(gx.numpy(), [3.0, 3.0])
    np.testing.assert_allclose(gy.numpy(), [3.0])
    assert x.grad is None  # grad() never touches .grad
    with pytest.raises(RuntimeError, match="The differentiated Tensor at index 1 appears to not have been used"):
        grad(out, [x, unused], retain_graph=True)
    gx, gu = grad(out, [x, unused], allow_unused=True, retain_graph=True)
    assert gu is None
    gx, gu = grad(out, [x, unused], materialize_grads=True, retain_graph=True)
    assert gu.tolist() == [0.0]
    (gx,) = grad(x * 2, x, grad_outputs=rg.tensor([1.0, -1.0], dtype=rg.float64))
    assert gx.tolist() == [2.0, -2.0]


def test_grad_of_non_leaf_input():
    x = leaf([1.0, 2.0])
    h = x * 3
    out = (h * h).sum()
    (gh,) = grad(out, h)
    np.testing.assert_allclose(gh.numpy(), 2 * h.detach().numpy())


# --- higher order ---------------------------------------------------------------------------------


def test_fourth_derivative():
    x = leaf(1.5)
    y = x**5
    d = y
    for expected in [5 * 1.5**4, 20 * 1.5**3, 60 * 1.5**2, 120 * 1.5]:
        (d,) = grad(d, x, create_graph=True)
        assert d.item() == pytest.approx(expected)
    (d5,) = grad(d, x)
    assert d5.item() == pytest.approx(120.0)


def test_fourth_derivative_of_transcendental_chain():
    x = leaf(0.3)
    d = x.sin() * x.exp()
    for _ in range(4):
        (d,) = grad(d, x, create_graph=True)
    # d⁴/dx⁴ (eˣ sin x) = -4 eˣ sin x
    assert d.item() == pytest.approx(-4 * np.exp(0.3) * np.sin(0.3))


def test_mixed_partials_are_symmetric():
    x, y = leaf(0.7), leaf(-1.2)
    f = (x * x * y).sin() + x * y.exp()
    (fx,) = grad(f, x, create_graph=True)
    (fy,) = grad(f, y, create_graph=True)
    (fxy,) = grad(fx, y, retain_graph=True)
    (fyx,) = grad(fy, x)
    assert fxy.item() == pytest.approx(fyx.item())
    u = 0.7**2 * -1.2
    expected = 2 * 0.7 * np.cos(u) - 0.7**2 * -1.2 * np.sin(u) * 2 * 0.7 + np.exp(-1.2)
    assert fxy.item() == pytest.approx(expected)


def test_create_graph_backward_builds_differentiable_grad():
    x = leaf([1.0, 2.0])
    (x**3).sum().backward(create_graph=True)
    assert x.grad.requires_grad
    g = x.grad
    x.grad = None
    g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0, 12.0])


def _linear_weight_grad_under_create_graph(m):
    w = m.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    x = m.tensor([[1.0, -1.0], [0.5, 2.0]])
    m.nn.functional.linear(x, w).pow(2).sum().backward(create_graph=True)
    return w.grad


def test_create_graph_grad_is_a_recorded_copy_not_a_view():
    # the weight's gradient arrives as a transpose (a view); .grad is a copy of it, recorded as
    # PyTorch's CopyBackwards, so an optimizer's `p.grad.detach_()` (torch-optimizer's Adahessian) works
    g = _linear_weight_grad_under_create_graph(rg)
    assert not g._is_view() and g.is_contiguous()
    assert type(g.grad_fn).__name__ == "CopyBackwards"
    np.testing.assert_allclose(g.detach().numpy(), [[2.5, 20.0], [7.5, 40.0], [12.5, 60.0]])  # 2 Σ_n y_ni x_nj
    g.detach_()
    assert not g.requires_grad


@pytest.mark.pytorch
def test_create_graph_grad_is_a_recorded_copy_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _linear_weight_grad_under_create_graph(rg), _linear_weight_grad_under_create_graph(torch)
    assert (ours._is_view(), type(ours.grad_fn).__name__, ours.stride()) == (
        theirs._is_view(), type(theirs.grad_fn).__name__, theirs.stride())
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy())


def _accumulate_into_recorded_grad(m):
    # backward(create_graph=True) leaves a recorded .grad; a plain backward then adds into it
    w = m.tensor([1.0, -2.0, 0.5], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (w**3).sum().backward(create_graph=True)
    first = w.grad
    w.grad.sum().backward()
    return first, w.grad


def test_plain_backward_adds_into_a_recorded_grad_in_place():
    # PyTorch's AccumulateGrad adds in place when grad mode is off (no create_graph), even into a
    # gradient that carries a graph: .grad stays the same tensor, still recorded as CopyBackwards
    first, after = _accumulate_into_recorded_grad(rg)
    assert after is first and type(after.grad_fn).__name__ == "CopyBackwards"
    np.testing.assert_allclose(after.detach().numpy(), [3.0 + 6.0, 12.0 - 12.0, 0.75 + 3.0])


@pytest.mark.pytorch
def test_plain_backward_adds_into_a_recorded_grad_vs_torch():
    torch = pytest.importorskip("torch")
    (f1, a1), (f2, a2) = _accumulate_into_recorded_grad(rg), _accumulate_into_recorded_grad(torch)
    assert (a1 is f1, repr(a1)) == (a2 is f2, repr(a2))


# --- graph shapes ------------------------------------------------------------------------------------


def test_diamond_and_reuse():
    x = leaf(2.0)
    a = x * 3
    b = a.exp()
    c = a * a
    (b + c).backward()
    assert x.grad.item() == pytest.approx(3 * np.exp(6.0) + 2 * 6.0 * 3)
    y = leaf(3.0)
    (y * y * y).backward()
    assert y.grad.item() == pytest.approx(27.0)


def test_million_op_chain_backward_without_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad.item() == pytest.approx(1.0000001**1_000_000)


# --- grad modes --------------------------------------------------------------------------------------


def test_no_grad_enable_grad_nesting_and_decorators():
    x = leaf([1.0])
    with rg.no_grad():
        assert not (x * 2).requires_grad
        with rg.enable_grad():
            assert (x * 2).requires_grad
        assert not rg.is_grad_enabled()
    assert rg.is_grad_enabled()

    @rg.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    with rg.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert (x * 2).requires_grad
    rg.set_grad_enabled(False)
    assert not rg.is_grad_enabled()
    rg.set_grad_enabled(True)
    with rg.inference_mode():
        assert not (x * 2).requires_grad
    with rg.inference_mode(False):
        assert (x * 2).requires_grad


def grad_mode_decorators_story(m):
    """The managers as bare decorators (`@no_grad`, no parentheses) and their reprs."""
    x = m.ones(1, requires_grad=True)

    @m.no_grad
    def off(t):
        return t * 2

    @m.enable_grad
    def on(t):
        return t * 2

    @m.inference_mode
    def inferred(t):
        return t * 2

    with m.no_grad():
        on_inside_no_grad = on(x).requires_grad
    mode = m.set_grad_enabled(False)
    shown = repr(mode).replace(m.__name__ + ".", "torch.")
    m.set_grad_enabled(True)
    managers = [type(c()).__module__.replace(m.__name__ + ".", "torch.") for c in (m.no_grad, m.enable_grad)]
    return [off(x).requires_grad, on_inside_no_grad, inferred(x).is_inference(), off.__name__, shown, managers]


def test_grad_mode_bare_decorators_as_pytorch():
    story = grad_mode_decorators_story(rg)
    assert story == [False, True, True, "off", "torch.autograd.grad_mode.set_grad_enabled(mode=False)",
                     ["torch.autograd.grad_mode", "torch.autograd.grad_mode"]]
    torch = pytest.importorskip("torch")
    assert story == grad_mode_decorators_story(torch)


SAVE_REFUSAL = (
    "Inference tensors cannot be saved for backward. Please do not use Tensors created in inference mode in "
    "computation tracked by autograd. To work around this, you can make a clone to get a normal tensor and use "
    "it in autograd, or use `torch.no_grad()` instead of `torch.inference_mode()`."
)
INPLACE_REFUSAL = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a clone to get a normal "
    "tensor before doing inplace update.See https://github.com/pytorch/rfcs/pull/17 for more details."
)


def inference_tensor_story(m):
    """Which tensors are inference tensors, and what each use of one outside the mode gives."""

    def outcome(f):
        try:
            value = f()
            return value.tolist() if isinstance(value, m.Tensor) else value
        except Exception as e:  # noqa: BLE001 - the outcome is compared, whatever it is
            return type(e).__name__, str(e)

    a, w = m.ones(2), m.ones(2, requires_grad=True)
    with m.inference_mode():
        b, c, d = m.ones(2), a * 2, w * 2
        inside = [b.is_inference(), c.is_inference(), d.is_inference(), d.requires_grad, a.is_inference(),
                  outcome(lambda: b.add_(1)), b[:1].is_inference()]
        with m.inference_mode(False):
            off = [m.ones(1).is_inference(), m.is_inference_mode_enabled(), m.is_grad_enabled(),
                   outcome(lambda: b * w), outcome(lambda: b.add_(1))]
        with m.enable_grad():  # grad mode on, but inference mode still records nothing
            e = w * 2
            regrad = [m.is_grad_enabled(), e.requires_grad, e.grad_fn is None, e.is_inference()]
        with m.set_grad_enabled(True):
            regrad += [m.is_grad_enabled(), (w * 2).requires_grad]
        regrad.append(m.is_grad_enabled())
    with m.inference_mode(False):
        made_off = m.ones(1)
    with m.no_grad():
        made_no_grad = m.ones(1)
    outside = [
        made_off.is_inference(), made_no_grad.is_inference(), b.is_inference(), m.is_inference(b),
        outcome(lambda: w * b), outcome(lambda: (b + w).requires_grad), outcome(lambda: (b * 2).is_inference()),
        outcome(lambda: b.clone().is_inference()), outcome(lambda: b.detach().is_inference()),
        outcome(lambda: b.view(2).is_inference()), outcome(lambda: b.mul_(2)), outcome(lambda: b[:1].zero_()),
        outcome(lambda: b.copy_(a)), outcome(lambda: b.requires_grad_()), outcome(lambda: b._version),
        outcome(lambda: m.is_inference(3)),
    ]
    return inside, off, regrad, outside


def test_inference_tensors_as_pytorch():
    torch = pytest.importorskip("torch")
    assert inference_tensor_story(rg) == inference_tensor_story(torch)


def test_inference_tensors():
    inside, off, regrad, outside = inference_tensor_story(rg)
    assert inside == [True, True, True, False, False, [2.0, 2.0], True]  # in-place on one inside the mode is fine
    assert regrad == [True, False, True, True, True, False, False]
    assert off == [False, False, True, ("RuntimeError", SAVE_REFUSAL), ("RuntimeError", INPLACE_REFUSAL)]
    refused = ("RuntimeError", INPLACE_REFUSAL)
    assert outside == [
        False, False, True, True,
        ("RuntimeError", SAVE_REFUSAL), True, False, False, True, True,
        refused, refused, refused,  # PyTorch refuses after writing, at the version bump: so does retrograd
        ("RuntimeError", "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed."),
        ("RuntimeError", "Inference tensors do not track version counter."),
        ("TypeError", "is_inference(): argument 'input' (position 1) must be Tensor, not int"),
    ]


def inference_index_story(m):
    """What ops that keep an index or target for their backward do with an inference one: refuse it
    when they record (PyTorch saves it), use it when nothing records."""
    F = m.nn.functional
    with m.inference_mode():
        tokens = m.tensor([0, 2, 1])  # e.g. ids sampled under inference_mode, then trained on
    w = m.ones(3, 4, requires_grad=True)
    calls = {
        "embedding": lambda: F.embedding(tokens, w),
        "cross_entropy": lambda: F.cross_entropy(w, tokens),
        "nll_loss": lambda: F.nll_loss(w, tokens),
        "gather": lambda: w.gather(1, tokens.view(3, 1)),
        "scatter": lambda: m.zeros(3, 4).scatter(1, tokens.view(3, 1), w),
        "index_select": lambda: w.index_select(0, tokens),
        "index_add": lambda: m.zeros(3, 4).index_add(0, tokens, w),
        "take_along_dim": lambda: m.take_along_dim(w, tokens.view(3, 1), 1),  # PyTorch's helper copies it
    }
    story = {}
    for name, call in calls.items():
        try:
            call()
            story[name] = "ok"
        except RuntimeError as e:
            story[name] = str(e)
        with m.no_grad():
            call()  # nothing records: nothing to refuse
    return story


def test_inference_indices_refused_where_they_would_be_saved():
    story = inference_index_story(rg)
    assert story.pop("take_along_dim") == "ok"
    assert story == dict.fromkeys(story, SAVE_REFUSAL) and len(story) == 7


@pytest.mark.pytorch
def test_inference_indices_as_pytorch():
    torch = pytest.importorskip("torch")
    assert inference_index_story(rg) == inference_index_story(torch)


def test_inference_tensors_only_in_the_thread_in_inference_mode():
    entered, made = threading.Event(), threading.Event()
    seen = {}

    def in_inference_mode():
        with rg.inference_mode():
            entered.set()
            made.wait()
            seen["inside"] = rg.ones(1).is_inference()

    def elsewhere():
        entered.wait()
        seen["elsewhere"] = rg.ones(1).is_inference()
        made.set()

    threads = [threading.Thread(target=in_inference_mode), threading.Thread(target=elsewhere)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"inside": True, "elsewhere": False}


def test_grad_mode_is_thread_local():
    x = leaf([1.0])
    seen = {}

    def worker():
        seen["other"] = (x * 2).requires_grad

    with rg.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        t.join()
        seen["main"] = (x * 2).requires_grad
    assert seen == {"other": True, "main": False}


def numpy_of_a_tensor_that_requires_grad_story(m):
    """numpy() and np.asarray of a tensor that requires grad: refused only while grad mode is on,
    so a custom Function's forward (run without grad) may read its inputs' arrays."""

    def outcome(f):
        try:
            return f().tolist()
        except RuntimeError as e:
            return str(e)

    class Doubled(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return m.tensor(x.numpy() * 2)

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = m.ones(3, requires_grad=True)
    with m.no_grad():
        seen = [outcome(x.numpy), outcome(lambda: np.asarray(x))]
    with m.inference_mode():
        seen.append(outcome(x.numpy))
    seen += [outcome(x.numpy), outcome(lambda: np.asarray(x)), outcome(lambda: x.numpy(force=True))]
    y = Doubled.apply(x)
    y.sum().backward()
    return seen + [y.tolist(), x.grad.tolist()]


def test_numpy_of_a_tensor_that_requires_grad_needs_grad_mode_off():
    refused = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
    ones = [1.0, 1.0, 1.0]
    assert numpy_of_a_tensor_that_requires_grad_story(rg) == [
        ones, ones, ones, refused, refused, ones, [2.0, 2.0, 2.0], [2.0, 2.0, 2.0]
    ]


def test_numpy_of_a_tensor_that_requires_grad_as_pytorch():
    torch = pytest.importorskip("torch")
    assert numpy_of_a_tensor_that_requires_grad_story(rg) == numpy_of_a_tensor_that_requires_grad_story(torch)


# --- detach, hooks ---------------------------------------------------------------------------------------


def test_detach_shares_data_and_version():
    x = leaf([1.0, 2.0])
    y = x * 1
    d = y.detach()
    assert not d.requires_grad and d.grad_fn is None
    d.add_(1)
    assert y.tolist() == [2.0, 3.0]
    assert y._version == 1
    y.detach_()
    assert y.is_leaf and not y.requires_grad


def test_version_is_an_int_counting_in_place_changes_as_in_pytorch():
    """`_version` is a read-only int shared by a tensor, its views and its detached aliases."""
    torch = pytest.importorskip("torch")
    counts = []
    for m in (rg, torch):
        x = m.zeros(4)
        v, d = x[1:], x.detach()
        seen = [x._version]
        x.add_(1)
        v.mul_(2)
        d.zero_()
        x[0] = 5.0
        seen += [x._version, v._version, d._version, (x + 1)._version, x.clone()._version]
        counts.append(seen)
        assert all(type(c) is int for c in seen)
        with pytest.raises(AttributeError):
            x._version = 0
    assert counts[0] == counts[1] == [0, 4, 4, 4, 0, 0]


def test_tensor_hooks_modify_gradients_and_can_be_removed():
    x = leaf([1.0, 2.0])
    h = x.register_hook(lambda g: g * 10)
    (x * 1).sum().backward()
    assert x.grad.tolist() == [10.0, 10.0]
    h.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]

    y = leaf([1.0, 2.0])
    mid = y * 2
    seen = []
    mid.register_hook(lambda g: seen.append(g.tolist()))
    mid.register_hook(lambda g: g + 1)
    mid.sum().backward()
    assert seen == [[1.0, 1.0]]
    assert y.grad.tolist() == [4.0, 4.0]
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        rg.tensor([1.0]).register_hook(lambda g: g)


def test_post_accumulate_grad_hook():
    x = leaf([1.0])
    calls = []
    x.register_post_accumulate_grad_hook(lambda t: calls.append(t.grad.tolist()))
    (x * 3).sum().backward()
    assert calls == [[3.0]]
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).register_post_accumulate_grad_hook(lambda t: None)


def test_node_hooks():
    x = leaf([1.0, 2.0])
    y = x.exp()
    pre, post = [], []
    y.grad_fn.register_prehook(lambda go: pre.append(len(go)))
    y.grad_fn.register_hook(lambda gi, go: post.append((len(gi), len(go))))
    y.sum().backward()
    assert pre == [1] and post == [(1, 1)]


def accumulate_grad_hook_story(m):
    """What a post hook on a leaf's AccumulateGrad node sees, and when it runs: only when the node
    accumulates (a backward reaching the leaf), not in a grad() that captures the leaf's gradient."""
    x, w = m.ones(2, requires_grad=True), m.ones(2, requires_grad=True)
    y = x * 2 * w
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    calls = []
    acc.register_hook(lambda gi, go: calls.append((gi, [g.tolist() for g in go])))
    y.sum().backward(retain_graph=True)
    m.autograd.grad(y.sum(), x, retain_graph=True)
    y.sum().backward(inputs=(w,), retain_graph=True)
    y.sum().backward(inputs=(x,))
    return calls


def test_accumulate_grad_node_hook_runs_after_accumulating():
    assert accumulate_grad_hook_story(rg) == [((), [[2.0, 2.0]]), ((), [[2.0, 2.0]])]


def test_accumulate_grad_node_hook_as_pytorch():
    torch = pytest.importorskip("torch")
    assert accumulate_grad_hook_story(rg) == accumulate_grad_hook_story(torch)


def test_gradcheck_and_gradgradcheck_detect_wrong_derivatives():
    class FirstOrderOnly(rg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a.sin()

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return g * a.detach().cos()  # right value, but cut from the graph: wrong 2nd derivative

    class Wrong(rg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.sin()

        @staticmethod
        def backward(ctx, g):
            return g

    x = leaf([0.3, 0.5])
    assert rg.autograd.gradcheck(FirstOrderOnly.apply, (x,))
    assert not rg.autograd.gradgradcheck(FirstOrderOnly.apply, (x,), raise_exception=False)
    with pytest.raises(rg.autograd.GradcheckError, match="Jacobian mismatch"):
        rg.autograd.gradcheck(Wrong.apply, (x,))
    assert rg.autograd.gradgradcheck(lambda a: a.sin() * a, (x,))


def test_gradcheck_runs_the_function_in_the_callers_grad_mode():
    """As PyTorch's: the checked function may take gradients itself (a gradient as a function
    of the output gradient); under no_grad that would find nothing to differentiate."""
    x = rg.randn(5, 3, dtype=rg.float64, requires_grad=True)
    b = rg.randn(3, dtype=rg.float64, requires_grad=True)

    def bias_gradient(g):
        return rg.autograd.grad((x + b).tanh(), b, g, create_graph=True)[0]

    assert rg.autograd.gradcheck(bias_gradient, (rg.randn(5, 3, dtype=rg.float64, requires_grad=True),))
    seen = []
    rg.autograd.gradcheck(lambda a: seen.append(rg.is_grad_enabled()) or a * 2, (leaf([0.5]),))
    assert all(seen)


def test_backward_inputs_with_a_retained_grad_non_leaf_counts_it_once():
    x = leaf([1.0, 1.0])
    h = x * 3
    h.retain_grad()
    (h * h).sum().backward(inputs=[h, x])
    assert h.grad.tolist() == [6.0, 6.0] and x.grad.tolist() == [18.0, 18.0]


def test_saved_values_under_pytorchs_attribute_names():
    """`grad_fn._saved_self`, `_saved_result`, `_saved_<attr>`, `_saved_self_sym_sizes` and
    `_raw_saved_*` with `register_hooks`, as PyTorch's autograd notes show them."""
    x = rg.randn(5, requires_grad=True)
    y = x.pow(2)
    assert y.grad_fn._saved_self is x and y.grad_fn._saved_exponent == 2
    z = x.exp()
    assert z.grad_fn._saved_result.equal(z) and z.grad_fn._saved_result is not z
    assert (x * 3).grad_fn._saved_other.tolist() == 3
    a, b = rg.randn(2, 3, requires_grad=True), rg.randn(3, 4, requires_grad=True)
    m = a @ b
    assert m.grad_fn._saved_self is a and m.grad_fn._saved_mat2 is b and m.grad_fn._saved_self_sym_sizes == (2, 3)
    assert {"_saved_self", "_saved_mat2"} <= set(dir(m.grad_fn))
    assert rg.softmax(x, 0).grad_fn._saved_dim == 0
    with pytest.raises(AttributeError, match="'ExpBackward0' object has no attribute '_saved_nothing'"):
        z.grad_fn._saved_nothing
    raw = y.grad_fn._raw_saved_self
    raw.register_hooks(lambda t: t * 10, lambda t: t)  # the backward reads what unpack returns
    with pytest.raises(RuntimeError, match="whose hooks have already been set"):
        raw.register_hooks(lambda t: t, lambda t: t)
    y.sum().backward()
    assert rg.allclose(x.grad, 20 * x)
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.grad_fn._saved_self
    with pytest.raises(RuntimeError, match="Calling register_hooks on a saved tensor after it has been freed"):
        y.grad_fn._raw_saved_self.register_hooks(lambda t: t, lambda t: t)


def _saved_listing(node):
    return sorted(n for n in dir(node) if n.startswith(("_saved_", "_raw_saved_")))


def test_dir_of_a_node_lists_only_the_values_it_saved():
    """`dir(grad_fn)` (how tutorials discover what a node keeps) names this node's saved values,
    under PyTorch's names, not every name any op's node could answer."""
    x = rg.randn(3, 4, requires_grad=True)
    assert _saved_listing((x * x).grad_fn) == ["_raw_saved_other", "_raw_saved_self", "_saved_other", "_saved_self"]
    assert _saved_listing(x.exp().grad_fn) == ["_raw_saved_result", "_saved_result"]
    assert _saved_listing(x.transpose(0, 1).grad_fn) == ["_saved_dim0", "_saved_dim1"]
    assert _saved_listing(x.clamp(0, 1).grad_fn) == ["_raw_saved_self", "_saved_max", "_saved_min", "_saved_self"]
    node = x.sum(dim=1, keepdim=True).grad_fn
    assert node._saved_dim == (1,) and node._saved_keepdim is True
    t = x.transpose(0, 1).grad_fn
    assert (t._saved_dim0, t._saved_dim1) == (0, 1)
    assert (x.clamp(0, 1).grad_fn._saved_min, x.clamp(0, 1).grad_fn._saved_max) == (0, 1)


def test_dir_of_a_node_as_pytorch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    for m in (rg, torch):
        x = m.randn(3, 4, requires_grad=True)
        seen = [_saved_listing(y.grad_fn) for y in (x * x, x.exp(), x.transpose(0, 1), x.clamp(0, 1), x.relu())]
        if m is rg:
            ours = seen
    assert ours == seen


def _saved_values(node):
    return sorted(n for n in dir(node) if n.startswith("_saved_") and "_sym_" not in n)


def _named_like_pytorch(m):
    """Nodes whose PyTorch names are the op's own: addmm's `mat1`, a loss's `target`, a `beta`."""
    x = m.linspace(-1, 1, 12).reshape(4, 3).requires_grad_()
    w, v = m.ones(3, 3, requires_grad=True), m.ones(3, requires_grad=True)
    t = m.full((4, 3), 0.25)
    F = m.nn.functional
    return [
        F.linear(x, w, v), F.mse_loss(x, t), F.smooth_l1_loss(x, t, beta=0.5), F.huber_loss(x, t, delta=2.0),
        F.binary_cross_entropy(x.sigmoid(), t), F.binary_cross_entropy_with_logits(x, t), m.mv(w, v),
        m.addmv(v, w, v), m.baddbmm(x[None], x[None], w[None]), m.dot(v, v), x @ w,
    ]  # fmt: skip


def test_saved_values_under_each_ops_own_pytorch_names():
    # torchviz's and torchopt.visual's `make_dot(show_saved=True)` label saved tensors by these names
    linear, mse, smooth, huber, bce, bce_logits, mv, addmv, baddbmm, dot, mm = (
        y.grad_fn for y in _named_like_pytorch(rg)
    )
    assert _saved_values(linear) == ["_saved_alpha", "_saved_beta", "_saved_mat1", "_saved_mat2"]
    assert linear._saved_mat1.shape == (4, 3) and linear._saved_alpha == 1
    assert _saved_values(mse) == ["_saved_reduction", "_saved_self", "_saved_target"]
    assert mse._saved_target.tolist() == [[0.25] * 3] * 4
    assert smooth._saved_beta == 0.5 and huber._saved_delta == 2.0
    assert bce._saved_weight is None and bce_logits._saved_pos_weight is None
    with pytest.raises(AttributeError, match="'MseLossBackward0' object has no attribute '_saved_other'"):
        mse._saved_other
    assert [_saved_values(n)[-1] for n in (mv, addmv, dot)] == ["_saved_vec", "_saved_vec", "_saved_tensor"]
    assert "_saved_batch2" in _saved_values(baddbmm)
    assert _saved_values(mm) == ["_saved_mat2", "_saved_self"]  # the layout flag is ours alone


def test_saved_values_of_products_and_losses_vs_torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    ours = [_saved_values(y.grad_fn) for y in _named_like_pytorch(rg)]
    assert ours == [_saved_values(y.grad_fn) for y in _named_like_pytorch(torch)]


def test_is_view():
    a = rg.randn(3, 4)
    assert [t._is_view() for t in (a, a[1:], a.view(12), a.t(), a.clone(), a.detach())] == [
        False, True, True, True, False, False]


def test_is_view_vs_torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    results = []
    for m in (rg, torch):
        a = m.randn(3, 4)
        results.append([t._is_view() for t in (a, a[1:], a.view(12), a.t(), a.clone(), a.detach(), a.unbind(0)[0])])
    assert results[0] == results[1]


def decorated_generator_story(m):
    """A generator function under each grad-mode decorator: the mode inside at each resume, the
    caller's mode between them, and send/throw/close/return passed through."""
    w = m.ones(2, requires_grad=True)
    seen = []

    def body():
        got = yield ((w * 2).requires_grad, m.is_grad_enabled(), m.is_inference_mode_enabled())
        seen.append(got)
        try:
            yield m.is_grad_enabled()
        except KeyError as e:
            seen.append(("caught", str(e), m.is_grad_enabled()))
            yield "after throw"
        return "done"

    for make in (m.no_grad, m.inference_mode, lambda: m.set_grad_enabled(False)):  # set_grad_enabled acts when made
        decorator = make()
        gen = decorator(body)()
        seen.append(next(gen))
        seen.append(m.is_grad_enabled())
        seen.append(gen.send("sent"))
        seen.append(gen.throw(KeyError("k")))
        try:
            next(gen)
        except StopIteration as stop:
            seen.append(("returned", stop.value))
        closing = make()(body)()
        next(closing)
        closing.close()
    with m.no_grad():
        seen.append(list(m.enable_grad()(lambda: (yield m.is_grad_enabled()))()))
    return seen


def test_grad_mode_decorators_apply_inside_generators():
    seen = decorated_generator_story(rg)
    per_decorator = [
        True, "sent", False, ("caught", "'k'", False), "after throw", ("returned", "done"),
    ]  # fmt: skip
    assert seen[0] == (False, False, False) and seen[1:7] == per_decorator
    assert seen[7] == (False, False, True) and seen[8:14] == per_decorator
    assert seen[-1] == [True]


def test_grad_mode_decorators_on_generators_vs_torch():
    torch = pytest.importorskip("torch")
    assert decorated_generator_story(rg) == decorated_generator_story(torch)


def decorated_class_story(m):
    class Doubled:
        def __init__(self, x):
            self.y = x * 2

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        made = m.no_grad()(Doubled)
    return made.__name__, made(m.ones(1, requires_grad=True)).y.requires_grad, [str(w.message) for w in caught]


def test_decorating_a_class_warns_and_wraps_its_constructor():
    name, requires_grad, messages = decorated_class_story(rg)
    assert (name, requires_grad) == ("<lambda>", False)
    assert messages == [
        "Decorating classes is deprecated and will be disabled in future versions. You should only decorate "
        "functions or methods. To preserve the current behavior of class decoration, you can directly decorate "
        "the `__init__` method and nothing else."
    ]


def test_decorating_a_class_vs_torch():
    torch = pytest.importorskip("torch")
    assert decorated_class_story(rg) == decorated_class_story(torch)
