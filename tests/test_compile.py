"""retrograd.compile: compiled results equal eager ones; guards, recompiles, graph breaks, `.code`."""

from __future__ import annotations

import inspect
import logging
import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn as nn
import retrograd.nn.functional as F
from retrograd.compiler import Unsupported


def _compiled_entry(f):
    entry = f._compiled_call._last if hasattr(f, "_compiled_call") else f._last
    assert entry is not None
    return entry


def _assert_compiled(f):
    entry = _compiled_entry(f)
    assert entry.generated is not None, entry.reasons


def _same(a, b, exact=True):
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    if exact:
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _train_both(make_model, make_batch, loss_of, steps=3, exact=True, opt=None):
    """Train an eager and a compiled copy side by side: losses and gradients agree at every step."""
    torch.manual_seed(0)
    eager = make_model()
    torch.manual_seed(0)
    twin = make_model()
    compiled = torch.compile(lambda *b: loss_of(twin, *b))
    opt = opt or (lambda ps: torch.optim.SGD(ps, lr=0.1))
    opt_e, opt_c = opt(list(eager.parameters())), opt(list(twin.parameters()))
    for step in range(steps):
        batch = make_batch(step)
        opt_e.zero_grad()
        opt_c.zero_grad()
        le = loss_of(eager, *batch)
        lc = compiled(*batch)
        _same(le, lc, exact)
        le.backward()
        lc.backward()
        for pe, pc in zip(eager.parameters(), twin.parameters()):
            assert (pe.grad is None) == (pc.grad is None)
            if pe.grad is not None:
                _same(pe.grad, pc.grad, exact)
        opt_e.step()
        opt_c.step()
    _assert_compiled(compiled)
    return compiled


# --- workloads at small sizes ------------------------------------------------------------------


def test_w1_scalar_chain_bit_for_bit():
    def chain(x):
        y = x
        for _ in range(50):
            y = y * 1.0001 + 0.0001
        return y

    f = torch.compile(chain)
    for _ in range(3):
        xe = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        xc = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
        ye, yc = chain(xe), f(xc)
        ye.backward()
        yc.backward()
        _same(ye, yc)
        _same(xe.grad, xc.grad)
    assert type(yc.grad_fn).__name__ == "CompiledFunctionBackward"
    assert float(xc.grad) == pytest.approx(1.0001**50)
    _assert_compiled(f)


def _mlp(sizes, act):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def test_w2_small_mlp_step():
    _train_both(
        lambda: _mlp((16, 32, 10), nn.Tanh),
        lambda s: (torch.randn(8, 16), torch.randint(0, 10, (8,))),
        lambda m, x, y: F.cross_entropy(m(x), y),
    )


def test_w3_mlp_relu_step_new_targets_each_step():
    _train_both(
        lambda: _mlp((20, 24, 24, 10), nn.ReLU),
        lambda s: (torch.randn(12, 20), torch.randint(0, 10, (12,))),
        lambda m, x, y: F.cross_entropy(m(x), y),
    )


class _CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3)
        self.conv2 = nn.Conv2d(4, 8, 3)
        self.fc = nn.Linear(8 * 2 * 2, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


def test_w6_cnn_step():
    _train_both(
        _CNN,
        lambda s: (torch.randn(4, 1, 14, 14), torch.randint(0, 10, (4,))),
        lambda m, x, y: F.cross_entropy(m(x), y),
    )


class _GPT(nn.Module):
    def __init__(self, vocab=17, ctx=8, d=16):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(ctx, d)
        layer = nn.TransformerEncoderLayer(
            d, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True, norm_first=True
        )
        self.enc = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab)
        self.register_buffer("mask", torch.triu(torch.full((ctx, ctx), float("-inf")), diagonal=1))

    def forward(self, idx):
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        x = self.enc(x, mask=self.mask, is_causal=True)
        return self.head(self.norm(x))


def test_w10_transformer_lm_step():
    def loss_of(m, x, y):
        logits = m(x)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    _train_both(
        _GPT,
        lambda s: (torch.randint(0, 17, (3, 8)), torch.randint(0, 17, (3, 8))),
        loss_of,
        exact=False,
        opt=lambda ps: torch.optim.AdamW(ps, lr=1e-3),
    )


class _LSTMLM(nn.Module):
    def __init__(self, vocab=23, d=8, h=12):
        super().__init__()
        self.emb = nn.Embedding(vocab, d)
        self.lstm = nn.LSTM(d, h, num_layers=2)
        self.head = nn.Linear(h, vocab)

    def forward(self, x):
        out, _ = self.lstm(self.emb(x))
        return self.head(out)


def test_w11_lstm_lm_step():
    def loss_of(m, x, y):
        return F.cross_entropy(m(x).reshape(-1, 23), y.reshape(-1))

    _train_both(
        _LSTMLM,
        lambda s: (torch.randint(0, 23, (5, 3)), torch.randint(0, 23, (5, 3))),
        loss_of,
        exact=False,
    )


def test_compiled_module_and_gradient_accumulation():
    torch.manual_seed(0)
    model = _mlp((6, 5, 3), nn.Tanh)
    cm = torch.compile(model)
    assert isinstance(cm, nn.Module) and cm._orig_mod is model
    assert [k for k in cm.state_dict()][0].startswith("_orig_mod.")
    x = torch.randn(4, 6)
    cm(x).sum().backward()
    first = [p.grad.clone() for p in model.parameters()]
    cm(x).sum().backward()  # accumulates, as eager
    for p, g in zip(model.parameters(), first):
        _same(p.grad, g * 2, exact=False)
    _assert_compiled(cm)
    assert "def forward" in cm.code and "def backward" in cm.code


def test_parameter_hooks_run_once_per_backward():
    torch.manual_seed(0)
    lin = nn.Linear(3, 2)
    seen = []
    lin.weight.register_hook(lambda g: seen.append(g.clone()) or g * 2)
    f = torch.compile(lambda x: lin(x).sum())
    x = torch.randn(4, 3)
    f(x).backward()
    assert len(seen) == 1
    _same(lin.weight.grad, seen[0] * 2)
    seen.clear()
    lin.weight.grad = None
    f(x).backward()
    assert len(seen) == 1
    _same(lin.weight.grad, seen[0] * 2)


# --- guards and recompiles -----------------------------------------------------------------------


def test_recompiles_on_shape_dtype_requires_grad_and_grad_mode():
    calls = []

    def fn(x):
        calls.append(1)
        return (x * x).sum()

    f = torch.compile(fn)
    a = torch.randn(3, requires_grad=True)
    f(a)
    f(torch.randn(3, requires_grad=True))
    assert len(f._cache) == 1
    out = f(torch.randn(5, requires_grad=True))  # new shape: recorded anew, result still right
    assert len(f._cache) == 2 and out.requires_grad
    f(torch.randn(5, dtype=torch.float64, requires_grad=True))
    f(torch.randn(5))
    with torch.no_grad():
        r = f(torch.randn(5))
    assert not r.requires_grad
    assert len(f._cache) == 5
    x = torch.randn(7, requires_grad=True)
    y = f(x)
    y.backward()
    _same(x.grad, 2 * x)


def test_python_scalars_are_guarded():
    f = torch.compile(lambda x, k: x * k)
    x = torch.ones(2)
    _same(f(x, 2.0), torch.full((2,), 2.0))
    _same(f(x, 3.0), torch.full((2,), 3.0))


def test_module_changes_recompile():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    cm = torch.compile(model)
    model.eval()
    x = torch.randn(2, 4)
    _same(cm(x), model(x))
    _assert_compiled(cm)
    model[0].weight = nn.Parameter(torch.zeros(4, 4))  # a new parameter object: guard fails
    _same(cm(x), model(x))
    with torch.no_grad():
        model[0].bias.add_(1.0)  # in-place update: read at call time, no recompile needed
    _same(cm(x), model(x))


def test_parameter_updates_are_seen_without_recompiling():
    w = torch.ones(3, requires_grad=True)
    f = torch.compile(lambda x: (x * w).sum())
    x = torch.arange(3.0)
    assert float(f(x)) == 3.0
    with torch.no_grad():
        w.mul_(2)
    assert float(f(x)) == 6.0
    assert len(f._cache) == 1


def test_different_targets_are_not_frozen():
    torch.manual_seed(0)
    logits = torch.randn(5, 4, requires_grad=True)
    f = torch.compile(lambda a, t: F.cross_entropy(a, t))
    for t in ([0, 1, 2, 3, 0], [3, 3, 1, 0, 2]):
        t = torch.tensor(t)
        _same(f(logits, t), F.cross_entropy(logits, t))
    _assert_compiled(f)


