"""nn.RNN / LSTM / GRU and the cells: against PyTorch (weights copied) and on their own.

Tests named `*_vs_torch` load the torch module's state_dict into the retrograd one,
run the same float64 inputs and compare outputs, final states, and the gradients of
the inputs, the initial states and every parameter; they skip without PyTorch.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

from .nn_compare import compare_modules, load_from_torch, make_inputs, torch

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

L, N, H_IN, H = 5, 3, 4, 6

# (class, constructor kwargs) for the layers
LAYERS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu"}),
    ("LSTM", {}),
    ("GRU", {}),
]
# constructor options combined with each layer
CONFIGS = [
    {},
    {"num_layers": 2},
    {"bidirectional": True},
    {"batch_first": True},
    {"bias": False},
    {"num_layers": 2, "bidirectional": True, "batch_first": True},
    {"num_layers": 3, "bidirectional": True, "bias": False},
]


def _pair(name: str, kwargs: dict) -> tuple:
    t_mod = getattr(torch.nn, name)(H_IN, H, **kwargs).double()
    r_mod = getattr(rg.nn, name)(H_IN, H, **kwargs).double()
    load_from_torch(r_mod, t_mod)
    return t_mod, r_mod


def _state_shapes(name: str, kwargs: dict, batched: bool = True) -> list:
    """Shapes of (x, h0[, c0]) for a module built with kwargs."""
    dirs_layers = kwargs.get("num_layers", 1) * (2 if kwargs.get("bidirectional") else 1)
    if batched:
        x = (N, L, H_IN) if kwargs.get("batch_first") else (L, N, H_IN)
        h = (dirs_layers, N, kwargs.get("proj_size") or H)
        c = (dirs_layers, N, H)
    else:
        x, h, c = (L, H_IN), (dirs_layers, kwargs.get("proj_size") or H), (dirs_layers, H)
    return [x, h, c] if name == "LSTM" else [x, h]


def _run_vs_torch(name: str, kwargs: dict, with_state: bool, batched: bool = True) -> None:
    t_mod, r_mod = _pair(name, kwargs)
    shapes = _state_shapes(name, kwargs, batched)
    t_in, r_in = make_inputs(shapes, seed=len(str(kwargs)))
    if not with_state:
        compare_modules(t_mod, r_mod, t_in[:1], r_in[:1])
    elif name == "LSTM":
        call = lambda m, x, h, c: m(x, (h, c))  # noqa: E731
        compare_modules(t_mod, r_mod, t_in, r_in, call)
    else:
        compare_modules(t_mod, r_mod, t_in, r_in)


@needs_torch
@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items()) or "default")
@pytest.mark.parametrize("name,extra", LAYERS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_h0", "h0"])
def test_layer_vs_torch(name, extra, config, with_state):
    _run_vs_torch(name, {**extra, **config}, with_state)


@needs_torch
@pytest.mark.parametrize("config", [{}, {"num_layers": 2, "bidirectional": True}, {"batch_first": True}])
@pytest.mark.parametrize("name,extra", LAYERS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_h0", "h0"])
def test_unbatched_layer_vs_torch(name, extra, config, with_state):
    _run_vs_torch(name, {**extra, **config}, with_state, batched=False)


@needs_torch
@pytest.mark.parametrize("config", [{}, {"num_layers": 2, "bidirectional": True, "batch_first": True}, {"bias": False}])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_h0", "h0"])
def test_lstm_projection_vs_torch(config, with_state):
    _run_vs_torch("LSTM", {"proj_size": 3, **config}, with_state)


def _projection_warnings(t, make, dtype="float32"):
    """The warnings of two forwards of `make(t)` on a (3, 2, 2) input of `dtype`."""
    layer = make(t).to(getattr(t, dtype))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            layer(t.ones(3, 2, 2, dtype=getattr(t, dtype)))
    return [str(w.message).split(" (Triggered internally")[0] for w in caught]


PROJECTION_CASES = {  # (make the layer, input dtype, whether PyTorch warns that oneDNN has no projections)
    "float32": (lambda t: t.nn.LSTM(2, 3, proj_size=1), "float32", True),
    "float64": (lambda t: t.nn.LSTM(2, 3, proj_size=1), "float64", False),
    "no_projection": (lambda t: t.nn.LSTM(2, 3), "float32", False),
    "float16_in_grad_mode": (lambda t: t.nn.LSTM(2, 3, proj_size=1), "float16", False),
}


@pytest.mark.parametrize("case", sorted(PROJECTION_CASES))
def test_lstm_projection_onednn_warning(case):
    """PyTorch runs a float32 CPU LSTM on oneDNN, which has no projections: it says so, once per process."""
    make, dtype, warns = PROJECTION_CASES[case]
    expected = ["LSTM with projections is not supported with oneDNN. Using default implementation."] if warns else []
    assert _projection_warnings(rg, make, dtype) == expected
    if torch is not None:
        assert _projection_warnings(torch, make, dtype) in ([], expected)  # PyTorch's once may be spent


def test_lstm_projection_warning_not_for_packed_input():
    """PyTorch's packed LSTM kernel does not consider oneDNN, so it says nothing."""
    for t in [rg] if torch is None else [rg, torch]:
        lstm = t.nn.LSTM(2, 3, proj_size=1)
        packed = t.nn.utils.rnn.pack_sequence([t.ones(3, 2), t.ones(2, 2)])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lstm(packed)
        assert [str(w.message) for w in caught] == []


