"""retrograd.compile of a training step that calls `optimizer.step()`: the forward, loss and
backward become generated code, and the step is deferred, run eagerly by each compiled call
after the code has stored the gradients, with the optimizer's hooks, state and counters as
eager leaves them."""

import importlib
import warnings

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn.functional as F
from retrograd import nn

from .compile_steps import assert_same, snapshot

OPTIMIZERS = {
    "SGD": lambda ps: torch.optim.SGD(ps, lr=0.1),
    "SGD momentum nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
    "Adam": lambda ps: torch.optim.Adam(ps, lr=0.01),
    "AdamW amsgrad": lambda ps: torch.optim.AdamW(ps, lr=0.01, amsgrad=True),
    "RMSprop": lambda ps: torch.optim.RMSprop(ps, lr=0.01, momentum=0.5),
    "Adagrad": lambda ps: torch.optim.Adagrad(ps, lr=0.1),
}


def _model(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3))
    x = torch.randn(5, 6)
    y = torch.tensor([0, 1, 2, 1, 0])
    return model, x, y


def _train(make_opt, compile, calls=5, after=None):
    model, x, y = _model()
    opt = make_opt(list(model.parameters()))

    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss if after is None else after(loss, model)

    f = torch.compile(step) if compile else step
    losses = [f(x, y) for _ in range(calls)]
    return losses, snapshot(list(model.parameters())), opt, f


def _state(opt):
    """The optimizer's state_dict as plain values (tensors as arrays)."""
    sd = opt.state_dict()
    return {k: {n: (v.numpy().copy() if isinstance(v, torch.Tensor) else v) for n, v in s.items()}
            for k, s in sd["state"].items()}


def _assert_same_state(a, b):
    assert a.keys() == b.keys()
    for k in a:
        assert a[k].keys() == b[k].keys()
        for n in a[k]:
            np.testing.assert_array_equal(a[k][n], b[k][n])


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_a_step_with_an_optimizer_is_generated_and_trains_bit_for_bit_as_eager(name):
    eager_losses, eager_params, eager_opt, _ = _train(OPTIMIZERS[name], False)
    losses, params, opt, f = _train(OPTIMIZERS[name], True)
    assert [v.item() for v in losses] == [v.item() for v in eager_losses]
    assert_same(params, eager_params)  # values, gradients and version counters
    _assert_same_state(_state(opt), _state(eager_opt))  # buffers and step counts: no extra steps
    entry = f._last
    assert entry.generated is not None and entry.reasons == []
    kinds = [kind for kind, _, _ in entry.effects]
    assert "nll_loss_backward" in f.code  # the backward is in the code
    if name == "SGD":  # no state: its update is recorded into the code, each parameter written
        assert kinds == ["clear"] * 4 + ["grad"] * 4
        assert all(f"out=p{i})" in f.code or f"p{i}[...] =" in f.code for i in range(4))
    else:  # the update is the optimizer's own, run by each call after the code
        assert kinds == ["clear"] * 4 + ["grad"] * 4 + ["step"]


def test_the_step_runs_its_hooks_once_per_call_as_eager():
    def run(compile):
        calls = []
        model, x, y = _model()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        opt.register_step_pre_hook(lambda o, a, k: calls.append("pre"))
        opt.register_step_post_hook(lambda o, a, k: calls.append("post"))
        handle = torch.optim.optimizer.register_optimizer_step_post_hook(lambda o, a, k: calls.append("global"))
        try:
            def step():
                opt.zero_grad()
                F.cross_entropy(model(x), y).backward()
                opt.step()

            f = torch.compile(step) if compile else step
            for _ in range(3):
                f()
        finally:
            handle.remove()
        return calls

    assert run(True) == run(False) == ["pre", "post", "global"] * 3


def test_a_scheduler_stepped_between_calls_changes_the_rate_the_step_uses():
    def run(compile):
        model, x, y = _model()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

        def step():
            opt.zero_grad()
            loss = F.mse_loss(model(x), torch.zeros(5, 3))
            loss.backward()
            opt.step()
            return loss

        f = torch.compile(step) if compile else step
        losses = []
        for _ in range(6):
            losses.append(f().item())
            sched.step()
        return losses, snapshot(list(model.parameters())), f

    (eager_losses, eager_params, _), (losses, params, f) = run(False), run(True)
    assert losses == eager_losses
    assert_same(params, eager_params)
    assert f._last.generated is not None


