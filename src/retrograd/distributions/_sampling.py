"""Samplers PyTorch implements in C++ (gamma, von Mises), and Gamma's reparameterised gradient.

Their draws are not bit-compatible with PyTorch (its C++ samplers use their own algorithms);
they follow the same distributions. Each call seeds a NumPy generator from retrograd's global
generator, so `manual_seed` makes them reproducible and they advance retrograd's stream.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import retrograd as _rg
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
        a = alpha.detach().numpy().astype(np.float64)
        draws = numpy_generator().standard_gamma(a) if a.size else np.zeros(a.shape)
        draws = np.maximum(draws, np.finfo(alpha.detach().numpy().dtype).tiny)
        out = _tensor_like(draws, alpha)
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


def sample_dirichlet(concentration: Any) -> Any:
    """Dirichlet draws as normalised Gamma draws; gradients flow through the Gamma draws."""
    gammas = standard_gamma(concentration)
    out = gammas / gammas.sum(-1, keepdim=True)
    tiny = _rg.finfo(out.dtype).tiny
    return out.clamp(min=tiny, max=1 - _rg.finfo(out.dtype).eps)


def von_mises(loc: Any, concentration: Any, shape: Any) -> Any:
    """Von Mises draws of `shape` in (-π, π]."""
    mu = np.broadcast_to(loc.detach().numpy(), shape)
    kappa = np.broadcast_to(concentration.detach().numpy(), shape)
    draws = numpy_generator().vonmises(mu.astype(np.float64), kappa.astype(np.float64))
    return _tensor_like(draws, loc)