def test_lstm_projection_warning_follows_mkldnn_enabled(monkeypatch):
    monkeypatch.setattr(rg.backends.mkldnn, "enabled", False)
    assert _projection_warnings(rg, lambda t: t.nn.LSTM(2, 3, proj_size=1)) == []


@needs_torch
@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_eval_mode_and_dropout_vs_torch(name):
    # dropout is off in eval mode; in training p=1 zeroes the inputs of layer 2 deterministically
    kwargs = {"num_layers": 2, "dropout": 1.0}
    t_mod, r_mod = _pair(name, kwargs)
    t_in, r_in = make_inputs(_state_shapes(name, kwargs)[:1])
    compare_modules(t_mod, r_mod, t_in, r_in)
    t_in, r_in = make_inputs(_state_shapes(name, kwargs)[:1])
    compare_modules(t_mod.eval(), r_mod.eval(), t_in, r_in)


CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu"}), ("LSTMCell", {}), ("GRUCell", {})]


@needs_torch
@pytest.mark.parametrize("name,extra", CELLS, ids=["rnn_tanh", "rnn_relu", "lstm", "gru"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_state", [False, True], ids=["no_hx", "hx"])
def test_cell_vs_torch(name, extra, bias, batched, with_state):
    t_mod = getattr(torch.nn, name)(H_IN, H, bias=bias, **extra).double()
    r_mod = getattr(rg.nn, name)(H_IN, H, bias=bias, **extra).double()
    load_from_torch(r_mod, t_mod)
    lead = (N,) if batched else ()
    shapes = [lead + (H_IN,), lead + (H,), lead + (H,)]
    t_in, r_in = make_inputs(shapes if name == "LSTMCell" else shapes[:2])
    if not with_state:
        compare_modules(t_mod, r_mod, t_in[:1], r_in[:1])
    elif name == "LSTMCell":
        compare_modules(t_mod, r_mod, t_in, r_in, lambda m, x, h, c: m(x, (h, c)))
    else:
        compare_modules(t_mod, r_mod, t_in, r_in)


@needs_torch
def test_cell_unrolled_equals_layer_vs_torch():
    # the cell applied step by step reproduces the one-layer module (as in PyTorch)
    t_cell = torch.nn.GRUCell(H_IN, H).double()
    r_cell = rg.nn.GRUCell(H_IN, H).double()
    load_from_torch(r_cell, t_cell)
    r_layer = rg.nn.GRU(H_IN, H).double()
    r_layer.load_state_dict({f"{k}_l0": v for k, v in r_cell.state_dict().items()})
    x = rg.tensor(np.random.default_rng(1).standard_normal((L, N, H_IN)))
    h = rg.zeros(N, H, dtype=rg.float64)
    for t in range(L):
        h = r_cell(x[t], h)
    np.testing.assert_allclose(r_layer(x)[1][0].detach().numpy(), h.detach().numpy(), atol=1e-12)


REPR_CASES = [
    ("RNN", (10, 20), {}),
    ("RNN", (10, 20, 2), {"nonlinearity": "relu", "dropout": 0.5}),
    ("LSTM", (10, 20), {"num_layers": 2, "batch_first": True}),
    ("LSTM", (10, 20), {"proj_size": 5, "bias": False, "bidirectional": True}),
    ("GRU", (3, 4), {"num_layers": 2, "dropout": 0.25, "bidirectional": True, "batch_first": True}),
    ("RNNCell", (3, 4), {"nonlinearity": "relu", "bias": False}),
    ("LSTMCell", (3, 4), {}),
    ("GRUCell", (3, 4), {"bias": False}),
]


@needs_torch
@pytest.mark.parametrize("name,args,kwargs", REPR_CASES)
def test_repr_and_state_dict_keys_vs_torch(name, args, kwargs):
    t_mod = getattr(torch.nn, name)(*args, **kwargs)
    r_mod = getattr(rg.nn, name)(*args, **kwargs)
    assert repr(r_mod) == repr(t_mod)
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    for (rn, rp), (tn, tp) in zip(r_mod.named_parameters(), t_mod.named_parameters()):
        assert rn == tn and tuple(rp.shape) == tuple(tp.shape) and rp.dtype == rg.float32
    if hasattr(t_mod, "all_weights"):
        assert [[tuple(p.shape) for p in g] for g in r_mod.all_weights] == [
            [tuple(p.shape) for p in g] for g in t_mod.all_weights
        ]


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - we compare whatever was raised
        # dtypes print as retrograd.float64 where PyTorch prints torch.float64
        return type(e).__name__, str(e).replace("torch.", "retrograd.")
    return None


ERROR_CASES = [
    ("LSTM", (3, 4), lambda m: m.randn(2, 3, 3, 1)),
    ("LSTM", (3, 4), lambda m: m.randn(2, 3, 5)),
    ("LSTM", (3, 4), lambda m: m.randn(2, 3, 3, dtype=m.float64)),
    ("LSTM", (3, 4), lambda m: (m.randn(2, 3, 3), (m.randn(1, 3, 4), m.randn(1, 2, 4)))),
    ("LSTM", (3, 4), lambda m: (m.randn(2, 3, 3), (m.randn(1, 2, 4), m.randn(1, 3, 4)))),
    ("LSTM", (3, 4), lambda m: (m.randn(2, 3, 3), (m.randn(3, 4), m.randn(3, 4)))),
    ("LSTM", (3, 4), lambda m: (m.randn(2, 3), (m.randn(1, 1, 4), m.randn(1, 1, 4)))),
    ("GRU", (3, 4), lambda m: m.randn(2, 3, 3, 1)),
    ("GRU", (3, 4), lambda m: (m.randn(2, 3, 3), m.randn(2, 3, 4))),
    ("GRU", (3, 4), lambda m: (m.randn(2, 3, 3), m.randn(3, 4))),
    ("GRU", (3, 4), lambda m: (m.randn(2, 3, 3), (m.zeros(1, 3, 4), m.zeros(1, 3, 4)))),
    ("RNN", (3, 4), lambda m: (m.randn(2, 3), [m.zeros(1, 4)])),
    ("RNN", (3, 4), lambda m: m.randn(2, 3, 3, 1)),
    ("RNN", (3, 4), lambda m: (m.randn(2, 3), m.randn(1, 1, 4))),
    ("GRU", (3, 4), lambda m: m.randn(0, 2, 3)),
    ("LSTM", (3, 4), lambda m: m.randn(0, 3)),
    ("RNN", (3, 4), lambda m: m.randn(0, 2, 3)),
    ("LSTMCell", (4, 3), lambda m: m.randn(2, 5)),
    ("LSTMCell", (4, 3), lambda m: (m.randn(2, 4), (m.randn(3, 3), m.randn(3, 3)))),
    ("LSTMCell", (4, 3), lambda m: (m.randn(2, 4), (m.randn(2, 3), m.randn(2, 2)))),
    ("LSTMCell", (4, 3), lambda m: m.randn(2, 4, 1)),
    ("GRUCell", (4, 3), lambda m: (m.randn(2, 4), m.randn(2, 2))),
    ("GRUCell", (4, 3), lambda m: (m.randn(4), m.randn(1, 2, 3))),
    ("RNNCell", (4, 3), lambda m: (m.randn(2, 4), m.randn(1, 3))),
]


@needs_torch
@pytest.mark.parametrize("case", range(len(ERROR_CASES)))
def test_forward_errors_vs_torch(case):
    name, args, make = ERROR_CASES[case]

    def run(m):
        module = getattr(m.nn, name)(*args)
        inputs = make(m)
        return _error(lambda: module(*inputs) if isinstance(inputs, tuple) else module(inputs))

    assert run(rg) == run(torch)


CONSTRUCTOR_ERRORS = [
    ("RNN", (3, 4), {"nonlinearity": "sigmoid"}),
    ("RNN", (3, 4), {"proj_size": 2}),
    ("GRU", (3, 4), {"proj_size": 2}),
    ("LSTM", (3, 4), {"proj_size": 4}),
    ("LSTM", (3, 4), {"proj_size": -1}),
    ("LSTM", (3, 4), {"dropout": 1.5}),
    ("LSTM", (3, 4), {"dropout": True}),
    ("LSTM", (3, 0), {}),
    ("LSTM", (0, 4), {}),
    ("LSTM", (3.0, 4), {}),
    ("LSTM", (3, 4), {"num_layers": 0}),
    ("LSTM", (3, 4), {"bias": 1}),
    ("LSTM", (3, 4), {"batch_first": None}),
]


@needs_torch
@pytest.mark.parametrize("name,args,kwargs", CONSTRUCTOR_ERRORS)
def test_constructor_errors_vs_torch(name, args, kwargs):
    def run(m):
        return _error(lambda: getattr(m.nn, name)(*args, **kwargs))

    assert run(rg) == run(torch)


# --- without PyTorch ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_shapes_and_float32(name):
    mod = getattr(rg.nn, name)(H_IN, H, num_layers=2, bidirectional=True, batch_first=True)
    out, state = mod(rg.randn(N, L, H_IN))
    h = state[0] if name == "LSTM" else state
    assert tuple(out.shape) == (N, L, 2 * H) and out.dtype == rg.float32
    assert tuple(h.shape) == (4, N, H) and h.dtype == rg.float32
    # the final forward state equals the last time step of the output, the backward one the first
    np.testing.assert_allclose(out[:, -1, :H].detach().numpy(), h[2].detach().numpy(), rtol=1e-6)
    np.testing.assert_allclose(out[:, 0, H:].detach().numpy(), h[3].detach().numpy(), rtol=1e-6)


def test_default_init_range_and_count():
    mod = rg.nn.LSTM(3, 16, num_layers=2, bidirectional=True)
    bound = 1 / 4
    names = [n for n, _ in mod.named_parameters()]
    assert len(names) == 16 and names[:4] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    assert names[4] == "weight_ih_l0_reverse" and tuple(mod.weight_ih_l1.shape) == (64, 32)
    for p in mod.parameters():
        a = p.detach().numpy()
        assert a.min() >= -bound and a.max() <= bound and a.std() > 0.05


def test_dropout_warning_and_training_dropout():
    with pytest.warns(UserWarning, match="dropout option adds dropout after all but last"):
        rg.nn.GRU(3, 4, dropout=0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mod = rg.nn.GRU(3, 4, num_layers=2, dropout=0.5)
    x = rg.randn(L, N, 3)
    out_eval = mod.eval()(x)[0]
    np.testing.assert_array_equal(out_eval.detach().numpy(), mod(x)[0].detach().numpy())
    mod.train()
    if not hasattr(rg.nn.functional, "dropout"):
        pytest.skip("F.dropout not available yet")
    assert not np.allclose(mod(x)[0].detach().numpy(), out_eval.detach().numpy())


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_gradcheck_and_gradgradcheck(name):
    mod = getattr(rg.nn, name)(2, 3, bidirectional=True).double()
    x = rg.randn(3, 2, 2, dtype=rg.float64, requires_grad=True)
    w = mod.weight_hh_l0_reverse.detach().clone().requires_grad_(True)
    assert gradcheck(lambda x: mod(x)[0], (x,))
    assert gradgradcheck(lambda x: mod(x)[0].tanh(), (x,))
    assert gradcheck(lambda w: _with_weight(mod, "weight_hh_l0_reverse", w, x), (w,))


def _with_weight(mod, name, w, x):
    """The module's output with parameter `name` replaced by the tensor w (so w gets the gradient)."""
    saved = mod._parameters[name]
    mod._parameters[name] = w
    try:
        return mod(x)[0]
    finally:
        mod._parameters[name] = saved


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_gradgradcheck(name):
    cell = getattr(rg.nn, name)(2, 3).double()
    x = rg.randn(2, 2, dtype=rg.float64, requires_grad=True)
    h = rg.randn(2, 3, dtype=rg.float64, requires_grad=True)
    state = (h, h * 0.5) if name == "LSTMCell" else h

    def f(x, h):
        out = cell(x, (h, h * 0.5) if name == "LSTMCell" else h)
        return out[1] if name == "LSTMCell" else out

    assert tuple(f(x, h).shape) == (2, 3) and state is not None
    assert gradcheck(f, (x, h))
    assert gradgradcheck(f, (x, h))


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("batch", [0, 1, 3])
def test_lstm_layer_kernel_equals_composed(batch, reverse):
    """The layer kernel (transposed gate blocks on the CPU) against the same layer from tensor ops,
    for every input's gradient; the gradients handed to it stay untouched (batch 1 makes their
    transposes contiguous, where a view would have been written into)."""
    from retrograd.ops.fused.recurrent import composed, lstm_layer

    gen = rg.Generator().manual_seed(7)
    shapes = [(4, batch, 3), (8, 3), (8, 2), (8,), (8,), (batch, 2), (batch, 2)]
    inputs = [rg.randn(*s, dtype=rg.float64, generator=gen, requires_grad=True) for s in shapes]
    grads = [rg.randn(4, batch, 2, dtype=rg.float64, generator=gen), rg.ones(batch, 2, dtype=rg.float64),
             rg.ones(batch, 2, dtype=rg.float64)]
    before = [g.clone() for g in grads]
    fused = lstm_layer(*inputs, reverse=reverse)
    if batch == 0:  # the composed layer's reshape(-1) cannot infer a size from an empty batch
        got = rg.autograd.grad(fused, inputs, grads, allow_unused=True)
        assert [tuple(g.shape) for g in got] == shapes
        return
    reference = composed(*inputs, reverse=reverse)
    for a, b in zip(fused, reference):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12, atol=1e-12)
    got = rg.autograd.grad(fused, inputs, grads, allow_unused=True)
    want = rg.autograd.grad(reference, inputs, grads, allow_unused=True)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10, atol=1e-12)
    for g, b in zip(grads, before):
        assert rg.equal(g, b)


def _integer_weights(module, gen: np.random.Generator) -> dict:
    """Small integer weights (every product and its sums exact in float32) and float32 biases
    whose additions round: only the order of the bias additions decides the bits."""
    values = {}
    for name, p in module.named_parameters():
        a = gen.integers(-2, 3, p.shape) if "weight" in name else gen.standard_normal(p.shape) / 7
        values[name] = a.astype(np.float32)
        p.data = rg.tensor(values[name])
    return values


@pytest.mark.parametrize("kind", ["RNN", "RNNCell"])
def test_relu_rnn_adds_hidden_side_to_input_side_as_pytorch(kind):
    """PyTorch's step is act((h W_hhᵀ + b_hh) + (x W_ihᵀ + b_ih)); folding b_hh into the input
    side first, (x W_ihᵀ + (b_ih + b_hh)) + h W_hhᵀ, gave other float32 bits."""
    gen = np.random.default_rng(3)
    module = rg.nn.RNN(3, 4, nonlinearity="relu") if kind == "RNN" else rg.nn.RNNCell(3, 4, nonlinearity="relu")
    w = _integer_weights(module, gen)
    sfx = "_l0" if kind == "RNN" else ""
    x = gen.integers(-2, 3, (5, 2, 3)).astype(np.float32)
    h = np.zeros((2, 4), np.float32)
    want = []
    for t in range(5):
        hw = h @ w["weight_hh" + sfx].T + w["bias_hh" + sfx]
        h = np.maximum(hw + (x[t] @ w["weight_ih" + sfx].T + w["bias_ih" + sfx]), 0)
        want.append(h)
    if kind == "RNN":
        got = module(rg.tensor(x))[0].detach().numpy()
    else:
        got, state = [], None
        for t in range(5):
            state = module(rg.tensor(x[t]), state)
            got.append(state.detach().numpy())
    assert np.array_equal(np.stack(got), np.stack(want))
    if torch is not None:
        t_mod = getattr(torch.nn, kind)(3, 4, nonlinearity="relu")
        t_mod.load_state_dict({k: torch.tensor(v) for k, v in w.items()})
        if kind == "RNN":
            assert np.array_equal(t_mod(torch.tensor(x))[0].detach().numpy(), np.stack(want))
        else:
            assert np.array_equal(t_mod(torch.tensor(x[0])).detach().numpy(), want[0])


def test_lstm_cell_refuses_a_state_that_is_not_a_pair():
    """PyTorch's lstm_cell checks for two hidden states; an unbatched call indexes hx[1] first."""
    cell = rg.nn.LSTMCell(3, 2)
    h = rg.zeros(2, 2)
    for hx in [(h,), (h, h, h)]:
        with pytest.raises(RuntimeError, match="^lstm_cell expects two hidden states$"):
            cell(rg.zeros(2, 3), hx)
    with pytest.raises(IndexError, match="tuple index out of range"):
        cell(rg.zeros(3), (rg.zeros(2),))
    if torch is not None:
        with pytest.raises(RuntimeError, match="^lstm_cell expects two hidden states$"):
            torch.nn.LSTMCell(3, 2)(torch.zeros(2, 3), (torch.zeros(2, 2),))


def test_gru_and_rnn_refuse_a_state_pair():
    """An LSTM's (h, c) pair handed to a GRU or RNN: PyTorch reads hx.dim() first, an AttributeError."""
    for cls, hx in [(rg.nn.GRU, (rg.zeros(1, 3, 4), rg.zeros(1, 3, 4))), (rg.nn.RNN, [rg.zeros(1, 4)])]:
        with pytest.raises(AttributeError, match=f"^'{type(hx).__name__}' object has no attribute 'dim'$"):
            cls(3, 4)(rg.zeros(2, 3, 3), hx)


def _reparametrized_rnn_run(lib, cls):
    """A recurrent layer whose weights are parametrized or computed by the older weight_norm."""
    lib.manual_seed(0)
    rnn = cls(3, 4, num_layers=2, bidirectional=True, dtype=lib.float64)
    lib.nn.utils.parametrizations.orthogonal(rnn, "weight_hh_l0")
    lib.nn.utils.parametrizations.weight_norm(rnn, "weight_ih_l1_reverse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        lib.nn.utils.weight_norm(rnn, "weight_hh_l1")
    out, _ = rnn(lib.linspace(-1, 1, 30, dtype=lib.float64).reshape(5, 2, 3))
    out.pow(2).sum().backward()
    grads = (rnn.parametrizations.weight_hh_l0.original.grad, rnn.weight_hh_l1_v.grad,
             rnn.parametrizations.weight_ih_l1_reverse.original0.grad)
    return [_np(t) for t in (out, *grads)]


def _np(t):
    return t.detach().numpy()


@pytest.mark.parametrize("cls_name", ["RNN", "GRU", "LSTM"])
def test_parametrized_and_weight_normed_weights_are_used(cls_name):
    # the layer runs on the weights its parametrizations compute: a plain layer given those
    # values gives the same output, and the gradients reach the parametrizations' originals
    out, *grads = _reparametrized_rnn_run(rg, getattr(rg.nn, cls_name))
    rg.manual_seed(0)
    reparametrized = getattr(rg.nn, cls_name)(3, 4, num_layers=2, bidirectional=True, dtype=rg.float64)
    rg.nn.utils.parametrizations.orthogonal(reparametrized, "weight_hh_l0")
    plain = getattr(rg.nn, cls_name)(3, 4, num_layers=2, bidirectional=True, dtype=rg.float64)
    with rg.no_grad():
        for name, p in plain.named_parameters():
            p.copy_(getattr(reparametrized, name))
    x = rg.linspace(-1, 1, 30, dtype=rg.float64).reshape(5, 2, 3)
    np.testing.assert_allclose(_np(reparametrized(x)[0]), _np(plain(x)[0]), rtol=1e-12)
    assert out.shape == (5, 2, 8) and all(np.abs(g).sum() > 0 for g in grads)


@needs_torch
@pytest.mark.parametrize("cls_name", ["RNN", "GRU", "LSTM"])
def test_parametrized_and_weight_normed_weights_vs_torch(cls_name):
    ours = _reparametrized_rnn_run(rg, getattr(rg.nn, cls_name))
    theirs = _reparametrized_rnn_run(torch, getattr(torch.nn, cls_name))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_initial_state_of_another_dtype_is_refused():
    """h_0 in float64 for float32 weights: PyTorch's product h·W_hhᵀ raises; it is not quietly cast."""
    x = rg.zeros(3, 2, 4)
    with pytest.raises(RuntimeError, match="^mat1 and mat2 must have the same dtype, but got Double and Float$"):
        rg.nn.GRU(4, 5)(x, rg.zeros(1, 2, 5, dtype=rg.float64))
    with pytest.raises(RuntimeError, match="^mat1 and mat2 must have the same dtype, but got Float and Double$"):
        rg.nn.RNN(4, 5, dtype=rg.float64)(x.double(), rg.zeros(1, 2, 5))
    with pytest.raises(RuntimeError, match="^expected m1 and m2 to have the same dtype, but got: double != float$"):
        rg.nn.GRU(4, 5, bias=False)(x, rg.zeros(1, 2, 5, dtype=rg.float64))
    with pytest.raises(RuntimeError, match="^mat1 and mat2 must have the same dtype, but got Half and Float$"):
        rg.nn.GRU(4, 5)(x[:, 0], rg.zeros(1, 5, dtype=rg.float16))  # unbatched
    with pytest.raises(RuntimeError, match="^mat1 and mat2 must have the same dtype, but got Float and Double$"):
        rg.nn.LSTM(4, 5, dtype=rg.float64)(x.double(), (rg.zeros(1, 2, 5), rg.zeros(1, 2, 5, dtype=rg.float64)))


def test_lstm_wants_exactly_two_states_and_gru_one_packed():
    """(h, c, extra) to an LSTM, and an (h,) tuple to a GRU over a PackedSequence, raise as in PyTorch."""
    x = rg.zeros(3, 2, 4)
    three = (rg.zeros(1, 2, 5), rg.zeros(1, 2, 5), rg.zeros(1, 2, 5))
    with pytest.raises(RuntimeError, match="^lstm expects two hidden states$"):
        rg.nn.LSTM(4, 5)(x, three)
    packed = rg.nn.utils.rnn.pack_padded_sequence(x, [3, 2])
    with pytest.raises(RuntimeError, match="^lstm expects two hidden states$"):
        rg.nn.LSTM(4, 5)(packed, three)
    with pytest.raises(RuntimeError, match="^lstm expects two hidden states$"):
        rg.nn.LSTM(4, 5)(packed, three[:1])
    unsorted = rg.nn.utils.rnn.pack_padded_sequence(x, [2, 3], enforce_sorted=False)
    with pytest.raises(IndexError, match="^tuple index out of range$"):
        rg.nn.LSTM(4, 5)(unsorted, three[:1])
    with pytest.raises(AttributeError, match="^'tuple' object has no attribute 'size'$"):
        rg.nn.GRU(4, 5)(packed, three[:1])
    with pytest.raises(AttributeError, match="^'list' object has no attribute 'index_select'$"):
        rg.nn.GRU(4, 5)(unsorted, list(three[:1]))


@needs_torch
def test_state_dtype_and_count_errors_vs_torch():
    """The same calls raise the same error types and messages in PyTorch and retrograd."""

    def calls(lib):
        x = lib.zeros(3, 2, 4)
        packed = lib.nn.utils.rnn.pack_padded_sequence(x, [3, 2])
        unsorted = lib.nn.utils.rnn.pack_padded_sequence(x, [2, 3], enforce_sorted=False)
        three = (lib.zeros(1, 2, 5), lib.zeros(1, 2, 5), lib.zeros(1, 2, 5))
        return [
            lambda: lib.nn.GRU(4, 5)(x, lib.zeros(1, 2, 5, dtype=lib.float64)),
            lambda: lib.nn.RNN(4, 5, dtype=lib.float64)(x.double(), lib.zeros(1, 2, 5)),
            lambda: lib.nn.GRU(4, 5, bias=False)(x, lib.zeros(1, 2, 5, dtype=lib.float64)),
            lambda: lib.nn.LSTM(4, 5, dtype=lib.float64)(x.double(), (lib.zeros(1, 2, 5), three[0].double())),
            lambda: lib.nn.LSTM(4, 5)(x, three),
            lambda: lib.nn.LSTM(4, 5)(packed, three),
            lambda: lib.nn.LSTM(4, 5)(packed, three[:1]),
            lambda: lib.nn.LSTM(4, 5)(unsorted, three[:1]),
            lambda: lib.nn.GRU(4, 5)(packed, three[:1]),
            lambda: lib.nn.GRU(4, 5)(unsorted, list(three[:1])),
        ]

    for ours, theirs in zip(calls(rg), calls(torch)):
        with pytest.raises(Exception) as expected:
            theirs()
        with pytest.raises(expected.type, match=f"^{re.escape(str(expected.value))}$"):
            ours()


def _fast_weight_lstm(lib):
    """higher's idiom: a patched RNN whose weights are plain tensors, set by name, then the list refreshed."""
    lib.manual_seed(0)
    lstm = lib.nn.LSTM(2, 3)
    fast = [w.detach() * 2 for w in lstm._flat_weights]
    for name, w in zip(lstm._flat_weights_names, fast):
        del lstm._parameters[name]
        object.__setattr__(lstm, name, w)  # a plain attribute, as higher's patched __setattr__ does
    lstm._flat_weights = [getattr(lstm, name) for name in lstm._flat_weights_names]
    return lstm, fast


def test_assigning_flat_weights_keeps_the_fast_weights():
    lstm, fast = _fast_weight_lstm(rg)
    assert all(a is b for a, b in zip(lstm._flat_weights, fast))
    out, _ = lstm(rg.ones(4, 1, 2))
    assert out.shape == (4, 1, 3)
    # a new list sets the weights by name
    lstm._flat_weights = [w * 0 for w in fast]
    assert lstm(rg.ones(4, 1, 2))[0].abs().sum().item() == 0.0


def test_assigning_flat_weights_vs_torch():
    if torch is None:
        pytest.skip("PyTorch is not installed")
    outs = []
    for lib in (rg, torch):
        lstm, _ = _fast_weight_lstm(lib)
        outs.append(lstm(lib.linspace(-1, 1, 8).reshape(4, 1, 2))[0].flatten().tolist())
    assert outs[0] == pytest.approx(outs[1], rel=1e-5, abs=1e-6)


def _weight_drop_calls(lib):
    """How often an RNN reads a parametrized (weight-dropped) weight per forward, and what it draws."""
    lib.manual_seed(0)
    calls = []

    class DropWeight(lib.nn.Module):
        def forward(self, w):
            calls.append(self.training)
            return lib.nn.functional.dropout(w, 0.5, self.training)

    lstm = lib.nn.LSTM(3, 4, num_layers=2)
    lib.nn.utils.parametrize.register_parametrization(lstm, "weight_hh_l0", DropWeight())
    lib.nn.utils.parametrize.register_parametrization(lstm, "weight_hh_l1", DropWeight())
    x = lib.randn(5, 2, 3)
    counts = []
    for training in (True, False):
        lstm.train(training)
        before = len(calls)
        out = lstm(x)[0]
        counts.append(len(calls) - before)
    return counts, out.detach().numpy(), lib.rand(3).numpy()


def test_weight_drop_parametrization_is_read_as_pytorch_reads_it():
    counts, _, _ = _weight_drop_calls(rg)
    assert counts == [6, 6]  # hasattr and getattr until the first changed weight, then each weight re-read


@needs_torch
def test_weight_drop_parametrization_vs_torch():
    ours, theirs = _weight_drop_calls(rg), _weight_drop_calls(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(ours[2], theirs[2])  # the generator drew as often
