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


X = np.arange(10.0).reshape(2, 5)
WEIGHT_CASES = {
    "fweights_2d": dict(fweights=np.ones((5, 1), np.int64)),
    "fweights_float": dict(fweights=np.ones(5, np.float32)),
    "fweights_bool": dict(fweights=np.ones(5, bool)),
    "fweights_numel": dict(fweights=np.ones(4, np.int64)),
    "fweights_negative": dict(fweights=-np.ones(5, np.int64)),
    "aweights_2d": dict(aweights=np.ones((5, 1), np.float32)),
    "aweights_long": dict(aweights=np.ones(5, np.int64)),
    "aweights_complex": dict(aweights=np.ones(5, np.complex64)),
    "aweights_numel": dict(aweights=np.ones(4, np.float32)),
    "aweights_negative": dict(aweights=-np.ones(5, np.float32)),
    "both_negative": dict(fweights=-np.ones(5, np.int64), aweights=-np.ones(5, np.float32)),
    "zero_sum": dict(fweights=np.zeros(5, np.int64)),
    "float64_aweights": dict(aweights=np.ones(5)),
    "uint8_fweights_half_aweights": dict(fweights=np.ones(5, np.uint8), aweights=np.ones(5, np.float16)),
}


def _cov(m, name):
    kwargs = {k: m.from_numpy(v) for k, v in WEIGHT_CASES[name].items()}
    try:
        c = m.cov(m.tensor(X, dtype=m.float32), **kwargs)
    except RuntimeError as e:
        return str(e)
    return str(c.dtype).split(".")[-1], c.numpy().tolist()


def test_weights_are_checked_and_keep_their_dtype():
    assert _cov(rg, "fweights_float") == (
        "cov(): expected fweights to have integral dtype but got fweights with Float dtype"
    )
    assert _cov(rg, "aweights_numel") == (
        "cov(): expected aweights to have the same numel as there are observations in the input but got 4 != 5"
    )
    assert _cov(rg, "both_negative") == "cov(): fweights cannot be negative"  # fweights are checked first
    assert _cov(rg, "zero_sum") == "cov(): weights sum to zero, can't be normalized"
    assert _cov(rg, "float64_aweights") == ("float64", [[2.5, 2.5], [2.5, 2.5]])  # promoted, as x * w is
    with pytest.raises(RuntimeError, match="cov\\(\\): bool dtype is not supported for input"):
        rg.cov(rg.ones(2, 2, dtype=rg.bool))
    with pytest.raises(RuntimeError, match="corrcoef\\(\\): expected input to have two or fewer dimensions"):
        rg.corrcoef(rg.ones(2, 2, 2))


@pytest.mark.parametrize("name", list(WEIGHT_CASES))
def test_weight_checks_vs_torch(name):
    torch = pytest.importorskip("torch")
    assert _cov(rg, name) == _cov(torch, name)
