"""nn.Transformer, TransformerDecoder and TransformerDecoderLayer against PyTorch.

Both libraries build the modules after the same `manual_seed` (retrograd draws PyTorch's
numbers, in PyTorch's order), so parameters agree without copying; the tests check that,
then compare outputs and the gradients of inputs and of every parameter in float64.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg

from .nn_compare import compare_modules, make_inputs, torch

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

E, HEADS, FF, T, S, N = 8, 2, 16, 4, 5, 3


def _build(name, *args, **kwargs):
    """The same module from both libraries, float64, built after the same seed; parameters checked equal."""
    mods = []
    for lib in (torch, rg):
        lib.manual_seed(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mods.append(getattr(lib.nn, name)(*args, **kwargs).double())
    t_mod, r_mod = mods
    t_state, r_state = t_mod.state_dict(), r_mod.state_dict()
    assert list(r_state) == list(t_state)
    for key, value in t_state.items():
        np.testing.assert_allclose(r_state[key].numpy(), value.numpy(), rtol=1e-6, atol=1e-7, err_msg=key)
    # float32 draws cast to float64 agree to rounding only: copy torch's exact values
    r_mod.load_state_dict({k: rg.tensor(v.numpy()) for k, v in t_state.items()})
    return t_mod.eval(), r_mod.eval()


def _causal(n):
    return np.triu(np.full((n, n), -np.inf), 1)


def _pad(n, length, last):
    pad = np.zeros((n, length), dtype=bool)
    pad[0, -last:] = True
    return pad


LAYER_CASES = [
    ({}, {}),
    ({"norm_first": True}, {}),
    ({"activation": "gelu", "bias": False}, {}),
    ({}, {"tgt_mask": _causal(T)}),
    ({}, {"tgt_mask": _causal(T), "tgt_is_causal": True, "memory_key_padding_mask": _pad(N, S, 2)}),
    ({}, {"tgt_key_padding_mask": _pad(N, T, 1), "memory_mask": np.random.default_rng(0).standard_normal((T, S))}),
]


def _masks(kwargs, lib):
    return {k: lib.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}


@needs_torch
@pytest.mark.parametrize(("ctor", "call"), LAYER_CASES)
@pytest.mark.parametrize("batch_first", [False, True])
def test_decoder_layer_vs_torch(ctor, call, batch_first):
    t_mod, r_mod = _build("TransformerDecoderLayer", E, HEADS, FF, 0.0, batch_first=batch_first, **ctor)
    shapes = [(N, T, E), (N, S, E)] if batch_first else [(T, N, E), (S, N, E)]
    t_in, r_in = make_inputs(shapes)
    compare_modules(
        t_mod, r_mod, t_in, r_in, call=lambda m, tgt, mem: m(tgt, mem, **_masks(call, torch if m is t_mod else rg))
    )


@needs_torch
def test_decoder_layer_unbatched_vs_torch():
    t_mod, r_mod = _build("TransformerDecoderLayer", E, HEADS, FF, 0.0)
    t_in, r_in = make_inputs([(T, E), (S, E)])
    compare_modules(t_mod, r_mod, t_in, r_in)


@needs_torch
@pytest.mark.parametrize("with_norm", [False, True])
def test_decoder_stack_vs_torch(with_norm):
    layers = []
    for lib in (torch, rg):
        lib.manual_seed(0)
        layer = lib.nn.TransformerDecoderLayer(E, HEADS, FF, 0.0)
        layers.append(lib.nn.TransformerDecoder(layer, 2, lib.nn.LayerNorm(E) if with_norm else None).double())
    t_mod, r_mod = layers
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    r_mod.load_state_dict({k: rg.tensor(v.numpy()) for k, v in t_mod.state_dict().items()})
    t_in, r_in = make_inputs([(T, N, E), (S, N, E)])
    mask = _causal(T)
    compare_modules(
        t_mod,
        r_mod,
        t_in,
        r_in,
        call=lambda m, tgt, mem: m(tgt, mem, tgt_mask=(torch if m is t_mod else rg).tensor(mask)),
    )


@needs_torch
@pytest.mark.parametrize("kwargs", [{}, {"batch_first": True, "norm_first": True}])
def test_transformer_vs_torch(kwargs):
    t_mod, r_mod = _build("Transformer", E, HEADS, 2, 1, FF, 0.0, **kwargs)
    assert [n for n, _ in r_mod.named_parameters()] == [n for n, _ in t_mod.named_parameters()]
    first = kwargs.get("batch_first", False)
    t_in, r_in = make_inputs([(N, S, E), (N, T, E)] if first else [(S, N, E), (T, N, E)])
    mask = rg.nn.Transformer.generate_square_subsequent_mask(T, dtype=rg.float64)
    np.testing.assert_array_equal(mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(T).numpy())
    compare_modules(
        t_mod,
        r_mod,
        t_in,
        r_in,
        call=lambda m, src, tgt: m(src, tgt, tgt_mask=(torch if m is t_mod else rg).tensor(_causal(T))),
    )


def test_transformer_errors_and_repr():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = rg.nn.Transformer(E, HEADS, 1, 1, FF)
    with pytest.raises(RuntimeError, match="the batch number of src and tgt must be equal"):
        model(rg.zeros(S, 2, E), rg.zeros(T, 3, E))
    with pytest.raises(RuntimeError, match="the feature number of src and tgt must be equal to d_model"):
        model(rg.zeros(S, 2, E), rg.zeros(T, 2, E + 1))
    assert "(decoder): TransformerDecoder(" in repr(model)


@needs_torch
def test_transformer_reprs_match_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert repr(rg.nn.Transformer(E, HEADS, 1, 1, FF)) == repr(torch.nn.Transformer(E, HEADS, 1, 1, FF))
