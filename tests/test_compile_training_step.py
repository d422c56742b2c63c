"""retrograd.compile of a whole training step: clear, forward, loss, backward() and update as one
generated function, with `.grad`, parameter values and version counters as eager leaves them."""

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn.functional as F
from retrograd import nn
from retrograd.compiler import _step

from .compile_steps import assert_same, snapshot


def _mlp(seed=0):
    rng = np.random.default_rng(seed)
    shapes = [(6, 12), (12,), (12, 3), (3,)]
    params = [torch.tensor(rng.standard_normal(s).astype(np.float32) * 0.5, requires_grad=True) for s in shapes]
    x = torch.tensor(rng.standard_normal((5, 6)).astype(np.float32))
    y = torch.tensor(rng.integers(0, 3, 5))
    return params, x, y


def _sgd_step(params, clear=True, lr=0.1):
    w1, b1, w2, b2 = params

    def step(x, y):
        if clear:
            for p in params:
                p.grad = None
        loss = F.cross_entropy(torch.tanh(x @ w1 + b1) @ w2 + b2, y)
        loss.backward()
        with torch.no_grad():
            for p in params:
                p -= lr * p.grad
        return loss

    return step


def _entry(compiled):
    return compiled._last


def _run(make_step, calls=5, compile=False, **kw):
    params, x, y = _mlp()
    step = make_step(params, **kw)
    if compile:
        step = torch.compile(step)
    losses = [step(x, y).item() for _ in range(calls)]
    return losses, snapshot(params), step


def test_the_whole_step_is_generated_and_trains_bit_for_bit_as_eager():
    eager_losses, eager_state, _ = _run(_sgd_step)
    losses, state, step = _run(_sgd_step, compile=True)
    assert losses == eager_losses and losses[-1] < losses[0]
    assert_same(state, eager_state)  # values, gradients and version counters
    entry = _entry(step)
    assert entry.generated is not None and entry.stepped
    assert [kind for kind, _, _ in entry.effects] == ["clear"] * 4 + ["grad"] * 4
    code = step.code
    # backward and updates in one
    assert "nll_loss_backward" in code and "sub_into(xp, p0, t" in code and ", out=p0)" in code
    assert "def backward" not in code


def test_the_loss_a_compiled_step_returns_has_had_its_backward():
    params, x, y = _mlp()
    step = torch.compile(_sgd_step(params))
    step(x, y)
    loss = step(x, y)
    assert loss.requires_grad and loss.grad_fn is not None
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        loss.backward()


def test_gradients_are_fresh_arrays_each_call():
    params, x, y = _mlp()
    step = torch.compile(_sgd_step(params))
    step(x, y)
    step(x, y)
    first = [p.grad for p in params]
    step(x, y)
    assert all(p.grad is not g for p, g in zip(params, first))
    assert all(not np.shares_memory(p.grad.numpy(), g.numpy()) for p, g in zip(params, first))
    assert all(p.grad.numpy().flags.writeable for p in params)


def test_a_step_that_does_not_clear_its_gradients_accumulates_as_eager():
    eager_losses, eager_state, _ = _run(_sgd_step, clear=False)
    losses, state, step = _run(_sgd_step, compile=True, clear=False)
    assert losses == eager_losses
    assert_same(state, eager_state)
    # the first call stored gradients into None; later calls add to the ones there, and the update
    # reads the sums, which the code does not compute (the call adds after it): eager
    assert any("reads a .grad the function's backward added to" in r for r in _entry(step).reasons)


def test_zero_grad_inside_the_step_clears_every_call_even_when_the_first_had_nothing():
    def make(params, set_to_none=True):
        opt = torch.optim.SGD(params, lr=0.1)
        w1, b1, w2, b2 = params

        def step(x, y):
            opt.zero_grad(set_to_none=set_to_none)
            loss = F.cross_entropy(torch.relu(x @ w1 + b1) @ w2 + b2, y)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p.sub_(p.grad, alpha=0.05)
            return loss

        return step

    for set_to_none in (True, False):
        eager_losses, eager_state, _ = _run(make, set_to_none=set_to_none)
        losses, state, step = _run(make, compile=True, set_to_none=set_to_none)
        assert losses == eager_losses
        assert_same(state, eager_state)
        if set_to_none:
            assert _entry(step).generated is not None
        else:  # zeroing in place is not recorded: it runs eagerly
            assert _entry(step).generated is None


