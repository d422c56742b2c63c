"""retrograd.compile of functions that return `.item()`s of their results (`return loss.item()`).

A float `.item()` read after all of the function's tensor work and returned as it is compiles:
the generated code returns the array and the call reads its value. Anything Python could have
decided on it runs eagerly: more tensor work after it, a value not returned (appended to a list,
used in an op), a comparison or truth test of it (`min(v, cap)`, `v != v`).
"""

import collections
import pickle

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn.functional as F
from retrograd import nn

from .compile_steps import assert_same, snapshot
from .torch_machine import assert_pytorch_bits


def _setup(seed=0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    x = torch.randn(6, 4)
    y = torch.randint(0, 3, (6,))
    return model, x, y


def _train_step(model, opt):
    def step(x, y):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def _generated(compiled):
    return not compiled.code.startswith("# runs eagerly")


@pytest.mark.parametrize("make_opt", [lambda p: torch.optim.SGD(p, lr=0.1),
                                      lambda p: torch.optim.AdamW(p, lr=0.01)], ids=["sgd", "adamw"])
def test_a_step_returning_loss_item_compiles_and_trains_bit_for_bit_as_eager(make_opt):
    runs = []
    for compile in (False, True):
        model, x, y = _setup()
        opt = make_opt(model.parameters())
        step = _train_step(model, opt)
        if compile:
            step = torch.compile(step)
        losses = [step(x, y) for _ in range(4)]
        runs.append((losses, snapshot(list(model.parameters()))))
        if compile:
            assert _generated(step), step.code
    (eager_losses, eager_params), (losses, params) = runs
    assert losses == eager_losses
    assert all(type(v) is float for v in losses)
    assert_same(eager_params, params)


def test_returned_items_keep_the_result_structure_and_are_plain_floats():
    model, x, y = _setup()
    Stats = collections.namedtuple("Stats", "loss mean")

    def f(x, y):
        out = model(x)
        loss = F.cross_entropy(out, y)
        mean = out.mean()
        return out, Stats(loss.item(), mean.item()), {"loss": loss.item()}, [mean.item()]

    compiled = torch.compile(f)
    for _ in range(3):
        out, stats, logged, listed = compiled(x, y)
        expected = f(x, y)
        assert type(stats) is Stats and type(stats.loss) is float and type(logged["loss"]) is float
        assert stats == expected[1] and logged == expected[2] and listed == expected[3]
        assert type(listed[0]) is float
        np.testing.assert_array_equal(out.detach().numpy(), expected[0].detach().numpy())
    assert _generated(compiled)
    out.sum().backward()  # the tensor output still has its gradient
    assert model[0].weight.grad is not None


def test_an_item_only_output_gets_no_backward():
    model, x, y = _setup()
    compiled = torch.compile(lambda x, y: F.cross_entropy(model(x), y).item())
    assert compiled(x, y) == F.cross_entropy(model(x), y).item()
    assert "def backward" not in compiled.code  # nothing returned needs a gradient


def test_the_first_call_returns_plain_floats_too():
    model, x, y = _setup()
    calls = []

    def f(x):
        v = model(x).sum().item()
        calls.append(type(v))
        return v

    result = torch.compile(f)(x)
    assert type(result) is float
    assert pickle.loads(pickle.dumps(result)) == result


@pytest.mark.parametrize(
    "body",
    [
        lambda x: x * (x * 2).sum().item(),              # an op with the value
        lambda x: ((x * 2).sum().item(), (x * 3).sum()),  # more tensor work after the read
        lambda x: min((x * 2).sum().item(), 1e9),       # a comparison picks the result
        lambda x: (x * 2).sum().item() != 0.0,          # a test of the value
        lambda x: [x.sum().item()][0] if (x * 2).sum().item() else 0.0,  # its truth
    ],
    ids=["op", "after", "min", "compare", "truth"],
)
def test_python_that_may_depend_on_an_item_runs_eagerly(body):
    x = torch.randn(5)
    compiled = torch.compile(body)
    first = compiled(x)
    assert compiled.code.startswith("# runs eagerly"), compiled.code
    assert "item" in compiled.code or "compares" in compiled.code
    y = -x  # eager semantics on other values
    expected, got = body(y), compiled(y)
    if isinstance(expected, torch.Tensor):
        np.testing.assert_array_equal(got.numpy(), expected.numpy())
    elif isinstance(expected, tuple):
        assert got[0] == expected[0]
    else:
        assert got == expected
    assert first is not None


def test_a_value_kept_but_not_returned_runs_eagerly():
    history = []

    def f(x):
        loss = (x * 2).sum()
        history.append(loss.item())
        return loss

    compiled = torch.compile(f)
    for _ in range(3):
        compiled(torch.ones(3))
    assert history == [6.0] * 3  # each call ran the function
    assert compiled.code.startswith("# runs eagerly")


def test_fullgraph_compiles_a_returned_item_and_explains_a_break_at_the_read():
    compiled = torch.compile(lambda x: (x * 2).sum().item(), fullgraph=True)
    assert compiled(torch.ones(3)) == 6.0 and _generated(compiled)
    out = torch.compiler.explain(lambda x: x * x.sum().item())(torch.ones(2))
    assert out.graph_count == 2 and out.graph_break_count == 1
    assert "item" in out.break_reasons[0].reason
    assert out.ops_per_graph == [["sum"], ["mul"]]


def test_an_integer_item_returned_compiles_and_one_used_as_a_size_runs_eagerly():
    count = torch.compile(lambda x: (x > 0).sum().item())
    assert count(torch.tensor([1.0, -1.0, 2.0])) == 2
    assert count(torch.tensor([1.0, 3.0, 2.0])) == 3 and type(count(torch.ones(3))) is int
    assert _generated(count), count.code
    sized = torch.compile(lambda x: list(range((x > 0).sum().item())))
    assert sized(torch.tensor([1.0, 2.0])) == [0, 1] and sized(torch.tensor([1.0, -2.0])) == [0]
    assert sized.code.startswith("# runs eagerly")  # (the value is not what the function returns)


def test_a_bool_item_runs_eagerly():
    compiled = torch.compile(lambda x: (x > 0).all().item())
    assert compiled(torch.tensor([1.0, 2.0])) is True and compiled(torch.tensor([1.0, -2.0])) is False
    assert compiled.code.startswith("# runs eagerly")


def test_an_eval_step_returns_its_count_of_correct_predictions():
    model, x, y = _setup()

    def evaluate(x, y):
        with torch.no_grad():
            logits = model(x)
            correct = (logits.argmax(1) == y).sum()
            loss = F.cross_entropy(logits, y)
        return correct.item(), loss.item()

    compiled = torch.compile(evaluate)
    for xb, yb in ((x, y), (x * 2, y), (-x, y)):
        assert compiled(xb, yb) == evaluate(xb, yb)
    assert _generated(compiled), compiled.code
    assert [type(v) for v in compiled(x, y)] == [int, float]


def test_compiled_step_returning_loss_item_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    w1, w2 = rng.standard_normal((4, 8)).astype(np.float32), rng.standard_normal((8, 3)).astype(np.float32)
    x_np, y_np = rng.standard_normal((6, 4)).astype(np.float32), rng.integers(0, 3, 6)

    def losses(lib, compile):
        params = [lib.tensor(w1.copy(), requires_grad=True), lib.tensor(w2.copy(), requires_grad=True)]
        opt = lib.optim.SGD(params, lr=0.1, momentum=0.9)
        x, y = lib.tensor(x_np), lib.tensor(y_np)

        def step():
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(lib.tanh(x @ params[0]) @ params[1], y)
            loss.backward()
            opt.step()
            return loss.item()

        step = compile(step)
        return [step() for _ in range(4)]

    ours = losses(torch, torch.compile)
    theirs = losses(torch_, lambda f: torch_.compile(f, backend="eager"))
    assert_pytorch_bits(ours, theirs)
