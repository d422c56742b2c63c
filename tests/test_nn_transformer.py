"""nn.MultiheadAttention, TransformerEncoderLayer and TransformerEncoder against PyTorch and on their own.

Tests named `*_vs_torch` copy the torch module's state_dict into the retrograd one,
run the same float64 inputs and masks and compare outputs, attention weights, and
the gradients of the inputs and of every parameter; they skip without PyTorch.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

from .nn_compare import compare_modules, compare_outputs, load_from_torch, make_inputs, torch

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

E, HEADS, L, S, N = 8, 2, 4, 5, 3


def _masks(seed: int = 0) -> dict:
    """numpy masks: bool/float attn masks (L, S), 3-D (N·heads, L, S), key padding (N, S); no row fully masked."""
    rng = np.random.default_rng(seed)
    attn_bool = rng.random((L, S)) < 0.3
    attn_bool[:, 0] = False
    pad = np.zeros((N, S), dtype=bool)
    pad[0, -2:] = True
    pad[2, -1] = True
    return {
        "attn_bool": attn_bool,
        "attn_float": rng.standard_normal((L, S)),
        "attn_3d": np.where((rng.random((N * HEADS, L, S)) < 0.3) & (np.arange(S) > 0), -np.inf, 0.0),
        "pad_bool": pad,
        "pad_float": np.where(pad, -np.inf, 0.0),
        "causal_self": np.triu(np.full((L, L), -np.inf), 1),
        "pad_self": pad[:, :L],
    }


def _mask_pair(name: str | None) -> tuple:
    if name is None:
        return None, None
    m = _masks()[name]
    return torch.tensor(m), rg.tensor(m)


def _mha_pair(**kwargs) -> tuple:
    t_mod = torch.nn.MultiheadAttention(E, HEADS, **kwargs).double()
    r_mod = rg.nn.MultiheadAttention(E, HEADS, **kwargs).double()
    load_from_torch(r_mod, t_mod)
    return t_mod, r_mod


# (constructor kwargs, attention kind, attn_mask, key_padding_mask, forward kwargs)
MHA_CASES = [
    ({}, "self", None, None, {}),
    ({"batch_first": True}, "self", None, None, {}),
    ({}, "cross", None, None, {}),
    ({}, "shared_kv", None, None, {}),
    ({"kdim": 6, "vdim": 7}, "cross", None, None, {}),
    ({"kdim": 6, "vdim": 7, "batch_first": True}, "cross", "attn_float", "pad_bool", {}),
    ({}, "cross", "attn_bool", None, {}),
    ({}, "cross", "attn_float", None, {}),
    ({}, "cross", "attn_3d", None, {}),
    ({}, "cross", None, "pad_bool", {}),
    ({}, "cross", None, "pad_float", {}),
    ({}, "cross", "attn_float", "pad_float", {}),
    ({"batch_first": True}, "self", "causal_self", None, {"is_causal": True}),
    ({"batch_first": True}, "self", "causal_self", "pad_self", {"is_causal": True}),
    ({}, "self", "causal_self", "pad_self", {}),
    ({}, "cross", None, None, {"average_attn_weights": False}),
    ({"bias": False}, "cross", "attn_float", None, {}),
    ({"add_bias_kv": True}, "cross", "attn_float", "pad_float", {}),
    ({"add_zero_attn": True}, "cross", "attn_3d", "pad_float", {}),
    ({"add_bias_kv": True, "add_zero_attn": True, "batch_first": True}, "self", None, "pad_self", {}),
]


def _mha_shapes(kind: str, kwargs: dict, batched: bool = True) -> list:
    bf = kwargs.get("batch_first", False)
    shape = lambda length, feat: ((N, length, feat) if bf else (length, N, feat)) if batched else (length, feat)  # noqa: E731
    if kind == "self":
        return [shape(L, E)]
    if kind == "shared_kv":
        return [shape(L, E), shape(S, E)]
    return [shape(L, E), shape(S, kwargs.get("kdim", E)), shape(S, kwargs.get("vdim", E))]


def _mha_call(kind: str, attn_mask, pad_mask, fwd: dict):
    def call(m, *xs):
        q, k, v = {"self": lambda: (xs[0],) * 3, "shared_kv": lambda: (xs[0], xs[1], xs[1])}.get(kind, lambda: xs)()
        return m(q, k, v, key_padding_mask=pad_mask, attn_mask=attn_mask, **fwd)

    return call


@needs_torch
@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no_weights"])
@pytest.mark.parametrize("case", range(len(MHA_CASES)))
def test_multihead_attention_vs_torch(case, need_weights):
    kwargs, kind, attn_name, pad_name, fwd = MHA_CASES[case]
    t_mod, r_mod = _mha_pair(**kwargs)
    (t_attn, r_attn), (t_pad, r_pad) = _mask_pair(attn_name), _mask_pair(pad_name)
    t_in, r_in = make_inputs(_mha_shapes(kind, kwargs), seed=case)
    fwd = {**fwd, "need_weights": need_weights}
    t_out, r_out = compare_modules(t_mod, r_mod, t_in, r_in, lambda m, *xs: (
        _mha_call(kind, t_attn if m is t_mod else r_attn, t_pad if m is t_mod else r_pad, fwd)(m, *xs)))
    assert (r_out[1] is None) == (not need_weights)


@needs_torch
@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no_weights"])
@pytest.mark.parametrize("kind,attn_3d", [("self", False), ("cross", False), ("cross", True)])
def test_multihead_attention_unbatched_vs_torch(kind, attn_3d, need_weights):
    t_mod, r_mod = _mha_pair()
    t_in, r_in = make_inputs(_mha_shapes(kind, {}, batched=False))
    rng = np.random.default_rng(5)
    src = L if kind == "self" else S
    attn = rng.standard_normal((HEADS, L, src) if attn_3d else (L, src))
    pad = np.arange(src) == src - 1
    masks = {id(t_mod): (torch.tensor(attn), torch.tensor(pad)), id(r_mod): (rg.tensor(attn), rg.tensor(pad))}
    fwd = {"need_weights": need_weights}
    compare_modules(t_mod, r_mod, t_in, r_in, lambda m, *xs: _mha_call(kind, *masks[id(m)], fwd)(m, *xs))


@needs_torch
@pytest.mark.parametrize("need_weights", [True, False], ids=["weights", "no_weights"])
def test_multihead_attention_dropout_one_vs_torch(need_weights):
    # p = 1 drops every attention weight: deterministic, so it can be compared
    t_mod, r_mod = _mha_pair(dropout=1.0)
    t_in, r_in = make_inputs(_mha_shapes("cross", {}))
    compare_modules(t_mod, r_mod, t_in, r_in, lambda m, *xs: m(*xs, need_weights=need_weights))


@needs_torch
def test_multihead_attention_eval_fast_path_vs_torch():
    # PyTorch's fused eval kernel (no grad, batch_first, self-attention) computes the same numbers
    t_mod, r_mod = _mha_pair(batch_first=True)
    t_mod.eval(), r_mod.eval()
    x = np.random.default_rng(2).standard_normal((N, L, E))
    pad = _masks()["pad_self"]
    with torch.no_grad():
        t_out = t_mod(torch.tensor(x), torch.tensor(x), torch.tensor(x), key_padding_mask=torch.tensor(pad))
    r_x = rg.tensor(x)
    with rg.no_grad():
        r_out = r_mod(r_x, r_x, r_x, key_padding_mask=rg.tensor(pad))
    compare_outputs(t_out, r_out)


def _layer_pair(cls: str, *args, **kwargs) -> tuple:
    t_act = kwargs.pop("activation", None)
    extra = {}
    if t_act is not None:
        extra = {"t": {"activation": t_act(torch)}, "r": {"activation": t_act(rg)}}
    t_mod = getattr(torch.nn, cls)(*args, **kwargs, **extra.get("t", {})).double()
    r_mod = getattr(rg.nn, cls)(*args, **kwargs, **extra.get("r", {})).double()
    load_from_torch(r_mod, t_mod)
    return t_mod, r_mod


LAYER_CASES = [
    {},
    {"norm_first": True},
    {"activation": lambda m: "gelu"},
    {"activation": lambda m: m.nn.functional.gelu, "norm_first": True, "batch_first": True},
    {"activation": lambda m: m.nn.GELU()},
    {"activation": lambda m: m.tanh},
    {"bias": False, "layer_norm_eps": 1e-3},
    {"batch_first": True},
]
MASK_CASES = [(None, None, {}), ("causal_self", None, {"is_causal": True}), ("causal_self", "pad_self", {}),
              (None, "pad_self", {})]


@needs_torch
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("masks", range(len(MASK_CASES)))
@pytest.mark.parametrize("case", range(len(LAYER_CASES)))
def test_encoder_layer_vs_torch(case, masks, train):
    kwargs = dict(LAYER_CASES[case])
    t_mod, r_mod = _layer_pair("TransformerEncoderLayer", E, HEADS, 16, 0.0, **kwargs)
    t_mod.train(train), r_mod.train(train)
    attn_name, pad_name, fwd = MASK_CASES[masks]
    (t_attn, r_attn), (t_pad, r_pad) = _mask_pair(attn_name), _mask_pair(pad_name)
    shape = (N, L, E) if kwargs.get("batch_first") else (L, N, E)
    t_in, r_in = make_inputs([shape], seed=case)
    compare_modules(t_mod, r_mod, t_in, r_in, lambda m, x: m(
        x, src_mask=t_attn if m is t_mod else r_attn, src_key_padding_mask=t_pad if m is t_mod else r_pad, **fwd))


@needs_torch
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_unbatched_vs_torch(norm_first):
    t_mod, r_mod = _layer_pair("TransformerEncoderLayer", E, HEADS, 16, 0.0, norm_first=norm_first)
    t_in, r_in = make_inputs([(L, E)])
    causal = _masks()["causal_self"]
    compare_modules(t_mod, r_mod, t_in, r_in,
                    lambda m, x: m(x, src_mask=(torch if m is t_mod else rg).tensor(causal)))


def _encoder_pair(num_layers: int = 2, final_norm: bool = True, **layer_kwargs) -> tuple:
    torch.manual_seed(0)
    mods = []
    for m in (torch, rg):
        layer = m.nn.TransformerEncoderLayer(E, HEADS, 16, 0.0, **layer_kwargs)
        norm = m.nn.LayerNorm(E) if final_norm else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mods.append(m.nn.TransformerEncoder(layer, num_layers, norm=norm).double())
    # different weights per layer, so a layer mix-up would show
    with torch.no_grad():
        for p in mods[0].parameters():
            p.add_(torch.randn_like(p) * 0.1)
    load_from_torch(mods[1], mods[0])
    return tuple(mods)


@needs_torch
@pytest.mark.parametrize("train", [True, False], ids=["train", "eval"])
@pytest.mark.parametrize("masks", range(len(MASK_CASES)))
@pytest.mark.parametrize("layer_kwargs", [{}, {"norm_first": True, "batch_first": True, "activation": "gelu"}])
def test_encoder_vs_torch(layer_kwargs, masks, train):
    t_mod, r_mod = _encoder_pair(**layer_kwargs)
    t_mod.train(train), r_mod.train(train)
    attn_name, pad_name, fwd = MASK_CASES[masks]
    (t_attn, r_attn), (t_pad, r_pad) = _mask_pair(attn_name), _mask_pair(pad_name)
    shape = (N, L, E) if layer_kwargs.get("batch_first") else (L, N, E)
    t_in, r_in = make_inputs([shape])
    compare_modules(t_mod, r_mod, t_in, r_in, lambda m, x: m(
        x, mask=t_attn if m is t_mod else r_attn, src_key_padding_mask=t_pad if m is t_mod else r_pad, **fwd))


@needs_torch
def test_encoder_without_norm_and_unbatched_vs_torch():
    t_mod, r_mod = _encoder_pair(num_layers=3, final_norm=False)
    t_in, r_in = make_inputs([(L, E)])
    compare_modules(t_mod, r_mod, t_in, r_in)


@needs_torch
def test_encoder_eval_nested_fast_path_vs_torch():
    # without grad PyTorch packs padded batches into nested tensors and writes 0 at padded
    # positions (before the final norm); retrograd computes every position, the unpadded ones agree
    t_mod, r_mod = _encoder_pair(batch_first=True)
    t_mod.eval(), r_mod.eval()
    x = np.random.default_rng(3).standard_normal((N, L, E))
    pad = _masks()["pad_self"]
    with torch.no_grad():
        t_out = t_mod(torch.tensor(x), src_key_padding_mask=torch.tensor(pad)).numpy()
    with rg.no_grad():
        r_out = r_mod(rg.tensor(x), src_key_padding_mask=rg.tensor(pad)).numpy()
    np.testing.assert_allclose(r_out[~pad], t_out[~pad], atol=1e-10)


REPR_CASES = [
    ("MultiheadAttention", (E, HEADS), {}),
    ("MultiheadAttention", (E, HEADS), {"kdim": 3, "vdim": 5, "bias": False, "add_bias_kv": True}),
    ("MultiheadAttention", (E, 4), {"add_zero_attn": True, "batch_first": True, "dropout": 0.1}),
    ("TransformerEncoderLayer", (E, HEADS), {}),
    ("TransformerEncoderLayer", (E, HEADS, 32, 0.2), {"activation": "gelu", "norm_first": True, "bias": False}),
]


@needs_torch
@pytest.mark.parametrize("name,args,kwargs", REPR_CASES)
def test_repr_state_dict_keys_and_init_vs_torch(name, args, kwargs):
    t_mod = getattr(torch.nn, name)(*args, **kwargs)
    r_mod = getattr(rg.nn, name)(*args, **kwargs)
    assert repr(r_mod) == repr(t_mod)
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    t_params = dict(t_mod.named_parameters())
    for key, p in r_mod.named_parameters():
        assert tuple(p.shape) == tuple(t_params[key].shape) and p.dtype == rg.float32
        t_zero = not t_params[key].detach().numpy().any()
        assert (not p.detach().numpy().any()) == t_zero, f"{key}: zero init differs"


@needs_torch
@pytest.mark.parametrize("num_layers", [1, 2])
def test_encoder_repr_and_warning_vs_torch(num_layers):
    cases = [(HEADS, {}), (HEADS, {"batch_first": True}), (HEADS, {"batch_first": True, "norm_first": True}),
             (HEADS, {"batch_first": True, "activation": _identity}), (1, {"batch_first": True}),
             (HEADS, {"batch_first": True, "bias": False})]
    for nhead, layer_kwargs in cases:
        got = []
        for m in (torch, rg):
            layer = m.nn.TransformerEncoderLayer(E, nhead, 16, **layer_kwargs)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                enc = m.nn.TransformerEncoder(layer, num_layers, norm=m.nn.LayerNorm(E))
            got.append(([str(w.message) for w in caught], list(enc.state_dict()), enc.use_nested_tensor))
            if num_layers == 1:
                got[-1] += (repr(enc),)
        assert got[1] == got[0]


def _identity(x):
    return x


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we compare whatever was raised
        return type(e).__name__, str(e).replace("torch.", "retrograd.")
    return None


ERROR_CASES = [
    lambda m: m.nn.MultiheadAttention(7, 2),
    lambda m: m.nn.MultiheadAttention(0, 2),
    lambda m: m.nn.TransformerEncoderLayer(E, HEADS, activation="tanh"),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S, N, E), attn_mask=m.ones(L, S, dtype=m.int64)),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S, N, E), attn_mask=m.zeros(L, L)),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S, N, E), attn_mask=m.zeros(2, L, S)),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S, N, E), key_padding_mask=m.zeros(N, L)),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S, N, E), key_padding_mask=m.zeros(N)),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S, N, E), is_causal=True),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N), m.randn(S, N, E)),
    lambda m: _mha(m)(m.randn(L, N, 6), m.randn(S, N, 6), m.randn(S, N, 6)),
    lambda m: _mha(m)(m.randn(L, N, E), m.randn(S, N, E), m.randn(S - 1, N, E)),
    lambda m: _mha(m)(m.randn(L, E), m.randn(S, E), m.randn(S, E), attn_mask=m.zeros(1, L, S)),
    lambda m: _mha(m)(m.randn(2, L, N, E), m.randn(S, N, E), m.randn(S, N, E)),
]


def _mha(m):
    return m.nn.MultiheadAttention(E, HEADS)


@needs_torch
@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_errors_vs_torch(case):
    assert _error(lambda: ERROR_CASES[case](rg)) == _error(lambda: ERROR_CASES[case](torch))


@needs_torch
def test_mismatched_mask_types_warn_vs_torch():
    for m in (torch, rg):
        mod = m.nn.MultiheadAttention(E, HEADS)
        x = m.randn(L, N, E)
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
            mod(x, x, x, key_padding_mask=m.zeros(N, L, dtype=m.bool), attn_mask=m.zeros(L, L))


# --- without PyTorch ------------------------------------------------------------------------------


def test_attention_weights_are_averaged_probabilities():
    mod = rg.nn.MultiheadAttention(E, HEADS, batch_first=True)
    q, kv = rg.randn(N, L, E), rg.randn(N, S, E)
    pad = rg.zeros(N, S, dtype=rg.bool)
    pad[:, -1] = True
    out, w = mod(q, kv, kv, key_padding_mask=pad)
    w = w.detach()
    assert tuple(out.shape) == (N, L, E) and tuple(w.shape) == (N, L, S) and out.dtype == rg.float32
    np.testing.assert_allclose(w.sum(-1).numpy(), 1.0, rtol=1e-5)
    assert np.all(w[..., -1].numpy() == 0)
    _, per_head = mod(q, kv, kv, average_attn_weights=False)
    assert tuple(per_head.shape) == (N, HEADS, L, S)
    assert mod(q, kv, kv, need_weights=False)[1] is None


def test_encoder_layers_are_copies_and_causal_mask_is_detected():
    layer = rg.nn.TransformerEncoderLayer(E, HEADS, 16, dropout=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = rg.nn.TransformerEncoder(layer, 2)
    assert enc.layers[0] is not layer and enc.layers[0].linear1.weight is not enc.layers[1].linear1.weight
    assert len(list(enc.parameters())) == 2 * len(list(layer.parameters()))
    x = rg.randn(L, N, E)
    causal = rg.triu(rg.full((L, L), float("-inf")), diagonal=1)
    # a causal mask and the same boolean mask give the same result
    a = enc(x, mask=causal)
    b = enc(x, mask=rg.triu(rg.ones(L, L, dtype=rg.bool), diagonal=1))
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    # position 0 only sees itself: changing later positions does not change it
    y = x.clone()
    y[1:] = 0.0
    np.testing.assert_allclose(enc(y, mask=causal)[0].detach().numpy(), a[0].detach().numpy(), rtol=1e-5, atol=1e-6)


def test_dropout_only_in_training():
    rg.manual_seed(0)
    layer = rg.nn.TransformerEncoderLayer(E, HEADS, 16, dropout=0.5)
    x = rg.randn(L, N, E)
    layer.eval()
    np.testing.assert_array_equal(layer(x).detach().numpy(), layer(x).detach().numpy())
    layer.train()
    assert not np.allclose(layer(x).detach().numpy(), layer(x).detach().numpy())


def test_multihead_attention_gradcheck_and_gradgradcheck():
    mod = rg.nn.MultiheadAttention(4, 2, kdim=3, vdim=5).double()
    q = rg.randn(2, 2, 4, dtype=rg.float64, requires_grad=True)
    k = rg.randn(3, 2, 3, dtype=rg.float64, requires_grad=True)
    v = rg.randn(3, 2, 5, dtype=rg.float64, requires_grad=True)
    mask = rg.tensor([[0.0, -1.0, 0.5], [0.0, 0.0, -np.inf]], dtype=rg.float64)
    assert gradcheck(lambda q, k, v: mod(q, k, v, attn_mask=mask)[0], (q, k, v))
    assert gradgradcheck(lambda q, k, v: mod(q, k, v, attn_mask=mask)[1], (q, k, v))


def test_encoder_layer_gradgradcheck():
    layer = rg.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu", norm_first=True).double()
    x = rg.randn(3, 2, 4, dtype=rg.float64, requires_grad=True)
    assert gradgradcheck(lambda x: layer(x), (x,))


@needs_torch

def test_encoder_repr_two_layers_vs_torch():
    reprs = []
    for m in (torch, rg):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reprs.append(repr(m.nn.TransformerEncoder(m.nn.TransformerEncoderLayer(E, HEADS, 16), 2)))
    assert reprs[1] == reprs[0]


# --- the encoder-decoder Transformer ----------------------------------------------------------------


def _seeded_transformer(lib, **kw):
    lib.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.nn.Transformer(d_model=E, nhead=HEADS, num_encoder_layers=2, num_decoder_layers=2,
                                  dim_feedforward=16, dropout=0.0, dtype=lib.float64, **kw)


@needs_torch
@pytest.mark.parametrize("kw", [{}, {"batch_first": True, "norm_first": True, "activation": "gelu"}])
def test_transformer_seeded_init_forward_and_grads_vs_torch(kw: dict) -> None:
    """Same seed, same weights (xavier in PyTorch's order); same output and gradients with masks."""
    rng = np.random.default_rng(3)
    src, tgt = rng.standard_normal((S, N, E)), rng.standard_normal((L, N, E))
    if kw.get("batch_first"):
        src, tgt = src.transpose(1, 0, 2).copy(), tgt.transpose(1, 0, 2).copy()
    pad = np.zeros((N, S), dtype=bool)
    pad[1, -1] = True
    results = []
    for lib in (rg, torch):
        model = _seeded_transformer(lib, **kw)
        s, t = lib.tensor(src, requires_grad=True), lib.tensor(tgt, requires_grad=True)
        mask = model.generate_square_subsequent_mask(L, dtype=lib.float64)
        out = model(s, t, tgt_mask=mask, src_key_padding_mask=lib.tensor(pad), memory_key_padding_mask=lib.tensor(pad))
        (out * lib.tensor(np.arange(out.numel(), dtype=np.float64).reshape(out.shape))).sum().backward()
        grads = [p.grad.numpy() for p in model.parameters()]
        results.append((out.detach().numpy(), s.grad.numpy(), t.grad.numpy(), grads,
                        [n for n, _ in model.named_parameters()], repr(model)))
    ours, theirs = results
    for a, b in zip(ours[:3], theirs[:3]):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-10)
    for a, b in zip(ours[3], theirs[3]):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)
    assert ours[4] == theirs[4] and ours[5] == theirs[5]