def test_a_module_step_with_gradient_clipping_matches_eager():
    def run(compile):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
        x, y = torch.randn(10, 4), torch.randn(10, 2)

        def step(x, y):
            model.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            with torch.no_grad():
                for p in model.parameters():
                    p.grad.clamp_(-0.05, 0.05)  # in place on the stored gradient
                    p.add_(p.grad, alpha=-0.5)
            return loss

        step = torch.compile(step) if compile else step
        losses = [step(x, y).item() for _ in range(4)]
        return losses, snapshot(list(model.parameters())), step

    eager_losses, eager_state, _ = run(False)
    losses, state, step = run(True)
    assert losses == eager_losses
    assert_same(state, eager_state)
    assert _entry(step).generated is not None


def test_an_optimizer_step_inside_is_deferred_with_the_same_results():
    def make(params):
        opt = torch.optim.Adam(params, lr=0.01)
        w1, b1, w2, b2 = params

        def step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(torch.tanh(x @ w1 + b1) @ w2 + b2, y)
            loss.backward()
            opt.step()
            return loss

        return step

    eager_losses, eager_state, _ = _run(make)
    losses, state, step = _run(make, compile=True)
    assert losses == eager_losses
    assert_same(state, eager_state)
    assert _entry(step).generated is not None  # (the step is deferred: tests/test_compile_optimizer_step.py)


@pytest.mark.parametrize("case", ["retain_graph", "hook", "leaf_hook", "outer_graph", "old_grad", "grad_assign"])
def test_what_a_step_cannot_replay_runs_eagerly(case):
    rng = np.random.default_rng(1)
    w = torch.tensor(rng.standard_normal(4).astype(np.float32), requires_grad=True)
    velocity = torch.zeros(4)
    if case == "leaf_hook":
        w.register_hook(lambda g: g * 2)

    def step(x):
        if case != "old_grad":
            w.grad = None
        h = x * w
        if case == "hook":
            h.register_hook(lambda g: g * 3)
        loss = (h * h).sum()
        loss.backward(retain_graph=case == "retain_graph")
        with torch.no_grad():
            if case == "old_grad":  # momentum from the gradient of the call before: read before it is cleared
                velocity.mul_(0.9)
            w.sub_(0.01 * w.grad)
            if case == "grad_assign":
                w.grad = w.grad * 0.5
        return loss

    def run(compile):
        w.data = torch.tensor(rng.standard_normal(4).astype(np.float32))
        w.grad = None
        base = torch.ones(4, requires_grad=True)
        f = torch.compile(step) if compile else step
        # (outer_graph: an argument with a graph from before the call, which the backward reaches)
        losses = [f(base * 2 if case == "outer_graph" else torch.full((4,), 2.0)).item() for _ in range(3)]
        return losses, w.detach().numpy().copy(), f

    rng = np.random.default_rng(1)
    eager_losses, eager_w, _ = run(False)
    rng = np.random.default_rng(1)
    losses, final_w, f = run(True)
    assert losses == eager_losses
    np.testing.assert_array_equal(final_w, eager_w)
    assert _entry(f).generated is None


def test_an_op_on_a_gradient_from_before_the_call_runs_eagerly():
    w = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    (w * w).sum().backward()  # a gradient from before the call

    @torch.compile
    def step():
        previous = w.grad * 1.0  # the next call's .grad is another tensor: this cannot be frozen
        w.grad = None
        (w * w).sum().backward()
        with torch.no_grad():
            w.sub_(0.1 * (w.grad + previous))
        return w.grad

    step()
    assert any("a .grad from before the call" in r for r in _entry(step).reasons)


def test_fullgraph_refuses_a_backward_inside_as_pytorch_does():
    w = torch.ones(2, requires_grad=True)

    def step():
        (w * 2).sum().backward()

    with pytest.raises(torch.compiler.Unsupported, match="backward"):
        torch.compile(step, fullgraph=True)()


def test_a_parameter_updated_without_a_backward_inside():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    w.grad = torch.tensor([0.5, 0.5, 0.5])

    @torch.compile
    def clamp_weights(limit):
        with torch.no_grad():
            w.clamp_(-limit, limit)
            w.mul_(0.5)

    for _ in range(3):
        clamp_weights(2.0)
    np.testing.assert_array_equal(w.detach().numpy(), [0.125, 0.25, 0.25])
    assert w._version == 6 and _entry(clamp_weights).generated is not None


def test_an_update_outside_recorded_ops_fails_the_check_and_runs_eagerly():
    w = torch.tensor([1.0, 2.0], requires_grad=True)

    @torch.compile
    def step():
        w.grad = None
        (w * w).sum().backward()
        with torch.no_grad():
            g = w.grad
            w.sub_(torch.from_numpy(g.detach().numpy().copy()) * 0.1)  # values read through NumPy
        return w

    for _ in range(3):
        step()
    assert _entry(step).generated is None


