"""gradcheck and gradgradcheck: compare autograd against central finite differences.

Use float64 inputs: in float32 the finite differences themselves are too noisy for the
default tolerances. Slow mode (the default) builds the Jacobians in full: one backward pass
per output value, two forward passes per input value, so keep inputs small. Fast mode
compares one random projection `v^T J u` per input and output instead.

Beside the Jacobians, gradcheck checks what PyTorch's does (gradcheck_properties): that the
backward runs the same twice, that a zero cotangent gives zero gradients, that undefined
output gradients are handled and, when asked, forward-mode derivatives and batched ones.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..dtypes import complex128, float64
from ..engine.backward import grad as _grad
from ..engine.grad_mode import enable_grad
from ..tensor import Tensor
from .gradcheck_jacobians import (
    GradcheckError,
    Rows,
    as_tuple,
    forward_jacobians,
    from_real_parts,
    jvp_rows,
    numerical_jacobians,
    numerical_jvps,
    picked,
    unit_cotangents,
    vjp_columns,
)
from .gradcheck_properties import (
    check_backward_mul_by_grad_output,
    check_batched_forward_grad,
    check_batched_grad,
    check_undefined_backward,
    check_undefined_forward,
    on_first_use,
)

__all__ = ["GradcheckError", "gradcheck", "gradgradcheck"]


@dataclass(frozen=True)
class _Options:
    eps: float
    atol: float
    rtol: float
    nondet_tol: float
    check_undefined_grad: bool
    check_grad_dtypes: bool
    check_batched_grad: bool
    check_batched_forward_grad: bool
    check_forward_ad: bool
    check_backward_ad: bool
    fast_mode: bool


# ----- inputs and outputs ---------------------------------------------------------------------


def _check_inputs(inputs: tuple) -> list[int]:
    """The positions of the inputs that require grad; warns and raises as PyTorch's gradcheck does."""
    targets = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad:
            if x.dtype not in (float64, complex128):
                warnings.warn(
                    f"Input #{i} requires gradient and is not a double precision floating point or complex. "
                    "This check will likely fail if all the inputs are not of double precision floating "
                    "point or complex. ",
                    stacklevel=4,
                )
            if not all(st > 0 or sz <= 1 for st, sz in zip(x.stride(), x.shape)):
                raise RuntimeError(
                    f"The {i}th input has a dimension with stride 0. gradcheck only supports inputs that are "
                    "non-overlapping to be able to compute the numerical gradients correctly. You should call "
                    ".contiguous on the input before passing it to gradcheck."
                )
            targets.append(i)
    if not targets:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, but none of them have requires_grad=True."
        )
    return targets


def _prepare(inputs: tuple) -> tuple:
    ready = []
    for x in inputs:
        # finite differences write into the input: it must be its own contiguous, writable array
        if isinstance(x, Tensor) and x.requires_grad and not (x._data.flags.c_contiguous and x._data.flags.writeable):
            x = Tensor._make(np.array(x._data, order="C"), True)
        ready.append(x)
    return tuple(ready)


def _floating(out: Any) -> list[int]:
    return [
        k for k, o in enumerate(as_tuple(out)) if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())
    ]


def _requiring_grad(out: Any) -> list[int]:
    """Positions of the outputs gradcheck compares: the tensors that require grad, as in PyTorch."""
    return [k for k, o in enumerate(as_tuple(out)) if isinstance(o, Tensor) and o.requires_grad]


# ----- reports --------------------------------------------------------------------------------


def _parts(columns: int, complex_: bool) -> list[tuple[str, slice]]:
    """The blocks compared one after the other: a complex value's imaginary parts first, as PyTorch."""
    if not complex_:
        return [("", slice(None))]
    half = columns // 2
    return [("imaginary", slice(half, None)), ("real", slice(0, half))]