def test_an_op_on_computed_values_after_the_step_is_in_the_code():
    def accuracy(loss, model):
        return loss, loss * 2.0

    eager, eager_params, _, _ = _train(OPTIMIZERS["Adam"], False, after=accuracy)
    got, params, _, f = _train(OPTIMIZERS["Adam"], True, after=accuracy)
    assert [(a.item(), b.item()) for a, b in got] == [(a.item(), b.item()) for a, b in eager]
    assert_same(params, eager_params)
    assert f._last.generated is not None


def test_an_accuracy_from_the_targets_after_the_step_is_in_the_code():
    def run(compile):
        model, x, y = _model()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)

        def step(x, y):
            opt.zero_grad()
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            opt.step()
            return loss, (logits.argmax(1) == y).float().mean()  # the targets are an argument

        f = torch.compile(step) if compile else step
        outs = [tuple(v.item() for v in f(x, y)) for _ in range(4)]
        return outs, snapshot(list(model.parameters())), f

    (eager, eager_params, _), (got, params, f) = run(False), run(True)
    assert got == eager
    assert_same(params, eager_params)
    assert f._last.generated is not None


@pytest.mark.parametrize("case", ["parameter", "gradient"])
def test_an_op_reading_what_the_step_changed_runs_eagerly(case):
    def after(loss, model):
        w = model[0].weight
        return loss, (w.sum() if case == "parameter" else w.grad.sum())

    eager, eager_params, _, _ = _train(OPTIMIZERS["SGD momentum nesterov"], False, after=after)
    got, params, _, f = _train(OPTIMIZERS["SGD momentum nesterov"], True, after=after)
    assert [(a.item(), b.item()) for a, b in got] == [(a.item(), b.item()) for a, b in eager]
    assert_same(params, eager_params)
    assert f._last.generated is None
    assert any("after an optimizer step" in r for r in f._last.reasons)


def test_zero_grad_after_the_step_is_replayed_after_it():
    def run(compile):
        model, x, y = _model()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)

        def step():
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            opt.zero_grad()
            return loss

        f = torch.compile(step) if compile else step
        losses = [f().item() for _ in range(4)]
        return losses, snapshot(list(model.parameters())), f

    (eager_losses, eager_params, _), (losses, params, f) = run(False), run(True)
    assert losses == eager_losses
    assert_same(params, eager_params)
    assert all(g is None for _, g, _ in params)
    assert [k for k, _, _ in f._last.effects][-5:] == ["step", "clear", "clear", "clear", "clear"]


def test_a_step_with_a_closure_runs_eagerly_with_the_same_results():
    def run(compile):
        model, x, y = _model()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)

        def step():
            def closure():
                opt.zero_grad()
                loss = F.cross_entropy(model(x), y)
                loss.backward()
                return loss

            return opt.step(closure)

        f = torch.compile(step) if compile else step
        return [f().item() for _ in range(3)], snapshot(list(model.parameters())), f

    (eager_losses, eager_params, _), (losses, params, f) = run(False), run(True)
    assert losses == eager_losses
    assert_same(params, eager_params)
    assert any("closure" in r for r in f._last.reasons)


def test_a_differentiable_optimizer_on_leaves_raises_as_eager():
    make = lambda ps: torch.optim.SGD(ps, lr=0.1, differentiable=True)  # noqa: E731
    for compile in (False, True):
        with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an in-place"):
            _train(make, compile, calls=2)


def test_an_optimizer_passed_as_an_argument_is_the_one_stepped():
    model, x, y = _model()
    slow = torch.optim.SGD(model.parameters(), lr=0.0)
    fast = torch.optim.SGD(model.parameters(), lr=0.1)

    @torch.compile
    def step(opt):
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    before = model[0].weight.detach().clone()
    step(slow)
    step(slow)
    assert torch.equal(model[0].weight, before)  # lr 0: nothing moves
    step(fast)
    assert not torch.equal(model[0].weight, before)


