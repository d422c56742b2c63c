"""AdaptiveLogSoftmaxWithLoss against PyTorch with the same weights."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _pair(torch, in_features=8, n_classes=10, cutoffs=(3, 6), div_value=2.0, head_bias=True):
    rg.manual_seed(0)
    ours = rg.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, cutoffs, div_value, head_bias, dtype=rg.float64)
    theirs = torch.nn.AdaptiveLogSoftmaxWithLoss(in_features, n_classes, list(cutoffs), div_value, head_bias)
    theirs = theirs.double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    return ours, theirs


@pytest.mark.parametrize(
    "cutoffs,div_value,head_bias", [((3, 6), 2.0, True), ((2,), 4.0, False), ((1, 4, 8), 1.5, True)]
)
def test_adaptive_log_softmax_vs_torch(cutoffs, div_value, head_bias):
    torch = pytest.importorskip("torch")
    ours, theirs = _pair(torch, cutoffs=cutoffs, div_value=div_value, head_bias=head_bias)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    rng = np.random.default_rng(0)
    x = rng.standard_normal((7, 8))
    target = np.array([0, 9, 4, 2, 7, 5, 1])
    xo, xt = rg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out_o, out_t = ours(xo, rg.tensor(target)), theirs(xt, torch.tensor(target))
    np.testing.assert_allclose(out_o.output.detach().numpy(), out_t.output.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(out_o.loss.item(), out_t.loss.item(), rtol=1e-10)
    out_o.loss.backward()
    out_t.loss.backward()
    np.testing.assert_allclose(xo.grad.numpy(), xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-9, atol=1e-12, err_msg=name)
    with torch.no_grad():
        np.testing.assert_allclose(
            ours.log_prob(rg.tensor(x)).detach().numpy(), theirs.log_prob(torch.tensor(x)).numpy()
        )
        big = rng.standard_normal((50, 8)) * 3
        assert ours.predict(rg.tensor(big)).tolist() == theirs.predict(torch.tensor(big)).tolist()
    single_o = ours(rg.tensor(x[0]), rg.tensor(target[0]))
    single_t = theirs(torch.tensor(x[0]), torch.tensor(target[0]))
    assert single_o.output.dim() == 0
    np.testing.assert_allclose(single_o.output.item(), single_t.output.item(), rtol=1e-10)


def test_adaptive_log_softmax_errors_vs_torch():
    torch = pytest.importorskip("torch")
    for args in [(8, 10, []), (8, 10, [5, 3]), (8, 10, [0, 3]), (8, 10, [3, 10]), (8, 10, [3, 3])]:
        with pytest.raises(ValueError) as ours:
            rg.nn.AdaptiveLogSoftmaxWithLoss(*args)
        with pytest.raises(ValueError) as theirs:
            torch.nn.AdaptiveLogSoftmaxWithLoss(*args)
        assert str(ours.value) == str(theirs.value)
    ours, theirs = _pair(torch)
    for x_shape, t in [((3, 8), [1, 2]), ((3, 8), [1, 2, 10]), ((3, 8), [[1]]), ((8,), [1, 2, 3])]:
        with pytest.raises(RuntimeError) as e_ours:
            ours(rg.zeros(x_shape, dtype=rg.float64), rg.tensor(t))
        with pytest.raises(RuntimeError) as e_theirs:
            theirs(torch.zeros(x_shape, dtype=torch.float64), torch.tensor(t))
        assert str(e_ours.value).replace("retrograd.Size", "torch.Size") == str(e_theirs.value)
