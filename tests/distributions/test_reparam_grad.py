"""Reparameterised gradients of Gamma, Dirichlet and Beta draws: PyTorch's values, spelled out.

PyTorch approximates dx/dα by region (`_standard_gamma_grad`, `_dirichlet_grad`); retrograd
follows the same formulas. The numbers below are PyTorch 2.13's on CPU, so these tests run
without torch; tests/distributions/test_reparam_grad_vs_torch.py compares live over wide ranges.
The exact implicit gradient differs from these in the third or fourth digit, so a sampler that
differentiated the CDF exactly (as retrograd once did) fails here.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
import retrograd.distributions as rd
from retrograd.distributions._reparam_grad import dirichlet_grad_array, standard_gamma_grad_array

# (x, alpha, total), one per branch of `dirichlet_grad_one`: x near 0, x near 1, alpha and
# beta large (off and at the mean), and the rational correction twice
DIRICHLET_POINTS = [(1e-3, 0.5, 2.0), (0.9999, 3.0, 3.2), (0.3, 20.0, 70.0), (20 / 70, 20.0, 70.0),
                    (0.4, 5.0, 12.0), (0.7, 6.0, 9.0)]  # fmt: skip
DIRICHLET_GRAD = {
    "float64": [0.01306077848281975, 0.3802528257743687, 0.01483064187011393, 0.014473370125795065,
                0.08675624881454337, 0.12162887947527191],
    "float32": [0.013060778379440308, 0.38025251030921936, 0.014830642379820347, 0.014473370276391506,
                0.08675625175237656, 0.12162888050079346],
}  # fmt: skip
# (x, alpha) per branch of `standard_gamma_grad_one`: x < 0.8 (twice), alpha > 8 at, below and
# above the mode, and the rational approximation three times
GAMMA_POINTS = [(0.3, 0.5), (0.01, 2.0), (50.0, 50.0), (30.0, 50.0), (80.0, 50.0), (1.5, 1.5), (4.0, 0.3), (20.0, 7.0)]
GAMMA_GRAD = {
    "float64": [1.0098019827369256, 0.027737715900175396, 1.0033375023148148, 0.7687766730343737,
                1.2575414546231045, 1.1154919305579627, 4.425653707111601, 1.652584030310598],
    "float32": [1.009801983833313, 0.02773771621286869, 1.0033375024795532, 0.7687766551971436,
                1.2575414180755615, 1.1154919862747192, 4.425653457641602, 1.6525840759277344],
}  # fmt: skip
DTYPES = ["float32", "float64"]
# bit-identical here; the slack is for another platform's libm (log, exp, pow's last bit)
RTOL = {"float32": 1e-6, "float64": 1e-13}


@pytest.mark.parametrize("dtype", DTYPES)
def test_dirichlet_grad_kernel_matches_pytorch_values(dtype):
    x, alpha, total = (np.array(v, dtype) for v in zip(*DIRICHLET_POINTS))
    got = dirichlet_grad_array(x, alpha, total)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, np.array(DIRICHLET_GRAD[dtype], dtype), rtol=RTOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_standard_gamma_grad_kernel_matches_pytorch_values(dtype):
    x, alpha = (np.array(v, dtype) for v in zip(*GAMMA_POINTS))
    got = standard_gamma_grad_array(x, alpha)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_allclose(got, np.array(GAMMA_GRAD[dtype], dtype), rtol=RTOL[dtype])


# (builder, seed, concentration, sample shape), gradients of sum(draws * linspace(0.5, 2))
RSAMPLE_CASES = {
    "dirichlet_probe": (lambda c: rd.Dirichlet(c).rsample(), 1, [2.0, 0.7, 1.5]),
    "dirichlet_small": (lambda c: rd.Dirichlet(c).rsample((4,)), 2, [0.05, 0.3, 0.8]),
    "dirichlet_large": (lambda c: rd.Dirichlet(c).rsample((4,)), 3, [12.0, 40.0, 250.0]),
    "beta": (lambda c: rd.Beta(c[0], c[1]).rsample((3,)), 0, [2.0, 3.0]),
    "gamma": (lambda c: rd.Gamma(c, 1.0).rsample((2,)), 1, [0.1, 5.0, 50.0]),
}
RSAMPLE_GRAD = {
    ("dirichlet_probe", "float32"): [-0.18759143, 0.013181098, 0.23167159],
    ("dirichlet_small", "float32"): [-0.5941866, -0.01591786, 0.104612336],
    ("dirichlet_large", "float32"): [-0.0031767979, -0.001397098, 0.00036317794],
    ("beta", "float32"): [0.50353956, -0.3143371],
    ("gamma", "float32"): [2.5062652, 2.2781303, 3.1587827],
    ("dirichlet_probe", "float64"): [-0.18759141144397135, 0.013181093452666433, 0.2316715178036798],
    ("dirichlet_small", "float64"): [-0.5941870694151119, -0.015918287252043944, 0.10461210712946376],
    ("dirichlet_large", "float64"): [-0.003176798181036604, -0.0013970980985081843, 0.00036317747191403477],
    ("beta", "float64"): [0.5035395724387492, -0.3143370901644866],
    ("gamma", "float64"): [2.506265213487368, 2.27813037817741, 3.1587827163201383],
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", list(RSAMPLE_CASES))
def test_rsample_gradients_match_pytorch_values(case, dtype):
    build, seed, concentration = RSAMPLE_CASES[case]
    c = rg.tensor(concentration, dtype=getattr(rg, dtype), requires_grad=True)
    rg.manual_seed(seed)
    draws = build(c)
    weights = rg.linspace(0.5, 2.0, draws.numel(), dtype=draws.dtype).reshape(draws.shape)
    (draws * weights).sum().backward()
    expected = np.array(RSAMPLE_GRAD[case, dtype])
    # float32: retrograd sums float32 in double, PyTorch in float; a few ulps of the largest entry
    tol = 4e-6 if dtype == "float32" else 1e-13
    assert np.max(np.abs(c.grad.numpy() - expected)) <= tol * np.max(np.abs(expected))


def test_probe_from_the_bug_report():
    """Dirichlet([2, 0.7, 1.5]) after manual_seed(1): PyTorch's grad of x₀ is [0.1519, -0.1505, -0.1245]."""
    a = rg.tensor([2.0, 0.7, 1.5], requires_grad=True)
    rg.manual_seed(1)
    rd.Dirichlet(a).rsample()[0].backward()
    np.testing.assert_allclose(a.grad.numpy(), [0.1519, -0.1505, -0.1245], atol=5e-5)


def test_kernels_broadcast_and_keep_edge_values_finite_where_pytorch_does():
    # the Taylor branches read a NaN as 0, as ATen's do; x = 0 in the gamma series is one
    assert standard_gamma_grad_array(np.array([0.0]), np.array([0.5]))[0] == 0.0
    got = dirichlet_grad_array(np.array([[0.2], [0.6]]), np.array([1.0, 7.0, 30.0]), np.array(40.0))
    assert got.shape == (2, 3) and np.isfinite(got).all()