def test_a_user_written_optimizer_is_deferred_too():
    class SignSGD(torch.optim.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, {"lr": lr})

        @torch.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.add_(p.grad.sign(), alpha=-group["lr"])
                        self.state[p]["steps"] = self.state[p].get("steps", 0) + 1

    make = lambda ps: SignSGD(ps, lr=0.01)  # noqa: E731
    eager_losses, eager_params, eager_opt, _ = _train(make, False)
    losses, params, opt, f = _train(make, True)
    assert [v.item() for v in losses] == [v.item() for v in eager_losses]
    assert_same(params, eager_params)
    assert [s["steps"] for s in opt.state.values()] == [s["steps"] for s in eager_opt.state.values()] == [5] * 4
    assert f._last.generated is not None


def test_the_first_call_steps_once_and_the_check_leaves_the_optimizer_alone():
    model, x, y = _model()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)

    @torch.compile
    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    step()
    assert step._last.generated is not None
    assert [s["step"].item() for s in opt.state.values()] == [1.0] * 4
    step()
    assert [s["step"].item() for s in opt.state.values()] == [2.0] * 4


def test_a_new_optimizer_in_a_global_is_the_one_stepped():
    global _OPT
    model, x, y = _model()
    _OPT = torch.optim.SGD(model.parameters(), lr=0.0)

    @torch.compile
    def step():
        _OPT.zero_grad()
        F.cross_entropy(model(x), y).backward()
        _OPT.step()

    before = model[0].weight.detach().clone()
    step()
    step()
    assert torch.equal(model[0].weight, before)
    _OPT = torch.optim.SGD(model.parameters(), lr=0.1)
    step()
    assert not torch.equal(model[0].weight, before)