def test_compiled_training_step_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    arrays = [rng.standard_normal(s).astype(np.float32) * 0.3 for s in [(6, 16), (16,), (16, 4), (4,)]]
    x_np, y_np = rng.standard_normal((8, 6)).astype(np.float32), rng.integers(0, 4, 8)

    def train(m, compile):
        params = [m.tensor(a, requires_grad=True) for a in arrays]
        x, y = m.tensor(x_np), m.tensor(y_np)

        def step():
            for p in params:
                p.grad = None
            loss = m.nn.functional.cross_entropy(m.tanh(x @ params[0] + params[1]) @ params[2] + params[3], y)
            loss.backward()
            with m.no_grad():
                for p in params:
                    p -= 0.1 * p.grad
            return loss

        f = m.compile(step) if compile else step
        losses = [f().item() for _ in range(6)]
        return losses, [p.detach().numpy().copy() for p in params]

    ours, our_params = train(torch, True)
    theirs, their_params = train(real, False)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    for a, b in zip(our_params, their_params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_a_function_returning_the_gradients_its_backward_stored():
    w = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)

    @torch.compile
    def grads_of(x):
        w.grad = None
        (w * w * x).sum().backward()
        return w.grad

    for k in range(1, 4):
        x = torch.full((3,), float(k))
        g = grads_of(x)
        np.testing.assert_array_equal(g.numpy(), [2.0 * k, 4.0 * k, 6.0 * k])
        assert g is w.grad or np.array_equal(g.numpy(), w.grad.numpy())
    assert _entry(grads_of).generated is not None


# --- what changes between calls: state the code froze must re-record or run eagerly ---------


def _linear_step(model, lr_of):
    def step(x, y):
        model.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        with torch.no_grad():
            for p in model.parameters():
                if p.grad is not None:
                    p -= lr_of() * p.grad
        return loss

    return step


def _reader(d, key):
    return lambda: d[key]


def _train_twice(change, calls=3, frozen=False):
    """`change(model, hp)` between calls, the same loop eager and compiled: (losses, states, reasons)."""
    out = []
    for compile in (False, True):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 2))
        model[0].weight.requires_grad_(not frozen)
        hp = {"lr": 0.1}
        rng = np.random.default_rng(1)
        x = torch.tensor(rng.standard_normal((6, 4)).astype(np.float32))
        y = torch.tensor(rng.standard_normal((6, 2)).astype(np.float32))
        step = _linear_step(model, _reader(hp, "lr"))
        if compile:
            step = torch.compile(step)
        losses = [step(x, y).item() for _ in range(calls)]
        change(model, hp)
        losses += [step(x, y).item() for _ in range(calls)]
        out.append((losses, snapshot(list(model.parameters())), step))
    (eager_losses, eager_state, _), (losses, state, step) = out
    assert losses == eager_losses
    assert_same(state, eager_state)
    return _entry(step)


def test_a_frozen_layer_unfrozen_between_calls_gets_gradients_again():
    def unfreeze(model, hp):
        model[0].weight.requires_grad_(True)

    # frozen while recorded (its weight a constant of the code), then unfrozen: recorded anew
    entry = _train_twice(unfreeze, frozen=True)
    assert entry.generated is not None


def test_a_learning_rate_kept_in_a_dict_is_read_at_every_call():
    entry = _train_twice(lambda model, hp: hp.update(lr=0.02))
    assert entry.generated is not None  # recorded again with the new rate


def test_an_optimizer_param_group_lr_read_by_a_hand_written_update():
    def run(compile):
        torch.manual_seed(0)
        model = nn.Linear(3, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        x, y = torch.ones(4, 3), torch.zeros(4, 2)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), y)
            loss.backward()
            with torch.no_grad():
                for g in opt.param_groups:
                    for p in g["params"]:
                        p.sub_(g["lr"] * p.grad)
            return loss

        step = torch.compile(step) if compile else step
        losses = []
        for _ in range(4):
            losses.append(step().item())
            sched.step()
        return losses, model.weight.detach().numpy().copy()

    (eager_losses, eager_w), (losses, w) = run(False), run(True)
    assert losses == eager_losses
    np.testing.assert_array_equal(w, eager_w)