_WEIGHT = torch.tensor([0.5, 1.0, 2.0, 0.0, 1.5])
_CLASSES = lambda *shape: lambda: (torch.randn(*shape, requires_grad=True), torch.randint(0, 5, (shape[0], *shape[2:])))  # noqa: E731
_IMAGE = lambda *shape: lambda: (torch.randn(*shape, requires_grad=True),)  # noqa: E731

# kernels whose arguments (class indices and weights, window maxima, statistics) come from the input values
_VALUE_DEPENDENT = {
    "ce_weight_ignore": (lambda a, t: F.cross_entropy(a, t, weight=_WEIGHT, ignore_index=2), _CLASSES(6, 5)),
    "ce_sum": (lambda a, t: F.cross_entropy(a, t, reduction="sum"), _CLASSES(6, 5)),
    "ce_none": (lambda a, t: F.cross_entropy(a, t, reduction="none") * torch.arange(6.0), _CLASSES(6, 5)),
    "ce_label_smoothing": (lambda a, t: F.cross_entropy(a, t, weight=_WEIGHT, label_smoothing=0.1), _CLASSES(6, 5)),
    "ce_4d": (lambda a, t: F.cross_entropy(a, t), _CLASSES(2, 5, 3, 3)),
    "ce_5d": (lambda a, t: F.cross_entropy(a, t), _CLASSES(2, 5, 3, 2, 2)),
    "nll_loss": (lambda a, t: F.nll_loss(a, t), _CLASSES(6, 5)),
    "max_pool_indices": (lambda a: F.max_pool2d(a, 2, return_indices=True), _IMAGE(2, 3, 6, 6)),
    "adaptive_max_pool": (lambda a: F.adaptive_max_pool2d(a, 3), _IMAGE(2, 3, 7, 7)),
    "layer_norm": (lambda a: F.layer_norm(a, (4,)) * torch.arange(4.0), _IMAGE(3, 4)),
    "group_norm": (lambda a: F.group_norm(a, 2) * torch.arange(5.0), _IMAGE(3, 4, 5)),
    "batch_norm_eval": (lambda a: F.batch_norm(a, torch.zeros(4), torch.full((4,), 2.0)) * torch.arange(4.0),
                        _IMAGE(3, 4)),
}


@pytest.mark.parametrize("name", list(_VALUE_DEPENDENT))
def test_kernels_on_input_values_compile_and_recompute(name):
    """New input values each call: the compiled code recomputes indices, maxima and statistics."""
    fn, make = _VALUE_DEPENDENT[name]
    torch.manual_seed(0)
    f = torch.compile(fn)
    for _ in range(3):
        args = make()
        twins = [a.detach().requires_grad_() if a.requires_grad else a for a in args]
        outs_e, outs_c = fn(*args), f(*twins)
        outs_e, outs_c = (outs_e, outs_c) if isinstance(outs_e, tuple) else ((outs_e,), (outs_c,))
        for e, c in zip(outs_e, outs_c):
            _same(e, c, exact=False)
        outs_e[0].sum().backward()
        outs_c[0].sum().backward()
        _same(args[0].grad, twins[0].grad, exact=False)
    _assert_compiled(f)

# --- graph breaks -------------------------------------------------------------------------------


def test_data_dependent_control_flow_runs_eagerly():
    def fn(x):
        if x.sum() > 0:
            return x * 2
        return x * 3

    f = torch.compile(fn)
    _same(f(torch.ones(2)), torch.full((2,), 2.0))
    _same(f(-torch.ones(2)), torch.full((2,), -3.0))
    assert _compiled_entry(f).generated is None
    assert "runs eagerly" in f.code
    with pytest.raises(Unsupported):
        torch.compile(fn, fullgraph=True)(torch.ones(2))


def test_item_and_random_and_hooks_break():
    f = torch.compile(lambda x: x * x.sum().item())
    f(torch.ones(2))
    _same(f(torch.ones(2)), torch.full((2,), 2.0))
    _same(f(torch.full((2,), 2.0)), torch.full((2,), 8.0))
    g = torch.compile(lambda x: x + torch.rand(2))
    torch.manual_seed(0)
    drawn = [g(torch.zeros(2)) for _ in range(3)]
    torch.manual_seed(0)
    assert all(torch.equal(d, torch.rand(2)) for d in drawn)  # new numbers each call, eager's
    assert "rand(xp, " in g.code  # (a draw the code makes again: see test_compile_random.py)
    k = torch.compile(lambda x: x + torch.empty(2).normal_())  # an in-place draw is not recorded
    assert not torch.equal(k(torch.zeros(2)), k(torch.zeros(2)))
    assert _compiled_entry(k).generated is None

    seen = []

    def with_hook(x):
        y = x * 2
        y.register_hook(lambda gr: seen.append(1))
        return y.sum()

    h = torch.compile(with_hook)
    x = torch.ones(2, requires_grad=True)
    h(x).backward()
    h(x).backward()
    assert len(seen) == 2


def test_inplace_on_input_runs_eagerly_and_on_intermediate_compiles():
    f = torch.compile(lambda x: x.add_(1))
    x = torch.zeros(2)
    f(x)
    f(x)
    _same(x, torch.full((2,), 2.0))

    def inter(x):
        y = x * 2
        y.add_(1)
        return y * y

    g = torch.compile(inter)
    xe = torch.arange(3.0, requires_grad=True)
    xc = torch.arange(3.0, requires_grad=True)
    inter(xe).sum().backward()
    for _ in range(2):
        xc.grad = None
        g(xc).sum().backward()
    _same(xe.grad, xc.grad)
    _assert_compiled(g)


def test_double_backward_refused():
    f = torch.compile(lambda x: (x**3).sum())
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = f(x)
    (g,) = torch.autograd.grad(y, x, create_graph=True)  # PyTorch refuses only the backward through g
    with pytest.raises(RuntimeError, match="double backward"):
        torch.autograd.grad(g.sum(), x)


def test_backward_twice_needs_retain_graph():
    f = torch.compile(lambda x: (x * x).sum())
    x = torch.ones(2, requires_grad=True)
    f(x)
    y = f(x)
    assert type(y.grad_fn).__name__ == "CompiledFunctionBackward"
    y.backward(retain_graph=True)
    y.backward()
    _same(x.grad, torch.full((2,), 4.0))
    with pytest.raises(RuntimeError, match="second time"):
        y.backward()


# --- API ----------------------------------------------------------------------------------------


def test_decorator_forms_and_arguments():
    @torch.compile
    def f(x):
        return x + 1

    @torch.compile(fullgraph=True, mode="reduce-overhead")
    def g(x):
        return x - 1

    _same(f(torch.zeros(1)), torch.ones(1))
    _same(g(torch.zeros(1)), -torch.ones(1))
    assert f.__name__ == "f"
    with pytest.raises(RuntimeError, match="Unrecognized mode"):
        torch.compile(f, mode="fast")
    with pytest.raises(RuntimeError, match="Invalid backend"):
        torch.compile(f, backend="nope")
    assert torch.compile(f.__wrapped__, disable=True) is f.__wrapped__


def test_code_is_readable_numpy():
    f = torch.compile(lambda x: (x * 2.5).tanh().sum())
    with pytest.raises(RuntimeError):
        f.code  # noqa: B018
    f(torch.ones(3, requires_grad=True))
    code = f.code
    assert "def forward(x0):" in code and "def backward(g0" in code
    assert "2.5" in code and "tanh" in code
    out = torch.compiler.explain(lambda x: x * 2)(torch.ones(2))
    assert out.graph_count == 1 and out.graph_break_count == 0
    brk = torch.compiler.explain(lambda x: x * x.sum().item())(torch.ones(2))
    assert brk.graph_break_count == 1 and "item" in brk.break_reasons[0].reason


def _path_by_compiling(x):
    # a library's own choice (Hugging Face builds an explicit causal mask when compiling)
    return x * 2 if torch.compiler.is_compiling() else x * 3


def test_the_check_of_new_code_runs_the_function_as_compiling():
    f = torch.compile(_path_by_compiling)
    for values in ([1.0, 2.0], [-3.0, 0.5]):
        out = f(torch.tensor(values))
        assert out.tolist() == [2 * v for v in values]  # the path the code recorded, at every call
    assert f.code.startswith("def forward"), f.code  # (the check's eager run took the same path)
    assert not torch.compiler.is_compiling()
    assert _path_by_compiling(torch.tensor([1.0])).tolist() == [3.0]