def test_compiled_step_with_an_optimizer_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal(s).astype(np.float32) * 0.3 for s in [(6, 16), (16,), (16, 4), (4,)]]
    x_np, y_np = rng.standard_normal((8, 6)).astype(np.float32), rng.integers(0, 4, 8)

    def train(m, compile):
        params = [m.tensor(a, requires_grad=True) for a in arrays]
        x, y = m.tensor(x_np), m.tensor(y_np)
        opt = m.optim.AdamW(params, lr=0.01)

        def step():
            opt.zero_grad()
            loss = m.nn.functional.cross_entropy(m.tanh(x @ params[0] + params[1]) @ params[2] + params[3], y)
            loss.backward()
            m.nn.utils.clip_grad_norm_(params, 0.5)
            opt.step()
            return loss

        f = m.compile(step) if compile else step
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            losses = [f().item() for _ in range(6)]
        return losses, [p.detach().numpy().copy() for p in params], f

    ours, our_params, f = train(torch, True)
    theirs, their_params, _ = train(real, False)
    assert f._last.generated is not None
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    for a, b in zip(our_params, their_params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_an_lstm_step_with_clipping_compiles_and_trains_bit_for_bit_as_eager():
    # the LSTM's two biases get the same gradient array from the engine, stored once as it is
    # and once as a copy: clipping changes both `.grad`s in place, so the code makes the copy too
    def run(compile):
        torch.manual_seed(0)
        emb, lstm, head = nn.Embedding(20, 8), nn.LSTM(8, 16, num_layers=2), nn.Linear(16, 20)
        params = [*emb.parameters(), *lstm.parameters(), *head.parameters()]
        tokens = torch.randint(0, 20, (7, 3))
        targets = torch.randint(0, 20, (21,))
        opt = torch.optim.SGD(params, lr=1.0)

        def step():
            opt.zero_grad()
            out, _ = lstm(emb(tokens))
            loss = F.cross_entropy(head(out).reshape(-1, 20), targets)
            loss.backward()
            nn.utils.clip_grad_norm_(params, 0.25)
            opt.step()
            return loss

        f = torch.compile(step) if compile else step
        return [f().item() for _ in range(4)], snapshot(params), f

    (eager_losses, eager_params, _), (losses, params, f) = run(False), run(True)
    assert losses == eager_losses
    assert_same(params, eager_params)
    assert f._last.generated is not None and "clone(" in f.code


def test_one_gradient_stored_in_two_leaves_and_changed_in_one():
    a = torch.ones(3, requires_grad=True)
    b = torch.ones(3, requires_grad=True)

    @torch.compile
    def step(x):
        a.grad = b.grad = None
        (a + b).mul(x).sum().backward()
        with torch.no_grad():
            a.grad.mul_(10.0)  # b's gradient must not change with it
        return a.grad, b.grad

    for scale in (1.0, 2.0, 3.0):
        ga, gb = step(torch.full((3,), scale))
        assert ga.tolist() == [10.0 * scale] * 3 and gb.tolist() == [scale] * 3
    assert step._last.generated is not None


@pytest.mark.parametrize("options", [{"weight_decay": 0.01}, {"maximize": True}, {"lr": 1.0}])
def test_sgd_without_momentum_is_recorded_into_the_code_bit_for_bit(options):
    make = lambda ps: torch.optim.SGD(ps, **{"lr": 0.1, **options})  # noqa: E731
    eager_losses, eager_params, _, _ = _train(make, False)
    losses, params, _, f = _train(make, True)
    assert [v.item() for v in losses] == [v.item() for v in eager_losses]
    assert_same(params, eager_params)
    assert f._last.generated is not None and "step" not in [k for k, _, _ in f._last.effects]


def test_sgd_with_a_step_hook_is_deferred_so_the_hook_runs():
    calls = []

    def make(ps):
        opt = torch.optim.SGD(ps, lr=0.1)
        opt.register_step_post_hook(lambda o, a, k: calls.append(1))
        return opt

    _, eager_params, _, _ = _train(make, False)
    _, params, _, f = _train(make, True)
    assert_same(params, eager_params)
    assert len(calls) == 10 and [k for k, _, _ in f._last.effects][-1] == "step"


def test_two_optimizers_one_recorded_one_deferred():
    def run(compile):
        torch.manual_seed(0)
        gen, disc = nn.Linear(4, 4), nn.Linear(4, 1)
        g_opt = torch.optim.SGD(gen.parameters(), lr=0.05)
        d_opt = torch.optim.Adam(disc.parameters(), lr=0.01)
        z, real = torch.randn(8, 4), torch.randn(8, 4)

        def step():
            g_opt.zero_grad()
            d_opt.zero_grad()
            g_loss = -disc(gen(z)).mean()
            g_loss.backward()
            g_opt.step()  # recorded
            d_opt.zero_grad()  # (the generator's backward filled the discriminator's .grad)
            d_loss = disc(gen(z).detach()).mean() - disc(real).mean()
            d_loss.backward()
            d_opt.step()  # deferred: after the code
            return g_loss, d_loss

        f = torch.compile(step) if compile else step
        losses = [tuple(v.item() for v in f()) for _ in range(4)]
        return losses, snapshot([*gen.parameters(), *disc.parameters()]), f

    (eager_losses, eager_params, _), (losses, params, f) = run(False), run(True)
    assert losses == eager_losses
    assert_same(params, eager_params)
    assert f._last.generated is not None
    assert [k for k, _, _ in f._last.effects].count("step") == 1


def test_an_op_reading_parameters_after_a_recorded_sgd_step_is_in_the_code():
    def after(loss, model):
        return loss, model[0].weight.sum()  # the updated weight

    eager, eager_params, _, _ = _train(OPTIMIZERS["SGD"], False, after=after)
    got, params, _, f = _train(OPTIMIZERS["SGD"], True, after=after)
    assert [(a.item(), b.item()) for a, b in got] == [(a.item(), b.item()) for a, b in eager]
    assert_same(params, eager_params)
    assert f._last.generated is not None



def _hooked_later(m, kind, compile):
    """Five SGD steps; a global step hook (doubling the gradients) registered for the 3rd and 4th."""
    optimizer = importlib.import_module(m.__name__ + ".optim.optimizer")
    register = getattr(optimizer, f"register_optimizer_step_{kind}_hook")
    rng = np.random.default_rng(3)
    w = m.tensor(rng.standard_normal((6, 3)).astype(np.float32), requires_grad=True)
    b = m.tensor(np.zeros(3, np.float32), requires_grad=True)
    x, y = m.tensor(rng.standard_normal((5, 6)).astype(np.float32)), m.tensor([0, 1, 2, 1, 0])
    opt = m.optim.SGD([w, b], lr=0.1)
    calls = []

    def hook(o, args, kwargs):
        calls.append(kind)
        with m.no_grad():
            for p in o.param_groups[0]["params"]:
                p.grad.mul_(2)  # (after the update, a post hook changes only the .grad left)

    def step(x, y):
        opt.zero_grad()
        loss = m.nn.functional.cross_entropy(x @ w + b, y)
        loss.backward()
        opt.step()
        return loss

    f = m.compile(step) if compile else step
    losses = [f(x, y).item() for _ in range(2)]
    handle = register(hook)
    try:
        losses += [f(x, y).item() for _ in range(2)]
    finally:
        handle.remove()
    losses.append(f(x, y).item())
    return losses, calls, [w, b]


@pytest.mark.parametrize("kind", ["pre", "post"])
def test_a_global_step_hook_registered_between_calls_runs_at_the_next_call(kind):
    # the code with SGD's update recorded in it has no hook in it: a global step hook registered
    # after the first call must make the next calls run it, as eager calls do
    eager_losses, eager_calls, eager_params = _hooked_later(torch, kind, False)
    losses, calls, params = _hooked_later(torch, kind, True)
    assert calls == eager_calls == [kind, kind]
    assert losses == eager_losses
    assert_same(snapshot(params), snapshot(eager_params))


@pytest.mark.parametrize("kind", ["pre", "post"])
def test_a_global_step_hook_registered_between_compiled_calls_vs_torch(kind):
    real = pytest.importorskip("torch")
    ours, our_calls, our_params = _hooked_later(torch, kind, True)
    theirs, their_calls, their_params = _hooked_later(real, kind, False)
    assert our_calls == their_calls
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    for a, b in zip(our_params, their_params):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-7)



