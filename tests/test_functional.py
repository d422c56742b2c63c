"""autograd.functional: vjp, jvp, jacobian, hessian, vhp, hvp against PyTorch and by hand."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import functional as F

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

A = np.random.default_rng(0).standard_normal((3, 3))
X = np.array([0.3, -0.2, 0.5])
Y = np.array([1.0, 2.0])


def scalar_f(m):
    a = m.tensor(A)
    return lambda x: (m.tanh(a @ x) ** 2).sum()


def vector_f(m):
    return lambda x, y: (x.exp() * x.sum(), (x[:2] * y).sin())


def _np(x):
    if isinstance(x, tuple):
        return tuple(_np(t) for t in x)
    return x.detach().numpy()


def _compare(ours, theirs):
    if isinstance(theirs, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _compare(o, t)
    else:
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=1e-10, atol=1e-12)


CALLS = {
    "vjp": lambda m, F: F.vjp(vector_f(m), (m.tensor(X), m.tensor(Y)), (m.tensor(X) * 0 + 1, m.tensor(Y))),
    "jvp": lambda m, F: F.jvp(vector_f(m), (m.tensor(X), m.tensor(Y)), (m.tensor(X), m.tensor(Y) * 2)),
    "jacobian": lambda m, F: F.jacobian(vector_f(m), (m.tensor(X), m.tensor(Y))),
    "jacobian_single": lambda m, F: F.jacobian(lambda x: x.exp() * x.sum(), m.tensor(X)),
    "jacobian_forward": lambda m, F: F.jacobian(
        lambda x: x.exp() * x.sum(), m.tensor(X), vectorize=True, strategy="forward-mode"
    ),
    "hessian": lambda m, F: F.hessian(scalar_f(m), m.tensor(X)),
    "hessian_tuple": lambda m, F: F.hessian(lambda x, y: (x[:2] * y).prod() + (x**3).sum(), (m.tensor(X), m.tensor(Y))),
    "vhp": lambda m, F: F.vhp(scalar_f(m), m.tensor(X), m.tensor(Y[:1].repeat(3))),
    "hvp": lambda m, F: F.hvp(scalar_f(m), m.tensor(X), m.tensor(X)),
}


@needs_torch
@pytest.mark.parametrize("name", list(CALLS))
def test_functional_matches_pytorch(name):
    ours = CALLS[name](rg, F)
    theirs = CALLS[name](torch, torch.autograd.functional)
    _compare(ours, theirs)


def test_hessian_analytic():
    H = F.hessian(scalar_f(rg), rg.tensor(X))
    a = A
    t = np.tanh(a @ X)
    # d²/dx² Σ tanh²(Ax) = Aᵀ diag(2(1-t²)(1-3t²)) A
    expected = a.T @ np.diag(2 * (1 - t**2) * (1 - 3 * t**2)) @ a
    np.testing.assert_allclose(H.numpy(), expected, rtol=1e-10)
    assert not H.requires_grad


def test_create_graph_and_strict():
    x = rg.tensor(X, requires_grad=True)
    _, g = F.vjp(lambda t: (t**3).sum(), x, create_graph=True)
    assert g.requires_grad
    (gg,) = rg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * X)
    with pytest.raises(RuntimeError, match="independent of input 1"):
        F.jacobian(lambda a, b: a * 2, (rg.tensor(X), rg.tensor(Y)), strict=True)
    J = F.jacobian(lambda a, b: a * 2, (rg.tensor(X), rg.tensor(Y)))
    assert J[1].shape == (3, 2) and not J[1].numpy().any()


def test_errors():
    with pytest.raises(TypeError, match="must be either a Tensor or a tuple of Tensors"):
        F.jacobian(lambda a: a, [rg.tensor(X)])
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.vjp(lambda a: a * 2, rg.tensor(X))
    with pytest.raises(NotImplementedError, match="vectorize=True"):
        F.jacobian(lambda a: a, rg.tensor(X), strategy="forward-mode")


@pytest.mark.parametrize(
    "lib", [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch else [])
)
def test_unknown_strategy_is_an_assertion_error(lib):
    functional = lib.autograd.functional
    x = lib.tensor(X)
    with pytest.raises(AssertionError) as jac:
        functional.jacobian(lambda a: a, x, strategy="central")
    assert str(jac.value) == (
        'Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function has more outputs '
        'than inputs, "forward-mode" tends to be more performant. Otherwise, prefer to use "reverse-mode".'
    )
    with pytest.raises(TypeError):  # the inputs are checked first
        functional.hessian(lambda a: a.sum(), [x], outer_jacobian_strategy="central")
    with pytest.raises(AssertionError) as hess:
        functional.hessian(lambda a: a.sum(), x, outer_jacobian_strategy="central")
    assert str(hess.value) == 'Expected strategy to be either "forward-mode" or "reverse-mode".'


@pytest.mark.parametrize(
    "lib", [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch else [])
)
def test_forward_mode_results_keep_pytorchs_lists(lib):
    functional = lib.autograd.functional
    a, b = lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])

    def fwd(f, inputs):
        return functional.jacobian(f, inputs, vectorize=True, strategy="forward-mode")

    both = fwd(lambda x, y: (x * y, x + y), (a, b))  # [output][input]
    assert type(both) is list and all(type(row) is list for row in both)
    assert both[0][1].tolist() == [[1.0, 0.0], [0.0, 2.0]]
    per_input = fwd(lambda x, y: x * y, (a, b))
    assert type(per_input) is list and per_input[0].tolist() == [[3.0, 0.0], [0.0, 4.0]]
    per_output = fwd(lambda x: (x, x * 2), a)
    assert type(per_output) is tuple and per_output[1].tolist() == [[2.0, 0.0], [0.0, 2.0]]
    hess = functional.hessian(
        lambda x, y: (x * y).sum(), (a, b), vectorize=True, outer_jacobian_strategy="forward-mode"
    )
    assert type(hess) is list and type(hess[0]) is list and hess[0][1].tolist() == [[1.0, 0.0], [0.0, 1.0]]
    reverse = functional.jacobian(lambda x, y: x * y, (a, b), vectorize=True)
    assert type(reverse) is tuple


# --- what the result is connected to, and signed zeros ------------------------------------------


def _forward_jacobian_story(m):
    """A forward-mode Jacobian at an input that requires grad: its graph and its gradient."""
    w = m.tensor([0.5, -1.0, 2.0], dtype=m.float64, requires_grad=True)
    jac = m.autograd.functional.jacobian(lambda t: t.tanh() * t.sum(), w, vectorize=True, strategy="forward-mode")
    (dw,) = m.autograd.grad(jac.sum(), w)
    return jac.requires_grad, jac.grad_fn.name(), jac.detach().numpy(), dw.numpy()


def test_forward_mode_jacobian_keeps_the_inputs_graph():
    # PyTorch's forward mode runs on the inputs as given, so J(w) is differentiable in w:
    # J_ij = δ_ij sech²(w_i) S + tanh(w_i) with S = Σw, and d/dw_k ΣJ = Σsech² - 2 S sech²(w_k) tanh(w_k) + 3 sech²(w_k)
    requires_grad, _, jac, dw = _forward_jacobian_story(rg)
    w = np.array([0.5, -1.0, 2.0])
    tanh, sech2, total = np.tanh(w), 1 - np.tanh(w) ** 2, w.sum()
    assert requires_grad
    np.testing.assert_allclose(jac, np.diag(sech2 * total) + tanh[:, None], rtol=1e-12)
    np.testing.assert_allclose(dw, sech2.sum() - 2 * total * sech2 * tanh + 3 * sech2, rtol=1e-12)


def test_forward_mode_jacobian_of_inputs_without_grad_is_plain():
    x = rg.tensor([0.5, -1.0])
    jac = F.jacobian(lambda t: t.sin(), x, vectorize=True, strategy="forward-mode")
    assert not jac.requires_grad and not x.requires_grad


def test_forward_over_reverse_hessian_keeps_a_graph_as_pytorchs():
    # PyTorch's outer forward pass makes its inputs require grad: the Hessian has a grad_fn,
    # though the caller's tensor does not require grad (and is left as it was)
    x = rg.tensor([1.0, 2.0])
    h = F.hessian(lambda t: t.pow(4).sum(), x, vectorize=True, outer_jacobian_strategy="forward-mode")
    assert h.tolist() == [[12.0, 0.0], [0.0, 48.0]]
    assert h.grad_fn is not None and not x.requires_grad


def _two_output_jacobian(m, vectorize):
    def f(x, y):
        return (x.exp() * y).sum(), x * y.sin()

    x, y = m.tensor([-1.0, 2.0, -3.0]), m.tensor([0.5, 1.0, 2.0])
    return m.autograd.functional.jacobian(f, (x, y), vectorize=vectorize)[1][1]


def test_jacobian_without_vectorize_keeps_signed_zeros_per_output():
    # each row is one output's backward, as PyTorch's loop: -0.0 stays -0.0 off the diagonal where x < 0
    signs = np.signbit(_two_output_jacobian(rg, vectorize=False).numpy())
    assert signs.tolist() == [[True, False, False], [True, False, False], [True, False, False]]
    # vectorized, every output's rows come from one backward: +0 from the other output wins
    assert np.signbit(_two_output_jacobian(rg, vectorize=True).numpy()).sum() == 1


@needs_torch
@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_signed_zeros_match_pytorch(vectorize):
    ours, theirs = _two_output_jacobian(rg, vectorize), _two_output_jacobian(torch, vectorize)
    assert np.signbit(ours.numpy()).tolist() == np.signbit(theirs.numpy()).tolist()


@needs_torch
def test_forward_over_reverse_hessian_graph_matches_pytorch():
    def story(m):
        x = m.tensor([1.0, 2.0])
        h = m.autograd.functional.hessian(
            lambda t: t.pow(4).sum(), x, vectorize=True, outer_jacobian_strategy="forward-mode"
        )
        return h.tolist(), h.requires_grad, x.requires_grad

    assert story(rg) == story(torch)


@needs_torch
def test_forward_mode_jacobian_graph_matches_pytorch():
    ours, theirs = _forward_jacobian_story(rg), _forward_jacobian_story(torch)
    assert ours[:2] == theirs[:2]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-12)
    np.testing.assert_allclose(ours[3], theirs[3], rtol=1e-12)


def _strict_vectorize_messages(m):
    """strict=True with vectorize=True: the outputs are checked first, the pair refused after."""
    x = m.tensor(X)
    messages = []
    for func in (lambda v: m.zeros(2), lambda v: v * 2):
        with pytest.raises(RuntimeError) as info:
            m.autograd.functional.jacobian(func, x, strict=True, vectorize=True)
        messages.append(str(info.value))
    return messages


def test_strict_vectorized_jacobian_names_an_output_without_gradient_first():
    calls = []

    def f(v):
        calls.append(1)
        return rg.zeros(2)

    with pytest.raises(RuntimeError, match="^Output 0 of the user-provided function does not require gradients"):
        F.jacobian(f, rg.tensor(X), strict=True, vectorize=True)
    assert calls == [1]  # the function runs before the options are refused
    assert _strict_vectorize_messages(rg)[1].startswith(
        "torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported together."
    )


@needs_torch
def test_strict_vectorized_jacobian_messages_vs_torch():
    assert _strict_vectorize_messages(rg) == _strict_vectorize_messages(torch)


# strict=True: which check fires depends on where a constant or unused part first shows up
_NO_GRAD = "Output 0 of the user-provided function does not require gradients"
_CG = (
    "The jacobian of the user-provided function is independent of input 0. "
    "This is not allowed in strict mode when create_graph=True."
)
_STRICT_CASES = [
    # (function name, func, expected message start)
    ("hvp", lambda m: (lambda a: a.detach().sum()), _NO_GRAD),
    ("vjp", lambda m: (lambda a: m.ones(3)), _NO_GRAD),
    ("hessian", lambda m: (lambda a: m.ones(3)), _NO_GRAD),
    ("hvp", lambda m: (lambda a: a.sum() * 2), "While computing the hessian, found that the jacobian"),
    ("vhp", lambda m: (lambda a: a.sum() * 2), "While computing the hessian, found that the jacobian"),
    ("vjp_cg", lambda m: (lambda a: a * 2), _CG),
    ("jvp_cg", lambda m: (lambda a: a * 2), _CG),
    ("jacobian_cg", lambda m: (lambda a: a * 2), _CG),
]


def _strict_message(m, name, make):
    fn, _, cg = name.partition("_")
    x = m.tensor(X)
    op = getattr(m.autograd.functional, fn)
    args = (make(m), x) + ((m.ones(3),) if fn in ("hvp", "vhp", "jvp", "vjp") else ())
    with pytest.raises(RuntimeError) as info:
        op(*args, create_graph=bool(cg), strict=True)
    return str(info.value)


@pytest.mark.parametrize(("name", "make", "start"), _STRICT_CASES)
def test_strict_messages_name_the_first_failing_check(name, make, start):
    assert _strict_message(rg, name, make).startswith(start)


def _two_input_strict_messages(m):
    x, y, v = m.tensor(X), m.tensor(X[::-1].copy()), m.ones(3)
    F_ = m.autograd.functional
    calls = [
        lambda: F_.hvp(lambda a, b: (a * b).sum(), (x, y), (v, v), create_graph=True, strict=True),
        lambda: F_.vhp(lambda a, b: (a**2).sum() + b.sum(), (x, y), (v, v), strict=True),
        lambda: F_.jvp(lambda a, b: (a**2).sum(), (x, y), (v, v), strict=True),
    ]
    messages = []
    for call in calls:
        with pytest.raises(RuntimeError) as info:
            call()
        messages.append(str(info.value))
    return messages


def test_strict_two_inputs_messages():
    assert _two_input_strict_messages(rg) == [
        "The hessian of the user-provided function is independent of input 0. This is not allowed in strict mode "
        "when create_graph=True.",
        "While computing the hessian, found that the jacobian of the user-provided function with respect to input 1 "
        "is independent of the input. This is not allowed in strict mode. You should ensure that your function is "
        "twice differentiable and that the jacobian depends on the inputs (this would be violated by a linear "
        "function for example).",
        "The output of the user-provided function is independent of input 1. This is not allowed in strict mode.",
    ]


@needs_torch
@pytest.mark.parametrize(("name", "make"), [c[:2] for c in _STRICT_CASES])
def test_strict_messages_vs_torch(name, make):
    assert _strict_message(rg, name, make) == _strict_message(torch, name, make)


@needs_torch
def test_strict_two_inputs_messages_vs_torch():
    assert _two_input_strict_messages(rg) == _two_input_strict_messages(torch)
