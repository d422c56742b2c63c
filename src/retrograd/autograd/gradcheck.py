"""gradcheck and gradgradcheck: compare autograd against central finite differences.

Use float64 inputs: in float32 the finite differences themselves are too noisy
for the default tolerances. The Jacobians are built in full (one backward pass
per output element, two forward passes per input element), so keep inputs small.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..engine.backward import grad as _grad
from ..engine.grad_mode import enable_grad
from ..ops.creation import zeros_like
from ..tensor import Tensor
from ..testing import make_tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _as_tuple(x: Any) -> tuple:
    return (x,) if isinstance(x, Tensor) else tuple(x)


def _differentiable_outputs(out: Any) -> list:
    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and (o.is_floating_point() or o.is_complex())]


# Complex numbers are checked as pairs of reals, as PyTorch does: a complex input contributes
# the rows of its real and of its imaginary parts, a complex output the columns of both parts.


def _real_parts(a: np.ndarray) -> np.ndarray:
    flat = a.reshape(-1)
    return np.concatenate([flat.real, flat.imag]) if np.iscomplexobj(flat) else flat


def _numerical_jacobians(func: Callable, inputs: tuple, targets: list[int], eps: float) -> list[list[np.ndarray]]:
    """J[i][o]: d(output o)/d(input i) by central differences, shape (real numel_in, real numel_out).

    `func` runs in the caller's grad mode, as in PyTorch: it may take gradients itself.
    """
    base = [o._data.copy() for o in _differentiable_outputs(func(*inputs))]
    result = []
    for i in targets:
        x = inputs[i]._data
        flat = x.reshape(-1)  # a view: the inputs are contiguous copies (see _prepare)
        steps = (eps, 1j * eps) if np.iscomplexobj(flat) else (eps,)
        cols = [np.zeros((flat.size * len(steps), _real_parts(b).size)) for b in base]
        for s, step in enumerate(steps):
            for j in range(flat.size):
                orig = flat[j]
                flat[j] = orig + step
                plus = [o._data.copy() for o in _differentiable_outputs(func(*inputs))]
                flat[j] = orig - step
                minus = [o._data.copy() for o in _differentiable_outputs(func(*inputs))]
                flat[j] = orig
                for k, (p, m) in enumerate(zip(plus, minus)):
                    cols[k][s * flat.size + j] = _real_parts((p - m) / (2 * eps))
        result.append(cols)
    return result


def _analytical_jacobians(func: Callable, inputs: tuple, targets: list[int]) -> list[list[np.ndarray]]:
    outputs = _differentiable_outputs(func(*inputs))
    wrt = [inputs[i] for i in targets]
    parts = [2 if inputs[i].is_complex() else 1 for i in targets]
    result = [[np.zeros((inputs[i].numel() * p, _real_parts(o._data).size)) for o in outputs]
              for i, p in zip(targets, parts)]
    for k, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        # a cotangent of 1 reads the real part of an output element, one of 1j its imaginary part
        units = (1.0, 1j) if out.is_complex() else (1.0,)
        for c, unit in enumerate(units):
            for e in range(out.numel()):
                v = zeros_like(out)
                v._data.reshape(-1)[e] = unit
                grads = _grad(out, wrt, v, retain_graph=True, allow_unused=True)
                for n, g in enumerate(grads):
                    if g is not None:
                        result[n][k][:, c * out.numel() + e] = _real_parts(g._data)
    return result


def _prepare(inputs: tuple) -> tuple:
    ready = []
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad and not x._data.flags.c_contiguous:
            x = Tensor._make(np.ascontiguousarray(x._data), True)
        ready.append(x)
    return tuple(ready)


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

    Every input tensor with `requires_grad=True` is checked against every
    floating-point output.

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

    inputs = _prepare(_as_tuple(inputs))
    targets = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not targets:
        raise ValueError(
            "gradcheck expects at least one input tensor to require gradient, "
            "but none of the them have requires_grad=True."
        )
    numerical = _numerical_jacobians(func, inputs, targets, eps)
    analytical = _analytical_jacobians(func, inputs, targets)
    for n, i in enumerate(targets):
        if len(numerical[n]) != len(analytical[n]):
            raise GradcheckError("the function returned a different number of outputs on the numerical pass")
        for k, (num, ana) in enumerate(zip(numerical[n], analytical[n])):
            if not np.allclose(ana, num, rtol=rtol, atol=atol, equal_nan=True):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {k} with respect to input {i},\nnumerical:{num}\nanalytical:{ana}\n"
                )
    return True


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

    inputs = _prepare(_as_tuple(inputs))
    outputs = _differentiable_outputs(func(*inputs))
    if grad_outputs is None:  # random, from the global generator as in PyTorch (the same draws)
        grad_outputs = tuple(
            make_tensor(o.shape, dtype=o.dtype, device=o.device, low=-1, high=1, requires_grad=True,
                        noncontiguous=gen_non_contig_grad_outputs)
            for o in outputs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)
    targets = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]

    def first_derivative(*args: Any) -> tuple:
        # always record: the caller may have turned grad mode off, and this needs a graph
        with enable_grad():
            xs, vs = args[:n_in], args[n_in:]
            outs = _differentiable_outputs(func(*xs))
            used = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
            if not used:
                return ()
            grads = _grad(
                [o for o, _ in used],
                [xs[i] for i in targets],
                [v for _, v in used],
                create_graph=True,
                allow_unused=True,
            )
            return tuple(g for g in grads if g is not None)

    return gradcheck(
        first_derivative,
        inputs + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )
