"""The Jacobians gradcheck compares: by finite differences, by backward passes, by forward-mode AD.

A Jacobian here is a NumPy matrix with one row per real direction of an input and one column
per real value of an output. Complex numbers count as pairs of reals, as in PyTorch: a complex
input contributes the rows of its real and then of its imaginary parts, a complex output the
columns of both parts. Fast mode projects instead of building: `u` (a random unit vector over
an input's real directions) on the right, `v` (one over an output's real values) on the left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from ..engine import forward_ad
from ..engine.backward import grad as _grad
from ..engine.dual_unpack import unpack_dual
from ..tensor import Tensor


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""

    __module__ = "retrograd.autograd.gradcheck"  # where users import it from, as PyTorch's


def as_tuple(x: Any) -> tuple:
    return (x,) if isinstance(x, Tensor) else tuple(x)


def real_parts(a: np.ndarray) -> np.ndarray:
    """`a` flattened, a complex array as its real parts followed by its imaginary parts."""
    flat = a.reshape(-1)
    return np.concatenate([flat.real, flat.imag]) if np.iscomplexobj(flat) else flat


def real_size(t: Tensor) -> int:
    return t.numel() * (2 if t.is_complex() else 1)


def from_real_parts(r: np.ndarray, like: Tensor) -> np.ndarray:
    """The inverse of `real_parts`: a vector over `like`'s real values as an array of its shape."""
    if like.is_complex():
        half = r.size // 2
        r = r[:half] + 1j * r[half:]
    return r.reshape(like.shape).astype(like._data.dtype)


def picked(out: Any, picks: Sequence[int]) -> list[Tensor]:
    outs = as_tuple(out)
    return [outs[k] for k in picks]


def _units(x: Tensor) -> Iterator[tuple[int, int, complex]]:
    """(row, element, unit) for each real direction of `x`: 1 moves an element's real part, 1j its imaginary."""
    n = x.numel()
    for s, unit in enumerate((1.0, 1j) if x.is_complex() else (1.0,)):
        for e in range(n):
            yield s * n + e, e, unit


# ----- finite differences ---------------------------------------------------------------------


def _central_difference(
    func: Callable, inputs: tuple, i: int, step: np.ndarray, eps: float, picks: Sequence[int]
) -> list[np.ndarray]:
    """(f(x + step) - f(x - step)) / 2eps over the real values of the picked outputs, x = inputs[i].

    `func` runs in the caller's grad mode, as in PyTorch: it may take gradients itself.
    """
    x = inputs[i]._data
    orig = x.copy()
    x += step
    plus = [o._data.copy() for o in picked(func(*inputs), picks)]
    x[...] = orig
    x -= step
    minus = [o._data.copy() for o in picked(func(*inputs), picks)]
    x[...] = orig
    return [real_parts((p - m) / (2 * eps)) for p, m in zip(plus, minus)]


def numerical_jacobians(
    func: Callable, inputs: tuple, targets: Sequence[int], eps: float, picks: Sequence[int]
) -> list[list[np.ndarray]]:
    """J[i][o]: d(output picks[o]) / d(input targets[i]), one central difference per real direction."""
    sizes = [real_size(o) for o in picked(func(*inputs), picks)]
    result = []
    for i in targets:
        x = inputs[i]
        cols = [np.zeros((real_size(x), size)) for size in sizes]
        for row, e, unit in _units(x):
            step = np.zeros(x.shape, dtype=x._data.dtype)
            step.reshape(-1)[e] = unit * eps
            for k, d in enumerate(_central_difference(func, inputs, i, step, eps, picks)):
                cols[k][row] = d
        result.append(cols)
    return result


def numerical_jvps(
    func: Callable, inputs: tuple, i: int, u: np.ndarray, eps: float, picks: Sequence[int]
) -> list[np.ndarray]:
    """u @ J[i][o] for each picked output: the derivative along the direction `u`, by one central difference."""
    return _central_difference(func, inputs, i, from_real_parts(u, inputs[i]) * eps, eps, picks)


# ----- backward passes ------------------------------------------------------------------------


class Rows:
    """Vector-Jacobian products of one output, gathered as matrices, with what PyTorch checks of them."""

    def __init__(self, wrt: list[Tensor], columns: int) -> None:
        self.matrices = [np.zeros((real_size(x), columns)) for x in wrt]
        self.sizes_ok = True
        self.types_ok = True


def vjp_columns(out: Tensor, wrt: list[Tensor], cotangents: list[np.ndarray]) -> Rows:
    """One backward per cotangent; column c of matrix n holds d<cotangent c, out>/d(wrt n)."""
    rows = Rows(wrt, len(cotangents))
    for c, cotangent in enumerate(cotangents):
        v = Tensor._make(cotangent, False)
        grads = _grad(out, wrt, v, retain_graph=True, allow_unused=True)
        for n, (g, x) in enumerate(zip(grads, wrt)):
            if g is None:
                continue
            if g.shape != x.shape:
                rows.sizes_ok = False
                continue
            if g.dtype != x.dtype:
                rows.types_ok = False
            rows.matrices[n][:, c] = real_parts(g.to_dense()._data)  # (a sparse gradient read densely)
    return rows


def unit_cotangents(out: Tensor) -> list[np.ndarray]:
    """The cotangents that read one real value of `out` each, in the columns' order."""
    result = []
    for _, e, unit in _units(out):
        v = np.zeros(out.shape, dtype=out._data.dtype)
        v.reshape(-1)[e] = unit
        result.append(v)
    return result


# ----- forward-mode AD ------------------------------------------------------------------------


def jvp_rows(
    func: Callable,
    inputs: tuple,
    targets: Sequence[int],
    i: int,
    tangents: Iterator[np.ndarray],
    picks: Sequence[int],
    check_dtypes: bool,
) -> list[list[np.ndarray]]:
    """Per tangent of input `i` (the other targets' tangents zero): the picked outputs' tangents, as real values."""
    result = []
    with forward_ad.dual_level():
        duals = list(inputs)
        for t in targets:
            x = inputs[t].detach()
            duals[t] = forward_ad.make_dual(x, Tensor._make(np.zeros_like(x._data), False))
        for tangent in tangents:
            duals[i] = forward_ad.make_dual(inputs[i].detach(), Tensor._make(tangent, False))
            row = []
            for o in picked(func(*duals), picks):
                primal, t_out = unpack_dual(o)
                if t_out is None:
                    row.append(np.zeros(real_size(primal)))
                    continue
                if check_dtypes and primal.is_complex() != t_out.is_complex():
                    raise GradcheckError("Forward AD gradient has dtype mismatch.")
                row.append(real_parts(t_out._data.astype(primal._data.dtype, copy=False)))
            result.append(row)
    return result


def forward_jacobians(
    func: Callable, inputs: tuple, targets: Sequence[int], picks: Sequence[int], check_dtypes: bool
) -> list[list[np.ndarray]]:
    """J[i][o] by forward-mode AD: one forward pass per real direction of each input."""
    result = []
    for i in targets:
        x = inputs[i]

        def one_hots(x: Tensor = x) -> Iterator[np.ndarray]:
            for _, e, unit in _units(x):
                t = np.zeros(x.shape, dtype=x._data.dtype)
                t.reshape(-1)[e] = unit
                yield t

        rows = jvp_rows(func, inputs, targets, i, one_hots(), picks, check_dtypes)
        result.append([np.stack([r[k] for r in rows]) if rows else np.zeros((0, 0)) for k in range(len(picks))])
    return result