def _mismatch(part: str, what: str, k: int, n: int, num: Any, ana: Any, forward: bool) -> str:
    prefix = f"While considering the {part} part of complex {what} only, " if part else ""
    mode = "computed with forward mode " if forward else ""
    return (
        f"{prefix}Jacobian {mode}mismatch for output {k:d} with respect to input {n:d},\n"
        f"numerical:{num}\nanalytical:{ana}\n"
    )


def _as_tensor(values: np.ndarray, like: Tensor) -> Tensor:
    """Jacobian values as the tensor a report prints, in `like`'s real dtype."""
    return Tensor._make(np.asarray(values).astype(like._data.real.dtype), False)


def _per_element(values: np.ndarray, x: Tensor) -> Tensor:
    """A backward Jacobian as PyTorch prints it: one row per element of `x`; a complex `x`'s rows
    join the derivatives along its real and imaginary parts as d/dx + 1j d/dy, in `x`'s dtype."""
    if not x.is_complex():
        return _as_tensor(values, x)
    half = values.shape[0] // 2
    return Tensor._make((values[:half] + 1j * values[half:]).astype(x._data.dtype), False)


def _check_rows(first: Rows, second: Rows, o: _Options) -> None:
    """PyTorch's checks of a backward's results: dtypes (when asked), sizes, and the same values twice."""
    if o.check_grad_dtypes and not first.types_ok:
        raise GradcheckError("Gradient has dtype mismatch")
    if not first.sizes_ok:
        raise GradcheckError("Analytical gradient has incorrect size")
    for a, b in zip(first.matrices, second.matrices):
        if a.size and np.abs(a - b).max() > o.nondet_tol:
            raise GradcheckError(
                "Backward is not reentrant, i.e., running backward with same input and grad_output multiple "
                "times gives different values, although analytical gradient matches numerical gradient."
                f"The tolerance for nondeterminism was {o.nondet_tol}.\n\n"
                "A backward that is nondeterministic by design (atomic adds, unordered sums) can be checked "
                "with a tolerance: pass nondet_tol=<tol>."
            )


# ----- one check's subject ------------------------------------------------------------------------


@dataclass
class _Case:
    """What one gradcheck looks at: the function, its prepared inputs, and the outputs it compares."""

    func: Callable
    inputs: tuple
    targets: list[int]  # the inputs that require grad
    func_out: Any  # func(*inputs), whose graph the backward checks use
    picks: list[int]  # the outputs that require grad

    @property
    def wrt(self) -> list[Tensor]:
        return [self.inputs[i] for i in self.targets]

    @property
    def outputs(self) -> list[Tensor]:
        return picked(self.func_out, self.picks)


def _forward_jacobians(case: _Case, picks: list[int], o: _Options) -> list:
    return forward_jacobians(case.func, case.inputs, case.targets, picks, o.check_grad_dtypes)


# ----- slow mode: whole Jacobians ---------------------------------------------------------------


def _compare_jacobians(
    num: np.ndarray, ana: np.ndarray, k: int, n: int, out: Tensor, x: Tensor, o: _Options, forward: bool
) -> None:
    if num.size == 0:
        return
    # a complex output's columns (backward) or a complex input's rows (forward) are compared part by part
    if forward:
        blocks, what = _parts(num.shape[0], x.is_complex()), "inputs"
    else:
        blocks, what = _parts(num.shape[1], out.is_complex()), "outputs"
    for part, s in blocks:
        a, nm = (ana[s], num[s]) if forward else (ana[:, s], num[:, s])
        if not np.allclose(a, nm, rtol=o.rtol, atol=o.atol):
            if forward:
                num_t, ana_t = _as_tensor(nm, out), _as_tensor(a, out)
            else:
                num_t, ana_t = _per_element(nm, x), _per_element(a, x)
            raise GradcheckError(_mismatch(part, what, k, n, num_t, ana_t, forward))


