"""The Distribution base class's defaults a user subclass meets, and the package's `import *` names."""

from __future__ import annotations

import warnings

import pytest

import retrograd
import retrograd.distributions as rd
from retrograd.distributions import constraints

try:
    import torch
except ImportError:
    torch = None


def _bare_subclass(module):
    """A user distribution that defines only its parameters and support, as research code starts one."""

    class Rate(module.distributions.Distribution):
        arg_constraints = {"rate": module.distributions.constraints.positive}
        support = module.distributions.constraints.nonnegative

        def __init__(self, rate):
            self.rate = rate
            super().__init__(rate.shape)

    return Rate(module.tensor([1.0, 2.0]))


def _error(fn):
    try:
        fn()
    except NotImplementedError as e:
        return str(e)
    raise AssertionError("expected NotImplementedError")


def test_unimplemented_moments_raise_bare_errors_and_mode_names_the_class():
    d = _bare_subclass(retrograd)
    assert _error(lambda: d.mean) == "" and _error(lambda: d.variance) == "" and _error(lambda: d.stddev) == ""
    assert _error(lambda: d.mode).endswith("Rate'> does not implement mode")
    assert _error(d.entropy) == "" and _error(d.rsample) == ""


def test_star_import_leaves_out_the_constraints_and_transforms_submodules():
    assert "constraints" not in rd.__all__ and "transforms" not in rd.__all__
    assert {"Normal", "kl_divergence", "biject_to", "ExpTransform"} <= set(rd.__all__)
    assert rd.constraints is constraints  # still reachable as attributes


def _sample_n_warning(module):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        shape = module.distributions.Normal(module.zeros(3), 1.0).sample_n(2).shape
    return tuple(shape), [(w.category, str(w.message), w.filename) for w in record]


def test_sample_n_warns_of_its_deprecation_at_the_caller():
    message = "`sample_n(n)` will be deprecated. Use `sample((n,))` instead."
    assert _sample_n_warning(retrograd) == ((2, 3), [(FutureWarning, message, __file__)])


@pytest.mark.pytorch
@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_base_defaults_and_star_import_match_pytorch():
    ours, theirs = _bare_subclass(retrograd), _bare_subclass(torch)
    for name in ("mean", "variance", "stddev"):
        assert _error(lambda n=name: getattr(ours, n)) == _error(lambda n=name: getattr(theirs, n))
    assert _error(ours.entropy) == _error(theirs.entropy)
    assert _error(lambda: ours.mode).split("'")[-1] == _error(lambda: theirs.mode).split("'")[-1]
    assert sorted(rd.__all__) == sorted(torch.distributions.__all__)
    assert _sample_n_warning(retrograd) == _sample_n_warning(torch)


def test_clipped_sigmoid_importable_from_transforms():
    # pytorch-forecasting's logit encoder: `from torch.distributions.transforms import _clipped_sigmoid`
    from retrograd.distributions.transforms import _clipped_sigmoid

    out = _clipped_sigmoid(retrograd.tensor([-200.0, 0.0, 200.0]))
    tiny, eps = retrograd.finfo(retrograd.float32).tiny, retrograd.finfo(retrograd.float32).eps
    assert out.tolist() == [tiny, 0.5, 1.0 - eps] and out.dtype == retrograd.float32


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_clipped_sigmoid_vs_torch():
    from torch.distributions.transforms import _clipped_sigmoid as theirs

    from retrograd.distributions.transforms import _clipped_sigmoid as ours

    x = [-200.0, -3.0, 0.0, 2.5, 40.0]
    for dtype in ("float32", "float64"):
        got = ours(retrograd.tensor(x, dtype=getattr(retrograd, dtype)))
        want = theirs(torch.tensor(x, dtype=getattr(torch, dtype)))
        assert got.tolist() == want.tolist() and str(got.dtype)[-7:] == str(want.dtype)[-7:]
