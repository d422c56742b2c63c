"""retrograd.nn activation modules against PyTorch: values, gradients, reprs, warnings.

Each module is built in both libraries (float64, the same weights for PReLU);
in-place variants run on a non-leaf copy, as PyTorch requires.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg

from .test_nn_layers import TOL, backward_both, build, compare, compare_grads, leaves, needs_torch, normal, torch

ACTIVATIONS = [
    ("ReLU", ()), ("ReLU", (True,)), ("ReLU6", ()), ("ReLU6", (True,)), ("LeakyReLU", ()), ("LeakyReLU", (0.2, True)),
    ("ELU", ()), ("ELU", (0.5, True)), ("SELU", ()), ("SELU", (True,)), ("CELU", ()), ("CELU", (2.0,)), ("GELU", ()),
    ("GELU", ("tanh",)), ("SiLU", ()), ("SiLU", (True,)), ("Mish", ()), ("Mish", (True,)), ("Softplus", ()),
    ("Softplus", (2.0, 1.0)), ("Softsign", ()), ("Hardtanh", ()), ("Hardtanh", (-0.5, 0.7, True)), ("Hardsigmoid", ()),
    ("Hardsigmoid", (True,)), ("Hardswish", ()), ("Hardswish", (True,)), ("LogSigmoid", ()), ("Sigmoid", ()),
    ("Tanh", ()), ("Softmax", (1,)), ("Softmax", ()), ("LogSoftmax", (-1,)), ("LogSoftmax", ()), ("Softmin", (0,)),
    ("Softmax2d", ()), ("Threshold", (0.1, 20.0)), ("Threshold", (0.1, 20.0, True)), ("PReLU", ()), ("PReLU", (3, 0.1)),
    ("Hardshrink", ()), ("Hardshrink", (0.3,)), ("Softshrink", ()), ("Softshrink", (0.2,)), ("Tanhshrink", ()),
    ("GLU", ()), ("GLU", (2,)), ("RReLU", ()), ("RReLU", (0.1, 0.2, True)),
]


@needs_torch
@pytest.mark.parametrize("name,args", ACTIVATIONS, ids=[f"{a[0]}-{i}" for i, a in enumerate(ACTIVATIONS)])
def test_activation_vs_torch(name, args):
    t, r = build(name, args, {})
    assert repr(r) == repr(t)
    if name == "RReLU":  # deterministic in eval
        t.eval(), r.eval()
    x = normal(2, 3, 4, 2) * 2
    inplace = getattr(t, "inplace", False)
    t_in, r_in = leaves([x])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # implicit softmax dims
        t_out = t(t_in[0] * 1 if inplace else t_in[0])
        r_out = r(r_in[0] * 1 if inplace else r_in[0])
    compare(t_out, r_out)
    backward_both(t_out, r_out)
    # PyTorch's float64 hardsigmoid backward uses a float32 1/6: agree to float32 precision there
    compare_grads(t, r, t_in, r_in, dict(rtol=1e-7, atol=1e-9) if name.startswith("Hards") else TOL)


def test_implicit_softmax_dim_warns_at_caller():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as record:
        rg.nn.Softmax()(rg.zeros(2, 3))
    assert record[0].filename == __file__


@needs_torch
def test_sequential_repr_vs_torch():
    def net(m):
        return m.nn.Sequential(m.nn.Linear(4, 8), m.nn.BatchNorm1d(8), m.nn.ReLU(inplace=True), m.nn.Dropout(0.1),
                               m.nn.Linear(8, 2), m.nn.LogSoftmax(dim=1))
    assert repr(net(rg)) == repr(net(torch))


def _gelu_derivatives(m, approximate):
    x = m.tensor([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=m.float64, requires_grad=True)
    g = m.autograd.grad(m.nn.functional.gelu(x, approximate=approximate).sum(), x, create_graph=True)[0]
    h = m.autograd.grad(g.sum(), x, create_graph=True)[0]
    return g.grad_fn.name(), g.detach().tolist(), h.detach().tolist()


@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_gradient_is_one_node_with_its_second_derivative(approximate):
    # PyTorch records a create_graph gradient of gelu as one gelu_backward node
    import math

    name, _, second = _gelu_derivatives(rg, approximate)
    assert name == "GeluBackwardBackward0"
    if approximate == "none":  # gelu'' = φ(a)(2 - a²)
        expected = [math.exp(-a * a / 2) / math.sqrt(2 * math.pi) * (2 - a * a) for a in (-2.0, -0.5, 0.0, 1.0, 3.0)]
        assert second == pytest.approx(expected, abs=1e-15)
    if torch is not None:
        ours, theirs = _gelu_derivatives(rg, approximate), _gelu_derivatives(torch, approximate)
        assert ours[0] == theirs[0]
        assert ours[1] == pytest.approx(theirs[1], rel=1e-14)
        assert ours[2] == pytest.approx(theirs[2], rel=1e-12, abs=1e-15)


# The activations whose backward PyTorch records as one op: (call, node of the recorded gradient,
# second derivative at each point of _POINTS, spelled out)
_POINTS = [-2.0, -0.5, 0.5, 1.0, 3.5]


def _sig(a):
    import math

    return 1 / (1 + math.exp(-a))


_ONE_OP_BACKWARDS = {
    "softplus": (lambda F, x: F.softplus(x, beta=2.0, threshold=3.0), "SoftplusBackwardBackward0",
                 [2 * _sig(2 * a) * (1 - _sig(2 * a)) if 2 * a <= 3 else 0.0 for a in _POINTS]),
    "elu": (lambda F, x: F.elu(x, 0.7), "EluBackwardBackward0",
            [0.7 * __import__("math").exp(a) if a < 0 else 0.0 for a in _POINTS]),
    "celu": (lambda F, x: F.celu(x, 2.0), "EluBackwardBackward0",
             [0.5 * __import__("math").exp(a / 2) if a < 0 else 0.0 for a in _POINTS]),
    "hardswish": (lambda F, x: F.hardswish(x), "HardswishBackwardBackward0",
                  [1 / 3 if -3 < a < 3 else 0.0 for a in _POINTS]),
    "logsigmoid": (lambda F, x: F.logsigmoid(x), "LogSigmoidBackwardBackward0",
                   [-_sig(a) * _sig(-a) for a in _POINTS]),
}  # fmt: skip


def _one_op_derivatives(m, name):
    call = _ONE_OP_BACKWARDS[name][0]
    x = m.tensor(_POINTS, dtype=m.float64, requires_grad=True)
    g = m.autograd.grad(call(m.nn.functional, x).sum(), x, create_graph=True)[0]
    h = m.autograd.grad(g.sum(), x)[0]
    return g.grad_fn.name(), g.detach().tolist(), h.tolist()


@pytest.mark.parametrize("name", list(_ONE_OP_BACKWARDS))
def test_recorded_backward_is_pytorchs_one_node(name):
    node, _, second = _one_op_derivatives(rg, name)
    assert node == _ONE_OP_BACKWARDS[name][1]
    assert second == pytest.approx(_ONE_OP_BACKWARDS[name][2], rel=1e-12, abs=1e-15)
    if torch is not None:
        ours, theirs = _one_op_derivatives(rg, name), _one_op_derivatives(torch, name)
        assert ours[0] == theirs[0]
        assert ours[1] == pytest.approx(theirs[1], rel=1e-14)
        assert ours[2] == pytest.approx(theirs[2], rel=1e-12, abs=1e-15)


def test_celu_backward_takes_pytorchs_float32_inverse_alpha():
    # PyTorch's celu gradient uses 1 / float32(alpha): at 0 (the kink) that is 1.3 / float32(1.3), not 1
    x = rg.tensor([0.0, -1.0], dtype=rg.float64, requires_grad=True)
    rg.nn.functional.celu(x, 1.3).sum().backward()
    assert x.grad[0].item() == 1.3 / float(rg.tensor(1.3).item())


def _complex_silu(m):
    z = m.tensor([1 + 1j, -2 + 0.5j, 0j])
    values = [complex(round(v.real, 4), round(v.imag, 4)) for v in m.nn.functional.silu(z).tolist()]
    try:
        m.nn.SiLU()(z.requires_grad_())
        refused = ""
    except RuntimeError as e:
        refused = str(e)
    return values, refused


def test_silu_of_complex_input():
    values, refused = _complex_silu(rg)
    assert values == [0.5801 + 0.984j, -0.2441 - 0.0488j, 0j]  # z / (1 + e^-z)
    assert refused == "silu does not support automatic differentiation for outputs with complex dtype."


@needs_torch
def test_silu_of_complex_input_vs_torch():
    assert _complex_silu(rg) == _complex_silu(torch)


# float32 activations built on exp/expm1/log1p compute those in float64 and round once (as accurate
# as PyTorch's kernels), then finish in float32 in PyTorch's order: NumPy's float32 exp made up to a
# third of their last bits differ from PyTorch's (Stable-Baselines3 policies with ELU/SiLU heads).
_X32 = (np.random.default_rng(0).standard_normal((256, 64)) * 4).astype(np.float32)


def _wide(name: str, a: np.ndarray) -> np.ndarray:
    return getattr(np, name)(a, dtype=np.float64).astype(np.float32)


_FLOAT32_STEPS = {  # each activation as PyTorch's CPU kernel composes it, the transcendental rounded once
    "sigmoid": lambda a: np.float32(1) / (np.float32(1) + _wide("exp", -a)),
    "silu": lambda a: a / (np.float32(1) + _wide("exp", -a)),
    "elu": lambda a: np.where(a > 0, a, _wide("expm1", np.minimum(a, 0))),
    "softplus": lambda a: np.where(a > 20, a, _wide("log1p", _wide("exp", a))),
    "mish": lambda a: a * _wide("tanh", _wide("log1p", _wide("exp", a))),
    "logsigmoid": lambda a: np.minimum(a, 0) - _wide("log1p", _wide("exp", -np.abs(a))),
}


@pytest.mark.parametrize("name", sorted(_FLOAT32_STEPS))
def test_float32_activation_rounds_its_exponential_once(name):
    f = rg.sigmoid if name == "sigmoid" else getattr(rg.nn.functional, name)
    with np.errstate(over="ignore"):
        expected = _FLOAT32_STEPS[name](_X32)
    got = f(rg.from_numpy(_X32.copy())).numpy()
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got, expected)


def test_float32_sigmoid_and_elu_values():
    # PyTorch's values; NumPy's float32 exp/expm1 gave 0.050211266 and -0.9502129
    x = rg.tensor([-2.94, -3.0])
    assert rg.sigmoid(x)[0].item() == float(np.float32(0.05021127))
    assert rg.nn.functional.elu(x)[1].item() == float(np.float32(-0.95021296))
    assert rg.sigmoid(rg.tensor([-200.0, 200.0])).tolist() == [0.0, 1.0]  # no overflow warning escapes
    assert rg.nn.functional.silu(rg.tensor([-200.0])).item() == 0.0


# share of float32 elements whose bits may differ from PyTorch's (its kernels' own ulp errors);
# with NumPy's float32 exp: sigmoid 16%, silu 34%, elu 11%, mish 27%, softplus 12%, logsigmoid 7%
_BITS_DIFFER_AT_MOST = {"sigmoid": 0.05, "silu": 0.05, "elu": 0.002, "softplus": 0.08, "mish": 0.06, "logsigmoid": 0.06}


@needs_torch
@pytest.mark.parametrize("name", sorted(_BITS_DIFFER_AT_MOST))
def test_float32_activation_bits_vs_torch(name):
    def run(m):
        f = m.sigmoid if name == "sigmoid" else getattr(m.nn.functional, name)
        return f(m.from_numpy(_X32.copy())).numpy()

    differ = np.mean(run(rg) != run(torch))
    assert differ <= _BITS_DIFFER_AT_MOST[name], differ