def test_a_branch_on_is_compiling_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")

    def run(lib, compile):
        f = compile(lambda x: x * 2 if lib.compiler.is_compiling() else x * 3)
        return [f(lib.tensor(v)).tolist() for v in ([1.0, 2.0], [-3.0, 0.5])]

    assert run(torch, torch.compile) == run(torch_, lambda f: torch_.compile(f, backend="aot_eager"))


def test_is_compiling_and_threads():
    seen = []
    f = torch.compile(lambda x: seen.append(torch.compiler.is_compiling()) or x * 2)
    f(torch.ones(1))
    assert seen[0] is True and not torch.compiler.is_compiling()
    results = []

    def worker():
        g = torch.compile(lambda x: (x * 3).sum())
        for _ in range(20):
            results.append(float(g(torch.ones(4))))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [12.0] * 60


def _first_calls(m) -> list:
    """The node names of a compiled module's outputs over its first calls, and the input's gradient."""
    m.manual_seed(0)
    model = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 1))
    compiled = m.compile(model)
    x = m.randn(2, 3, requires_grad=True)
    seen = []
    for _ in range(2):
        out = compiled(x)
        out.sum().backward()
        seen.append((type(out.grad_fn).__name__, out.detach().numpy().round(4).tolist()))
    return seen + [x.grad.numpy().round(4).tolist()]


def test_first_compiled_call_returns_the_recorded_codes_outputs():
    seen = _first_calls(torch)
    assert seen[0][0] == seen[1][0] == "CompiledFunctionBackward"  # not the eager graph's AddmmBackward0
    assert seen[0][1] == seen[1][1]
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = torch.randn(2, 3, requires_grad=True)
    model(x).sum().backward()
    assert seen[2] == (2 * x.grad).numpy().round(4).tolist()  # both calls' gradients accumulate


@pytest.mark.pytorch
def test_first_compiled_calls_match_pytorch():
    torch_ = pytest.importorskip("torch")
    assert _first_calls(torch) == _first_calls(torch_)


def _training_modes(m) -> list:
    """What a compiled module and the one it wraps say about training mode, after each switch."""
    compiled = m.compile(m.nn.Linear(2, 2))
    seen = []
    compiled._orig_mod.eval()  # the wrapped module's mode shows through the compiled one
    seen.append((compiled.training, compiled._orig_mod.training))
    compiled.train()
    seen.append((compiled.training, compiled._orig_mod.training))
    compiled.training = False  # the attribute itself is the wrapped module's
    seen.append((compiled.training, compiled._orig_mod.training, "training" in compiled.__dict__))
    return seen


def test_compiled_module_training_is_the_wrapped_modules():
    assert _training_modes(torch) == [(False, False), (True, True), (False, False, False)]


@pytest.mark.pytorch
def test_compiled_module_training_matches_pytorch():
    torch_ = pytest.importorskip("torch")
    assert _training_modes(torch) == _training_modes(torch_)


def test_torch_compile_signature_matches_pytorch():
    torch_ = pytest.importorskip("torch")
    import inspect

    ours = inspect.signature(torch.compile)
    theirs = inspect.signature(torch_.compile)
    assert list(ours.parameters) == list(theirs.parameters)
    for name in ours.parameters:
        assert ours.parameters[name].default == theirs.parameters[name].default


class _Positions(nn.Module):
    """Token + position embeddings; the positions are a buffer read only as the lookup's indices."""

    def __init__(self) -> None:
        super().__init__()
        self.token = nn.Embedding(11, 4)
        self.position = nn.Embedding(6, 4)
        self.register_buffer("positions", torch.arange(6), persistent=False)

    def forward(self, tokens):
        return (self.token(tokens) + self.position(self.positions)).tanh()


def test_buffer_read_as_indices_is_an_input_of_the_code():
    torch.manual_seed(0)
    model = _Positions()
    tokens = torch.tensor([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 0, 1]])
    assert torch.compiler.explain(model)(tokens).graph_count == 1  # was frozen into the code, so ran eagerly
    compiled = torch.compile(model, fullgraph=True)
    np.testing.assert_array_equal(compiled(tokens).detach().numpy(), model(tokens).detach().numpy())
    with torch.no_grad():
        model.positions.copy_(torch.tensor([5, 4, 3, 2, 1, 0]))  # the code reads the buffer's new values
    np.testing.assert_array_equal(compiled(tokens).detach().numpy(), model(tokens).detach().numpy())


# --- value-dependent array code and training steps: never frozen into the generated code ----------


@pytest.mark.parametrize(
    "fn, first, second",
    [
        (lambda x: x * (x > 0), [1.0, 2.0, 3.0], [-1.0, 2.0, -3.0]),  # a comparison against a threshold
        (lambda x: x.max(-1).values.sum(), [[1.0, 2.0], [4.0, 3.0]], [[2.0, 1.0], [3.0, 4.0]]),  # argmax
        (lambda x: x.sort().indices.float() * x, [1.0, 2.0, 3.0], [3.0, 1.0, 2.0]),
    ],
)
def test_value_dependent_results_match_eager_on_new_values(fn, first, second):
    compiled = torch.compile(fn)
    compiled(torch.tensor(first))
    x = torch.tensor(second, requires_grad=True)
    y = torch.tensor(second, requires_grad=True)
    out, expected = compiled(x), fn(y)
    assert out.tolist() == expected.tolist()
    out.sum().backward()
    expected.sum().backward()
    assert x.grad.tolist() == y.grad.tolist()


def test_a_padding_mask_is_not_frozen():
    fn = lambda x, m: x.masked_fill(~m, 0.0).sum(1)  # noqa: E731
    compiled = torch.compile(fn)
    compiled(torch.ones(2, 4), torch.ones(2, 4, dtype=torch.bool))
    x, m = torch.arange(8.0).reshape(2, 4), torch.tensor([[1, 1, 0, 0], [1, 1, 1, 0]], dtype=torch.bool)
    assert compiled(x, m).tolist() == fn(x, m).tolist() == [1.0, 15.0]


def test_a_compiled_training_step_trains_as_eager():
    def run(compile_step):
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        x, y = torch.randn(16, 3), torch.randn(16, 1)

        def step(x, y):
            opt.zero_grad()
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            opt.step()
            return loss.detach()

        step = torch.compile(step) if compile_step else step
        return [step(x, y).item() for _ in range(4)]

    assert run(True) == run(False)
    with pytest.raises(RuntimeError, match="backward"):
        torch.compile(lambda x: (x * 2).sum().backward(), fullgraph=True)(torch.ones(2, requires_grad=True))


# --- guards on what the function reads from Python -------------------------------------------

SCALE = 2.0
OFFSET = torch.ones(3)


def _scaled(x):
    return x * SCALE + OFFSET


def test_changed_globals_re_record():
    global SCALE, OFFSET
    f = torch.compile(_scaled)
    x = torch.ones(3)
    f(x)
    f(x)
    try:
        SCALE = 10.0
        assert f(x).tolist() == [11.0] * 3
        OFFSET = torch.zeros(3)
        assert f(x).tolist() == [10.0] * 3
    finally:
        SCALE, OFFSET = 2.0, torch.ones(3)


def test_changed_module_attributes_and_layers_re_record():
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin, self.scale, self.use_relu = nn.Linear(3, 3), 1.0, False

        def forward(self, x):
            y = self.lin(x) * self.scale
            return y.relu() if self.use_relu else y

    m = Scaled()
    c = torch.compile(m)
    x = torch.randn(2, 3)
    c(x)
    c(x)
    for change in (lambda: setattr(m, "scale", 5.0), lambda: setattr(m, "use_relu", True),
                   lambda: setattr(m, "lin", nn.Linear(3, 3))):
        change()
        assert torch.equal(c(x), m(x))


def test_a_layer_swapped_in_a_closed_over_model_gets_the_gradients():
    model = nn.Sequential(nn.Linear(3, 2))
    g = torch.compile(lambda x: model(x).sum())
    x = torch.randn(2, 3)
    g(x)
    g(x)
    model[0] = nn.Linear(3, 2)
    out = g(x)
    out.backward()
    assert torch.equal(out, model(x).sum()) and model[0].weight.grad is not None



