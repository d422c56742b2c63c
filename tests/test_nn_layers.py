"""retrograd.nn layers and activations against PyTorch, plus checks that need no PyTorch.

`*_vs_torch` tests build the same module in both libraries (float64), copy the
torch weights in through the state dict, and compare outputs and the gradients
of inputs and parameters; reprs, parameter/buffer names, shapes and dtypes, batch
norm running statistics and errors are compared too. The others check
initialisation distributions and dropout statistics without PyTorch.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
TOL = dict(rtol=1e-9, atol=1e-11)


def build(name: str, args: tuple, kwargs: dict, dtype: str = "float64") -> tuple[Any, Any]:
    """The torch module and a retrograd one holding the same state."""
    t = getattr(torch.nn, name)(*args, **kwargs).to(getattr(torch, dtype))
    r = getattr(rg.nn, name)(*args, **kwargs).to(getattr(rg, dtype))
    r.load_state_dict({k: rg.tensor(v.detach().numpy()) for k, v in t.state_dict().items()})
    return t, r


def leaves(arrays: list) -> tuple[list, list]:
    t = [torch.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    r = [rg.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    return t, r


def compare(t_out: Any, r_out: Any, tol: dict = TOL) -> None:
    assert tuple(r_out.shape) == tuple(t_out.shape)
    assert str(r_out.dtype).split(".")[-1] == str(t_out.dtype).split(".")[-1]
    np.testing.assert_allclose(r_out.detach().numpy(), t_out.detach().numpy(), **tol)


def backward_both(t_out: Any, r_out: Any, seed: int = 1) -> None:
    w = np.random.default_rng(seed).standard_normal(tuple(t_out.shape))
    (t_out * torch.tensor(w, dtype=t_out.dtype)).sum().backward()
    (r_out * rg.tensor(w, dtype=r_out.dtype)).sum().backward()


def compare_grads(t_mod: Any, r_mod: Any, t_in: list, r_in: list, tol: dict = TOL) -> None:
    for i, (t, r) in enumerate(zip(t_in, r_in)):
        if t.requires_grad:
            np.testing.assert_allclose(r.grad.numpy(), t.grad.numpy(), err_msg=f"input {i}", **tol)
    t_params, r_params = dict(t_mod.named_parameters()), dict(r_mod.named_parameters())
    assert list(r_params) == list(t_params)
    for name, tp in t_params.items():
        if tp.grad is None:
            assert r_params[name].grad is None or not r_params[name].grad.numpy().any()
            continue
        np.testing.assert_allclose(r_params[name].grad.numpy(), tp.grad.numpy(), err_msg=name, **tol)


def run_both(t_mod: Any, r_mod: Any, arrays: list, tol: dict = TOL) -> tuple[Any, Any]:
    t_in, r_in = leaves(arrays)
    t_out, r_out = t_mod(*t_in), r_mod(*r_in)
    compare(t_out, r_out, tol)
    backward_both(t_out, r_out)
    compare_grads(t_mod, r_mod, t_in, r_in, tol)
    return t_out, r_out


def normal(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def index(high: int, *shape: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, high, shape)


# (name, constructor args, kwargs, inputs): deterministic layers, compared in train mode
LAYERS = [
    ("Identity", (3, "ignored"), {"x": 1}, [normal(2, 3)]),
    ("Linear", (4, 3), {}, [normal(5, 4)]),
    ("Linear", (4, 3), {"bias": False}, [normal(2, 5, 4)]),
    ("Linear", (4, 3), {}, [normal(2, 2, 5, 4)]),
    ("Linear", (4, 3), {}, [normal(4)]),
    ("Bilinear", (3, 2, 4), {}, [normal(5, 3), normal(5, 2, seed=1)]),
    ("Bilinear", (3, 2, 4), {"bias": False}, [normal(2, 5, 3), normal(2, 5, 2, seed=1)]),
    ("Flatten", (), {}, [normal(2, 3, 4, 5)]),
    ("Flatten", (0, 2), {}, [normal(2, 3, 4, 5)]),
    ("Unflatten", (1, (2, 3)), {}, [normal(4, 6, 2)]),
    ("Unflatten", (-1, (2, -1)), {}, [normal(4, 6)]),
    ("Embedding", (10, 3), {}, [index(10, 2, 4)]),
    ("Embedding", (10, 3), {"padding_idx": 2}, [np.array([[2, 1, 2], [0, 9, 2]])]),
    ("Embedding", (10, 3), {"padding_idx": -1, "scale_grad_by_freq": True}, [np.array([9, 1, 1, 3, 1])]),
    ("Embedding", (10, 3), {"max_norm": 1.0}, [np.array([[0, 1], [1, 4]])]),
    ("Embedding", (10, 3), {"max_norm": 0.5, "norm_type": 1.0}, [np.array([0, 5, 5])]),
    ("LayerNorm", (4,), {}, [normal(3, 4)]),
    ("LayerNorm", ((2, 4),), {"eps": 1e-3}, [normal(3, 2, 4)]),
    ("LayerNorm", (4,), {"bias": False}, [normal(2, 3, 4)]),
    ("LayerNorm", (4,), {"elementwise_affine": False}, [normal(2, 3, 4)]),
    ("GroupNorm", (2, 4), {}, [normal(3, 4, 5)]),
    ("GroupNorm", (3, 6), {"affine": False, "eps": 1e-3}, [normal(2, 6, 2, 3)]),
    ("GroupNorm", (1, 4), {"bias": False}, [normal(3, 4)]),
    ("RMSNorm", (4,), {}, [normal(3, 4)]),
    ("RMSNorm", ([2, 4],), {"eps": 1e-3}, [normal(3, 2, 4)]),
    ("RMSNorm", (4,), {"elementwise_affine": False}, [normal(2, 4)]),
    ("InstanceNorm1d", (3,), {}, [normal(2, 3, 5)]),
    ("InstanceNorm1d", (3,), {"affine": True}, [normal(3, 5)]),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}, [normal(2, 3, 2, 3)]),
    ("InstanceNorm3d", (2,), {}, [normal(2, 2, 2, 2, 3)]),
    ("CosineSimilarity", (), {}, [normal(3, 4), normal(3, 4, seed=1)]),
    ("CosineSimilarity", (0, 1e-3), {}, [normal(3, 4), normal(3, 1, seed=1)]),
    ("PairwiseDistance", (), {}, [normal(3, 4), normal(3, 4, seed=1)]),
    ("PairwiseDistance", (1.0, 1e-3, True), {}, [normal(3, 4), normal(4, seed=1)]),
    ("PixelShuffle", (2,), {}, [normal(2, 8, 2, 3)]),
    ("PixelUnshuffle", (2,), {}, [normal(2, 2, 4, 6)]),
    ("Dropout", (0.3,), {}, [normal(3, 4)]),
]


@needs_torch
@pytest.mark.parametrize("name,args,kwargs,arrays", LAYERS, ids=[f"{s[0]}-{i}" for i, s in enumerate(LAYERS)])
def test_layer_vs_torch(name, args, kwargs, arrays):
    t, r = build(name, args, kwargs)
    if name == "Dropout":  # deterministic only in eval
        t.eval(), r.eval()
    run_both(t, r, arrays)
    for key, value in t.state_dict().items():  # max_norm renormalises the weight in place
        np.testing.assert_allclose(r.state_dict()[key].numpy(), value.numpy(), **TOL)


@needs_torch
@pytest.mark.parametrize("name,args,kwargs,arrays", LAYERS[:6], ids=[s[0] for s in LAYERS[:6]])
def test_layer_float32_vs_torch(name, args, kwargs, arrays):
    t, r = build(name, args, kwargs, "float32")
    arrays = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in arrays]
    run_both(t, r, arrays, dict(rtol=1e-5, atol=1e-6))


BATCH_NORMS = [
    ("BatchNorm1d", (3,), {}, (4, 3)),
    ("BatchNorm1d", (3,), {"momentum": 0.3, "eps": 1e-3}, (4, 3, 5)),
    ("BatchNorm1d", (3,), {"momentum": None}, (4, 3)),
    ("BatchNorm2d", (3,), {}, (2, 3, 4, 2)),
    ("BatchNorm2d", (3,), {"affine": False}, (2, 3, 2, 2)),
    ("BatchNorm2d", (3,), {"bias": False}, (2, 3, 2, 2)),
    ("BatchNorm2d", (3,), {"track_running_stats": False}, (2, 3, 2, 2)),
    ("BatchNorm3d", (2,), {"momentum": None, "affine": False}, (2, 2, 2, 2, 3)),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}, (2, 3, 4, 2)),
    ("InstanceNorm1d", (3,), {"momentum": 0.4, "track_running_stats": True}, (3, 5)),
]


@needs_torch
@pytest.mark.parametrize("name,args,kwargs,shape", BATCH_NORMS, ids=[f"{s[0]}-{i}" for i, s in enumerate(BATCH_NORMS)])
def test_batch_norm_training_and_eval_vs_torch(name, args, kwargs, shape):
    t, r = build(name, args, kwargs)
    for step in range(3):
        t.zero_grad(), r.zero_grad()
        run_both(t, r, [normal(*shape, seed=step) * (step + 1) + step])
        for key, value in t.state_dict().items():
            got = r.state_dict()[key]
            assert str(got.dtype).split(".")[-1] == str(value.dtype).split(".")[-1], key
            np.testing.assert_allclose(got.numpy(), value.numpy(), err_msg=key, **TOL)
    t.eval(), r.eval()
    t.zero_grad(), r.zero_grad()
    run_both(t, r, [normal(*shape, seed=9)])
    assert [n for n, _ in r.named_buffers()] == [n for n, _ in t.named_buffers()]


@needs_torch
def test_attention_float32_mask_with_float64_query_vs_torch():
    q, k, v = normal(2, 3), normal(4, 3, seed=1), normal(4, 2, seed=2)
    mask = normal(2, 4, seed=3).astype(np.float32)
    t_in, r_in = leaves([q, k, v])
    t_out = torch.nn.functional.scaled_dot_product_attention(*t_in, attn_mask=torch.tensor(mask))
    r_out = rg.nn.functional.scaled_dot_product_attention(*r_in, attn_mask=rg.tensor(mask))
    compare(t_out, r_out, dict(rtol=1e-7, atol=1e-9))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_attention_math_path_computes_half_inputs_in_float32(dtype):
    # 3-d inputs take PyTorch's math kernel, which runs float16/bfloat16 in float32 and rounds once
    q, k, v = (rg.tensor(normal(2, 5, 8, seed=s).astype(np.float32)) for s in (4, 5, 6))
    low = [x.to(getattr(rg, dtype)).requires_grad_() for x in (q, k, v)]
    out = rg.nn.functional.scaled_dot_product_attention(*low)
    expected = rg.nn.functional.scaled_dot_product_attention(*(x.float() for x in low)).to(out.dtype)
    assert out.dtype == getattr(rg, dtype)
    assert rg.equal(out, expected)
    out.sum().backward()
    assert all(x.grad.dtype == out.dtype for x in low)


@needs_torch
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("dropout", [False, True])
def test_attention_half_inputs_math_path_vs_torch(dtype, dropout):
    arrays = [normal(3, 5, 8, seed=s).astype(np.float32) for s in (4, 5, 6)]
    mask = np.tril(np.ones((5, 5), dtype=bool))
    outs = []
    for m in (torch, rg):
        m.manual_seed(0)
        ins = [m.tensor(a).to(getattr(m, dtype)).requires_grad_() for a in arrays]
        out = m.nn.functional.scaled_dot_product_attention(*ins, attn_mask=m.tensor(mask), dropout_p=0.25 * dropout)
        out.float().square().sum().backward()
        outs.append([out.float().detach().numpy()] + [x.grad.float().numpy() for x in ins])
    np.testing.assert_array_equal(outs[1][0], outs[0][0])
    for got, want in zip(outs[1][1:], outs[0][1:]):
        np.testing.assert_allclose(got, want, rtol=2e-2, atol=2e-2)


@needs_torch
def test_functional_batch_norm_momentum_and_eval_vs_torch():
    x = normal(5, 3, 2)
    stats = {m: (m.zeros(3, dtype=m.float64), m.ones(3, dtype=m.float64)) for m in (torch, rg)}
    for m in (torch, rg):
        m.nn.functional.batch_norm(m.tensor(x), *stats[m], training=True, momentum=0.7)
    for a, b in zip(stats[rg], stats[torch]):
        np.testing.assert_allclose(a.numpy(), b.numpy(), **TOL)
    t_in, r_in = leaves([x])
    t_out = torch.nn.functional.batch_norm(t_in[0], *stats[torch], training=False, eps=0.1)
    r_out = rg.nn.functional.batch_norm(r_in[0], *stats[rg], training=False, eps=0.1)
    compare(t_out, r_out)


REPRS = [
    ("Identity", (), {}), ("Linear", (2, 3), {}), ("Linear", (2, 3), {"bias": False}), ("Bilinear", (2, 3, 4), {}),
    ("Flatten", (), {}), ("Flatten", (0, 2), {}), ("Unflatten", (1, (2, 3)), {}), ("Dropout", (), {}),
    ("Dropout1d", (0.2, True), {}), ("Dropout2d", (), {}), ("Dropout3d", (), {}), ("AlphaDropout", (), {}),
    ("FeatureAlphaDropout", (0.1,), {}), ("Embedding", (10, 3), {}),
    ("Embedding", (10, 3), {"padding_idx": 0, "max_norm": 1.0, "norm_type": 1.0, "scale_grad_by_freq": True,
                            "sparse": True}),
    ("BatchNorm1d", (3,), {}), ("BatchNorm2d", (8,), {"momentum": None, "affine": False, "track_running_stats": False}),
    ("BatchNorm3d", (2,), {"bias": False}), ("LayerNorm", (4,), {}), ("LayerNorm", ((2, 3),), {"bias": False}),
    ("LayerNorm", (3,), {"elementwise_affine": False, "eps": 1e-3}), ("GroupNorm", (2, 4), {}),
    ("GroupNorm", (2, 4), {"affine": False}), ("RMSNorm", (4,), {}), ("RMSNorm", ([2, 3],), {"eps": 1e-3}),
    ("CosineSimilarity", (), {}), ("PairwiseDistance", (), {}), ("InstanceNorm1d", (3,), {}),
    ("InstanceNorm2d", (3,), {"affine": True, "track_running_stats": True}), ("InstanceNorm3d", (3,), {}),
    ("PixelShuffle", (2,), {}), ("PixelUnshuffle", (3,), {}),
]


@needs_torch
@pytest.mark.parametrize("name,args,kwargs", REPRS, ids=[f"{s[0]}-{i}" for i, s in enumerate(REPRS)])
def test_repr_parameters_and_buffers_vs_torch(name, args, kwargs):
    t, r = getattr(torch.nn, name)(*args, **kwargs), getattr(rg.nn, name)(*args, **kwargs)
    assert repr(r) == repr(t)
    t_params = [(n, tuple(p.shape), str(p.dtype)[6:], p.requires_grad) for n, p in t.named_parameters()]
    r_params = [(n, tuple(p.shape), str(p.dtype)[10:], p.requires_grad) for n, p in r.named_parameters()]
    assert r_params == t_params
    t_bufs = [(n, None if b is None else (tuple(b.shape), str(b.dtype)[6:])) for n, b in t._buffers.items()]
    r_bufs = [(n, None if b is None else (tuple(b.shape), str(b.dtype)[10:])) for n, b in r._buffers.items()]
    assert r_bufs == t_bufs
    assert list(r.state_dict()) == list(t.state_dict())


# --- errors -------------------------------------------------------------------------------------

ERRORS = [
    lambda m: m.nn.Dropout(1.5),
    lambda m: m.nn.functional.dropout(m.zeros(2), -0.1),
    lambda m: m.nn.functional.dropout1d(m.zeros(2, 3, 4, 5)),
    lambda m: m.nn.functional.dropout2d(m.zeros(3), 0.5),
    lambda m: m.nn.Linear(3, 2)(m.zeros(2, 4)),
    lambda m: m.nn.functional.linear(m.zeros(2, 3), m.zeros(2, 3), m.zeros(3)),
    lambda m: m.nn.functional.linear(m.zeros(2, 3, dtype=m.float64), m.zeros(2, 3)),
    lambda m: m.nn.Bilinear(0, 2, 3),
    lambda m: m.nn.functional.bilinear(m.zeros(3, 4), m.zeros(3, 2), m.zeros(5, 4, 3)),
    lambda m: m.nn.Unflatten(1, (2, 3.0)),
    lambda m: m.nn.Unflatten(1, 6),
    lambda m: m.nn.Embedding(5, 2, padding_idx=5),
    lambda m: m.nn.Embedding(5, 2, padding_idx=-6),
    lambda m: m.nn.Embedding(5, 2)(m.tensor([0, 5])),
    lambda m: m.nn.Embedding(5, 2)(m.tensor([0.0, 1.0])),
    lambda m: m.nn.Embedding.from_pretrained(m.zeros(3)),
    lambda m: m.nn.functional.one_hot(m.tensor([0, 3]), 2),
    lambda m: m.nn.functional.one_hot(m.tensor([0, -1])),
    lambda m: m.nn.functional.one_hot(m.tensor([0.0])),
    lambda m: m.nn.functional.one_hot(m.tensor([], dtype=m.int64)),
    lambda m: m.nn.BatchNorm1d(3)(m.zeros(2, 3, 4, 5)),
    lambda m: m.nn.BatchNorm2d(3)(m.zeros(2, 3, 4)),
    lambda m: m.nn.BatchNorm1d(3)(m.zeros(1, 3)),
    lambda m: m.nn.BatchNorm1d(3)(m.zeros(2, 4)),
    lambda m: m.nn.functional.batch_norm(m.zeros(2, 3), None, None),
    lambda m: m.nn.functional.batch_norm(m.zeros(2, 3), m.zeros(3), m.ones(3), m.ones(4)),
    lambda m: m.nn.LayerNorm(3)(m.zeros(3, 4)),
    lambda m: m.nn.functional.layer_norm(m.zeros(3, 4), (4,), m.ones(3)),
    lambda m: m.nn.functional.layer_norm(m.zeros(3, 4), 4),
    lambda m: m.nn.functional.layer_norm(m.zeros(3, 4, dtype=m.int64), (4,)),
    lambda m: m.nn.functional.layer_norm(m.zeros(2, 3), (3,), m.ones(3, dtype=m.float64)),
    lambda m: m.nn.functional.batch_norm(m.zeros(2, 3), None, None, m.ones(3, dtype=m.float64), training=True),
    lambda m: m.nn.functional.group_norm(m.zeros(2, 4), 2, m.ones(4, dtype=m.float64)),
    lambda m: m.nn.GroupNorm(2, 3),
    lambda m: m.nn.functional.group_norm(m.zeros(2, 3, 4), 2),
    lambda m: m.nn.functional.rms_norm(m.zeros(2, 3, 4), (3,)),
    lambda m: m.nn.InstanceNorm1d(3, affine=True)(m.zeros(2, 4, 5)),
    lambda m: m.nn.InstanceNorm2d(3)(m.zeros(2, 3)),
    lambda m: m.nn.functional.instance_norm(m.zeros(2, 3, 1)),
    lambda m: m.nn.Hardtanh(1.0, 0.5),
    lambda m: m.nn.Softmax2d()(m.zeros(2, 3)),
    lambda m: m.nn.functional.pixel_shuffle(m.zeros(1, 6, 2, 3), 2),
    lambda m: m.nn.functional.pixel_shuffle(m.zeros(8, 2), 2),
    lambda m: m.nn.functional.pixel_unshuffle(m.zeros(1, 2, 3, 6), 2),
    lambda m: m.nn.functional.cosine_similarity(m.tensor([1, 2]), m.tensor([1, 2])),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(2, 3), m.zeros(2, 3, dtype=m.float64),
                                                           m.zeros(2, 3)),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(3), m.zeros(2, 3), m.zeros(2, 3)),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(2, 3), m.zeros(2, 3), m.zeros(2, 3),
                                                           m.ones(2, 2, dtype=m.bool), is_causal=True),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(2, 3), m.zeros(2, 3), m.zeros(2, 3),
                                                           m.ones(2, 2, dtype=m.int64)),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(2, 3), m.zeros(2, 3), m.zeros(2, 3),
                                                           dropout_p=1.5),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(1, 4, 2, 3), m.zeros(1, 3, 2, 3),
                                                           m.zeros(1, 3, 2, 3), enable_gqa=True),
    # grouped-query shapes without enable_gqa: the product Q Kᵀ names the heads' dimension
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(1, 4, 2, 3), m.zeros(1, 2, 2, 3),
                                                           m.zeros(1, 2, 2, 3)),
    lambda m: m.nn.functional.prelu(m.ones(2, 3), m.ones(1, dtype=m.float64)),  # no type promotion
    lambda m: m.nn.functional.prelu(m.ones(2, 3, dtype=m.int64), m.ones(1)),
    # a mask that does not broadcast to the scores (a KV cache's mask sliced for another length)
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(1, 2, 10, 8), m.zeros(1, 2, 10, 8),
                                                           m.zeros(1, 2, 10, 8), m.ones(1, 1, 10, 12, dtype=m.bool)),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(2, 4, 8), m.zeros(2, 6, 8), m.zeros(2, 6, 8),
                                                           m.zeros(3, 4, 6)),
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(1, 2, 4, 8), m.zeros(1, 2, 6, 8),
                                                           m.zeros(1, 2, 6, 8), m.zeros(2, 1, 2, 4, 6)),
    # a key whose head size is not the query's (a U-Net attention block's reshape gone wrong)
    lambda m: m.nn.functional.scaled_dot_product_attention(m.zeros(2, 3, 4, 4), m.zeros(2, 3, 4, 3),
                                                           m.zeros(2, 3, 4, 4)),
]


@pytest.mark.parametrize(("mask_shape", "message"), [
    ((1, 1, 10, 12), "The size of tensor a (10) must match the size of tensor b (12) at non-singleton dimension 3"),
    ((3, 10, 10), "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 1"),
    ((2, 1, 2, 10, 10), "output with shape [1, 2, 10, 10] doesn't match the broadcast shape [2, 1, 2, 10, 10]"),
])
def test_attention_mask_that_does_not_broadcast_to_the_scores(mask_shape, message):
    q = rg.zeros(1, 2, 10, 8)  # scores (1, 2, 10, 10): the mask's shape is checked against them
    for dtype in (rg.bool, rg.float32):
        with pytest.raises(RuntimeError) as got:
            rg.nn.functional.scaled_dot_product_attention(q, q, q, rg.ones(mask_shape, dtype=dtype))
        assert str(got.value) == message


@pytest.mark.parametrize(("key", "value", "message"), [
    ((2, 3, 4, 3), (2, 3, 4, 4),
     "Expected size for first two dimensions of batch2 tensor to be: [6, 4] but got: [6, 3]."),
    # (PyTorch 2.13's fused CPU kernel returns a result here without checking; its math kernel raises this)
    ((2, 3, 5, 4), (2, 3, 6, 4),
     "Expected size for first two dimensions of batch2 tensor to be: [6, 5] but got: [6, 6]."),
])
def test_attention_key_or_value_of_a_misfit_size_raises_the_products_error(key, value, message):
    # 4-d inputs without dropout take the fused kernel: it checks as the composed products do
    with pytest.raises(RuntimeError) as got:
        rg.nn.functional.scaled_dot_product_attention(rg.zeros(2, 3, 4, 4), rg.zeros(key), rg.zeros(value))
    assert str(got.value) == message


@needs_torch
@pytest.mark.parametrize("call", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_error_vs_torch(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as expected:
            call(torch)
        with pytest.raises(type(expected.value)) as got:
            call(rg)
    assert same_message(got.value, expected.value)


def same_message(got: Any, expected: Any) -> bool:
    """Equal messages, reading retrograd.Size as torch.Size."""
    return str(got).replace("retrograd.Size", "torch.Size") == str(expected)


@needs_torch
def test_dropout_warnings_vs_torch():
    for m in (torch, rg):
        with pytest.warns(UserWarning) as record:
            m.nn.functional.dropout2d(m.zeros(2, 3, 4), 0.5)
        assert [str(w.message) for w in record][-1].startswith("dropout2d: Received a 3D input")
    messages = {}
    for m in (torch, rg):
        with pytest.warns(UserWarning) as record:
            m.nn.functional.dropout3d(m.zeros(2, 3), 0.5, training=False)
        messages[m] = str(record[0].message)
    assert messages[rg] == messages[torch]


# --- no PyTorch needed --------------------------------------------------------------------------


def test_linear_default_init_distribution():
    rg.manual_seed(0)
    layer = rg.nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = layer.weight.detach().numpy(), layer.bias.detach().numpy()
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert abs(w.mean()) < 0.01 * bound
    assert b.std() == pytest.approx(bound / math.sqrt(3), rel=0.15)
    assert layer.weight.dtype == rg.float32 and layer.weight.requires_grad


def test_other_default_inits():
    rg.manual_seed(0)
    bil = rg.nn.Bilinear(50, 20, 30)
    bound = 1 / math.sqrt(50)
    assert np.abs(bil.weight.detach().numpy()).max() <= bound
    assert bil.weight.detach().numpy().std() == pytest.approx(bound / math.sqrt(3), rel=0.05)
    emb = rg.nn.Embedding(500, 40, padding_idx=3)
    w = emb.weight.detach().numpy()
    assert not w[3].any()
    assert w.std() == pytest.approx(1.0, rel=0.05)
    for norm in (rg.nn.LayerNorm(5), rg.nn.GroupNorm(1, 5), rg.nn.BatchNorm1d(5), rg.nn.RMSNorm(5)):
        assert (norm.weight.detach().numpy() == 1).all()
        if getattr(norm, "bias", None) is not None:
            assert not norm.bias.detach().numpy().any()
    bn = rg.nn.BatchNorm2d(4)
    assert not bn.running_mean.numpy().any() and (bn.running_var.numpy() == 1).all()
    assert bn.num_batches_tracked.dtype == rg.int64 and int(bn.num_batches_tracked) == 0
    assert (rg.nn.PReLU(3, 0.1).weight.detach().numpy() == np.float32(0.1)).all()
    assert rg.nn.Linear(2, 3, dtype=rg.float64).weight.dtype == rg.float64


def test_reset_parameters_redraws():
    layer = rg.nn.Linear(5, 4)
    before = layer.weight.detach().numpy().copy()
    layer.reset_parameters()
    assert not np.array_equal(before, layer.weight.detach().numpy())


def test_embedding_from_pretrained():
    table = rg.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    emb = rg.nn.Embedding.from_pretrained(table)
    assert not emb.weight.requires_grad
    assert emb(rg.tensor([2, 0])).tolist() == [[5.0, 6.0], [1.0, 2.0]]
    trainable = rg.nn.Embedding.from_pretrained(table, freeze=False, padding_idx=1)
    trainable(rg.tensor([1, 2, 1])).sum().backward()
    assert trainable.weight.grad.tolist() == [[0.0, 0.0], [0.0, 0.0], [1.0, 1.0]]
    assert repr(trainable) == "Embedding(3, 2, padding_idx=1)"


@pytest.mark.parametrize("p", [0.2, 0.5, 0.8])
def test_dropout_statistics(p):
    rg.manual_seed(1)
    x = rg.ones(200, 500)
    y = rg.nn.functional.dropout(x, p).numpy()
    kept = y != 0
    assert kept.mean() == pytest.approx(1 - p, abs=0.01)
    np.testing.assert_allclose(y[kept], 1 / (1 - p), rtol=1e-6)
    assert y.mean() == pytest.approx(1.0, abs=0.02)


def test_dropout_train_eval_and_seed():
    layer = rg.nn.Dropout(0.5)
    x = rg.randn(20, 30)
    rg.manual_seed(3)
    a = layer(x)
    rg.manual_seed(3)
    b = layer(x)
    assert rg.equal(a, b)
    assert not rg.equal(layer(x), a)
    layer.eval()
    assert layer(x) is x
    assert rg.nn.functional.dropout(x, 0.0) is x
    assert rg.nn.functional.dropout(x, 0.5, training=False) is x
    assert not rg.nn.functional.dropout(x, 1.0).numpy().any()


def test_dropout_gradient_uses_the_mask():
    rg.manual_seed(4)
    x = rg.randn(10, 10, requires_grad=True)
    y = rg.nn.functional.dropout(x, 0.3)
    y.sum().backward()
    mask = (y.detach().numpy() != 0) / 0.7
    np.testing.assert_allclose(x.grad.numpy(), mask, rtol=1e-6)


def test_dropout_inplace():
    rg.manual_seed(5)
    x = rg.randn(6, 7)
    before = x.numpy().copy()
    out = rg.nn.functional.dropout(x, 0.5, inplace=True)
    assert out is x
    assert x._version > 0
    changed = x.numpy()
    assert ((changed == 0) | np.isclose(changed, before * 2)).all()


def test_channel_dropouts_drop_whole_channels():
    rg.manual_seed(6)
    y = rg.nn.Dropout2d(0.5)(rg.ones(20, 30, 3, 3)).numpy()
    per_channel = y.reshape(20, 30, 9)
    assert ((per_channel == 0).all(-1) | (per_channel == 2).all(-1)).all()
    assert (per_channel[..., 0] == 0).mean() == pytest.approx(0.5, abs=0.06)
    y1 = rg.nn.Dropout1d(0.5)(rg.ones(30, 4)).numpy()  # unbatched (C, L)
    assert ((y1 == 0).all(-1) | (y1 == 2).all(-1)).all()
    y3 = rg.nn.Dropout3d(0.5)(rg.ones(10, 2, 2, 2)).numpy()
    assert ((y3.reshape(10, 8) == 0).all(-1) | (y3.reshape(10, 8) == 2).all(-1)).all()


def test_alpha_dropout_keeps_mean_and_variance():
    rg.manual_seed(7)
    x = rg.randn(400, 500)
    y = rg.nn.AlphaDropout(0.2).train()(x).numpy()
    assert y.mean() == pytest.approx(0.0, abs=0.02)
    assert y.std() == pytest.approx(1.0, abs=0.02)
    assert rg.nn.AlphaDropout(0.2).eval()(x) is x


def test_dropout_keeps_float32():
    x = rg.ones(4, 4, dtype=rg.float32, requires_grad=True)
    y = rg.nn.functional.dropout(x, 0.5)
    assert y.dtype == rg.float32
    y.sum().backward()
    assert x.grad.dtype == rg.float32


def test_batch_norm_cumulative_average_without_torch():
    bn = rg.nn.BatchNorm1d(2, momentum=None, affine=False)
    batches = [normal(6, 2, seed=s) for s in range(4)]
    for b in batches:
        bn(rg.tensor(b, dtype=rg.float32))
    means = np.mean([b.mean(0) for b in batches], axis=0)
    np.testing.assert_allclose(bn.running_mean.numpy(), means, rtol=1e-5)
    assert int(bn.num_batches_tracked) == 4
    bn.eval()
    out = bn(rg.tensor(batches[0], dtype=rg.float32)).numpy()
    want = (batches[0] - means) / np.sqrt(bn.running_var.numpy() + 1e-5)
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-6)


def test_layer_norm_double_backward_matches_finite_differences():
    x = rg.tensor(normal(3, 4), requires_grad=True)
    w = rg.tensor(normal(4, seed=1), requires_grad=True)
    assert rg.autograd.gradgradcheck(lambda a, b: rg.nn.functional.layer_norm(a, (4,), b), (x, w))


def test_prelu_refuses_mixed_dtypes():
    with pytest.raises(RuntimeError, match=r"^prelu: Type promoting not supported. Got Float and Double$"):
        rg.nn.functional.prelu(rg.ones(2, 3), rg.ones(1, dtype=rg.float64))


def _renormed_rows(m: Any) -> list:
    """float32 rows of norm 3√2 looked up with max_norm=1: PyTorch scales by 1 / (‖row‖ + 1e-7), in double."""
    weight = m.ones(3, 2) * 3
    return m.nn.functional.embedding(m.tensor([0, 1]), weight, max_norm=1.0).tolist()


def test_embedding_max_norm_scale_is_worked_out_in_double():
    # float32 arithmetic would lose the 1e-7 and round the scale itself: 0.70710683 instead
    assert _renormed_rows(rg) == [[0.7071067690849304] * 2] * 2


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_embedding_max_norm_scale_bits_vs_torch():
    assert _renormed_rows(rg) == _renormed_rows(torch)
