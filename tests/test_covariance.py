"""cov and corrcoef as PyTorch computes them: the result always squeezed, and a non-positive
number of degrees of freedom warned about and divided by as zero (inf/nan, not a negative scale)."""

import warnings

import numpy as np
import pytest

import retrograd as rg

DATA = np.random.default_rng(11).standard_normal((3, 4))


def _calls(m):
    x = m.tensor(DATA, requires_grad=True)
    return [
        lambda: m.cov(x[:1]),
        lambda: m.corrcoef(x[:1]),
        lambda: m.cov(x),
        lambda: m.cov(x[:, :2], correction=3),
        lambda: m.cov(x, fweights=m.tensor([1, 0, 0, 0]), correction=1),
        lambda: m.corrcoef(x[:, :1]),
    ]


def test_single_variable_rows_give_0d_results_and_a_squeeze_node():
    calls = _calls(rg)
    assert calls[0]().shape == () and calls[1]().shape == ()
    assert calls[2]().grad_fn.name() == "SqueezeBackward0"


def test_no_degrees_of_freedom_warns_and_divides_by_zero():
    with pytest.warns(UserWarning, match=r"^cov\(\): degrees of freedom is <= 0. Correction should be strictly less"):
        c = _calls(rg)[3]()
    assert np.isinf(c.detach().numpy()).all()  # the products over a zero count, not over -1
    with pytest.warns(UserWarning) as record:
        _calls(rg)[5]()
    assert record[0].filename == __file__  # the user's line, also through corrcoef


def test_calls_match_pytorch():
    torch = pytest.importorskip("torch")
    for ours, theirs in zip(_calls(rg), _calls(torch)):
        with warnings.catch_warnings(record=True) as mine:
            warnings.simplefilter("always")
            got = ours()
        with warnings.catch_warnings(record=True) as reference:
            warnings.simplefilter("always")
            expected = theirs()
        assert len(mine) == len(reference)
        assert got.shape == tuple(expected.shape)
        np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
        assert got.grad_fn.name() == type(expected.grad_fn).__name__
