"""Per-sample gradients by ExpandedWeights (`nn.utils._per_sample_grad.call_for_per_sample_grads`).

Opacus' `grad_sample_mode="ew"` (GradSampleModuleExpandedWeights) runs a model through it: after
backward each trainable parameter holds `grad_sample`, one gradient per example, and `grad` stays None.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd import nn
from retrograd.nn.utils._expanded_weights import ExpandedWeight
from retrograd.nn.utils._per_sample_grad import call_for_per_sample_grads


def _net(m, padding_idx=0):
    class Net(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = m.nn.Embedding(10, 4, padding_idx=padding_idx)
            self.c1 = m.nn.Conv1d(4, 6, 3, padding=1)
            self.gn = m.nn.GroupNorm(3, 6)
            self.c2 = m.nn.Conv2d(1, 2, (2, 3), stride=(1, 2))
            self.inorm = m.nn.InstanceNorm2d(2, affine=True, track_running_stats=True)
            self.ln = m.nn.LayerNorm(8)
            self.fc = m.nn.Linear(14, 3)

        def forward(self, tok, img):
            h = self.gn(self.c1(self.emb(tok).transpose(1, 2))).amax(-1)
            g = self.ln(self.inorm(self.c2(img)).flatten(1))
            return self.fc(m.cat([h, g], 1))

    m.manual_seed(0)
    return Net().double()


def _inputs(m):
    rng = np.random.default_rng(0)
    tok = m.tensor(rng.integers(0, 10, (4, 5)))
    img = m.tensor(rng.standard_normal((4, 1, 3, 5)))
    return tok, img


def test_linear_grad_sample_is_the_outer_product_and_grad_stays_none():
    lin = nn.Linear(2, 1, bias=True)
    x = rg.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]], requires_grad=True)
    out = call_for_per_sample_grads(lin)(x)
    (out.squeeze(1) * rg.tensor([1.0, 2.0, -1.0])).sum().backward()
    # d(g_i * (w . x_i + b))/dw = g_i x_i; /db = g_i
    assert rg.equal(lin.weight.grad_sample, rg.tensor([[[1.0, 2.0]], [[6.0, -2.0]], [[-0.5, 0.0]]]))
    assert rg.equal(lin.bias.grad_sample, rg.tensor([[1.0], [2.0], [-1.0]]))
    assert lin.weight.grad is None and lin.bias.grad is None
    assert rg.allclose(x.grad, rg.tensor([[1.0], [2.0], [-1.0]]) * lin.weight.detach())


def test_every_supported_layer_matches_one_backward_per_example():
    net = _net(rg)
    tok, img = _inputs(rg)
    call_for_per_sample_grads(net, loss_reduction="mean")(tok, img).pow(2).mean().backward()
    for i in range(4):
        # a mean over the batch: grad_sample is scaled back by the batch size, so it is each example's own
        loss = net(tok[i : i + 1], img[i : i + 1]).pow(2).mean()
        grads = rg.autograd.grad(loss, list(net.parameters()))
        for (name, p), g in zip(net.named_parameters(), grads, strict=True):
            assert rg.allclose(p.grad_sample[i], g, atol=1e-10), name
    assert all(p.grad is None for p in net.parameters())
    assert (tok == 0).any() and rg.equal(net.emb.weight.grad_sample[:, 0], rg.zeros(4, 4, dtype=rg.float64))


def test_a_second_call_adds_to_grad_sample_and_a_new_wrapper_refuses():
    lin = nn.Linear(2, 2)
    x = rg.ones(3, 2)
    fwd = call_for_per_sample_grads(lin, batch_size=3)
    fwd(x).sum().backward()
    first = lin.weight.grad_sample.clone()
    fwd(x).sum().backward()
    assert rg.equal(lin.weight.grad_sample, 2 * first)
    with pytest.raises(RuntimeError, match="Current Expanded Weights accumulates the gradients"):
        call_for_per_sample_grads(lin)


def test_refusals_name_the_function_and_the_batch():
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.s = nn.Parameter(rg.ones(3))

        def forward(self, x):
            return x * self.s

    with pytest.raises(RuntimeError, match="^Expanded Weights encountered but cannot handle function mul$"):
        call_for_per_sample_grads(Scale())(rg.ones(2, 3))
    with pytest.raises(RuntimeError, match="cannot handle function batch_norm"):
        call_for_per_sample_grads(nn.BatchNorm1d(3))(rg.ones(2, 3))
    with pytest.raises(RuntimeError, match="input batch size of 2 with ExpandedWeight of batch size 3"):
        call_for_per_sample_grads(nn.Linear(3, 2), batch_size=3)(rg.ones(2, 3))
    with pytest.raises(RuntimeError, match="found at least one input with batch size 2 and one with batch size 4"):
        call_for_per_sample_grads(nn.Bilinear(3, 3, 2))(rg.ones(2, 3), rg.ones(4, 3))
    with pytest.raises(RuntimeError, match="Expected loss_reduction argument to be sum or mean, got avg"):
        call_for_per_sample_grads(nn.Linear(3, 2), loss_reduction="avg")
    with pytest.raises(RuntimeError, match="Can only build ExpandedWeights objects of tensors that requires_grad"):
        ExpandedWeight(rg.ones(2), 3, "sum")


def test_expanded_weights_vs_torch():
    torch = pytest.importorskip("torch")
    from torch.nn.utils._per_sample_grad import call_for_per_sample_grads as theirs

    results = []  # without padding_idx: PyTorch's per-sample rule gives the padding row a gradient (not ours)
    for m, call in [(rg, call_for_per_sample_grads), (torch, theirs)]:
        net = _net(m, padding_idx=None)
        tok, img = _inputs(m)
        for reduction in ["sum", "mean"]:
            for p in net.parameters():
                p.grad_sample = None
            out = call(net, loss_reduction=reduction)(tok, img)
            (out.pow(2).sum() if reduction == "sum" else out.pow(2).mean()).backward()
            results.append({n: p.grad_sample.detach().numpy() for n, p in net.named_parameters()})
        results.append({"running_mean": net.inorm.running_mean.numpy()})
    ours, expected = results[:3], results[3:]
    for got, want in zip(ours, expected, strict=True):
        for name in want:
            np.testing.assert_allclose(got[name], want[name], rtol=1e-9, atol=1e-12, err_msg=name)