def _replaced_parameter_and_buffer(m, compile):
    """A closed-over model whose bias (a parameter) and scale (a buffer) are replaced between calls."""

    class Scaled(m.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = m.nn.Linear(3, 2)
            self.register_buffer("scale", m.ones(2))

        def forward(self, x):
            return self.lin(x) * self.scale

    model = Scaled()
    with m.no_grad():
        model.lin.weight.copy_(m.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]))
        model.lin.bias.zero_()
    g = m.compile(lambda x: model(x).sum()) if compile else (lambda x: model(x).sum())
    x = m.tensor([[1.0, 1.0, 1.0]])
    got = [g(x).item(), g(x).item()]
    model.lin.bias = m.nn.Parameter(m.tensor([10.0, 20.0]))
    out = g(x)
    out.backward()
    got.append(out.item())
    model.scale = m.tensor([2.0, 3.0])
    got.append(g(x).item())
    return got, model.lin.bias.grad.tolist()


def test_a_parameter_or_buffer_replaced_in_a_closed_over_model_is_the_one_read():
    # the code read the old bias and scale (their tensors are the code's inputs): now it records again
    got, grad = _replaced_parameter_and_buffer(torch, True)
    assert got == [7.5, 7.5, 37.5, 2 * 16.0 + 3 * 21.5] and grad == [1.0, 1.0]


def test_a_parameter_or_buffer_replaced_in_a_compiled_model_vs_torch():
    real = pytest.importorskip("torch")
    assert _replaced_parameter_and_buffer(torch, True) == _replaced_parameter_and_buffer(real, False)

def test_parameters_given_new_data_re_record():
    lin = nn.Linear(3, 2)
    c = torch.compile(lin)
    c(torch.ones(1, 3))
    lin.weight.data, lin.bias.data = torch.ones(4, 3), torch.zeros(4)  # a new shape
    c(torch.ones(1, 3)).sum().backward()
    assert lin.weight.grad.shape == (4, 3)
    frozen = nn.Linear(3, 2).requires_grad_(False)
    h = torch.compile(lambda x: frozen(x))
    x = torch.randn(2, 3)
    h(x)
    frozen.weight.data = torch.zeros(2, 3)  # a constant of the code, rebound
    assert torch.equal(h(x), frozen(x))


def test_grad_mode_turned_on_inside_under_no_grad():
    def double(x):
        with torch.enable_grad():
            return x * 2

    f = torch.compile(double)
    x = torch.ones(2, requires_grad=True)
    with torch.no_grad():
        assert f(x).requires_grad and f(x).requires_grad


def test_outputs_that_view_inputs_keep_their_version_tracking():
    v = torch.compile(lambda x: x.view(-1))
    v(torch.ones(2, requires_grad=True))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1.0
    z = a.sin()
    y = v(a)
    assert y._base is a
    with torch.no_grad():
        y.mul_(100)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_in_place_on_a_view_of_a_non_leaf_input_and_hooks_added_later():
    h = torch.compile(lambda x: (x[:1].mul_(3), x * 1.0)[1])
    assert h(torch.ones(2, requires_grad=True) * 2).tolist() == [6.0, 2.0]
    lin = nn.Linear(2, 2)
    c = torch.compile(lin)
    x = torch.ones(1, 2, requires_grad=True)
    c(x)
    c(x)
    calls = []
    lin.register_full_backward_hook(lambda m, gi, go: calls.append(1))
    c(x).sum().backward()
    assert calls == [1]


# --- the first call, printing and disabled functions ------------------------------------------


def test_first_call_results_come_from_the_generated_code():
    torch.manual_seed(0)
    x = torch.randn(3, requires_grad=True)
    f = torch.compile(lambda x: (x * 2).sin())
    first = f(x)
    assert type(first.grad_fn).__name__ == "CompiledFunctionBackward"  # not the recording's SinBackward0
    _same(first, (x * 2).sin())
    first.sum().backward()
    _same(x.grad, 2 * (x * 2).cos())


def test_first_call_grad_fn_matches_pytorch():
    torch_ = pytest.importorskip("torch")

    def f(x, y):
        return (x * y).sum(dim=-1) + x.mean()

    ours = torch.compile(f)(torch.ones(2, 3, requires_grad=True), torch.ones(2, 3))
    theirs = torch_.compile(f, backend="aot_eager")(torch_.ones(2, 3, requires_grad=True), torch_.ones(2, 3))
    assert repr(ours) == repr(theirs)


def test_print_inside_a_compiled_function_prints_on_every_call(capsys):
    seen = []

    @torch.compile
    def f(x):
        print("in f")
        seen.append(1)
        return x * 2

    for _ in range(3):
        _same(f(torch.ones(2)), torch.full((2,), 2.0))
    assert capsys.readouterr().out == "in f\n" * 3
    assert seen == [1, 1, 1]  # no second run of the function to check the generated code
    assert any("print()" in r for r in _compiled_entry(f).reasons)


def test_print_with_fullgraph_raises_before_printing(capsys):
    def f(x):
        print("in f")
        return x * 2

    with pytest.raises(Unsupported, match="print"):
        torch.compile(f, fullgraph=True)(torch.ones(2))
    assert capsys.readouterr().out == ""


def test_disabled_function_runs_eagerly_on_every_call():
    calls = []

    @torch.compiler.disable
    def helper(x):
        calls.append(torch.compiler.is_compiling())
        return x * 3

    @torch.compile
    def f(x):
        return helper(x.sin()) + 1

    x = torch.tensor([0.5, 1.0], requires_grad=True)
    for _ in range(2):
        out = f(x)
        _same(out, x.sin() * 3 + 1)
    assert calls == [False, False]  # run on each call, never as part of a recording
    out.sum().backward()
    _same(x.grad, 3 * x.cos())
    assert helper.__name__ == "helper" and helper.__wrapped__(torch.ones(1)).item() == 3.0


def test_disabled_function_under_fullgraph_raises_pytorchs_error():
    helper = torch._dynamo.disable(lambda x: x * 3, reason="numpy inside")
    with pytest.raises(Unsupported, match=r"Skip calling `torch.compiler.disable\(\)`d function") as info:
        torch.compile(lambda x: helper(x) + 1, fullgraph=True)(torch.ones(2))
    assert "(reason: numpy inside)" in str(info.value)


def test_disable_not_recursive_keeps_recording_its_callees():
    seen = []
    nr = torch.compiler.disable(lambda x: seen.append(torch.compiler.is_compiling()) or x - 1, recursive=False)
    _same(torch.compile(lambda x: nr(x) * 2)(torch.ones(2)), torch.zeros(2))
    assert seen == [True]


def test_disabled_module_runs_its_forward_eagerly():
    torch.manual_seed(0)
    inner = torch.compiler.disable(nn.Linear(2, 2))
    assert isinstance(inner, torch._dynamo.OptimizedModule) and isinstance(inner._orig_mod, nn.Linear)  # PyTorch's
    model = nn.Sequential(inner, nn.ReLU())
    compiled = torch.compile(model)
    x = torch.randn(3, 2)
    _same(compiled(x), model(x))
    assert _compiled_entry(compiled).generated is None


def test_disabled_function_matches_pytorch():
    pytest.importorskip("torch")

    def program(t):
        calls = []

        @t.compiler.disable
        def helper(x):
            calls.append(t.compiler.is_compiling())
            return x.abs()

        f = t.compile(lambda x: helper(x.sin()) * 2, backend="aot_eager")
        outs = [f(t.tensor([0.5, -2.0])).tolist() for _ in range(3)]
        try:
            t.compile(lambda x: helper(x) + 1, fullgraph=True, backend="aot_eager")(t.ones(2))
        except Exception as e:  # noqa: BLE001 - the type and first line are compared
            return outs, calls, type(e).__name__, str(e).splitlines()[0]
        return outs, calls, None, None

    # PyTorch's side runs in its own process: its failed fullgraph compile leaves a frame hook
    # installed that holds references, which the refcount-based gradient-stealing tests would see
    script = "import torch\n" + textwrap.dedent(inspect.getsource(program)) + "\nprint(repr(program(torch)))"
    theirs = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    theirs = theirs.strip().splitlines()[-1]
    assert repr(program(torch)) == theirs


# --- masks: comparisons, logic and bitwise ops are recorded, not frozen --------------------------