@needs_torch
def test_transformer_errors_vs_torch() -> None:
    for lib in (rg, torch):
        model = _seeded_transformer(lib)
        with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
            model(lib.zeros(S, 2, E, dtype=lib.float64), lib.zeros(L, 3, E, dtype=lib.float64))
        with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
            model(lib.zeros(S, N, E, dtype=lib.float64), lib.zeros(L, N, E + 1, dtype=lib.float64))


def test_encoder_fast_path_zeros_padded_positions_as_pytorch_nested_tensors():
    import retrograd as rg

    rg.manual_seed(0)
    layer = rg.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
    enc = rg.nn.TransformerEncoder(layer, 2, norm=rg.nn.LayerNorm(8)).eval()
    x = rg.randn(2, 4, 8)
    pad = rg.tensor([[False, False, True, True], [False, False, False, True]])
    with rg.no_grad():
        out = enc(x, src_key_padding_mask=pad)
        plain = rg.nn.TransformerEncoder(layer, 2, norm=rg.nn.LayerNorm(8), enable_nested_tensor=False).eval()
        plain.load_state_dict(enc.state_dict())
        dense = plain(x, src_key_padding_mask=pad)
    bias = enc.norm.bias
    assert rg.allclose(out[0, 2:], bias.expand(2, 8)) and rg.allclose(out[1, 3], bias)  # norm of zeros
    assert rg.allclose(out[0, :2], dense[0, :2], atol=1e-6)
    assert enc(x, src_key_padding_mask=pad)[0, 2:].abs().sum() > 0  # recording grads: no fast path


