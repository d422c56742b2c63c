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

from ._reparam_grad import dirichlet_grad_array, standard_gamma_grad_array


def numpy_generator() -> np.random.Generator:
    """A NumPy generator seeded by one draw from retrograd's global generator."""
    seed = int(_rg.randint(0, 2**62, (1,)).item())
    return np.random.Generator(np.random.PCG64(seed))


def _tensor_like(array: Any, like: Any) -> Any:
    return _rg.tensor(np.asarray(array), dtype=like.dtype, device=like.device)


class _StandardGamma(Function):
    """Gamma(α, 1) draws; backward is PyTorch's `_standard_gamma_grad` (dx/dα, approximated by region)."""

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
    """Dirichlet draws (PyTorch's: normalised double gammas); backward is PyTorch's `_dirichlet_grad`."""

    @staticmethod
    def forward(ctx: Any, concentration: Any) -> Any:
        samples, _ = _cpu_gamma.dirichlet(_rg.default_generator, concentration.detach().numpy())
        out = _tensor_like(samples, concentration)
        ctx.save_for_backward(out, concentration)
        return out

    @staticmethod
    def backward(ctx: Any, grad: Any) -> Any:
        x, concentration = ctx.saved_tensors
        # each xᵢ is Beta(αᵢ, Σα - αᵢ): its gradient in αᵢ, scaled by 1/(1-xᵢ), spread over the simplex
        total = concentration.sum(-1, keepdim=True).expand_as(concentration)
        arrays = (t.detach().numpy() for t in (x, concentration, total))
        dx_dalpha = _tensor_like(dirichlet_grad_array(*arrays), x)
        return dx_dalpha * (grad - (x * grad).sum(-1, keepdim=True))


def sample_dirichlet(concentration: Any) -> Any:
    """Dirichlet draws of `concentration`'s shape (rows along the last dim), differentiable in it."""
    return _Dirichlet.apply(concentration)


def von_mises(loc: Any, concentration: Any, shape: Any) -> Any:
    """Von Mises draws of `shape` in (-π, π]."""
    mu = np.broadcast_to(loc.detach().numpy(), shape)
    kappa = np.broadcast_to(concentration.detach().numpy(), shape)
    draws = numpy_generator().vonmises(mu.astype(np.float64), kappa.astype(np.float64))
    return _tensor_like(draws, loc)