_MASKED = {
    "clamp": lambda t, a: a.clamp(min=0).sum(),
    "where": lambda t, a: t.where(a > 0, a, a * 0.1).sum(),
    "mask_product": lambda t, a: (a * (a > 0)).sum(),
    "masked_fill": lambda t, a: a.masked_fill(a < 0, 0.0).sum(),
    "and_mask": lambda t, a: (a * ((a > 0) & (a < 1))).sum(),
    "or_not_mask": lambda t, a: (a * ~((a > 1) | (a < -0.5))).sum(),
    "isfinite": lambda t, a: (a * t.isfinite(a)).sum(),
    "logical_and": lambda t, a: (a * t.logical_and(a > 0, a < 1)).sum(),
    "all_dim": lambda t, a: (a * (a > -1.5).all(dim=0, keepdim=True)).sum(),
    "any": lambda t, a: (a * (a > 1).any()).sum(),
}


@pytest.mark.parametrize("name", list(_MASKED))
def test_masks_are_recorded_so_fullgraph_compiles(name):
    fn = _MASKED[name]
    compiled = torch.compile(lambda a: fn(torch, a), fullgraph=True)
    for values in ([-1.0, 0.5, 2.0], [0.25, -2.0, 0.75]):  # the masks differ between the calls
        a = torch.tensor(values, requires_grad=True)
        out = compiled(a)
        assert type(out.grad_fn).__name__ == "CompiledFunctionBackward"
        (grad,) = torch.autograd.grad(out, a)
        e = torch.tensor(values, requires_grad=True)
        expected = fn(torch, e)
        expected.backward()
        _same(out, expected)
        _same(grad, e.grad)
    _assert_compiled(compiled)


def test_mask_combination_is_not_frozen():
    # the two inputs give the same count with different masks: a frozen `&` passed the value check
    f = torch.compile(lambda a: ((a > 0) & (a < 1)).float().sum(), fullgraph=True)
    assert f(torch.tensor([-1.0, 0.5, 2.0])).item() == 1.0
    assert f(torch.tensor([0.2, 0.5, 0.7])).item() == 3.0
    assert "bitwise_and(xp" in f.code


@pytest.mark.parametrize("name", list(_MASKED))
def test_masks_compiled_match_pytorch(name):
    torch_ = pytest.importorskip("torch")
    fn = _MASKED[name]
    torch_._dynamo.reset()  # (one lambda's code object for every case: PyTorch's recompile limit is 8)
    ours_f = torch.compile(lambda a: fn(torch, a), fullgraph=True)
    theirs_f = torch_.compile(lambda a: fn(torch_, a), fullgraph=True, backend="aot_eager")
    for values in ([-1.0, 0.5, 2.0], [0.25, -2.0, 0.75]):
        a, b = torch.tensor(values, requires_grad=True), torch_.tensor(values, requires_grad=True)
        ours, theirs = ours_f(a), theirs_f(b)
        ours.backward()
        theirs.backward()
        assert repr(ours) == repr(theirs)
        np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


# --- methods and objects: attributes read through objects are guarded -------------------------


class _Config:
    def __init__(self) -> None:
        self.temperature = 0.5
        self.weight = torch.ones(3)


_CONFIG = _Config()


def test_global_object_attributes_are_guarded():
    f = torch.compile(lambda x: x / _CONFIG.temperature * _CONFIG.weight)
    x = torch.arange(3.0)
    _same(f(x), torch.tensor([0.0, 2.0, 4.0]))
    _CONFIG.temperature = 0.25
    _same(f(x), torch.tensor([0.0, 4.0, 8.0]))  # was the first call's 0.5, frozen
    _CONFIG.weight = torch.full((3,), 2.0)
    _same(f(x), torch.tensor([0.0, 8.0, 16.0]))
    _CONFIG.temperature, _CONFIG.weight = 0.5, torch.ones(3)


_LOGGER = logging.getLogger("retrograd.tests.compile")


def _logged_linear(x, w):
    _LOGGER.debug("input of shape %s", tuple(x.shape))  # (fills the logger's memo of level checks)
    return (x @ w).tanh().sum()


def test_a_function_that_logs_compiles():
    w = torch.tensor([[0.5], [-1.0]], requires_grad=True)
    f = torch.compile(_logged_linear)
    for scale in (1.0, 2.0, 3.0):
        x = torch.tensor([[1.0, 2.0], [3.0, -1.0]]) * scale
        out = f(x, w)
        _same(out, _logged_linear(x, w))
    assert f.code.startswith("def forward"), f.code
    _LOGGER.setLevel(logging.DEBUG)  # a level the function reads changed: recorded again, still code
    f(x, w)
    _LOGGER.setLevel(logging.NOTSET)
    assert f.code.startswith("def forward"), f.code


def test_a_function_that_logs_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    w_np = rng.standard_normal((2, 1)).astype(np.float32)
    xs = [rng.standard_normal((3, 2)).astype(np.float32) for _ in range(3)]

    def run(lib, compile):
        w = lib.tensor(w_np, requires_grad=True)
        f = compile(_logged_linear)
        found = []
        for x in xs:
            out = f(lib.tensor(x), w)
            out.backward()
            found.append((out.item(), w.grad.flatten().tolist()))
        return found

    ours = run(torch, torch.compile)
    theirs = run(torch_, lambda f: torch_.compile(f, backend="aot_eager"))
    for (o, og), (t, tg) in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-6)
        np.testing.assert_allclose(og, tg, rtol=1e-6)


class _Scaler:
    def __init__(self) -> None:
        self.k = 2.0

    @torch.compile
    def scaled(self, x):
        return x * self.k

    def plain(self, x):
        return x * self.k


def test_compile_decorates_methods_in_a_class_body():
    s, t = _Scaler(), _Scaler()
    t.k = 5.0
    x = torch.arange(3.0)
    _same(s.scaled(x), x * 2)
    _same(t.scaled(x), x * 5)  # each instance is its own argument
    s.k = 3.0
    _same(s.scaled(x), x * 3)
    assert _Scaler.scaled(s, x).tolist() == [0.0, 3.0, 6.0]


def test_bound_method_and_argument_attributes_are_guarded():
    s = _Scaler()
    x = torch.arange(3.0)
    bound = torch.compile(s.plain)
    _same(bound(x), x * 2)
    s.k = 3.0
    _same(bound(x), x * 3)
    through_argument = torch.compile(lambda x, obj: x * obj.k)
    _same(through_argument(x, s), x * 3)
    s.k = 4.0
    _same(through_argument(x, s), x * 4)


def test_object_attributes_match_pytorch():
    torch_ = pytest.importorskip("torch")

    def program(t):
        class Holder:
            def __init__(self):
                self.k = 2.0

            def method(self, x):
                return x * self.k

        h = Holder()
        f = t.compile(h.method, backend="aot_eager")
        g = t.compile(lambda x, obj: x + obj.k, backend="aot_eager")
        seen = []
        for k in (2.0, 3.0):
            h.k = k
            seen += [f(t.arange(3.0)).tolist(), g(t.arange(3.0), h).tolist()]
        return seen

    assert program(torch) == program(torch_)


# --- optimizer steps and .grad changes inside a compiled function ------------------------------


def test_compiled_optimizer_step_steps_on_every_call():
    p = nn.Parameter(torch.tensor([1.0, 2.0]))
    opt = torch.optim.SGD([p], lr=0.5)

    @torch.compile
    def opt_step():  # no tensors in or out: nothing to take the array module from (IndexError)
        opt.step()

    for grad, expected in ((1.0, [0.5, 1.5]), (2.0, [-0.5, 0.5]), (4.0, [-2.5, -1.5])):
        p.grad = torch.full((2,), grad)
        opt_step()
        assert p.tolist() == expected  # the update ran each time, with the gradient of the time
    # (SGD's update is recorded, and it reads a .grad set before the call: eager)
    assert any(".grad from before the call" in r for r in _compiled_entry(opt_step).reasons)


def test_function_of_no_tensors_compiles():
    f = torch.compile(lambda n: n + 1)
    assert f(1) == 2 and f(1) == 2