def _check_slow(case: _Case, o: _Options, forward: bool) -> None:
    wrt = case.wrt
    numerical = numerical_jacobians(case.func, case.inputs, case.targets, o.eps, case.picks)
    analytical = _forward_jacobians(case, case.picks, o) if forward else None
    for k, out in enumerate(case.outputs):
        if analytical is not None:
            per_input = [analytical[n][k] for n in range(len(wrt))]
        else:
            cotangents = unit_cotangents(out)
            first = vjp_columns(out, wrt, cotangents)
            _check_rows(first, vjp_columns(out, wrt, cotangents), o)
            per_input = first.matrices
        for n, (ana, x) in enumerate(zip(per_input, wrt)):
            _compare_jacobians(numerical[n][k], ana, k, n, out, x, o, forward)


# ----- fast mode: one projection v^T J u per input and output ----------------------------------


def _generator() -> Any:
    """A fresh generator, as PyTorch's fast mode makes: the user's random stream is left alone."""
    return on_first_use("random").Generator()


def _unit_vector(g: Any, n: int) -> np.ndarray:
    """A random direction with non-negative entries, drawn as PyTorch's fast mode draws it."""
    v = on_first_use("random").rand(n, generator=g)._data.astype(np.float64)
    return v / np.linalg.norm(v)


def _input_direction(g: Any, x: Tensor) -> np.ndarray:
    """u over `x`'s real directions; a complex `x` gets one unit vector for each part."""
    return np.concatenate([_unit_vector(g, x.numel()) for _ in range(2 if x.is_complex() else 1)])


# PyTorch's words for a fast check that fails where the slow one would pass
_FAST_FAIL_SLOW_OK = """
Fast gradcheck failed but element-wise differences are small. This means that the
test might've passed in slow_mode!

If you are adding a new operator, please file an issue and then use one of the
workarounds. The workaround depends on how your test invokes gradcheck/gradgradcheck:

If the test
- manually invokes gradcheck/gradgradcheck, then call gradcheck/gradgradcheck
  with `fast_mode=False` as a keyword argument.
- is OpInfo-based (e.g., in test_ops_gradients.py), then modify the OpInfo for the test
  to have `gradcheck_fast_mode=False`
- is a Module test (e.g., in common_nn.py), then modify the corresponding
  module_test entry to have `gradcheck_fast_mode=False`
""".strip()


def _slow_report(case: _Case, n: int, k: int, o: _Options, forward: bool) -> str:
    """The whole Jacobians of one input and output, to show beside a failed projection."""
    x, out = case.wrt[n], case.outputs[k]
    numerical = numerical_jacobians(case.func, case.inputs, [case.targets[n]], o.eps, [case.picks[k]])[0][0]
    if forward:
        analytical = _forward_jacobians(case, [case.picks[k]], o)[n][0]
    else:
        analytical = vjp_columns(out, [x], unit_cotangents(out)).matrices[0]
    report = (
        "\nThe above quantities relating the numerical and analytical jacobians are computed \n"
        "in fast mode. See: https://github.com/pytorch/pytorch/issues/53876 for more background \n"
        "about fast mode. Below, we recompute numerical and analytical jacobians in slow mode:\n\n"
        f"Numerical:\n {_as_tensor(numerical, out)}\nAnalytical:\n{_as_tensor(analytical, out if forward else x)}\n\n"
        f"The max per-element difference (slow mode) is: {np.abs(numerical - analytical).max()}.\n"
    )
    if np.allclose(analytical, numerical, rtol=o.rtol, atol=o.atol):
        report += _FAST_FAIL_SLOW_OK
    return report