def test_a_tensor_stored_in_a_dict_by_the_step_runs_eagerly():
    stats = {"loss": None}
    w = torch.ones(3, requires_grad=True)

    @torch.compile
    def step(x):
        w.grad = None
        loss = (w * x).sum()
        loss.backward()
        stats["loss"] = loss.detach()
        return loss

    for k in range(3):
        step(torch.full((3,), float(k)))
        assert stats["loss"].item() == 3.0 * k
    assert any("changes Python state" in r for r in _entry(step).reasons)


@pytest.mark.parametrize("hook", ["register_hook", "register_post_accumulate_grad_hook"])
def test_a_hook_registered_on_a_parameter_between_calls_runs(hook):
    seen = []

    def add_hook(model, hp):
        def record(arg):
            seen.append(1)

        getattr(model[0].weight, hook)(record)

    entry = _train_twice(add_hook)
    assert len(seen) == 6  # three eager calls, three compiled ones
    assert any("hook on a leaf" in r for r in entry.reasons)


def test_a_post_accumulate_grad_hook_returning_a_value_raises():
    w = torch.ones(2, requires_grad=True)
    w.register_post_accumulate_grad_hook(lambda p: p.grad * 2)
    with pytest.raises(RuntimeError, match="^Tensor post accumulate grad hooks should return None.$"):
        (w * 3).sum().backward()


def test_a_post_accumulate_grad_hook_returning_a_value_raises_vs_torch():
    real = pytest.importorskip("torch")
    messages = []
    for m in (torch, real):
        w = m.ones(2, requires_grad=True)
        w.register_post_accumulate_grad_hook(lambda p: p.grad * 2)
        with pytest.raises(RuntimeError) as info:
            (w * 3).sum().backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_a_step_returning_its_accuracy_is_generated():
    params, x, y = _mlp()

    def make(params):
        w1, b1, w2, b2 = params

        def step(x, y):
            for p in params:
                p.grad = None
            logits = torch.tanh(x @ w1 + b1) @ w2 + b2
            loss = F.cross_entropy(logits, y)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= 0.5 * p.grad
            return loss, (logits.argmax(1) == y).float().mean(), logits.argmin(dim=1, keepdim=True)

        return step

    results = []
    for compile in (False, True):
        params, x, y = _mlp()
        step = torch.compile(make(params)) if compile else make(params)
        results.append([[t.detach().numpy().copy() for t in step(x, y)] for _ in range(4)])
    for eager_call, call in zip(*results):
        for a, b in zip(eager_call, call):
            np.testing.assert_array_equal(a, b)
    assert _entry(step).generated is not None and "argmax(" in step.code


def test_a_returned_grad_is_the_parameters_grad_itself():
    w = torch.tensor([1.0, 2.0], requires_grad=True)

    @torch.compile
    def step(x):
        w.grad = None
        (w * x).sum().backward()
        g = w.grad
        with torch.no_grad():
            w.sub_(0.1 * g)
        return g

    for k in range(3):
        g = step(torch.tensor([1.0, float(k)]))
        assert g is w.grad
        g.zero_()  # as eager: changes w.grad
        assert w.grad.abs().sum().item() == 0
    assert _entry(step).generated is not None


def test_state_changed_between_calls_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    arrays = [rng.standard_normal(s).astype(np.float32) * 0.4 for s in [(3, 4), (4,)]]
    x_np, y_np = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 4)).astype(np.float32)

    def train(m, compile):
        w, b = (m.tensor(a, requires_grad=True) for a in arrays)
        w.requires_grad_(False)
        x, y = m.tensor(x_np), m.tensor(y_np)
        hp = {"lr": 0.2}
        seen = []

        def step():
            w.grad = None
            b.grad = None
            loss = ((x @ w + b - y) ** 2).mean()
            loss.backward()
            with m.no_grad():
                for p in (w, b):
                    if p.grad is not None:
                        p -= hp["lr"] * p.grad
            return loss, (x @ w).argmax(1)

        f = m.compile(step) if compile else step
        out = [f()[0].item() for _ in range(2)]
        w.requires_grad_(True)
        hp["lr"] = 0.05
        b.register_post_accumulate_grad_hook(lambda p: seen.append(p.grad.sum().item()))
        for _ in range(3):
            loss, idx = f()
            out += [loss.item(), idx.tolist()]
        return out, seen, w.detach().numpy().copy()

    ours, theirs = train(torch, True), train(real, False)
    np.testing.assert_allclose(ours[0][0::2][:2], theirs[0][0::2][:2], rtol=1e-6)
    assert [v for v in ours[0] if isinstance(v, list)] == [v for v in theirs[0] if isinstance(v, list)]
    floats = [[v for v in out[0] if isinstance(v, float)] for out in (ours, theirs)]
    np.testing.assert_allclose(floats[0], floats[1], rtol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5, atol=1e-7)