@pytest.mark.parametrize("how", ["zero_grad", "assign", "delete"])
def test_clearing_grad_inside_a_compiled_function_happens_every_call(how):
    torch.manual_seed(0)
    model = nn.Linear(2, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def reset():
        if how == "zero_grad":
            opt.zero_grad()
        elif how == "assign":
            model.weight.grad = None
        else:
            del model.weight.grad

    @torch.compile
    def step(x):
        reset()
        return model(x).sum()

    x = torch.ones(3, 2)
    for _ in range(3):
        step(x).backward()
        np.testing.assert_array_equal(model.weight.grad.numpy(), [[3.0, 3.0]])  # reset, not accumulated
    entry = _compiled_entry(step)
    assert entry.generated is not None  # the clears are replayed after the generated code
    assert [kind for kind, _, _ in entry.effects] == ["clear"] * (2 if how == "zero_grad" else 1)


def test_compiled_training_step_matches_pytorch():
    torch_ = pytest.importorskip("torch")

    def program(t):
        t.manual_seed(0)
        model = t.nn.Linear(3, 2)
        opt = t.optim.SGD(model.parameters(), lr=0.1)

        @t.compile(backend="aot_eager")
        def train_step(x, y):
            opt.zero_grad()
            loss = t.nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            return loss

        @t.compile(backend="aot_eager")
        def opt_step():
            opt.step()

        x, y = t.ones(4, 3), t.zeros(4, 2)
        losses = [train_step(x, y).item() for _ in range(3)]
        opt_step()
        opt_step()
        return losses, model.weight.tolist()

    (ours, ours_w), (theirs, theirs_w) = program(torch), program(torch_)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)  # float32 sums in their own order
    np.testing.assert_allclose(ours_w, theirs_w, rtol=1e-5)  # both steps after the compiled loop ran


# --- torch._dynamo names: marks, backends, errors ----------------------------------------------


def test_mark_dynamic_records_new_shapes_past_the_limit(recwarn):
    f = torch.compile(lambda x: x.sum(0), recompile_limit=1)
    for n in (2, 3, 4):
        x = torch.ones(n, 2)
        torch._dynamo.mark_dynamic(x, 0)
        _same(f(x), torch.full((2,), float(n)))
        _assert_compiled(f)  # recorded, not run eagerly after the first shape
    assert not [w for w in recwarn if "recompile limit" in str(w.message)]
    assert x._dynamo_dynamic_indices == {0}
    _same(f(torch.ones(5, 2, 1)), torch.full((2, 1), 5.0))  # unmarked, another rank: the limit applies
    assert any("recompile limit" in str(w.message) for w in recwarn)


def test_mark_static_and_its_refusals():
    x = torch.ones(2, 3)
    torch._dynamo.mark_static(x)
    assert x._dynamo_static_indices == {0, 1}
    torch._dynamo.maybe_mark_dynamic(x, [1])
    assert x._dynamo_dynamic_indices == {1}
    with pytest.raises(NotImplementedError, match="min"):
        torch._dynamo.mark_dynamic(x, 0, min=2)


def test_backends_modes_and_errors():
    assert torch._dynamo.list_backends() == ["cudagraphs", "inductor"]  # (PyTorch's also lists openxla, tvm)
    assert torch.compiler.list_backends(exclude_tags=None) == ["aot_eager", "cudagraphs", "eager", "inductor"]
    with pytest.raises(torch._dynamo.exc.InvalidBackend, match=r"Invalid backend: 'nope', see `torch._dynamo"):
        torch.compile(lambda x: x, backend="nope")
    assert issubclass(torch._dynamo.exc.Unsupported, torch._dynamo.exc.TorchDynamoException)
    with pytest.raises(RuntimeError, match="one of: default, lite, reduce-overhead, max-autotune-no-cudagraphs, max"):
        torch.compile(lambda x: x, mode="fast")
    torch.compile(lambda x: x, mode="lite")
    with pytest.raises(AssertionError, match="A callable function is expected, but <class 'int'> is provided."):
        torch.compile(5)
    assert torch.compiler.is_dynamo_compiling() is False
    assert torch.compile(lambda x: torch.compiler.is_dynamo_compiling() + x)(torch.zeros(1)).item() == 1.0


def test_dynamo_names_match_pytorch():
    torch_ = pytest.importorskip("torch")

    def errors(t):
        seen = []
        for call in (
            lambda: t.compile(lambda x: x, backend="nope"),
            lambda: t.compile(lambda x: x, mode="fast"),
            lambda: t.compile(5),
        ):
            try:
                call()
            except Exception as e:  # noqa: BLE001 - type and message compared
                seen.append((type(e).__name__, str(e)))
        return seen

    assert errors(torch) == errors(torch_)
    x, y = torch.ones(2, 3), torch_.ones(2, 3)
    torch._dynamo.mark_dynamic(x, [0, 1])
    torch_._dynamo.mark_dynamic(y, [0, 1])
    assert x._dynamo_dynamic_indices == y._dynamo_dynamic_indices
    assert "inductor" in torch_._dynamo.list_backends()


_SCALAR_READS = {
    "item": lambda t, x: x * x.sum().item(),
    "float": lambda t, x: x * float(x.sum()),
    "int": lambda t, x: x * int(x.sum()),
    "numpy": lambda t, x: x * x.numpy().sum(),
    "item_shape": lambda t, x: t.zeros(int(x.sum().item())),
    "int_tolist": lambda t, x: x * sum(x.long().tolist()),
}


@pytest.mark.parametrize("name", list(_SCALAR_READS))
def test_scalar_reads_under_fullgraph_run_eagerly_without_error(name):
    fn = _SCALAR_READS[name]
    f = torch.compile(lambda x: fn(torch, x), fullgraph=True)
    for values in ([0.0, 1.0, 2.0], [1.0, 1.0, 2.0]):
        x = torch.tensor(values)
        _same(f(x), fn(torch, x))
    assert _compiled_entry(f).generated is None


def test_value_reads_pytorch_refuses_under_fullgraph_still_raise():
    with pytest.raises(Unsupported, match="tolist"):
        torch.compile(lambda x: x * sum(x.tolist()), fullgraph=True)(torch.arange(3.0))
    with pytest.raises(Unsupported, match="__bool__"):
        torch.compile(lambda x: x * 2 if x.sum() > 0 else x, fullgraph=True)(torch.arange(3.0))


@pytest.mark.parametrize("name", list(_SCALAR_READS))
def test_scalar_reads_under_fullgraph_match_pytorch(name):
    torch_ = pytest.importorskip("torch")
    fn = _SCALAR_READS[name]
    ours = torch.compile(lambda x: fn(torch, x), fullgraph=True)(torch.arange(3.0))
    theirs = torch_.compile(lambda x: fn(torch_, x), fullgraph=True, backend="aot_eager")(torch_.arange(3.0))
    assert repr(ours) == repr(theirs)


# --- explain: graphs between breaks, and where each break happened ----------------------------


def _break_twice(x):
    x = x + 1
    print("break!")
    y = x.sin()
    if y.sum() > 0:
        return y * 2
    return y


def test_explain_counts_the_graphs_between_breaks(capsys):
    out = torch._dynamo.explain(_break_twice)(torch.linspace(-1, 1, 5))
    assert (out.graph_count, out.graph_break_count) == (3, 2)
    assert [type(r).__name__ for r in out.break_reasons] == ["GraphCompileReason"] * 2
    assert "print()" in out.break_reasons[0].reason and "__bool__" in out.break_reasons[1].reason
    assert out.break_reasons[0].user_stack[-1].name == "_break_twice"
    assert out.ops_per_graph == [["add"], ["sin", "sum", "gt"], ["mul"]]
    assert out.op_count == 5
    text = str(out)
    assert "Graph Count: 3\nGraph Break Count: 2\nOp Count: 5\nBreak Reasons:\n  Break Reason 1:" in text
    assert capsys.readouterr().out == "break!\n"  # printed once: no second run to check code


def test_explain_of_one_graph():
    out = torch._dynamo.explain(lambda x: x.relu() * 2)(torch.ones(3))
    assert (out.graph_count, out.graph_break_count, out.break_reasons) == (1, 0, [])
    assert out.ops_per_graph == [["relu", "mul"]] and "def forward" in out.code


def test_explain_lists_what_made_the_whole_function_eager():
    # the draw in place is found after the function ran: no break site, but a reason all the same
    def noisy(x):
        y = x * 2
        y.normal_()
        return y.sum()

    out = torch._dynamo.explain(noisy)(torch.ones(3))
    assert out.graph_break_count == 1 and out.code.startswith("# runs eagerly")
    assert "random numbers" in out.break_reasons[0].reason


def test_explain_counts_match_pytorch():
    torch_ = pytest.importorskip("torch")

    def one(x):
        return x.relu() * 2

    def data_dependent(x):
        if x.max() > 0.5:
            return x * 2
        return x

    for fn in (one, data_dependent):
        ours = torch._dynamo.explain(fn)(torch.linspace(-1, 1, 5))
        theirs = torch_._dynamo.explain(fn)(torch_.linspace(-1, 1, 5))
        assert (ours.graph_count, ours.graph_break_count) == (theirs.graph_count, theirs.graph_break_count)
        assert len(ours.break_reasons) == len(theirs.break_reasons)
        assert [type(r).__name__ for r in ours.break_reasons] == [type(r).__name__ for r in theirs.break_reasons]