def _check_fast(case: _Case, o: _Options, forward: bool) -> None:
    g = _generator()
    wrt, outputs = case.wrt, case.outputs
    us = [_input_direction(g, x) for x in wrt]
    numerical = [numerical_jvps(case.func, case.inputs, i, u, o.eps, case.picks) for i, u in zip(case.targets, us)]

    def fail(num: Any, ana: Any, part: str, k: int, n: int) -> GradcheckError:
        out = outputs[k]
        mismatch = _mismatch(
            part, "outputs", k, n, _as_tensor(num, out), _as_tensor(ana, out if forward else wrt[n]), forward
        )
        return GradcheckError(mismatch + _slow_report(case, n, k, o, forward))

    if forward:
        for n, (i, u) in enumerate(zip(case.targets, us)):
            tangent = iter([from_real_parts(u, wrt[n])])
            ju = jvp_rows(case.func, case.inputs, case.targets, i, tangent, case.picks, o.check_grad_dtypes)[0]
            for k, (ana, num) in enumerate(zip(ju, numerical[n])):
                if not np.allclose(ana, num, rtol=o.rtol, atol=o.atol * u.sum()):
                    raise fail(num, ana, "", k, n)
        return
    vs = [_unit_vector(g, out.numel()) for out in outputs]
    for k, (out, v) in enumerate(zip(outputs, vs)):
        size = out.numel()
        # a complex output's imaginary parts are read by the cotangent 1j * v, its real parts by v
        parts = (
            [("imaginary", 1j, slice(size, None)), ("real", 1.0, slice(0, size))]
            if out.is_complex()
            else [("", 1.0, slice(None))]
        )
        for part, scale, s in parts:
            cotangent = (v * scale).reshape(out.shape).astype(out._data.dtype)
            first = vjp_columns(out, wrt, [cotangent])
            _check_rows(first, vjp_columns(out, wrt, [cotangent]), o)
            for n, u in enumerate(us):
                ana = first.matrices[n][:, 0] @ u
                num = v @ numerical[n][k][s]
                if not np.isclose(ana, num, rtol=o.rtol, atol=o.atol * u.sum() * v.sum()):
                    raise fail(num, ana, part, k, n)


# ----- the whole check --------------------------------------------------------------------------


def _check_constant(case: _Case, o: _Options) -> None:
    """No output requires grad: then the function must not change with its inputs."""
    floating = _floating(case.func_out)
    if o.fast_mode:
        g = _generator()
        jvps = [
            numerical_jvps(case.func, case.inputs, i, _input_direction(g, case.inputs[i]), o.eps, floating)
            for i in case.targets
        ]
        moved = any(d.size and np.abs(d).max() > o.nondet_tol for per_input in jvps for d in per_input)
    else:
        jacobians = numerical_jacobians(case.func, case.inputs, case.targets, o.eps, floating)
        moved = any(np.any(j != 0) for per_input in jacobians for j in per_input)
    if moved:
        raise GradcheckError("Numerical gradient for function expected to be zero")


def _check_derivatives(case: _Case, o: _Options, forward: bool) -> None:
    if not case.picks:
        _check_constant(case, o)
    elif o.fast_mode:
        _check_fast(case, o, forward)
    else:
        _check_slow(case, o, forward)


def _run_gradcheck(func: Callable, inputs: tuple, o: _Options) -> None:
    """Every check PyTorch's gradcheck makes, in its order; raises GradcheckError at the first failure."""
    targets = _check_inputs(inputs)
    inputs = _prepare(inputs)
    func_out = func(*inputs)
    case = _Case(func, inputs, targets, func_out, _requiring_grad(func_out))
    if o.check_backward_ad:
        _check_derivatives(case, o, forward=False)
    if o.check_forward_ad:
        _check_derivatives(case, o, forward=True)
        if o.check_undefined_grad:
            g = _generator()
            units = [from_real_parts(_input_direction(g, x), x) for x in case.wrt]
            check_undefined_forward(func, inputs, targets, units, case.picks)
    if o.check_batched_forward_grad:
        check_batched_forward_grad(func, inputs, targets)
    if not o.check_backward_ad or not case.picks:
        return
    if o.check_batched_grad:
        for k, out in enumerate(case.outputs):
            check_batched_grad(out, k, case.wrt)
    check_backward_mul_by_grad_output(case.outputs, case.wrt)
    if o.check_undefined_grad:
        check_undefined_backward(func, inputs, case.picks, case.wrt)


