"""F.linear_cross_entropy, nn.LinearCrossEntropyLoss and nn.LinearCrossEntropyOptions (PyTorch 2.13).

The op table (tests/ops/cases_linear_ce.py) checks values, gradients of both orders and PyTorch
on small inputs; here: the chunked path's own behaviour (what it keeps, a second backward, the
options' resolution and errors), the module, half precision, and PyTorch on a larger case.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd
import retrograd.nn as nn
import retrograd.nn.functional as F

try:
    import torch
except ImportError:  # the comparisons skip
    torch = None

N, IN, C = 12, 5, 40


def _data(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    x, w, b = rng.standard_normal((N, IN)), rng.standard_normal((C, IN)), rng.standard_normal(C)
    t = rng.integers(0, C, N)
    t[4] = -100
    return x.astype(dtype), w.astype(dtype), b.astype(dtype), t


def _leaves(*arrays):
    return [retrograd.tensor(a, requires_grad=True) for a in arrays]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("chunk", [1, 5, N])
def test_the_chunked_path_equals_the_reference_composition(reduction, chunk):
    x_np, w_np, b_np, t_np = _data()
    cw = retrograd.rand(C, dtype=retrograd.float64)
    results = []
    for options in (None, nn.LinearCrossEntropyOptions(batch_chunk_size=chunk)):
        x, w, b = _leaves(x_np, w_np, b_np)
        loss = F.linear_cross_entropy(x, w, retrograd.tensor(t_np), linear_bias=b, weight=cw, reduction=reduction,
                                      options=options)
        loss.sum().backward()
        results.append((loss.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()))
    for ours, reference in zip(*results):
        np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-14)


def test_the_chunked_path_keeps_gradients_not_logits_and_hands_them_over_once():
    x_np, w_np, b_np, t_np = _data()
    x, w = _leaves(x_np, w_np)
    options = nn.LinearCrossEntropyOptions(batch_chunk_size=4)
    loss = F.linear_cross_entropy(x, w, retrograd.tensor(t_np), options=options)
    node = loss.grad_fn
    assert type(node).__name__ == "GeneratedBackwardFor_torch_nn__linear_cross_entropy_batch_chunked_defaultBackward"
    kept = node.attrs["kept"]
    assert [None if k is None else k.shape for k in kept] == [(N, IN), (C, IN), None]  # no (N, C) array
    loss.backward(retain_graph=True)
    with pytest.raises(RuntimeError, match="chunked backward called twice; retain_graph=True / double backward"):
        loss.backward()
    # allow_retain_graph keeps them: two backwards accumulate twice the gradient
    x, w = _leaves(x_np, w_np)
    options = nn.LinearCrossEntropyOptions(allow_retain_graph=True)
    loss = F.linear_cross_entropy(x, w, retrograd.tensor(t_np), options=options)
    loss.backward(retain_graph=True)
    once = x.grad.clone()
    loss.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * once.numpy())


def test_only_the_gradients_asked_for_are_computed():
    x_np, w_np, b_np, t_np = _data()
    x = retrograd.tensor(x_np)
    w, b = _leaves(w_np, b_np)
    options = nn.LinearCrossEntropyOptions()
    loss = F.linear_cross_entropy(x, w, retrograd.tensor(t_np), linear_bias=b, options=options)
    assert loss.grad_fn.attrs["kept"][0] is None and loss.grad_fn.attrs["kept"][2].shape == (C,)
    with retrograd.no_grad():
        quiet = F.linear_cross_entropy(x, w, retrograd.tensor(t_np), linear_bias=b, options=options)
    assert quiet.grad_fn is None and quiet.item() == loss.item()


def test_higher_derivatives_of_the_chunked_path_are_exact():
    x_np, w_np, b_np, t_np = _data()
    t = retrograd.tensor(t_np)
    options = nn.LinearCrossEntropyOptions(batch_chunk_size=3, allow_retain_graph=True)
    assert retrograd.autograd.gradgradcheck(
        lambda x, w, b: F.linear_cross_entropy(x, w, t, linear_bias=b, options=options), _leaves(x_np, w_np, b_np)
    )


def test_every_target_ignored_gives_nan_and_zero_gradients():
    x_np, w_np, _, _ = _data()
    x, w = _leaves(x_np, w_np)
    loss = F.linear_cross_entropy(x, w, retrograd.full((N,), -100), options=nn.LinearCrossEntropyOptions())
    loss.backward()
    assert np.isnan(loss.item()) and not x.grad.any() and not w.grad.any()


def test_options_resolution_and_errors():
    options = nn.LinearCrossEntropyOptions()
    # aspect_ratio:2 on float32: ceil(C / in) = 8 logits per input row -> next pow2 of ceil(12 / 8) = 2, // 2
    assert options.resolved(N, IN, C, retrograd.float32) == (1, retrograd.float32, False)
    assert options.resolved(4096, 64, 50000, retrograd.float32)[0] == 4
    assert options.resolved(N, IN, C, retrograd.bfloat16) == (2, retrograd.float32, True)
    assert nn.LinearCrossEntropyOptions(batch_chunk_size=7).resolved(N, IN, C, retrograd.float64)[0] == 7
    assert nn.LinearCrossEntropyOptions(chunking_method=None).resolved(N, IN, C, retrograd.float64)[0] == N
    assert repr(nn.LinearCrossEntropyOptions(batch_chunk_size=3)) == (
        "LinearCrossEntropyOptions(allow_retain_graph=False, batch_chunk_size=3, chunking_method='auto', "
        "acc_policy='auto', acc_dtype=None)"
    )
    for kwargs, message in [
        ({"acc_policy": "fast"}, "invalid acc_policy: 'fast'"),
        ({"chunking_method": "aspect_ratio:0"}, "invalid chunking_method"),
        ({"batch_chunk_size": 0}, "batch_chunk_size must be positive int or None, got 0"),
        ({"acc_dtype": retrograd.int64}, "acc_dtype must be one of"),
    ]:
        with pytest.raises(ValueError, match=message):
            nn.LinearCrossEntropyOptions(**kwargs)
    with pytest.raises(ValueError, match="give different chunk sizes"):
        nn.LinearCrossEntropyOptions(batch_chunk_size=3, chunking_method="aspect_ratio").resolved(N, IN, C,
                                                                                                  retrograd.float32)
    with pytest.raises(RuntimeError, match="supports float32 acc_dtype with float16/bfloat16 inputs"):
        nn.LinearCrossEntropyOptions(acc_dtype=retrograd.float16).resolved(N, IN, C, retrograd.float32)


def test_argument_errors_and_the_fallback_warning():
    x_np, w_np, b_np, t_np = _data()
    x, w, b, t = retrograd.tensor(x_np), retrograd.tensor(w_np), retrograd.tensor(b_np), retrograd.tensor(t_np)
    probabilities = retrograd.rand(N, C).softmax(1)
    for call, kind, message in [
        (lambda: F.linear_cross_entropy(x[None], w, t), RuntimeError, "expected input with dimensionality 1 or 2"),
        (lambda: F.linear_cross_entropy(x, w[:, :2], t), RuntimeError, "expected equal input and linear_weight last"),
        (lambda: F.linear_cross_entropy(x, w, t, linear_bias=b[:3]), RuntimeError, "expected linear_bias shape"),
        (lambda: F.linear_cross_entropy(x[0], w.reshape(4, 10, IN), t[0]), RuntimeError, "requires batched input"),
        (lambda: F.linear_cross_entropy(x, w, probabilities, ignore_index=1), RuntimeError,
         "ignore_index cannot be specified when target contains probabilities"),
        (lambda: F.linear_cross_entropy(x, w, retrograd.full((N,), C), options=nn.LinearCrossEntropyOptions()),
         RuntimeError, f"index {C} is out of bounds for dimension 1 with size {C}"),
    ]:
        with pytest.raises(kind, match=message):
            call()
    with pytest.warns(UserWarning, match="``options`` ignored; chunked path needs"):
        smoothed = F.linear_cross_entropy(x, w, t, label_smoothing=0.1, options=nn.LinearCrossEntropyOptions())
    assert smoothed.item() == F.cross_entropy(F.linear(x, w), t, label_smoothing=0.1).item()


def test_the_module_and_a_k_dimensional_loss():
    retrograd.manual_seed(1)
    loss = nn.LinearCrossEntropyLoss(IN, 4, out_features=(2, 3), bias=True)
    assert tuple(loss.linear.weight.shape) == (24, IN) and list(loss.state_dict()) == ["linear.weight", "linear.bias"]
    assert repr(loss).splitlines()[1].strip().startswith("in_features=5, num_classes=4, out_features=(2, 3), bias=True")
    x = retrograd.randn(N, IN)
    target = retrograd.randint(0, 4, (N, 2, 3))
    logits = F.linear(x, loss.linear.weight, loss.linear.bias).reshape(N, 4, 2, 3)
    assert loss(x, target).item() == F.cross_entropy(logits, target).item()
    with pytest.raises(RuntimeError, match=r"expected weight shape to be \(4,\)"):
        nn.LinearCrossEntropyLoss(IN, 4, weight=retrograd.ones(3))
    with pytest.raises(RuntimeError, match=r"expected label_smoothing to be in range \[0, 1\]"):
        nn.LinearCrossEntropyLoss(IN, 4, label_smoothing=2.0)


def test_half_inputs_accumulate_in_float32_and_keep_their_dtype():
    x_np, w_np, _, t_np = _data(dtype=np.float32)
    x, w = (retrograd.tensor(a).bfloat16().requires_grad_() for a in (x_np, w_np))
    loss = F.linear_cross_entropy(x, w, retrograd.tensor(t_np), options=nn.LinearCrossEntropyOptions())
    loss.backward()
    assert loss.dtype == x.grad.dtype == w.grad.dtype == retrograd.bfloat16
    reference = F.cross_entropy(F.linear(x.float(), w.float()), retrograd.tensor(t_np)).item()
    assert abs(loss.float().item() - reference) < 0.02


@pytest.mark.pytorch
@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_matches_pytorch(reduction):
    rng = np.random.default_rng(5)
    x_np, w_np, b_np = (rng.standard_normal(s).astype(np.float32) for s in ((64, 16), (300, 16), (300,)))
    t_np = rng.integers(0, 300, 64)
    t_np[7] = 2
    cw = rng.random(300).astype(np.float32)
    outs = []
    for m in (retrograd, torch):
        x, w, b = (m.tensor(a, requires_grad=True) for a in (x_np, w_np, b_np))
        options = m.nn.LinearCrossEntropyOptions(batch_chunk_size=10)
        loss = m.nn.functional.linear_cross_entropy(x, w, m.tensor(t_np), linear_bias=b, weight=m.tensor(cw),
                                                    reduction=reduction, ignore_index=2, options=options)
        loss.sum().backward()
        outs.append([loss.detach().numpy(), x.grad.numpy(), w.grad.numpy(), b.grad.numpy()])
        assert type(loss.grad_fn).__name__.startswith("GeneratedBackwardFor_torch_nn__linear_cross_entropy")
    for ours, theirs in zip(*outs):
        np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-6)


def test_warning_is_silent_for_covered_calls():
    x_np, w_np, _, t_np = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        F.linear_cross_entropy(retrograd.tensor(x_np), retrograd.tensor(w_np), retrograd.tensor(t_np),
                               options=nn.LinearCrossEntropyOptions())


def test_compile_runs_the_chunked_kernel_eagerly():
    x_np, w_np, _, t_np = _data()
    x, t = retrograd.tensor(x_np), retrograd.tensor(t_np)
    options = nn.LinearCrossEntropyOptions(batch_chunk_size=5)

    def loss_of(x, w):
        return F.linear_cross_entropy(x, w, t, options=options)

    grads = []
    for fn in (loss_of, retrograd.compile(loss_of)):
        (w,) = _leaves(w_np)
        fn(x, w).backward()
        grads.append(w.grad.numpy())
    np.testing.assert_array_equal(*grads)
    with pytest.raises(Exception, match="chunked kernel keeps its gradients in the node"):
        retrograd.compile(loss_of, fullgraph=True)(x, retrograd.tensor(w_np, requires_grad=True))