def test_encoder_nested_fast_path_reads_float_padding_masks_as_pytorch():
    # PyTorch's nested tensors keep the tokens whose float padding value is 0 (its `logical_not()`):
    # a float mask of 0/1 or 0/0.5 pads where it is nonzero, and its values are never added
    import retrograd._user_frames as frames

    rg.manual_seed(0)
    enc = rg.nn.TransformerEncoder(rg.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2).eval()
    x = rg.randn(3, 4, 8)
    pad = rg.tensor([[False, False, False, False], [False, False, True, True], [False, True, True, True]])
    frames._warned_once.discard("nested tensor: prototype")
    with rg.no_grad():
        with pytest.warns(UserWarning, match="The PyTorch API of nested tensors is in prototype stage"):
            expected = enc(x, src_key_padding_mask=pad)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # once per process, as PyTorch's
            ones = enc(x, src_key_padding_mask=pad.float())
        halves = enc(x, src_key_padding_mask=pad.float() * 0.5)
    assert rg.equal(ones, expected) and rg.equal(halves, expected)
    assert expected[1, 2:].abs().sum() == 0 and expected[2, 1:].abs().sum() == 0


@needs_torch
@pytest.mark.parametrize("scale", [1.0, 0.5, float("-inf")])
def test_encoder_nested_fast_path_float_padding_mask_vs_torch(scale):
    t_mod, r_mod = _encoder_pair(batch_first=True)
    t_mod.eval(), r_mod.eval()
    x = np.random.default_rng(4).standard_normal((N, L, E))
    pad = np.array([[0, 0, 0, 0], [0, 0, 1, 1], [0, 1, 1, 1]], dtype=bool)
    mask = np.where(pad, scale, 0.0)
    with torch.no_grad(), rg.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_out = t_mod(torch.tensor(x), src_key_padding_mask=torch.tensor(mask)).numpy()
        r_out = r_mod(rg.tensor(x), src_key_padding_mask=rg.tensor(mask)).numpy()
    np.testing.assert_allclose(r_out, t_out, atol=1e-10)