def gradcheck(
    func: Callable[..., Any],
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_batched_forward_grad: bool = False,
    check_forward_ad: bool = False,
    check_backward_ad: bool = True,
    fast_mode: bool = False,
    masked: bool | None = None,
) -> bool:
    """True when autograd's Jacobian of `func` at `inputs` matches finite differences.

    Every input tensor with `requires_grad=True` is checked against every output that
    requires grad (an output that none requires must not change with the inputs). As in
    PyTorch, the backward must also give the same values twice, zero gradients for a zero
    incoming gradient, and cope with undefined output gradients.

    Args:
        func (callable): takes the tensors of `inputs`, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple): the inputs; use float64 for the finite differences to be accurate.
        eps (float): the finite-difference step (default 1e-6).
        atol (float): the absolute tolerance (default 1e-5).
        rtol (float): the relative tolerance (default 1e-3).
        raise_exception (bool): raise on a mismatch instead of returning False (default True).
        nondet_tol (float): how far two runs of the backward may differ (default 0.0).
        check_undefined_grad (bool): also check that undefined (None) output gradients are handled.
        check_grad_dtypes (bool): also check that the gradients' dtypes match the inputs'.
        check_batched_grad (bool): also check batched gradients (as vmap computes them).
        check_batched_forward_grad (bool): also check batched forward-mode gradients.
        check_forward_ad (bool): also check forward-mode derivatives.
        check_backward_ad (bool): check the backward-mode derivatives (default True).
        fast_mode (bool): compare random projections of the Jacobians instead of the whole matrices.
        masked (bool, optional): treat sparse inputs as masked (their unstored elements are not inputs).

    Returns:
        bool: True when the derivatives match (with `raise_exception=False`, False when not).

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], dtype=retrograd.float64, requires_grad=True)
        >>> retrograd.autograd.gradcheck(retrograd.sin, (x,))
        True
    """

    _require(
        check_forward_ad or check_backward_ad,
        "Expected at least one of check_forward_ad or check_backward_ad to be True",
    )
    _require(
        not check_batched_grad or check_backward_ad,
        "Setting check_batched_grad=True requires check_backward_ad to be True",
    )
    _require(
        not check_batched_forward_grad or check_forward_ad,
        "Setting check_batched_forward_grad=True requires check_forward_ad to be True",
    )
    options = _Options(
        eps,
        atol,
        rtol,
        nondet_tol,
        check_undefined_grad,
        check_grad_dtypes,
        check_batched_grad,
        check_batched_forward_grad,
        check_forward_ad,
        check_backward_ad,
        fast_mode,
    )
    try:
        _run_gradcheck(func, as_tuple(inputs), options)
    except GradcheckError:
        if raise_exception:
            raise
        return False
    return True


def _require(condition: bool, message: str) -> None:
    """PyTorch's checks of contradicting options raise AssertionError."""
    if not condition:
        raise AssertionError(message)