def test_suppress_errors_defaults_to_pytorchs_false_and_catches_compiler_failures(monkeypatch):
    from retrograd.compiler import _compiled

    assert torch._dynamo.config.suppress_errors is False

    def broken(*args):
        raise KeyError("a compiler bug")

    monkeypatch.setattr(_compiled, "_build", broken)
    with pytest.raises(KeyError):
        torch.compile(lambda x: x * 2)(torch.ones(2))
    torch._dynamo.config.suppress_errors = True
    try:
        f = torch.compile(lambda x: x * 2)
        with pytest.warns(UserWarning, match="KeyError"):
            _same(f(torch.ones(2)), torch.full((2,), 2.0))
        assert _compiled_entry(f).generated is None
    finally:
        torch._dynamo.config.suppress_errors = False


def test_suppress_errors_default_matches_pytorch():
    torch_ = pytest.importorskip("torch")
    assert torch._dynamo.config.suppress_errors == torch_._dynamo.config.suppress_errors


_TRACING_SETTINGS = (
    "verbose", "capture_scalar_outputs", "capture_dynamic_output_shape_ops", "automatic_dynamic_shapes",
    "assume_static_by_default", "specialize_int", "specialize_float", "force_parameter_static_shapes", "optimize_ddp",
)  # fmt: skip


def test_tracing_settings_are_kept_and_do_not_change_results():
    config = torch._dynamo.config
    assert (config.verbose, config.capture_scalar_outputs, config.automatic_dynamic_shapes) == (False, False, True)
    config.capture_scalar_outputs = True
    try:
        assert config.capture_scalar_outputs is True
        f = torch.compile(lambda x: x * x.sum().item(), fullgraph=True)
        _same(f(torch.arange(3.0)), torch.tensor([0.0, 3.0, 6.0]))
    finally:
        del config.capture_scalar_outputs  # back to the class's default
    assert config.capture_scalar_outputs is False
    with pytest.raises(AttributeError, match="torch._dynamo.config.no_such_setting does not exist"):
        config.no_such_setting = 1


def test_tracing_settings_defaults_match_pytorch():
    torch_ = pytest.importorskip("torch")
    for name in _TRACING_SETTINGS:
        assert getattr(torch._dynamo.config, name) == getattr(torch_._dynamo.config, name), name


def test_new_shapes_are_not_recompiles_with_automatic_dynamic_shapes(recwarn):
    f = torch.compile(lambda x: x * x.shape[0], recompile_limit=2)
    for n in range(1, 6):  # the last smaller batch of each epoch, variable lengths...
        _same(f(torch.ones(n)), torch.full((n,), float(n)))
        _assert_compiled(f)
    assert not [w for w in recwarn if "recompile limit" in str(w.message)]
    for make in (lambda: torch.compile(lambda x: x * 2, recompile_limit=2, dynamic=False), None):
        if make is None:  # the setting off: every shape counts, as dynamic=False
            torch._dynamo.config.automatic_dynamic_shapes = False
            make = lambda: torch.compile(lambda x: x * 2, recompile_limit=2)  # noqa: E731
        try:
            g = make()
            with pytest.warns(UserWarning, match="recompile limit"):
                for n in range(1, 4):
                    _same(g(torch.ones(n)), torch.full((n,), 2.0))
        finally:
            torch._dynamo.config.automatic_dynamic_shapes = True


def test_shape_changes_and_recompile_limit_match_pytorch(recwarn):
    torch_ = pytest.importorskip("torch")
    import logging

    def pytorch_warns(dynamic):
        seen = []
        handler = logging.Handler()
        handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
        logger = logging.getLogger("torch._dynamo")
        logger.addHandler(handler)
        torch_._dynamo.config.recompile_limit = 2
        try:
            f = torch_.compile(lambda x: x * 2, backend="aot_eager", dynamic=dynamic)
            for n in range(1, 5):
                f(torch_.ones(n))
        finally:
            logger.removeHandler(handler)
            torch_._dynamo.config.recompile_limit = 8
            torch_._dynamo.reset()
        return any("recompile_limit" in m for m in seen)

    def ours_warns(dynamic):
        recwarn.clear()
        f = torch.compile(lambda x: x * 2, recompile_limit=2, dynamic=dynamic)
        for n in range(1, 5):
            f(torch.ones(n))
        return any("recompile limit" in str(w.message) for w in recwarn)

    for dynamic in (None, False):
        assert ours_warns(dynamic) == pytorch_warns(dynamic), dynamic


# --- outputs that are views of intermediate results --------------------------------------------


def _view_heads(t, x, w):
    h = (x @ w).tanh()
    return h.squeeze(-1), h[:, 0].unsqueeze(0), h.sum()


def test_view_outputs_are_replayed_on_the_compiled_base():
    torch.manual_seed(0)
    x, w = torch.randn(4, 3), torch.randn(3, 1, requires_grad=True)
    f = torch.compile(lambda x, w: _view_heads(torch, x, w))
    for _ in range(2):  # the first call and a call of the code
        squeezed, picked, total = f(x, w)
        assert type(squeezed.grad_fn).__name__ == "SqueezeBackward1"
        assert type(picked.grad_fn).__name__ == "UnsqueezeBackward0"
        assert type(picked.grad_fn.next_functions[0][0]).__name__ == "SelectBackward0"
        assert type(squeezed.grad_fn.next_functions[0][0]).__name__ == "CompiledFunctionBackward"
        assert squeezed._base is not None and squeezed._base is picked._base
        assert type(total.grad_fn).__name__ == "CompiledFunctionBackward"
        (g,) = torch.autograd.grad(squeezed.sum() + 2 * picked.sum() + total, w)
        e = torch.randn(1) * 0 + w.detach()
        e.requires_grad_(True)
        es, ep, et = _view_heads(torch, x, e)
        (ge,) = torch.autograd.grad(es.sum() + 2 * ep.sum() + et, e)
        _same(g, ge)
        _same(squeezed, es)
    _assert_compiled(f)


def test_view_outputs_match_pytorch():
    torch_ = pytest.importorskip("torch")
    ours = torch.compile(lambda x, w: _view_heads(torch, x, w))(torch.ones(4, 3), torch.ones(3, 1, requires_grad=True))
    theirs = torch_.compile(lambda x, w: _view_heads(torch_, x, w), backend="aot_eager")(
        torch_.ones(4, 3), torch_.ones(3, 1, requires_grad=True)
    )
    assert [repr(o) for o in ours] == [repr(o) for o in theirs]
    for o, t in zip(ours, theirs):
        assert (o._base is None) == (t._base is None)


def test_create_graph_through_compiled_code_refuses_only_the_second_backward():
    torch.manual_seed(0)
    x, w = torch.randn(3, 4), torch.randn(4, 2, requires_grad=True)
    f = torch.compile(lambda x, w: (x @ w).tanh().pow(2).sum())
    (g,) = torch.autograd.grad(f(x, w), w, create_graph=True)  # raised here before
    e = w.detach().requires_grad_(True)
    (ge,) = torch.autograd.grad((x @ e).tanh().pow(2).sum(), e)
    _same(g, ge)
    assert g.requires_grad and type(g.grad_fn).__name__ == "CompiledFunctionBackwardBackward"
    assert repr(g.grad_fn).startswith("<retrograd.autograd.function.CompiledFunctionBackwardBackward object at")
    with pytest.raises(RuntimeError, match="does not currently support double backward"):
        g.sum().backward()


def test_create_graph_through_compiled_code_matches_pytorch():
    torch_ = pytest.importorskip("torch")

    def program(t):
        f = t.compile(lambda x, w: (x @ w).tanh().pow(2).sum(), backend="aot_eager")
        w = t.ones(4, 2, requires_grad=True)
        out = f(t.ones(3, 4) * 0.1, w)
        (g,) = t.autograd.grad(out, w, create_graph=True)
        try:
            g.sum().backward()
        except RuntimeError as e:
            return g.requires_grad, type(g.grad_fn).__name__, repr(out.grad_fn).split(" object")[0], str(e)
        return None

    ours, theirs = program(torch), program(torch_)
    assert ours[:2] == theirs[:2] and ours[3] == theirs[3]
    assert ours[2].replace("retrograd", "torch") == theirs[2]