def _fast_path_inputs(m):
    m.manual_seed(0)
    mha = m.nn.MultiheadAttention(8, 2, batch_first=True).eval()
    x = m.randn(2, 3, 8)
    pad = m.tensor([[False, False, True], [True, True, True]])  # the second row masks every key
    blocked = m.tensor([[False, True, True], [True, True, True], [False, False, False]])
    return mha, x, pad, blocked


def test_multihead_attention_fast_path_gives_nan_for_fully_masked_rows_without_weights():
    # PyTorch's fused eval kernel (bool masks, self-attention, no grad) runs masked rows through the
    # weights' softmax whether or not it returns them: a row with no key left is NaN
    mha, x, pad, blocked = _fast_path_inputs(rg)
    with rg.no_grad():
        out, weights = mha(x, x, x, key_padding_mask=pad, need_weights=False)
        assert weights is None
        assert rg.isnan(out[1]).all() and not rg.isnan(out[0]).any()
        out, _ = mha(x, x, x, attn_mask=blocked, need_weights=False)
        assert rg.isnan(out[:, 1]).all() and not rg.isnan(out[:, [0, 2]]).any()
        # float masks, or another tensor as key, keep PyTorch's other path: no NaN
        floats = rg.zeros(2, 3).masked_fill(pad, float("-inf"))
        assert not rg.isnan(mha(x, x, x, key_padding_mask=floats, need_weights=False)[0]).any()
        assert not rg.isnan(mha(x, x.clone(), x, key_padding_mask=pad, need_weights=False)[0]).any()
    assert not rg.isnan(mha(x, x, x, key_padding_mask=pad, need_weights=False)[0]).any()  # recording grads


