"""Activation checkpointing: same gradients, less memory held for backward."""

from __future__ import annotations

import contextlib
import importlib
import tracemalloc

import numpy as np
import pytest

import retrograd as rg
from retrograd.utils.checkpoint import checkpoint, checkpoint_sequential

WIDTH, DEPTH, BATCH = 256, 8, 256


def make_weights():
    rng = np.random.default_rng(0)
    return [
        rg.tensor(rng.standard_normal((WIDTH, WIDTH)) / 16, dtype=rg.float32, requires_grad=True) for _ in range(DEPTH)
    ]


def block(x, w):
    # two layers per block: sin saves its input, so each keeps two activations
    return ((x @ w).sin() @ w).sin()


def run(weights, x, use_checkpoint):
    h = x
    for w in weights:
        h = checkpoint(block, h, w, use_reentrant=False) if use_checkpoint else block(h, w)
    return (h * h).sum()


def peak_during_backward(use_checkpoint):
    weights = make_weights()
    x = rg.tensor(np.random.default_rng(1).standard_normal((BATCH, WIDTH)), dtype=rg.float32)
    tracemalloc.start()
    loss = run(weights, x, use_checkpoint)
    loss.backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak, [w.grad.numpy().copy() for w in weights]


def test_checkpoint_holds_less_memory_with_identical_gradients():
    peak_plain, grads_plain = peak_during_backward(False)
    peak_ckpt, grads_ckpt = peak_during_backward(True)
    for a, b in zip(grads_plain, grads_ckpt):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # plain keeps four 256 KiB activations per block until backward reaches it;
    # checkpointing keeps one per block, plus one block's worth while recomputing
    assert peak_ckpt < 0.6 * peak_plain