@pytest.mark.parametrize("make", [OPTIMIZERS["SGD"], OPTIMIZERS["SGD momentum nesterov"]], ids=["recorded", "deferred"])
def test_a_transposed_parameter_steps_bit_for_bit_as_eager(make):
    # eager SGD rounded a non-contiguous parameter's update twice, the recorded update (add_ with
    # alpha) once, as PyTorch does: the compiled calls drifted from eager in the last bits
    def run(compile):
        rng = np.random.default_rng(2)
        w = nn.Parameter(torch.tensor(rng.standard_normal((4, 6)).astype(np.float32)).t())
        b = nn.Parameter(torch.zeros(4))
        x, y = torch.tensor(rng.standard_normal((9, 6)).astype(np.float32)), torch.tensor([0, 1, 2, 3, 0, 1, 2, 3, 0])
        opt = make([w, b])

        def step(x, y):
            opt.zero_grad()
            loss = F.cross_entropy(x @ w + b, y)
            loss.backward()
            opt.step()
            return loss

        f = torch.compile(step) if compile else step
        return [f(x, y).item() for _ in range(6)], snapshot([w, b]), f

    eager_losses, eager_params, _ = run(False)
    losses, params, f = run(True)
    assert f._last.generated is not None
    assert losses == eager_losses
    assert_same(params, eager_params)


# --- gradient accumulation -------------------------------------------------------------------


def _accumulation(compile, inside):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(6, 12), nn.Tanh(), nn.Linear(12, 3))
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    xs, ys = torch.randn(4, 5, 6), torch.randint(0, 3, (4, 5))

    def micro(x, y):  # called per micro-batch: the second call on adds into the .grad there
        loss = F.cross_entropy(model(x), y) / 4
        loss.backward()
        return loss

    def whole(xs, ys):  # four backward() calls in one function: the last three add
        opt.zero_grad()
        total = 0.0
        for i in range(4):
            loss = F.cross_entropy(model(xs[i]), ys[i]) / 4
            loss.backward()
            total = total + loss
        opt.step()
        return total

    f = whole if inside else micro
    f = torch.compile(f) if compile else f
    losses = []
    for _ in range(3):
        if inside:
            losses.append(f(xs, ys).item())
        else:
            opt.zero_grad()
            losses += [f(xs[i], ys[i]).item() for i in range(4)]
            opt.step()
    return losses, snapshot(list(model.parameters())), f