@needs_torch
@pytest.mark.parametrize("masks", ["pad", "blocked", "both", "float_pad", "causal"])
@pytest.mark.parametrize("need_weights", [True, False])
def test_multihead_attention_fast_path_fully_masked_rows_vs_torch(masks, need_weights):
    outs = []
    for m in (torch, rg):
        mha, x, pad, blocked = _fast_path_inputs(m)
        kw = {"pad": {"key_padding_mask": pad}, "blocked": {"attn_mask": blocked},
              "both": {"attn_mask": blocked, "key_padding_mask": pad},
              "float_pad": {"key_padding_mask": m.zeros(2, 3).masked_fill(pad, float("-inf"))},
              "causal": {"attn_mask": m.ones(3, 3, dtype=m.bool).triu(1), "is_causal": True}}[masks]
        with m.no_grad():
            out, weights = mha(x, x, x, need_weights=need_weights, **kw)
        outs.append((out.numpy(), None if weights is None else weights.numpy()))
    (t_out, t_w), (r_out, r_w) = outs
    np.testing.assert_allclose(r_out, t_out, rtol=1e-5, atol=1e-6)  # NaN where PyTorch has NaN
    assert (r_w is None) == (t_w is None)
    if t_w is not None:
        np.testing.assert_allclose(r_w, t_w, rtol=1e-5, atol=1e-6)