def test_checkpoint_gradients_flow_to_inputs_and_parameters():
    w = rg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    x = rg.tensor([[0.5, -0.5]], requires_grad=True)
    out = checkpoint(lambda a: (a @ w).sin(), x, use_reentrant=False)
    out.sum().backward()
    gx, gw = x.grad.clone(), w.grad.clone()
    x.grad = w.grad = None
    (x @ w).sin().sum().backward()
    np.testing.assert_allclose(gx.numpy(), x.grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(gw.numpy(), w.grad.numpy(), rtol=1e-6)


def test_checkpoint_without_input_grad_still_trains_parameters():
    w = rg.tensor([2.0], requires_grad=True)
    out = checkpoint(lambda a: a * w, rg.tensor([3.0]), use_reentrant=False)
    out.sum().backward()
    assert w.grad.tolist() == [3.0]
    with pytest.warns(UserWarning, match="None of the inputs have requires_grad=True"):
        checkpoint(lambda a: a * w, rg.tensor([3.0]), use_reentrant=True)


def test_checkpoint_sequential_matches_plain():
    weights = make_weights()[:4]
    layers = [lambda h, w=w: block(h, w) for w in weights]
    x = rg.tensor(np.random.default_rng(2).standard_normal((4, WIDTH)), dtype=rg.float32, requires_grad=True)
    checkpoint_sequential(layers, 2, x, use_reentrant=False).sum().backward()
    g = x.grad.clone()
    x.grad = None
    h = x
    for f in layers:
        h = f(h)
    h.sum().backward()
    np.testing.assert_allclose(g.numpy(), x.grad.numpy(), rtol=1e-5, atol=1e-6)


def test_checkpoint_sequential_warns_once_and_takes_only_preserve_rng_state():
    layers = [rg.nn.Linear(2, 2) for _ in range(4)]
    x = rg.ones(1, 2, requires_grad=True)
    with pytest.warns(UserWarning) as record:
        checkpoint_sequential(layers, 2, x)
    assert [str(w.message).split(":")[0] for w in record] == ["retrograd.utils.checkpoint.checkpoint_sequential"]
    assert "In version 2.9 we will raise an exception if use_reentrant is not passed." in str(record[0].message)
    checkpoint_sequential(layers, 2, x, use_reentrant=False, preserve_rng_state=False)
    with pytest.raises(ValueError, match="^Unexpected keyword arguments: foo$"):
        checkpoint_sequential(layers, 2, x, use_reentrant=False, foo=1)
    with pytest.raises(ValueError, match="must not be zero"):  # more segments than layers
        checkpoint_sequential(layers, 5, x, use_reentrant=False)
    with pytest.warns(UserWarning, match=r"^retrograd.utils.checkpoint: the use_reentrant parameter should be"):
        checkpoint(lambda a: a * 2, x)


def test_checkpoint_warnings_and_errors_vs_torch():
    torch = pytest.importorskip("torch")
    seen = []
    for m in (rg, torch):
        layers = m.nn.Sequential(*[m.nn.Linear(2, 2) for _ in range(4)])
        x = m.ones(1, 2, requires_grad=True)
        with pytest.warns(UserWarning) as record:
            m.utils.checkpoint.checkpoint_sequential(layers, 2, x)
            m.utils.checkpoint.checkpoint(lambda a: a * 2, x)
        outcome = [str(w.message).replace(m.__name__ + ".", "PKG.") for w in record]
        for kwargs, segments in (({"foo": 1}, 2), ({}, 5)):
            try:
                m.utils.checkpoint.checkpoint_sequential(layers, segments, x, use_reentrant=False, **kwargs)
            except ValueError as e:
                outcome.append(str(e))
        seen.append(outcome)
    assert seen[0] == seen[1]


def test_non_reentrant_checkpoint_keeps_higher_order_gradients():
    a = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = checkpoint(lambda t: t.pow(3), a, use_reentrant=False)
    (g,) = rg.autograd.grad(y.sum(), a, create_graph=True)
    assert g.requires_grad and g.tolist() == [3.0, 12.0, 27.0]
    assert rg.autograd.grad(g.sum(), a)[0].tolist() == [6.0, 12.0, 18.0]


def test_non_reentrant_checkpoint_reruns_for_a_retained_graph_and_takes_keywords():
    w = rg.tensor([2.0], requires_grad=True)
    out = checkpoint(lambda t, scale: (t * w).sin() * scale, rg.tensor([3.0]), scale=2.0, use_reentrant=False)
    out.sum().backward(retain_graph=True)
    first = w.grad.clone()
    out.sum().backward()
    assert w.grad.tolist() == pytest.approx((2 * first).tolist())
    with pytest.raises(ValueError, match="Unexpected keyword arguments: scale"):
        checkpoint(lambda t, scale: t * scale, w, scale=2.0, use_reentrant=True)


def test_recomputation_that_saves_other_tensors_is_refused():
    calls = []

    def changing(t):
        calls.append(1)
        return t.exp() if len(calls) == 1 else t.sum().exp().expand(3)

    x = rg.ones(3, requires_grad=True)
    out = checkpoint(changing, x, use_reentrant=False, debug=True)
    with pytest.raises(RuntimeError, match="Recomputed values for the following tensors have different metadata"):
        out.sum().backward()
    with pytest.raises(ValueError, match="determinism_check should be one of"):
        checkpoint(changing, x, use_reentrant=False, determinism_check="strict")


REENTRANT_REFUSAL = (
    "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or passing an `inputs` "
    "parameter to .backward(). To resolve this error, you can either set use_reentrant=False, or call "
    ".backward() without passing the `inputs` argument."
)


def reentrant_outcomes(m):
    """What each way of differentiating through a reentrant checkpoint gives: gradients or (error, message)."""
    ckpt = m.utils.checkpoint.checkpoint

    def segment():
        x = m.tensor([1.0, 2.0], requires_grad=True)
        w = m.tensor([3.0, 4.0], requires_grad=True)
        return x, w, ckpt(lambda t: (t * t).sum(), x, use_reentrant=True) + (w * 2).sum()

    def through_grad():
        x, _, out = segment()
        return m.autograd.grad(out, x)[0].tolist()

    def through_grad_of_other_input():  # the checkpoint does not run: nothing to refuse
        _, w, out = segment()
        return m.autograd.grad(out, w)[0].tolist()

    def through_backward_inputs():
        x, _, out = segment()
        out.backward(inputs=[x])

    def through_autograd_backward_inputs():
        x, _, out = segment()
        m.autograd.backward(out, inputs=x)

    def through_plain_backward():
        x, _, out = segment()
        out.backward()
        return x.grad.tolist()

    def with_empty_inputs():
        _, _, out = segment()
        out.backward(inputs=[])

    outcomes = []
    for case in (through_grad, through_grad_of_other_input, through_backward_inputs, through_autograd_backward_inputs,
                 through_plain_backward, with_empty_inputs):
        try:
            outcomes.append(case())
        except Exception as e:  # noqa: BLE001 - the outcome is compared, whatever it is
            outcomes.append((type(e).__name__, str(e)))
    return outcomes


def test_reentrant_checkpoint_refuses_grad_and_backward_inputs_as_pytorch():
    torch = pytest.importorskip("torch")
    assert reentrant_outcomes(rg) == reentrant_outcomes(torch)


def test_reentrant_checkpoint_refuses_grad_and_backward_inputs():
    refused = ("RuntimeError", REENTRANT_REFUSAL)
    assert reentrant_outcomes(rg) == [
        refused, [2.0, 2.0], refused, refused, [2.0, 4.0],
        ("RuntimeError", "`inputs` argument to `backward()` cannot be empty."),
    ]
    assert rg.autograd._is_checkpoint_valid()
    x = rg.tensor(1.0, requires_grad=True)
    seen = []
    y = x * 2
    y.register_hook(lambda g: seen.append(rg.autograd._is_checkpoint_valid()))
    (y * 3).backward(retain_graph=True)
    rg.autograd.grad(y * 3, x)
    assert seen == [True, False]
    # the non-reentrant checkpoint has no such limit
    out = checkpoint(lambda t: (t * t).sum(), x, use_reentrant=False)
    assert rg.autograd.grad(out, x)[0].item() == 2.0


# --- autocast: the recomputation re-enters the forward's autocast -------------------------------------


def _checkpointed_under_autocast(m, use_reentrant: bool) -> list:
    """Gradients of a bfloat16-autocast segment, checkpointed or not, and the segment output's dtype."""
    m.manual_seed(0)
    block = m.nn.Sequential(m.nn.Linear(4, 8), m.nn.SiLU(), m.nn.Linear(8, 4))
    x = m.randn(3, 4, requires_grad=True)
    seen = []
    for ckpt in (False, True):
        block.zero_grad()
        x.grad = None
        with m.autocast("cpu", dtype=m.bfloat16):
            h = m.utils.checkpoint.checkpoint(block, x, use_reentrant=use_reentrant) if ckpt else block(x)
            loss = h.float().pow(2).sum()
        loss.backward()  # outside the region: a recomputation without it would run in float32
        seen.append((str(h.dtype), block[0].weight.grad.numpy().tolist(), x.grad.numpy().tolist()))
    return seen


@pytest.mark.parametrize("use_reentrant", [False, True])
def test_recomputation_runs_under_the_forwards_autocast(use_reentrant):
    plain, checkpointed = _checkpointed_under_autocast(rg, use_reentrant)
    assert plain == checkpointed and plain[0] == "retrograd.bfloat16"
    assert not rg.is_autocast_enabled("cpu") and rg.get_autocast_dtype("cpu") is rg.bfloat16


@pytest.mark.pytorch
@pytest.mark.parametrize("use_reentrant", [False, True])
def test_recomputation_under_autocast_matches_pytorch(use_reentrant):
    torch = pytest.importorskip("torch")
    ours, theirs = _checkpointed_under_autocast(rg, use_reentrant), _checkpointed_under_autocast(torch, use_reentrant)
    for (d1, w1, x1), (d2, w2, x2) in zip(ours, theirs):
        assert d1.split(".")[-1] == d2.split(".")[-1]
        np.testing.assert_allclose(w1, w2, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(x1, x2, rtol=1e-5, atol=1e-6)


def test_reentrant_checkpoint_node_has_pytorchs_name():
    out = checkpoint(lambda a: a * 2, rg.ones(2, requires_grad=True), use_reentrant=True)
    assert type(out.grad_fn).__name__ == "CheckpointFunctionBackward"


@pytest.mark.pytorch
def test_checkpoint_node_names_vs_torch():
    torch = pytest.importorskip("torch")
    names = []
    for lib in (rg, torch):
        x = lib.ones(2, requires_grad=True)
        reentrant = lib.utils.checkpoint.checkpoint(lambda a: a * 2, x, use_reentrant=True)
        plain = lib.utils.checkpoint.checkpoint(lambda a: a * 2, x, use_reentrant=False)
        names.append((type(reentrant.grad_fn).__name__, type(plain.grad_fn).__name__))
    assert names[0] == names[1]


def _context_fn_run(lib):
    """The order in which checkpoint enters context_fn's two contexts, and the gradient it gives."""
    log = []

    @contextlib.contextmanager
    def tag(name):
        log.append("enter " + name)
        try:
            yield
        finally:
            log.append("exit " + name)

    x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
    y = lib.utils.checkpoint.checkpoint(lambda a: a.sin().exp(), x, use_reentrant=False,
                                        context_fn=lambda: (tag("forward"), tag("recompute")))
    log.append("forward done")
    y.sum().backward()
    return log, x.grad.tolist()


def test_context_fn_wraps_the_forward_and_the_recomputation():
    log, grad = _context_fn_run(rg)
    assert log == ["enter forward", "exit forward", "forward done", "enter recompute", "exit recompute"]
    np.testing.assert_allclose(grad, np.cos([0.5, -1.0, 2.0]) * np.exp(np.sin([0.5, -1.0, 2.0])))
    for kwargs in ({"context_fn": lambda: (None, None)}, {"debug": True}):
        with pytest.raises(ValueError, match="^Passing `context_fn` or `debug` is only supported when use_reentrant"):
            checkpoint(lambda a: a, rg.ones(1, requires_grad=True), use_reentrant=True, **kwargs)


def test_checkpoint_helpers():
    from retrograd.utils import checkpoint as ck

    x = rg.ones(2, requires_grad=True) * 2
    detached = ck.detach_variable((x, 3))
    assert detached[0].requires_grad and detached[0].grad_fn is None and detached[1] == 3
    with pytest.raises(RuntimeError, match="^Only tuple of tensors is supported. Got Unsupported input type: list$"):
        ck.detach_variable([x])
    with pytest.warns(UserWarning, match="^None of the inputs have requires_grad=True. Gradients will be None$"):
        ck.check_backward_validity([rg.ones(1), 2])
    assert [type(c).__name__ for c in ck.noop_context_fn()] == ["nullcontext", "nullcontext"]
    changing = iter([lambda a: a.sin(), lambda a: a[:1].sin()])
    with ck.set_checkpoint_debug_enabled(True):
        out = checkpoint(lambda a: next(changing)(a), rg.ones(2, requires_grad=True), use_reentrant=False)
    with pytest.raises(RuntimeError, match="The forward saved"):  # the debug detail, switched on by the context
        out.sum().backward()


@pytest.mark.pytorch
def test_context_fn_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _context_fn_run(rg), _context_fn_run(torch)
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)


def _early_stop_calls(lib, **kwargs):
    checkpoint = importlib.import_module(f"{lib.__name__}.utils.checkpoint").checkpoint
    calls = []

    def f(x):
        calls.append("start")
        y = x.sin()  # the last op whose tensors the backward needs
        calls.append("after")
        return (y * 3).sum()

    x = lib.ones(2, requires_grad=True)
    checkpoint(f, x, use_reentrant=False, **kwargs).backward()
    return calls


def test_recomputation_stops_once_it_has_the_saved_tensors():
    assert _early_stop_calls(rg) == ["start", "after", "start"]
    assert _early_stop_calls(rg, early_stop=False) == ["start", "after", "start", "after"]
    from retrograd.utils.checkpoint import set_checkpoint_early_stop

    with set_checkpoint_early_stop(False):  # overrides the call's early_stop=True
        assert _early_stop_calls(rg, early_stop=True) == ["start", "after", "start", "after"]


def test_early_stop_vs_torch():
    torch = pytest.importorskip("torch")
    for kwargs in ({}, {"early_stop": False}):
        assert _early_stop_calls(rg, **kwargs) == _early_stop_calls(torch, **kwargs)


def _replayed_draws(lib):
    # sentence-transformers' GradCache RandContext: snapshot the CPU and device generators, then
    # replay them for the second forward
    ckpt = importlib.import_module(f"{lib.__name__}.utils.checkpoint")
    x = lib.ones(3)
    devices, states = ckpt.get_device_states(x, [x, {"k": x}], 2.0)
    cpu_state = lib.get_rng_state()
    first = lib.rand(2).tolist()
    with lib.random.fork_rng(devices=devices):
        lib.set_rng_state(cpu_state)
        ckpt.set_device_states(devices, states)
        again = lib.rand(2).tolist()
    return devices, states, first == again, "get_device_states" in ckpt.__all__


def test_device_states_of_cpu_tensors_are_empty():
    assert _replayed_draws(rg) == ([], [], True, True)
    rg.utils.checkpoint.set_device_states([], [], device_type="meta")  # nothing to set


def test_device_states_vs_torch():
    torch = pytest.importorskip("torch")
    assert _replayed_draws(rg) == _replayed_draws(torch)
