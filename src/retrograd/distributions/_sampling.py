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
from retrograd.engine.primitive import Primitive

from ._reparam_grad import dirichlet_grad_array, standard_gamma_grad_array


def numpy_generator() -> np.random.Generator:
    """A NumPy generator seeded by one draw from retrograd's global generator."""
    seed = int(_rg.randint(0, 2**62, (1,)).item())
    return np.random.Generator(np.random.PCG64(seed))


def _tensor_like(array: Any, like: Any) -> Any:
    return _rg.tensor(np.asarray(array), dtype=like.dtype, device=like.device)


def _not_implemented(op: str, error: type = RuntimeError, message: str = "derivative for aten::{} is not implemented"):
    def rule(g: Any) -> Any:
        raise error(message.format(op))

    return rule


def _check_float(x: Any, kernel: str) -> None:
    if not x.is_floating_point():
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{x.dtype.kind_name}'")


_GAMMA_GRAD = Primitive(
    "standard_gamma_grad",
    lambda xp, a, x: xp.asarray(standard_gamma_grad_array(*np.broadcast_arrays(x, a))).astype(a.dtype, copy=False),
    [_not_implemented("_standard_gamma_grad", NotImplementedError, "the derivative for '{}' is not implemented.")] * 2,
    inputs=("a", "x"),
    node_name="StandardGammaGradBackward0",
)
# the draw is made before the op (on the generator); dx/dα is the implicit reparameterisation
_STANDARD_GAMMA = Primitive(
    "standard_gamma", lambda xp, a, sample: sample, [lambda g, a, out: g * _standard_gamma_grad(a, out)]
)


def _standard_gamma(input: Any, generator: Any = None) -> Any:
    """Gamma(α, 1) draws of `input`'s shape (`torch._standard_gamma`), differentiable in α.

    PyTorch's sampler on the given (else the global) generator: after the same seed, PyTorch's
    numbers. The gradient is `_standard_gamma_grad(α, x)`, PyTorch's approximation of dx/dα.
    """
    _check_float(input, "gamma_cpu")
    a = input.detach().numpy()
    gen = _rg.default_generator if generator is None else generator
    draws = _cpu_gamma.standard_gamma(gen, a.astype(np.float64).ravel().tolist(), a.dtype)
    return _STANDARD_GAMMA(input, sample=draws.reshape(a.shape))


def _standard_gamma_grad(input: Any, output: Any) -> Any:
    """dx/dα of Gamma(α, 1) draws x (`torch._standard_gamma_grad`); not differentiable itself."""
    return _GAMMA_GRAD(input, output)


def standard_gamma(alpha: Any) -> Any:
    """Gamma(alpha, 1) samples of alpha's shape, differentiable in alpha (implicit reparameterisation)."""
    return _standard_gamma(alpha)


_SAMPLE_DIRICHLET = Primitive(
    "sample_dirichlet",
    lambda xp, a, sample: sample,
    [_not_implemented("_sample_dirichlet")],
    node_name="torch::autograd::NotImplemented",
)
_DIRICHLET_GRAD = Primitive(
    "dirichlet_grad",
    lambda xp, x, alpha, total: dirichlet_grad_array(*np.broadcast_arrays(x, alpha, total)).astype(x.dtype, copy=False),
    [_not_implemented("_dirichlet_grad")] * 3,
    inputs=("x", "alpha", "total"),
    node_name="torch::autograd::NotImplemented",
)


def _sample_dirichlet(input: Any, generator: Any = None) -> Any:
    """Dirichlet draws, rows along the last dim (`torch._sample_dirichlet`): normalised double gammas.

    Not differentiable (PyTorch's `Dirichlet.rsample` wraps it in a Function with `_dirichlet_grad`).
    """
    _check_float(input, "dirichlet")
    gen = _rg.default_generator if generator is None else generator
    samples, _ = _cpu_gamma.dirichlet(gen, input.detach().numpy())
    return _SAMPLE_DIRICHLET(input, sample=np.asarray(samples).astype(input.detach().numpy().dtype, copy=False))


def _dirichlet_grad(x: Any, alpha: Any, total: Any) -> Any:
    """d xᵢ / d αᵢ of Dirichlet draws x, with total = Σα (`torch._dirichlet_grad`); not differentiable."""
    return _DIRICHLET_GRAD(x, alpha, total)


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