def _layer_fast_path_inputs(m, **kwargs):
    m.manual_seed(0)
    layer = m.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, **kwargs).eval()
    x = m.randn(3, 4, 8)
    pad = m.tensor([[False] * 4, [False, False, True, True], [True] * 4])  # the last row masks every key
    return layer, x, pad


def test_encoder_layer_fast_path_gives_nan_for_fully_padded_rows():
    layer, x, pad = _layer_fast_path_inputs(rg)
    with rg.no_grad():
        out = layer(x, src_key_padding_mask=pad)
        assert rg.isnan(out[2]).all() and not rg.isnan(out[:2]).any()
        causal = rg.ones(4, 4, dtype=rg.bool).triu(1)
        assert rg.isnan(layer(x, src_mask=causal, src_key_padding_mask=pad)[2]).all()
        # not PyTorch's fused layer (a custom activation): no NaN
        odd, x1, _ = _layer_fast_path_inputs(rg, activation=rg.tanh)
        assert not rg.isnan(odd(x1, src_key_padding_mask=pad)).any()
    assert not rg.isnan(layer(x, src_key_padding_mask=pad)).any()  # recording grads


@needs_torch
@pytest.mark.parametrize("kwargs", [{}, {"norm_first": True}, {"activation": "gelu"}])
@pytest.mark.parametrize("masks", ["pad", "causal_pad", "float_pad"])
def test_encoder_layer_fast_path_fully_padded_rows_vs_torch(kwargs, masks):
    outs = []
    for m in (torch, rg):
        layer, x, pad = _layer_fast_path_inputs(m, **kwargs)
        kw = {"pad": {"src_key_padding_mask": pad},
              "causal_pad": {"src_mask": m.ones(4, 4, dtype=m.bool).triu(1), "src_key_padding_mask": pad},
              "float_pad": {"src_key_padding_mask": m.zeros(3, 4).masked_fill(pad, float("-inf"))}}[masks]
        with m.no_grad():
            outs.append(layer(x, **kw).numpy())
    np.testing.assert_allclose(outs[1], outs[0], rtol=1e-5, atol=1e-5)