def test_new_int_and_float_arguments_are_not_recompiles(recwarn):
    f = torch.compile(lambda x, i, s: x * i + s, recompile_limit=2)
    for i in range(6):  # a step counter, a schedule's factor
        _same(f(torch.ones(2), i, 0.5 + i), torch.full((2,), 2 * i + 0.5))
        _assert_compiled(f)
    assert not [w for w in recwarn if "recompile limit" in str(w.message)]
    g = torch.compile(lambda x, flag: x * 2 if flag else x, recompile_limit=1)
    g(torch.ones(1), True)
    with pytest.warns(UserWarning, match="recompile limit"):  # bools stay specialised, as in PyTorch
        g(torch.ones(1), False)


def test_number_arguments_and_recompile_limit_match_pytorch():
    torch_ = pytest.importorskip("torch")
    import logging

    seen = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("torch._dynamo")
    logger.addHandler(handler)
    torch_._dynamo.config.recompile_limit = 2
    try:
        f = torch_.compile(lambda x, i, s: x * i + s, backend="aot_eager")
        for i in range(6):
            f(torch_.ones(2), i, 0.5 + i)
    finally:
        logger.removeHandler(handler)
        torch_._dynamo.config.recompile_limit = 8
        torch_._dynamo.reset()
    assert not any("recompile_limit" in m for m in seen)


# --- Python state the function changes: every call changes it, as in PyTorch ------------------


class _Counting(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.lin = nn.Linear(2, 2)

    def forward(self, x):
        self.calls += 1
        return self.lin(x)


_LOG: list = []


def _logging(x):
    _LOG.append(x.shape[0])
    return x * 2


def test_python_state_changes_happen_once_per_call():
    torch.manual_seed(0)
    m = _Counting()
    cm = torch.compile(m)
    for _ in range(3):
        _same(cm(torch.ones(1, 2)), m.lin(torch.ones(1, 2)))
    assert m.calls == 3  # was 2: once while recording, once more checking the code, then never
    _LOG.clear()
    f = torch.compile(_logging)
    for n in (1, 1, 2):
        _same(f(torch.ones(n)), torch.full((n,), 2.0))
    assert _LOG == [1, 1, 2]
    steps = 0

    def counted(x):
        nonlocal steps
        steps += 1
        return x + steps

    g = torch.compile(counted)
    assert [g(torch.zeros(1)).item() for _ in range(3)] == [1.0, 2.0, 3.0]
    m.history = []
    m.forward = lambda x: m.history.append(1) or m.lin(x)
    for _ in range(3):
        cm(torch.ones(1, 2))
    assert m.history == [1, 1, 1]


def test_python_state_changes_match_pytorch():
    torch_ = pytest.importorskip("torch")

    def program(t):
        log = []

        def f(x):
            log.append(x.shape[0])
            return x * 2

        c = t.compile(f, backend="aot_eager")
        for n in (1, 1, 2):
            c(t.ones(n))
        return log

    assert program(torch) == program(torch_)


# --- saved values changed in place between the call and backward() ---------------------------

_HINT = ("Hint: enable anomaly detection to find the operation that failed to compute its gradient, with "
         "retrograd.autograd.set_detect_anomaly(True, check_nan=False).")


def test_an_input_the_compiled_backward_reads_changed_in_place_fails_backward():
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    f = torch.compile(lambda x: (w * x).sum())
    for call in range(2):
        loss = f(x)
        with torch.no_grad():
            x.mul_(10)  # the gradient of w is x as it was: it is gone
        message = ("one of the variables needed for gradient computation has been modified by an inplace "
                   f"operation: [retrograd.FloatTensor [3]] is at version {call + 1}; expected version {call} "
                   f"instead. {_HINT}")
        with pytest.raises(RuntimeError) as info:
            loss.backward()
        assert str(info.value) == message
    assert w.grad is None


def test_an_output_the_compiled_backward_reads_changed_in_place_fails_backward():
    h = torch.ones(3, requires_grad=True)

    @torch.compile
    def f(a):
        y = a * 2
        return y, (y * y).sum()

    for _ in range(2):
        y, loss = f(h)
        with torch.no_grad():
            y.add_(1)
        with pytest.raises(RuntimeError, match=r"\[retrograd.FloatTensor \[3\]\], which is output 0 of "
                           r"CompiledFunction, is at version 1; expected version 0 instead"):
            loss.backward()


def test_changes_the_compiled_backward_does_not_read_are_fine():
    w = torch.ones(3, requires_grad=True)
    x = torch.tensor([1.0, 2.0, 3.0])
    f = torch.compile(lambda x: (w * x).sum() + (w * 2).sum())
    for _ in range(2):
        loss = f(x)
        loss.backward()  # unchanged: no error
    np.testing.assert_array_equal(w.grad.numpy(), [6.0, 8.0, 10.0])
    g = torch.compile(lambda x: (w * 2).sum() + x.sum())
    loss = g(x)
    with torch.no_grad():
        x.mul_(2)  # its values are not needed by the backward
    loss.backward()


def test_saved_value_changed_in_place_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")

    def messages(m, **compile_kw):
        out = []
        w = m.ones(3, requires_grad=True)
        x = m.tensor([1.0, 2.0, 3.0])

        def f(x):
            y = w * x
            return y, (y * y).sum()

        f = m.compile(f, **compile_kw)
        for modify in ("input", "output"):
            y, loss = f(x)
            with m.no_grad():
                (x if modify == "input" else y).mul_(3)
            try:
                loss.backward()
                out.append(None)
            except RuntimeError as e:
                out.append(str(e).replace("torch.", "retrograd.").split(" Hint:")[0])
        return out

    assert messages(torch) == messages(real, backend="aot_eager")


def test_a_returned_parameter_or_buffer_is_the_tensor_itself():
    w = nn.Parameter(torch.ones(3))
    model = nn.BatchNorm1d(3)
    x = torch.tensor([1.0, 2.0, 3.0])

    @torch.compile
    def f(x):
        return (w * x).sum() + model(torch.stack([x, 2 * x])).sum(), w, model.weight, model.running_mean

    for _ in range(2):
        loss, ww, weight, mean = f(x)
        assert ww is w and weight is model.weight and mean is model.running_mean
        assert type(ww) is nn.Parameter and ww.requires_grad
    assert _compiled_entry(f).generated is not None


@pytest.mark.parametrize("case", ["fresh", "unread"])
def test_a_returned_leaf_no_recorded_op_read_runs_eagerly(case):
    model = nn.Linear(3, 1)

    @torch.compile
    def f(x):
        if case == "fresh":
            return x + 1, torch.zeros(3, requires_grad=True)
        return x + 1, model.weight  # the module's parameter, never read by an op here

    outs = [f(torch.ones(3))[1] for _ in range(2)]
    assert all(t.requires_grad for t in outs)
    assert (outs[0] is outs[1]) == (case == "unread")
    assert "requiring grad that no recorded operation" in _compiled_entry(f).reasons[0]


def test_a_returned_parameter_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")

    def kinds(m, **kw):
        w = m.nn.Parameter(m.ones(3))
        f = m.compile(lambda x: ((w * x).sum(), w), **kw)
        loss, ww = f(m.ones(3))
        return ww is w, type(ww).__name__, ww.requires_grad, ww.grad_fn is None

    assert kinds(torch) == kinds(real, backend="aot_eager")


def test_allow_in_graph_and_assume_constant_result_return_the_function():
    # einx marks its ops with torch.compiler.allow_in_graph when it loads its torch backend
    def double(x):
        return x * 2

    assert torch.compiler.allow_in_graph(double) is double
    assert torch._dynamo.allow_in_graph([double, abs]) == [double, abs]
    assert torch.compiler.assume_constant_result(double) is double
    assert torch.compiler.is_exporting() is False
    with pytest.raises(AssertionError, match="allow_in_graph expects a callable"):
        torch.compiler.allow_in_graph(3)
    f = torch.compile(lambda x: double(x).sin())
    x = torch.tensor([0.5, 1.0])
    np.testing.assert_allclose(f(x).numpy(), np.sin([1.0, 2.0]), rtol=1e-6)


@pytest.mark.pytorch
def test_allow_in_graph_vs_torch():
    real = pytest.importorskip("torch")
    for m in (torch, real):
        assert m.compiler.allow_in_graph(len) is len and m.compiler.is_exporting() is False
        with pytest.raises(AssertionError, match="allow_in_graph expects a callable"):
            m.compiler.allow_in_graph(3)
