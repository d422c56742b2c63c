"""Reparameterised gradients of gamma-based draws against PyTorch, in float32 and float64.

The kernels (`torch._standard_gamma_grad`, `torch._dirichlet_grad`) over every branch, and the
rsample gradients of Dirichlet, Beta, Gamma, Chi2 and StudentT after the same seed, whose draws
are PyTorch's bit for bit. What may differ is libm's last bit in log, exp and pow (and float32
sums, which retrograd accumulates in double), magnified where a formula cancels: most kernel
values are bit-identical, the rest agree to a few ulps of their scale.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd
from retrograd.distributions._reparam_grad import dirichlet_grad_array, standard_gamma_grad_array

torch = pytest.importorskip("torch")
td = torch.distributions

DTYPES = ["float32", "float64"]
# kernel values beyond this relative distance from PyTorch's are cancellations (see module doc)
KERNEL_RTOL = {"float32": 2e-3, "float64": 1e-10}


def _log_uniform(rng, low, high, n):
    return np.exp(rng.uniform(np.log(low), np.log(high), n))


def _assert_kernel_close(got, expected):
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    # bit-identical almost everywhere, so a wrong branch or formula shows even where it is close
    assert np.mean(got == expected) > 0.99
    np.testing.assert_allclose(got, expected, rtol=KERNEL_RTOL[str(got.dtype)], atol=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_dirichlet_grad_kernel_matches_torch(dtype):
    rng = np.random.default_rng(0)
    n = 20000
    # alpha and beta = total - alpha from 0.01 to 200: all four branches of dirichlet_grad_one
    alpha, beta = _log_uniform(rng, 0.01, 200, n), _log_uniform(rng, 0.01, 200, n)
    x = rng.beta(alpha, beta).astype(dtype)
    x = np.clip(x, np.finfo(dtype).tiny, np.nextafter(x.dtype.type(1), x.dtype.type(0)))
    alpha = alpha.astype(dtype)
    total = (alpha + beta.astype(dtype)).astype(dtype)
    expected = torch._dirichlet_grad(*(torch.from_numpy(v) for v in (x, alpha, total))).numpy()
    _assert_kernel_close(dirichlet_grad_array(x, alpha, total), expected)


@pytest.mark.parametrize("dtype", DTYPES)
def test_standard_gamma_grad_kernel_matches_torch(dtype):
    rng = np.random.default_rng(1)
    n = 20000
    alpha = _log_uniform(rng, 1e-3, 500, n)
    # draws around the bulk (all regimes for alpha > 8), and x from 1e-9 to 3 (the x < 0.8 series)
    near = alpha * np.exp(rng.normal(0, 1.5, n) / np.sqrt(alpha + 1))
    x = np.concatenate([near, _log_uniform(rng, 1e-9, 3, n)]).astype(dtype)
    alpha = np.concatenate([alpha, alpha]).astype(dtype)
    expected = torch._standard_gamma_grad(torch.from_numpy(alpha), torch.from_numpy(x)).numpy()
    _assert_kernel_close(standard_gamma_grad_array(x, alpha), expected)


CONCENTRATIONS = {
    "small": [0.05, 0.3, 0.8],
    "around_one": [0.9, 1.0, 1.2],
    "large": [12.0, 40.0, 250.0],
    "mixed": [0.02, 1.0, 15.0, 400.0],
}
DISTRIBUTIONS = {
    "Dirichlet": lambda D, c: D.Dirichlet(c),
    "Beta": lambda D, c: D.Beta(c, c.flip(0)),
    "Gamma": lambda D, c: D.Gamma(c, 1.5),
    "Chi2": lambda D, c: D.Chi2(c),
    "StudentT": lambda D, c: D.StudentT(c),
}


def _rsample_grad(lib, name, concentration, dtype, seed):
    c = lib.tensor(concentration, dtype=getattr(lib, dtype), requires_grad=True)
    dist = DISTRIBUTIONS[name](rd if lib is rg else td, c)
    lib.manual_seed(seed)
    draws = dist.rsample((30,))
    weights = lib.linspace(-1.0, 2.0, draws.numel(), dtype=draws.dtype).reshape(draws.shape)
    (draws * weights).sum().backward()
    return draws.detach().numpy(), c.grad.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("conc", list(CONCENTRATIONS))
@pytest.mark.parametrize("name", list(DISTRIBUTIONS))
def test_rsample_gradients_match_torch(name, conc, dtype):
    for seed in (0, 1):
        draws, grad = _rsample_grad(rg, name, CONCENTRATIONS[conc], dtype, seed)
        t_draws, t_grad = _rsample_grad(torch, name, CONCENTRATIONS[conc], dtype, seed)
        np.testing.assert_array_equal(draws, t_draws)
        assert grad.dtype == t_grad.dtype
        # a concentration of 0.02 underflows some draws: NaN (or inf) where PyTorch's is
        finite = np.isfinite(t_grad)
        np.testing.assert_array_equal(grad[~finite], t_grad[~finite])
        # normwise: the weights have both signs, so an entry may be a cancelled sum
        tol = 1e-5 if dtype == "float32" else 1e-13
        error = np.max(np.abs(grad[finite] - t_grad[finite]))
        assert error <= tol * np.max(np.abs(t_grad[finite])), (grad, t_grad)