@pytest.mark.parametrize("inside", [False, True], ids=["across_calls", "inside_one_call"])
def test_gradient_accumulation_compiles_and_matches_eager_bit_for_bit(inside):
    eager_losses, eager_params, _ = _accumulation(False, inside)
    losses, params, f = _accumulation(True, inside)
    assert losses == eager_losses
    assert_same(params, eager_params)  # values, .grad values and versions (3: the sums in place)
    entries = [e for es in f._cache.values() for e in es]
    assert all(e.generated is not None for e in entries)
    kinds = {k for e in entries for k, _, _ in e.effects}
    assert "accum" in kinds


def test_an_accumulated_grad_read_by_an_op_runs_eagerly():
    w = torch.ones(3, requires_grad=True)

    @torch.compile
    def step(x):
        w.grad = None
        (w * x).sum().backward()
        (w * x * 2).sum().backward()  # adds into the .grad the first stored
        return w.grad * 1.0  # reads the sum, which the code does not compute

    for s in (1.0, 2.0):
        assert step(torch.full((3,), s)).tolist() == [3 * s] * 3
    assert any("added to" in r for r in step._last.reasons)


def test_accumulation_records_again_for_no_grad_or_a_grad_with_a_graph():
    w = torch.ones(3, requires_grad=True)
    f = torch.compile(lambda x: (w * x).sum().backward())
    x = torch.tensor([1.0, 2.0, 3.0])
    f(x)
    f(x)  # adds into the .grad there, in place
    grad = w.grad
    f(x)
    assert w.grad is grad and grad.tolist() == [3.0, 6.0, 9.0] and grad._version == 2
    w.grad = None
    f(x)
    assert w.grad.tolist() == [1.0, 2.0, 3.0]
    v = torch.ones(3, requires_grad=True)
    old = w.grad = v * 1.0  # a .grad with a graph: eager adds into it in place (PyTorch too), so must this
    f(x)
    assert w.grad is old and old.tolist() == [2.0, 3.0, 4.0] and old.grad_fn is not None
    assert any("one with a graph" in r for r in f._last.reasons)


def test_gradient_accumulation_across_compiled_calls_matches_pytorch_vs_torch():
    real = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    arrays = [rng.standard_normal(s).astype(np.float32) * 0.3 for s in [(6, 16), (16,), (16, 4), (4,)]]
    xs, ys = rng.standard_normal((3, 8, 6)).astype(np.float32), rng.integers(0, 4, (3, 8))

    def train(m, compile):
        params = [m.tensor(a, requires_grad=True) for a in arrays]
        opt = m.optim.Adam(params, lr=0.01)

        def micro(x, y):
            loss = m.nn.functional.cross_entropy(m.tanh(x @ params[0] + params[1]) @ params[2] + params[3], y)
            (loss / 3).backward()
            return loss

        f = m.compile(micro) if compile else micro
        losses = []
        for _ in range(3):
            opt.zero_grad()
            losses += [f(m.tensor(xs[i]), m.tensor(ys[i])).item() for i in range(3)]
            opt.step()
        return losses, [p.detach().numpy().copy() for p in params]

    ours, our_params = train(torch, True)
    theirs, their_params = train(real, False)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    for a, b in zip(our_params, their_params):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_loading_the_optimizer_state_between_calls_keeps_the_step_compiled():
    def run(compile):
        model, x, y = _model()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        f = torch.compile(step) if compile else step
        losses = [f().item() for _ in range(2)]
        saved = opt.state_dict()
        losses += [f().item() for _ in range(2)]
        opt.load_state_dict(saved)  # back two steps of Adam's state (not the parameters)
        losses += [f().item() for _ in range(3)]
        return losses, snapshot(list(model.parameters())), _state(opt), f

    (eager_losses, eager_params, eager_state, _), (losses, params, state, f) = run(False), run(True)
    assert losses == eager_losses
    assert_same(params, eager_params)
    _assert_same_state(state, eager_state)
    assert f._last.generated is not None
