"""Samplers PyTorch implements in C++ (gamma, Dirichlet, von Mises), and their reparameterised gradients.

Gamma and Dirichlet draw with PyTorch's own algorithm on retrograd's global generator
(`retrograd._cpu_gamma`), so after `manual_seed` they give PyTorch's numbers and leave the
generator where PyTorch's would be. Their gradients are the implicit reparameterisation through
the gamma draws. Von Mises seeds a NumPy generator from the global one (reproducible, not
PyTorch's draws).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import retrograd as _rg
from retrograd import _cpu_gamma
from retrograd.autograd import Function

from ._special import polygamma_array


def numpy_generator() -> np.random.Generator:
    """A NumPy generator seeded by one draw from retrograd's global generator."""
    seed = int(_rg.randint(0, 2**62, (1,)).item())
    return np.random.Generator(np.random.PCG64(seed))


def _tensor_like(array: Any, like: Any) -> Any:
    return _rg.tensor(np.asarray(array), dtype=like.dtype, device=like.device)


def standard_gamma_grad_array(x: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """dx/dα for x ~ Gamma(α, 1) by implicit differentiation of the CDF: -(∂P(α, x)/∂α) / pdf(x).

    P(α, x) = Σₙ Tₙ with Tₙ = x^(α+n) e^(-x) / Γ(α+n+1); ∂Tₙ/∂α = Tₙ (log x - ψ(α+n+1)).
    Dividing by the pdf x^(α-1) e^(-x) / Γ(α) leaves Tₙ/pdf = x^(n+1) Γ(α) / Γ(α+n+1).
    """
    x = np.asarray(x, dtype=np.float64)
    a = np.asarray(alpha, dtype=np.float64)
    x, a = np.broadcast_arrays(x, a)
    x = np.maximum(x, np.finfo(np.float64).tiny)
    log_x = np.log(x)
    terms = int(min(np.max(x, initial=0.0) + 10 * np.sqrt(np.max(x, initial=0.0)) + 30, 100000))
    log_ratio = log_x - np.log(a)  # log(T₀ / pdf) = log(x Γ(α) / Γ(α+1))
    psi = polygamma_array(0, a + 1)
    total = np.zeros_like(x)
    for n in range(terms):
        total += np.exp(log_ratio) * (log_x - psi)
        log_ratio = log_ratio + log_x - np.log(a + n + 1)  # Tₙ₊₁ / Tₙ = x / (α+n+1)
        psi = psi + 1 / (a + n + 1)
    return -total


class _StandardGamma(Function):
    """Gamma(α, 1) draws; backward is the implicit reparameterisation gradient."""

    @staticmethod
    def forward(ctx: Any, alpha: Any) -> Any:
        a = alpha.detach().numpy()
        draws = _cpu_gamma.standard_gamma(_rg.default_generator, a.astype(np.float64).ravel().tolist(), a.dtype)
        out = _tensor_like(draws.reshape(a.shape), alpha)
        ctx.save_for_backward(out, alpha)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, alpha = ctx.saved_tensors
        dx_dalpha = standard_gamma_grad_array(x.detach().numpy(), alpha.detach().numpy())
        return grad * _tensor_like(dx_dalpha, alpha)


def standard_gamma(alpha: Any) -> Any:
    """Gamma(alpha, 1) samples of alpha's shape, differentiable in alpha (implicit reparameterisation)."""
    return _StandardGamma.apply(alpha)


class _Dirichlet(Function):
    """Dirichlet draws (PyTorch's: normalised double gammas); backward through the gamma draws."""

    @staticmethod
    def forward(ctx: Any, concentration: Any) -> Any:
        alpha = concentration.detach().numpy()
        samples, gammas = _cpu_gamma.dirichlet(_rg.default_generator, alpha)
        ctx.gammas, ctx.alpha = gammas, alpha.astype(np.float64)
        out = _tensor_like(samples, concentration)
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        (out,) = ctx.saved_tensors
        # x = γ / Σγ: the gradient reaches each γ as (g - Σ g·x) / Σγ, then α by dγ/dα
        total = _tensor_like(ctx.gammas.sum(-1, keepdims=True), out)
        through_gammas = (grad - (grad * out).sum(-1, keepdim=True)) / total
        return through_gammas * _tensor_like(standard_gamma_grad_array(ctx.gammas, ctx.alpha), out)


def sample_dirichlet(concentration: Any) -> Any:
    """Dirichlet draws of `concentration`'s shape (rows along the last dim), differentiable in it."""
    return _Dirichlet.apply(concentration)


def von_mises(loc: Any, concentration: Any, shape: Any) -> Any:
    """Von Mises draws of `shape` in (-π, π]."""
    mu = np.broadcast_to(loc.detach().numpy(), shape)
    kappa = np.broadcast_to(concentration.detach().numpy(), shape)
    draws = numpy_generator().vonmises(mu.astype(np.float64), kappa.astype(np.float64))
    return _tensor_like(draws, loc)
