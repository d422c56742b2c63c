"""gradcheck and gradgradcheck: every option does what PyTorch's does, and the verdicts match.

Each scenario runs under both libraries where PyTorch is installed (same functions, same
inputs, same options); the expected verdicts are spelled out too, so the tests mean the same
without it.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

import retrograd

try:
    import torch
except ImportError:  # the comparisons below skip; the spelled-out expectations still run
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _functions(lib):
    """The custom Functions the scenarios check, written once for either library."""

    class Wrong(lib.autograd.Function):  # backward ignores its incoming gradient
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return lib.ones_like(g)

    calls = itertools.count()

    class Nondet(lib.autograd.Function):  # each backward adds a different, tiny amount
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2 + next(calls) * 1e-9 * g

    class TwoOutputs(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):
            return g1 * 2 + g2 * 3

    class NeedsDefined(lib.autograd.Function):  # refuses undefined output gradients
        @staticmethod
        def forward(ctx, a):
            ctx.set_materialize_grads(False)
            return a * 2

        @staticmethod
        def backward(ctx, g):
            if g is None:
                raise RuntimeError("undefined gradient")
            return g * 2

    class WrongJvp(lib.autograd.Function):
        @staticmethod
        def forward(a):
            return a * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def jvp(ctx, t):
            return t * 3

    return {f.__name__: f for f in (Wrong, Nondet, TwoOutputs, NeedsDefined, WrongJvp)}


def _inputs(lib):
    gen = np.random.default_rng(0)
    x = lib.tensor(gen.standard_normal(3), dtype=lib.float64, requires_grad=True)
    y = lib.tensor(gen.standard_normal((2, 3)), dtype=lib.float64, requires_grad=True)
    z = lib.tensor(gen.standard_normal(3) + 1j * gen.standard_normal(3), dtype=lib.complex128, requires_grad=True)
    return x, y, z


# name -> (function of (lib, functions, x, y, z) giving (func, inputs), options, expected verdict)
# the verdict: True, or the error's type and the start of its message
SCENARIOS = {
    "sin": (lambda lib, F, x, y, z: (lib.sin, (x,)), {}, True),
    "matmul": (lambda lib, F, x, y, z: (lambda a, b: b @ a.exp(), (x, y)), {}, True),
    "wrong": (
        lambda lib, F, x, y, z: (F["Wrong"].apply, (x,)),
        {},
        ("GradcheckError", "Jacobian mismatch for output 0"),
    ),
    "nondet": (lambda lib, F, x, y, z: (F["Nondet"].apply, (x,)), {}, ("GradcheckError", "Backward is not reentrant")),
    "nondet within tolerance": (lambda lib, F, x, y, z: (F["Nondet"].apply, (x,)), {"nondet_tol": 1e-6}, True),
    "two outputs": (lambda lib, F, x, y, z: (F["TwoOutputs"].apply, (x,)), {}, True),
    "undefined refused": (
        lambda lib, F, x, y, z: (F["NeedsDefined"].apply, (x,)),
        {},
        ("GradcheckError", "Expected backward function to handle undefined output grads."),
    ),
    "undefined not checked": (
        lambda lib, F, x, y, z: (F["NeedsDefined"].apply, (x,)),
        {"check_undefined_grad": False},
        True,
    ),
    "constant": (
        lambda lib, F, x, y, z: (lambda a: a.detach() * 2, (x,)),
        {},
        ("GradcheckError", "Numerical gradient for function expected to be zero"),
    ),
    "constant zero": (lambda lib, F, x, y, z: (lambda a: a.detach() * 0, (x,)), {}, True),
    "complex input": (lambda lib, F, x, y, z: (lambda a: (a * a).sum() + a.abs().sum(), (z,)), {}, True),
    "complex output": (lambda lib, F, x, y, z: (lambda a: a * 1j + a.exp(), (z,)), {}, True),
    "complex wrong": (
        lambda lib, F, x, y, z: (F["Wrong"].apply, (z,)),
        {},
        ("GradcheckError", "While considering the imaginary part of complex outputs only, Jacobian mismatch"),
    ),
    "forward": (lambda lib, F, x, y, z: (lib.sin, (x,)), {"check_forward_ad": True}, True),
    "forward complex": (lambda lib, F, x, y, z: (lambda a: a * a.conj(), (z,)), {"check_forward_ad": True}, True),
    "forward only": (
        lambda lib, F, x, y, z: (lib.tanh, (x,)),
        {"check_forward_ad": True, "check_backward_ad": False},
        True,
    ),
    "forward wrong": (
        lambda lib, F, x, y, z: (F["WrongJvp"].apply, (x,)),
        {"check_forward_ad": True},
        ("GradcheckError", "Jacobian computed with forward mode mismatch for output 0 with respect to input 0"),
    ),
    "forward missing": (
        lambda lib, F, x, y, z: (F["Wrong"].apply, (x,)),
        {"check_forward_ad": True, "check_backward_ad": False},
        ("NotImplementedError", "You must implement the jvp function"),
    ),
    "batched": (lambda lib, F, x, y, z: (lambda a, b: b @ a.exp(), (x, y)), {"check_batched_grad": True}, True),
    "batched forward": (
        lambda lib, F, x, y, z: (lambda a, b: b @ a.exp(), (x, y)),
        {"check_forward_ad": True, "check_batched_forward_grad": True},
        True,
    ),
    "grad dtypes": (lambda lib, F, x, y, z: (lambda a, b: b @ a.exp(), (x, y)), {"check_grad_dtypes": True}, True),
    "float32": (
        lambda lib, F, x, y, z: (lambda a: a * 2, (x.detach().float().requires_grad_(),)),
        {"fast_mode": False},  # the projection happens to pass
        ("GradcheckError", "Jacobian mismatch for output 0"),
    ),
    "nan": (
        lambda lib, F, x, y, z: (lambda a: a.sqrt(), (lib.tensor([-1.0, 1.0], dtype=lib.float64, requires_grad=True),)),
        {},
        ("GradcheckError", "Jacobian mismatch for output 0"),
    ),
    "stride 0": (
        lambda lib, F, x, y, z: (lib.sin, (x[:1].expand(3),)),
        {},
        ("RuntimeError", "The 0th input has a dimension with stride 0."),
    ),
    "nothing requires grad": (
        lambda lib, F, x, y, z: (lib.sin, (x.detach(),)),
        {},
        ("ValueError", "gradcheck expects at least one input tensor to require gradient"),
    ),
    "no mode": (
        lambda lib, F, x, y, z: (lib.sin, (x,)),
        {"check_backward_ad": False},
        ("AssertionError", "Expected at least one of check_forward_ad or check_backward_ad to be True"),
    ),
    "batched without backward": (
        lambda lib, F, x, y, z: (lib.sin, (x,)),
        {"check_forward_ad": True, "check_backward_ad": False, "check_batched_grad": True},
        ("AssertionError", "Setting check_batched_grad=True requires check_backward_ad to be True"),
    ),
}
FAST = {"fast": True, "slow": False}


def _verdict(lib, name, fast):
    make, options, _ = SCENARIOS[name]
    func, inputs = make(lib, _functions(lib), *_inputs(lib))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return lib.autograd.gradcheck(func, inputs, **{"fast_mode": fast, **options})
        except Exception as e:  # noqa: BLE001 - the verdict is the error
            return type(e).__name__, str(e)


@pytest.mark.parametrize("mode", FAST)
@pytest.mark.parametrize("name", SCENARIOS)
def test_verdict(name, mode):
    expected = SCENARIOS[name][2]
    got = _verdict(retrograd, name, FAST[mode])
    if expected is True:
        assert got is True
    else:
        assert got[0] == expected[0] and got[1].startswith(expected[1]), got


@needs_torch
@pytest.mark.parametrize("mode", FAST)
@pytest.mark.parametrize("name", SCENARIOS)
def test_verdict_matches_pytorch(name, mode):
    ours, theirs = _verdict(retrograd, name, FAST[mode]), _verdict(torch, name, FAST[mode])
    if theirs is True:
        assert ours is True
        return
    assert ours[0] == theirs[0]
    # the first sentence names the check (and the output and input); numbers print per library, and
    # where PyTorch points to its own sources, the help that follows is ours
    assert ours[1].split("\n")[0].split(". ")[0] == theirs[1].split("\n")[0].split(". ")[0]


def test_raise_exception_false_returns_false():
    x = _inputs(retrograd)[0]
    wrong = _functions(retrograd)["Wrong"].apply
    assert retrograd.autograd.gradcheck(wrong, (x,), raise_exception=False) is False
    assert retrograd.autograd.gradcheck(wrong, (x,), raise_exception=False, fast_mode=True) is False


def test_undefined_failure_warns_as_pytorch():
    x = _inputs(retrograd)[0]
    with pytest.warns(UserWarning, match="check_undefined_grad=False"):
        with pytest.raises(retrograd.autograd.GradcheckError):
            retrograd.autograd.gradcheck(_functions(retrograd)["NeedsDefined"].apply, (x,))


def test_float32_inputs_warn():
    x = _inputs(retrograd)[0].detach().float().requires_grad_()
    with pytest.warns(UserWarning, match="Input #0 requires gradient and is not a double precision"):
        retrograd.autograd.gradcheck(lambda a: a * 2, (x,), raise_exception=False)


def test_fast_mode_reports_the_slow_jacobians():
    x = _inputs(retrograd)[0]
    with pytest.raises(retrograd.autograd.GradcheckError) as info:
        retrograd.autograd.gradcheck(_functions(retrograd)["Wrong"].apply, (x,), fast_mode=True)
    message = str(info.value)
    assert "are computed \nin fast mode." in message and "Numerical:\n tensor([[2.0000, 0.0000, 0.0000]," in message
    assert "The max per-element difference (slow mode) is: 1.0000" in message


@needs_torch
def test_fast_mode_report_words_match_pytorch():
    def report(lib):
        x = _inputs(lib)[0]
        try:
            lib.autograd.gradcheck(_functions(lib)["Wrong"].apply, (x,), fast_mode=True)
        except RuntimeError as e:  # GradcheckError
            # after the projections, which agree to rounding only; dtypes named under either package name
            return str(e).replace("retrograd.", "torch.").split("\n")[3:]
        raise AssertionError("gradcheck passed")

    assert report(retrograd) == report(torch)


@needs_torch
def test_fast_mode_projects_on_pytorchs_vectors():
    # the same random directions: the projections printed agree to rounding
    def numbers(lib):
        x = _inputs(lib)[0]
        try:
            lib.autograd.gradcheck(_functions(lib)["Wrong"].apply, (x,), fast_mode=True)
        except RuntimeError as e:  # GradcheckError
            first = str(e).split("\n")
            return float(first[1].removeprefix("numerical:")), float(first[2].removeprefix("analytical:"))
        raise AssertionError("gradcheck passed")

    np.testing.assert_allclose(numbers(retrograd), numbers(torch), rtol=1e-12)


def test_fast_mode_leaves_the_global_generator_alone():
    x = _inputs(retrograd)[0]
    retrograd.manual_seed(3)
    expected = retrograd.rand(2)
    retrograd.manual_seed(3)
    retrograd.autograd.gradcheck(retrograd.sin, (x,), fast_mode=True)
    assert retrograd.equal(retrograd.rand(2), expected)


@pytest.mark.parametrize(
    "options", [{}, {"fast_mode": True}, {"check_fwd_over_rev": True}, {"check_batched_grad": True}]
)
def test_gradgradcheck_options(options):
    x, y, _ = _inputs(retrograd)
    assert retrograd.autograd.gradgradcheck(lambda a, b: (b @ a.exp()).tanh(), (x, y), **options)


def test_gradgradcheck_option_assertions():
    x = _inputs(retrograd)[0]
    with pytest.raises(AssertionError, match="Expected at least one of check_fwd_over_rev or check_rev_over_rev"):
        retrograd.autograd.gradgradcheck(retrograd.sin, (x,), check_rev_over_rev=False)
    with pytest.raises(AssertionError, match="Setting check_undefined_grad=True requires check_rev_over_rev"):
        retrograd.autograd.gradgradcheck(retrograd.sin, (x,), check_rev_over_rev=False, check_fwd_over_rev=True)
    assert retrograd.autograd.gradgradcheck(
        retrograd.sin, (x,), check_rev_over_rev=False, check_fwd_over_rev=True, check_undefined_grad=False
    )


def _forward_over_reverse(lib):
    """The tangent of the gradient of sum(f(x)): the Hessian-vector product, by forward over reverse."""
    fw = lib.autograd.forward_ad
    x = lib.tensor([0.3, -1.2, 0.7], dtype=lib.float64)
    results = []
    for f in (lambda d: d.exp(), lambda d: d.tanh(), lambda d: d.sigmoid(), lambda d: (d * d + 1).sqrt(),
              lambda d: d.softmax(0) * d):  # fmt: skip
        with fw.dual_level():
            d = fw.make_dual(x, lib.tensor([1.0, 0.5, -2.0], dtype=lib.float64)).requires_grad_()
            (g,) = lib.autograd.grad(f(d).sum(), d, create_graph=True)  # the output is a temporary
            results.append(fw.unpack_dual(g).tangent.detach().numpy())
    return results


def test_forward_over_reverse_keeps_the_tangents_of_saved_outputs():
    exp_x = np.exp([0.3, -1.2, 0.7])
    np.testing.assert_allclose(_forward_over_reverse(retrograd)[0], exp_x * [1.0, 0.5, -2.0], rtol=1e-12)


@needs_torch
def test_forward_over_reverse_matches_pytorch():
    for ours, theirs in zip(_forward_over_reverse(retrograd), _forward_over_reverse(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15)


def test_custom_function_records_complex_outputs():
    z = _inputs(retrograd)[2]
    out = _functions(retrograd)["TwoOutputs"].apply(z)
    assert all(o.requires_grad and o.grad_fn is not None for o in out)


def test_make_dual_under_vmap_says_it_is_unsupported():
    fw = retrograd.autograd.forward_ad

    def tangent_of_exp(t):
        with fw.dual_level():
            return fw.unpack_dual(fw.make_dual(retrograd.zeros(3), t).exp()).tangent

    with pytest.raises(RuntimeError, match="dual tensors do not work under vmap"):
        retrograd.func.vmap(tangent_of_exp)(retrograd.ones(2, 3))


@pytest.mark.parametrize(
    "inplace",
    [
        lambda F, a: F.elu_(a * 1),
        lambda F, a: F.selu(a * 1, inplace=True),
        lambda F, a: F.silu(a * 1, inplace=True),
        lambda F, a: F.mish(a * 1, inplace=True),
        lambda F, a: F.hardswish(a * 1, inplace=True),
    ],
)
def test_forward_over_reverse_through_inplace_activations(inplace):
    # the rule reads the value from before the write: its tangent must be kept with it
    x = retrograd.tensor([0.7, -1.3, 0.4, -0.2, 1.9], dtype=retrograd.float64, requires_grad=True)
    f = lambda a: inplace(retrograd.nn.functional, a)  # noqa: E731
    assert retrograd.autograd.gradgradcheck(f, (x,), check_fwd_over_rev=True, check_undefined_grad=False)


def _complex_input_report(lib):
    """The slow-mode report for a complex input: one row per element, d/dx + 1j d/dy, complex."""
    z = lib.tensor([1.0 + 2.0j, -0.5 + 0.25j], dtype=lib.complex128, requires_grad=True)
    try:
        lib.autograd.gradcheck(lambda a: a.detach() * 2 + a * 0, (z,))
    except RuntimeError as e:  # GradcheckError
        return str(e).replace("retrograd.", "torch.")
    raise AssertionError("gradcheck passed")


def test_complex_input_report_has_one_complex_row_per_element():
    assert _complex_input_report(retrograd) == (
        "While considering the imaginary part of complex outputs only, Jacobian mismatch for output 0 with "
        "respect to input 0,\n"
        "numerical:tensor([[0.+2.0000j, 0.+0.0000j],\n        [0.+0.0000j, 0.+2.0000j]], dtype=torch.complex128)\n"
        "analytical:tensor([[0.+0.j, 0.+0.j],\n        [0.+0.j, 0.+0.j]], dtype=torch.complex128)\n"
    )


@needs_torch
def test_complex_input_report_vs_torch():
    assert _complex_input_report(retrograd) == _complex_input_report(torch)