LR = 0.1  # read by `_update`, a helper the compiled steps below call


def _update(params):
    with torch.no_grad():
        for p in params:
            p.sub_(LR * p.grad)


def test_a_global_read_by_a_helper_the_step_calls_is_guarded():
    global LR
    w = torch.ones(3, requires_grad=True)

    @torch.compile
    def step(x):
        w.grad = None
        loss = (w * x).sum()
        loss.backward()
        _update([w])
        return loss

    x = torch.tensor([1.0, 2.0, 3.0])
    try:
        step(x), step(x)  # w = 1 - 0.2 x
        LR = 1.0
        step(x)  # w = 1 - 1.2 x
    finally:
        LR = 0.1
    np.testing.assert_allclose(w.detach().numpy(), [-0.2, -1.4, -2.6], rtol=1e-6)
    assert _entry(step).generated is not None


def test_a_global_read_in_a_comprehension_or_a_module_method_is_guarded():
    global LR

    class Scaled(nn.Module):
        def forward(self, x):
            return x * LR

    compiled = torch.compile(Scaled())
    f = torch.compile(lambda xs: [x * LR for x in xs][0])
    x = torch.ones(2)
    try:
        assert compiled(x).tolist() == compiled(x).tolist() == [np.float32(0.1)] * 2
        assert f([x]).tolist() == f([x]).tolist() == [np.float32(0.1)] * 2
        LR = 0.5
        assert compiled(x).tolist() == [0.5, 0.5]
        assert f([x]).tolist() == [0.5, 0.5]
    finally:
        LR = 0.1


def test_a_helper_reading_a_global_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")

    def train(m, compile):
        global LR
        w = m.tensor([1.0, -1.0, 0.5], requires_grad=True)
        x = m.tensor([1.0, 2.0, 3.0])

        def step():
            w.grad = None
            loss = (w * w * x).sum()
            loss.backward()
            with m.no_grad():
                for p in [w]:
                    p.sub_(LR * p.grad)
            return loss

        f = m.compile(step) if compile else step
        losses = []
        try:
            for k in range(4):
                LR = 0.1 / (k + 1)
                losses.append(f().item())
        finally:
            LR = 0.1
        return losses, w.detach().numpy().copy()

    (ours, w_ours), (theirs, w_theirs) = train(torch, True), train(real, False)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-6)


def _stored_grad_after_replay(grad_array, also_returned):
    """The `.grad` array a compiled call's replay stores for a leaf, from the code's `grad_array`
    (with `also_returned`, the code returns its base too, as another result)."""
    leaf = torch.zeros(4, requires_grad=True)
    results = (np.float32(0.0), grad_array) + ((grad_array.base,) if also_returned else ())
    _step.replay((("grad", leaf, 1),), (), [], [leaf._data], results)
    return leaf.grad._data


def test_a_whole_reshape_of_a_fresh_gradient_becomes_grad_uncopied():
    # a bias gradient is the code's sum reshaped: nothing else holds the sum, so (as the engine
    # does) the view is stored as it is rather than copied every step
    grad = np.arange(4, dtype=np.float32).reshape(1, 4).reshape(4)
    stored = _stored_grad_after_replay(grad, also_returned=False)
    assert np.shares_memory(stored, grad)
    np.testing.assert_array_equal(stored, [0.0, 1.0, 2.0, 3.0])


def test_a_view_of_an_array_the_code_also_returns_is_copied():
    grad = np.arange(4, dtype=np.float32).reshape(1, 4).reshape(4)
    stored = _stored_grad_after_replay(grad, also_returned=True)
    assert not np.shares_memory(stored, grad.base)
    np.testing.assert_array_equal(stored, [0.0, 1.0, 2.0, 3.0])


def test_a_view_of_part_of_an_array_is_copied():
    whole = np.arange(8, dtype=np.float32)
    stored = _stored_grad_after_replay(whole[:4], also_returned=False)
    assert not np.shares_memory(stored, whole)


def test_compiled_bias_gradients_stay_separate_and_writeable_across_calls():
    params, x, y = _mlp()
    step = torch.compile(_sgd_step(params))
    step(x, y)
    step(x, y)
    grads = [p.grad for p in params]
    for i, g in enumerate(grads):
        assert g._data.flags.writeable
        for h in grads[i + 1:]:
            assert not np.shares_memory(g._data, h._data)
    before = params[1].grad.clone()
    params[1].grad.add_(1.0)  # an optimizer's in-place use
    np.testing.assert_array_equal(params[1].grad.numpy(), before.numpy() + 1.0)
