"""lgamma, digamma and polygamma as differentiable functions, private to distributions.

retrograd's core ops do not have these yet (another branch adds them); until then the
distributions build them here as `autograd.Function`s whose backward rules call each other
(lgamma' = digamma, digamma' = polygamma(1), polygamma(n)' = polygamma(n + 1)), so gradients
of any order flow. Forward values come from SciPy when installed, else from NumPy series.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

import retrograd as _rg
from retrograd.autograd import Function

_scipy: list = []  # SciPy's special module, imported on first use (None when absent)
_lgamma_scalar = np.frompyfunc(math.lgamma, 1, 1)


def _sp() -> Any:
    if not _scipy:
        try:
            from scipy import special
        except ImportError:  # exercised where SciPy is absent
            special = None
        _scipy.append(special)
    return _scipy[0]


def lgamma_array(a: np.ndarray) -> np.ndarray:
    """log|Γ(a)| elementwise, in a's dtype."""
    sp = _sp()
    if sp is not None:
        return np.asarray(sp.gammaln(a)).astype(a.dtype, copy=False)
    out = np.asarray(_lgamma_scalar(np.asarray(a, dtype=np.float64)), dtype=np.float64)
    return out.astype(a.dtype, copy=False)


def polygamma_array(n: int, a: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾(a) elementwise (n = 0 is digamma), in a's dtype."""
    sp = _sp()
    if sp is not None:
        out = sp.digamma(a) if n == 0 else sp.polygamma(n, a)
        return np.asarray(out).astype(a.dtype, copy=False)
    return _polygamma_series(n, np.asarray(a, dtype=np.float64)).astype(a.dtype, copy=False)


def _polygamma_series(n: int, x: np.ndarray) -> np.ndarray:
    """ψ⁽ⁿ⁾ by upward recurrence to x >= 12, then the asymptotic (Bernoulli-number) series."""
    bernoulli = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510]
    x = x.copy()
    reflect = x < 0.5 if n == 0 else np.zeros(x.shape, bool)
    # ψ(1 - x) - ψ(x) = π cot(πx): evaluate at 1 - x where x is small or negative
    x_work = np.where(reflect, 1 - x, x)
    acc = np.zeros_like(x_work)
    sign = (-1.0) ** (n + 1)
    with np.errstate(all="ignore"):
        while True:
            small = x_work < 12
            if not small.any():
                break
            # ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) - (-1)^n n! / x^(n+1)
            acc = np.where(small, acc - (-1.0) ** n * math.factorial(n) / x_work ** (n + 1), acc)
            x_work = np.where(small, x_work + 1, x_work)
        if n == 0:
            series = np.log(x_work) - 0.5 / x_work
            for k, b in enumerate(bernoulli, start=1):
                series = series - b / (2 * k * x_work ** (2 * k))
        else:
            # (-1)^(n+1) [ (n-1)!/x^n + n!/(2x^(n+1)) + Σ B_2k (2k+n-1)!/((2k)! x^(2k+n)) ]
            series = math.factorial(n - 1) / x_work**n + math.factorial(n) / (2 * x_work ** (n + 1))
            for k, b in enumerate(bernoulli, start=1):
                coef = b * math.factorial(2 * k + n - 1) / math.factorial(2 * k)
                series = series + coef / x_work ** (2 * k + n)
            series = sign * series
        out = series + acc
        if n == 0:
            out = np.where(reflect, out - np.pi / np.tan(np.pi * x), out)
            out = np.where((x <= 0) & (x == np.floor(x)), np.nan, out)
    return out


def _from_array(array: np.ndarray, like: Any) -> Any:
    return _rg.tensor(array, dtype=like.dtype)


class _Lgamma(Function):
    @staticmethod
    def forward(ctx: Any, x: Any) -> Any:
        ctx.save_for_backward(x)
        return _from_array(lgamma_array(x.detach().numpy()), x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return grad * digamma(x)  # d/dx log Γ(x) = ψ(x)


class _Polygamma(Function):
    @staticmethod
    def forward(ctx: Any, n: int, x: Any) -> Any:
        ctx.save_for_backward(x)
        ctx.order = n
        return _from_array(polygamma_array(n, x.detach().numpy()), x)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (x,) = ctx.saved_tensors
        return None, grad * polygamma(ctx.order + 1, x)  # d/dx ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x)


def _as_float(x: Any) -> Any:
    return x if x.is_floating_point() else x.to(_rg.get_default_dtype())


def lgamma(x: Any) -> Any:
    """log|Γ(x)|, differentiable to any order."""
    return _Lgamma.apply(_as_float(x))


def digamma(x: Any) -> Any:
    """ψ(x) = d/dx log Γ(x), differentiable to any order."""
    return _Polygamma.apply(0, _as_float(x))


def polygamma(n: int, x: Any) -> Any:
    """ψ⁽ⁿ⁾(x), the n-th derivative of digamma, differentiable to any order."""
    return _Polygamma.apply(n, _as_float(x))


def mvlgamma(x: Any, p: int) -> Any:
    """Multivariate log-gamma: Σ_{i<p} lgamma(x - i/2) + p(p-1)/4 log π."""
    offsets = _rg.arange(p, dtype=x.dtype) / 2
    return lgamma(x.unsqueeze(-1) - offsets).sum(-1) + p * (p - 1) / 4 * math.log(math.pi)


def log_beta(a: Any, b: Any) -> Any:
    """log B(a, b) = lgamma(a) + lgamma(b) - lgamma(a + b)."""
    return lgamma(a) + lgamma(b) - lgamma(a + b)


def gammainc_array(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Regularised lower incomplete gamma P(a, x), in float64."""
    sp = _sp()
    a = np.asarray(a, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64)
    if sp is not None:
        return np.asarray(sp.gammainc(a, x), dtype=np.float64)
    # P(a, x) = Σₙ x^(a+n) e^(-x) / Γ(a+n+1); terms shrink once n > x - a
    a, x = np.broadcast_arrays(a, x)
    xs = np.maximum(x, np.finfo(np.float64).tiny)
    log_term = a * np.log(xs) - xs - lgamma_array(a + 1)
    total = np.zeros(a.shape)
    limit = int(min(np.max(xs, initial=0.0) + 10 * np.sqrt(np.max(xs, initial=0.0)) + 40, 100000))
    for n in range(limit):
        total += np.exp(log_term)
        log_term = log_term + np.log(xs) - np.log(a + n + 1)
    return np.where(x <= 0, 0.0, np.minimum(total, 1.0))


class _Gammainc(Function):
    @staticmethod
    def forward(ctx: Any, a: Any, x: Any) -> Any:
        ctx.save_for_backward(a, x)
        out = gammainc_array(a.detach().numpy(), x.detach().numpy())
        return _rg.tensor(out, dtype=x.dtype)

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        a, x = ctx.saved_tensors
        # ∂P/∂x is the Gamma(a, 1) density; like PyTorch, no derivative in a
        density = _rg.exp((a - 1) * _rg.log(x) - x - lgamma(a))
        return None, grad * density


def gammainc(a: Any, x: Any) -> Any:
    """Regularised lower incomplete gamma P(a, x); differentiable in x only (as PyTorch)."""
    a, x = _rg.broadcast_tensors(_as_float(a), _as_float(x))
    return _Gammainc.apply(a, x)
