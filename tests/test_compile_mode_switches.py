"""retrograd.compile of functions that call `model.train()` / `model.eval()` themselves.

A train step that starts with `model.train()` and an evaluation that starts with `model.eval()`
change the modules' training flags, state the code reads. The code is recorded for the flags the
call starts with (the guard re-records for others), and each call ends by setting the flags the
function set, as eager code does. A program's own `train` override, or any other change of Python
state, still runs the function eagerly.
"""

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn.functional as F
from retrograd import nn

from .compile_steps import assert_same, snapshot


def _generated(compiled):
    return not compiled.code.startswith("# runs eagerly")


def _model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 12), nn.BatchNorm1d(12), nn.ReLU(), nn.Dropout(0.3), nn.Linear(12, 3))


def _loop(compile, epochs=3):
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    x, y = torch.randn(10, 5), torch.randint(0, 3, (10,))

    def train_step(xb, yb):
        model.train()
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.detach()

    def evaluate(xb, yb):
        model.eval()
        with torch.no_grad():
            logits = model(xb)
            return F.cross_entropy(logits, yb), (logits.argmax(1) == yb).sum()

    if compile:
        train_step, evaluate = torch.compile(train_step), torch.compile(evaluate)
    torch.manual_seed(1)
    seen = []
    for _ in range(epochs):
        for i in (0, 6):  # a last smaller batch
            seen += [train_step(x[i : i + 6], y[i : i + 6]).item(), model.training, model[3].training]
        loss, right = evaluate(x, y)
        seen += [loss.item(), right.item(), model.training, model[1].training]
    return seen, snapshot(list(model.parameters()) + list(model.buffers())), torch.rand(2), (train_step, evaluate)


def test_train_and_eval_switches_inside_compile_and_match_eager():
    eager, eager_state, eager_next, _ = _loop(False)
    seen, state, next_draw, (train_step, evaluate) = _loop(True)
    assert _generated(train_step), train_step.code
    assert _generated(evaluate), evaluate.code
    assert seen == eager  # losses, accuracies and the flags after each call
    assert_same(eager_state, state)
    assert torch.equal(next_draw, eager_next)


def test_the_code_is_for_the_flags_the_call_starts_with():
    model = _model()
    x = torch.randn(4, 5)

    def f(x):
        out = model(x) * (2.0 if model.training else 3.0)  # reads the flag before switching
        model.eval()
        return out

    compiled = torch.compile(f)
    model.eval()
    a = compiled(x)
    model.train()
    torch.manual_seed(2)
    b = compiled(x)
    assert not model.training
    model.train()
    torch.manual_seed(2)
    expected = f(x)
    assert torch.equal(b, expected) and not torch.equal(a, b)
    assert not model.training and not model[3].training


def test_a_train_override_of_the_program_runs_eagerly():
    log = []

    class Logged(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)

        def train(self, mode=True, log=log):  # more than the flags, out of the guards' sight
            log.append(mode)
            return super().train(mode)

        def forward(self, x):
            return self.lin(x)

    model = Logged().eval()

    @torch.compile
    def step(x):
        model.train()
        return model(x).sum()

    for _ in range(3):
        step(torch.ones(2, 3))
        model.eval()
    assert log == [False] + [True, False] * 3  # as eager: each call ran it
    assert step.code.startswith("# runs eagerly") and "changes Python state" in step.code


def test_a_flag_and_another_attribute_changed_run_eagerly():
    model = _model()
    model.eval()

    @torch.compile
    def step(x):
        model.train()
        model.steps = getattr(model, "steps", 0) + 1
        return model(x).sum()

    model.steps = 0
    for _ in range(3):
        step(torch.ones(3, 5))
        model.eval()
    assert model.steps == 3
    assert step.code.startswith("# runs eagerly")


def test_eval_switch_inside_compile_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    x_np = rng.standard_normal((8, 4, 3)).astype(np.float32)
    y_np = rng.integers(0, 2, 8)

    def run(lib, compile):
        lib.manual_seed(0)
        gru, head = lib.nn.GRU(3, 6, batch_first=True), lib.nn.Linear(6, 2)
        model = lib.nn.ModuleDict({"gru": gru, "head": head})
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        x, y = lib.tensor(x_np), lib.tensor(y_np)

        def train_step():
            model.train()
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(head(gru(x)[1][-1]), y)
            loss.backward()
            opt.step()
            return loss.detach()

        def evaluate():
            model.eval()
            with lib.no_grad():
                return (head(gru(x)[1][-1]).argmax(1) == y).float().mean()

        train_step, evaluate = compile(train_step), compile(evaluate)
        return [(train_step().item(), evaluate().item(), model.training) for _ in range(3)]

    ours = run(torch, torch.compile)
    theirs = run(torch_, lambda f: torch_.compile(f, backend="aot_eager"))
    for (a, b, c), (d, e, f) in zip(ours, theirs):
        assert abs(a - d) < 1e-5 and b == e and c == f