def gradgradcheck(
    func: Callable[..., Any],
    inputs: Any,
    grad_outputs: Sequence[Any] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    gen_non_contig_grad_outputs: bool = False,
    raise_exception: bool = True,
    nondet_tol: float = 0.0,
    check_undefined_grad: bool = True,
    check_grad_dtypes: bool = False,
    check_batched_grad: bool = False,
    check_fwd_over_rev: bool = False,
    check_rev_over_rev: bool = True,
    fast_mode: bool = False,
    masked: bool = False,
) -> bool:
    """gradcheck of the gradient itself: checks second derivatives of `func`.

    `grad_outputs` (random when omitted) are the vectors the first backward uses;
    they are differentiated too.

    Args:
        func (callable): takes the tensors of `inputs`, returns a tensor or a tuple of tensors.
        inputs (Tensor or tuple): the inputs; use float64 for the finite differences to be accurate.
        grad_outputs (sequence of Tensor, optional): the vectors of the first backward, one per output.
        eps (float): the finite-difference step (default 1e-6).
        atol (float): the absolute tolerance (default 1e-5).
        rtol (float): the relative tolerance (default 1e-3).
        gen_non_contig_grad_outputs (bool): make the random grad_outputs non-contiguous.
        raise_exception (bool): raise on a mismatch instead of returning False (default True).
        nondet_tol (float): how far two runs of the backward may differ (default 0.0).
        check_undefined_grad (bool): also check that undefined (None) output gradients are handled.
        check_grad_dtypes (bool): also check that the gradients' dtypes match the inputs'.
        check_batched_grad (bool): also check batched gradients (as vmap computes them).
        check_fwd_over_rev (bool): also check forward-over-reverse second derivatives.
        check_rev_over_rev (bool): check reverse-over-reverse second derivatives (default True).
        fast_mode (bool): compare random projections of the Jacobians instead of the whole matrices.
        masked (bool): treat sparse inputs as masked.

    Returns:
        bool: True when the second derivatives match (with `raise_exception=False`, False when not).

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0], dtype=retrograd.float64, requires_grad=True)
        >>> retrograd.autograd.gradgradcheck(retrograd.sin, (x,))
        True
    """

    _require(
        check_fwd_over_rev or check_rev_over_rev,
        "Expected at least one of check_fwd_over_rev or check_rev_over_rev to be True",
    )
    _require(
        not check_undefined_grad or check_rev_over_rev,
        "Setting check_undefined_grad=True requires check_rev_over_rev to be True",
    )
    _require(
        not check_batched_grad or check_rev_over_rev,
        "Setting check_batched_grad=True requires check_rev_over_rev to be True",
    )
    inputs = as_tuple(inputs)
    if grad_outputs is None:  # random, from the global generator as in PyTorch (the same draws)
        make_tensor = importlib.import_module("..testing", __package__).make_tensor  # (loads on first use)
        grad_outputs = tuple(
            make_tensor(
                o.shape,
                dtype=o.dtype if o.is_floating_point() or o.is_complex() else float64,
                device=o.device,
                low=-1,
                high=1,
                requires_grad=True,
                noncontiguous=gen_non_contig_grad_outputs,
            )
            for o in picked(func(*inputs), _requiring_grad(func(*inputs)))
        )
    grad_outputs = as_tuple(grad_outputs)
    n_in = len(inputs)
    targets = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    vector_targets = [j for j, v in enumerate(grad_outputs) if v.requires_grad]

    def first_derivative(*args: Any) -> tuple:
        # the forward-mode check passes detached inputs: their requires_grad is restored here
        xs = [x.requires_grad_() if i in targets and not x.requires_grad else x for i, x in enumerate(args[:n_in])]
        vs = [
            v.requires_grad_() if j in vector_targets and not v.requires_grad else v for j, v in enumerate(args[n_in:])
        ]
        # always record: the caller may have turned grad mode off, and this needs a graph
        with enable_grad():
            outs = picked(func(*xs), _requiring_grad(func(*xs)))
            if not outs:
                return ()
            grads = _grad(outs, [xs[i] for i in targets], vs[: len(outs)], create_graph=True, allow_unused=True)
            return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_derivative,
        inputs + grad_outputs,
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
        nondet_tol=nondet_tol,
        check_undefined_grad=check_undefined_grad,
        check_grad_dtypes=check_grad_dtypes,
        check_batched_grad=check_batched_grad,
        check_forward_ad=check_fwd_over_rev,
        check_backward_ad=check_rev_over_rev,
        fast_mode=fast_mode,
        masked=masked,
    )
