"""retrograd.compile of functions that draw random numbers: dropout, `randn_like` noise, `rand`.

A draw made from numbers alone is a step of the generated code, drawn again at each call from the
same generator, at the same point of the function: a compiled call gives the numbers an eager
call gives, and leaves the generator where eager code leaves it (compiler/_draws.py). Other draws
(in place into a tensor, or depending on tensor values) keep the function eager, as before.
"""

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn.functional as F
from retrograd import nn

from .compile_steps import assert_same, snapshot


def _generated(compiled):
    return not compiled.code.startswith("# runs eagerly")


def _dropout_model(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 16), nn.GELU(),
                         nn.Dropout(0.5), nn.Linear(16, 3))


def _train(compile, steps=5):
    model = _dropout_model()
    opt = torch.optim.AdamW(model.parameters(), lr=0.01)
    forward = torch.compile(model) if compile else model
    x, y = torch.randn(8, 6), torch.randint(0, 3, (8,))
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(forward(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, snapshot(list(model.parameters())), torch.rand(3), forward


def test_a_model_with_dropout_compiles_and_trains_bit_for_bit_as_eager():
    eager_losses, eager_params, eager_next, _ = _train(False)
    losses, params, next_draw, compiled = _train(True)
    assert _generated(compiled), compiled.code
    assert "bernoulli(xp, " in compiled.code
    assert losses == eager_losses
    assert_same(eager_params, params)
    assert torch.equal(next_draw, eager_next)  # the generator moved as in eager code, the check included


def test_a_whole_step_with_dropout_compiles_as_eager():
    def run(compile):
        model = _dropout_model(1)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        x, y = torch.randn(4, 6), torch.randint(0, 3, (4,))

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        step = torch.compile(step) if compile else step
        return [step() for _ in range(4)], snapshot(list(model.parameters())), step

    (eager, eager_params, _), (compiled, params, step) = run(False), run(True)
    assert _generated(step), step.code
    assert compiled == eager
    assert_same(eager_params, params)


def test_reparametrised_noise_is_drawn_anew_each_call():
    def sample(mu, log_var):
        std = torch.exp(0.5 * log_var)
        return mu + std * torch.randn_like(std)

    mu = torch.zeros(2, 3, requires_grad=True)
    log_var = torch.full((2, 3), -1.0, requires_grad=True)
    compiled = torch.compile(sample)
    torch.manual_seed(5)
    got = [compiled(mu, log_var) for _ in range(3)]
    got[-1].sum().backward()
    grads = (mu.grad.clone(), log_var.grad.clone())
    mu.grad = log_var.grad = None
    torch.manual_seed(5)
    expected = [sample(mu, log_var) for _ in range(3)]
    expected[-1].sum().backward()
    assert _generated(compiled) and "randn(xp, " in compiled.code
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert not torch.equal(got[0], got[1])
    np.testing.assert_array_equal(grads[1].numpy(), log_var.grad.numpy())
    np.testing.assert_array_equal(grads[0].numpy(), mu.grad.numpy())


@pytest.mark.parametrize(
    "draw",
    [lambda: torch.rand(2, 3), lambda: torch.randn(2, 3), lambda: torch.randint(0, 5, (2, 3)).float(),
     lambda: torch.randperm(6).float().reshape(2, 3), lambda: torch.normal(1.0, 2.0, (2, 3))],
    ids=["rand", "randn", "randint", "randperm", "normal"],
)
def test_each_kind_of_draw_gives_eagers_numbers(draw):
    def f(x):
        return x * draw()

    compiled = torch.compile(f)
    x = torch.ones(2, 3)
    torch.manual_seed(3)
    got = [compiled(x) for _ in range(3)] + [torch.rand(1)]
    torch.manual_seed(3)
    expected = [f(x) for _ in range(3)] + [torch.rand(1)]
    assert _generated(compiled), compiled.code
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_an_unused_draw_still_moves_the_generator():
    def f(x):
        torch.rand(4)  # (a draw whose values nothing reads)
        return x * 2

    compiled = torch.compile(f)
    torch.manual_seed(0)
    compiled(torch.ones(2))
    compiled(torch.ones(2))
    after = torch.rand(2)
    torch.manual_seed(0)
    f(torch.ones(2))
    f(torch.ones(2))
    assert torch.equal(after, torch.rand(2))
    assert _generated(compiled) and "rand(xp, " in compiled.code


def test_a_generator_of_its_own_is_drawn_from_and_the_global_one_left_alone():
    gen = torch.Generator().manual_seed(7)
    compiled = torch.compile(lambda x: x + torch.rand(3, generator=gen))
    torch.manual_seed(0)
    got = [compiled(torch.zeros(3)) for _ in range(3)]
    global_after = torch.rand(1)
    gen.manual_seed(7)
    expected = [torch.rand(3, generator=gen) for _ in range(3)]
    for a, b in zip(got, expected):
        assert torch.equal(a, b)
    torch.manual_seed(0)
    assert torch.equal(global_after, torch.rand(1))


@pytest.mark.parametrize(
    "body",
    [lambda x: x + torch.empty(3).uniform_(),                 # in place into a tensor
     lambda x: x * torch.bernoulli(torch.sigmoid(x)),          # probabilities from the function's values
     lambda x: (x + torch.rand(3)) * torch.empty(3).normal_()],  # one recorded draw, one not
    ids=["in_place", "tensor_probabilities", "mixed"],
)
def test_draws_the_code_cannot_make_keep_the_function_eager(body):
    compiled = torch.compile(body)
    x = torch.linspace(-1, 1, 3)
    torch.manual_seed(1)
    got = [compiled(x) for _ in range(3)]
    torch.manual_seed(1)
    expected = [body(x) for _ in range(3)]
    assert compiled.code.startswith("# runs eagerly") and "random" in compiled.code
    for a, b in zip(got, expected):
        assert torch.equal(a, b)


def test_eval_mode_has_no_draws_and_train_mode_records_again():
    model = _dropout_model()
    compiled = torch.compile(model)
    x = torch.randn(3, 6)
    model.eval()
    a, b = compiled(x), compiled(x)
    assert torch.equal(a, b) and "bernoulli" not in compiled.code
    model.train()
    torch.manual_seed(2)
    c = compiled(x)
    torch.manual_seed(2)
    assert torch.equal(c, model(x)) and "bernoulli" in compiled.code


def test_fullgraph_records_dropout():
    model = _dropout_model()
    compiled = torch.compile(model, fullgraph=True)
    x = torch.randn(3, 6)
    torch.manual_seed(4)
    got = compiled(x)
    torch.manual_seed(4)
    assert torch.equal(got, model(x))


def test_compiled_dropout_model_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w1, b1 = rng.standard_normal((16, 6)).astype(np.float32), rng.standard_normal(16).astype(np.float32)
    w2, b2 = rng.standard_normal((3, 16)).astype(np.float32), rng.standard_normal(3).astype(np.float32)
    x_np = rng.standard_normal((8, 6)).astype(np.float32)

    def outputs(lib, compile):
        model = lib.nn.Sequential(lib.nn.Linear(6, 16), lib.nn.ReLU(), lib.nn.Dropout(0.4), lib.nn.Linear(16, 3))
        with lib.no_grad():
            for p, a in zip(model.parameters(), (w1, b1, w2, b2)):
                p.copy_(lib.tensor(a))
        forward = compile(model)
        lib.manual_seed(11)
        x = lib.tensor(x_np)
        return [forward(x).detach().numpy().copy() for _ in range(3)]

    ours = outputs(torch, torch.compile)
    theirs = outputs(torch_, lambda m: torch_.compile(m, backend="aot_eager"))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
        np.testing.assert_array_equal(a == 0, b == 0)  # the same units dropped


def _cnn(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Dropout2d(0.3), nn.Flatten(), nn.Linear(4 * 3 * 3, 3))


def test_a_cnn_with_dropout2d_compiles_and_trains_bit_for_bit_as_eager():
    # Dropout2d draws one (N, C, 1, 1) mask: a recorded draw, as dropout's own
    def run(compile):
        model = _cnn()
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        x, y = torch.randn(5, 1, 6, 6), torch.randint(0, 3, (5,))

        def step():
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()

        step = torch.compile(step) if compile else step
        torch.manual_seed(3)
        return [step() for _ in range(4)], snapshot(list(model.parameters())), torch.rand(2), step

    eager, eager_params, eager_next, _ = run(False)
    losses, params, next_draw, step = run(True)
    assert _generated(step), step.code
    assert "bernoulli(xp, " in step.code
    assert losses == eager
    assert_same(eager_params, params)
    assert torch.equal(next_draw, eager_next)


@pytest.mark.parametrize(
    "dropout",
    [lambda x: F.dropout1d(x.flatten(2), 0.5), lambda x: F.dropout2d(x, 0.5),
     lambda x: F.dropout3d(x.unsqueeze(2), 0.5), lambda x: F.feature_alpha_dropout(x, 0.5, training=True)],
    ids=["dropout1d", "dropout2d", "dropout3d", "feature_alpha"],
)
def test_feature_dropouts_are_drawn_anew_each_call(dropout):
    compiled = torch.compile(lambda x: dropout(x * 2.0))
    x = torch.linspace(1, 2, 48).reshape(3, 4, 2, 2)
    torch.manual_seed(5)
    got = [compiled(x) for _ in range(3)]
    torch.manual_seed(5)
    expected = [dropout(x * 2.0) for _ in range(3)]
    assert _generated(compiled), compiled.code
    for a, b in zip(got, expected):
        assert torch.equal(a, b)
    assert not torch.equal(got[1], got[2])  # a new mask each call


def test_compiled_dropout2d_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    x_np = np.random.default_rng(1).standard_normal((6, 5, 3, 3)).astype(np.float32)

    def outputs(lib, compile):
        forward = compile(lib.nn.Sequential(lib.nn.Dropout2d(0.4), lib.nn.ReLU()))
        lib.manual_seed(12)
        return [forward(lib.tensor(x_np)).numpy().copy() for _ in range(3)]

    ours = outputs(torch, torch.compile)
    theirs = outputs(torch_, lambda m: torch_.compile(m, backend="aot_eager"))
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


# --- attention with a padding mask and dropout: the rows every key masks are recorded too -----

_KEEP = [  # (batch, keys) padding masks: the later ones block every key of some rows
    [[True, True, True, True], [True, True, True, False]],
    [[True, True, False, False], [False, False, False, False]],
    [[False, False, False, False], [True, False, True, True]],
]


_SHAPES = [(2, 2, 3, 4), (2, 2, 4, 4), (2, 2, 4, 4)]  # query (B, H, L, E), key, value (B, H, S, E)


def _attention(lib, q, k, v, keep):
    mask = keep[:, None, None, :]  # (B, 1, 1, S): a Hugging Face style padding mask
    return lib.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=0.25)


def test_attention_with_padding_and_dropout_compiles_as_eager():
    rng = np.random.default_rng(2)
    q, k, v = (torch.tensor(rng.standard_normal(shape).astype(np.float32), requires_grad=True) for shape in _SHAPES)
    compiled = torch.compile(lambda q, k, v, keep: _attention(torch, q, k, v, keep))
    for keep in _KEEP:
        keep = torch.tensor(keep)
        torch.manual_seed(4)
        expected = _attention(torch, q, k, v, keep)
        (expected_grad,) = torch.autograd.grad(expected.sum(), q)
        torch.manual_seed(4)
        out = compiled(q, k, v, keep)
        (grad,) = torch.autograd.grad(out.sum(), q)
        np.testing.assert_array_equal(out.detach().numpy(), expected.detach().numpy())
        np.testing.assert_array_equal(grad.numpy(), expected_grad.numpy())
        assert not out.isnan().any()
    assert _generated(compiled), compiled.code
    assert "all(xp" in compiled.code  # the blocked rows, found at every call


def test_attention_with_padding_and_dropout_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(2)
    arrays = [rng.standard_normal(shape).astype(np.float32) for shape in _SHAPES]

    def outputs(lib, compile):
        q, k, v = (lib.tensor(a, requires_grad=True) for a in arrays)
        f = compile(lambda q, k, v, keep: _attention(lib, q, k, v, keep))
        found = []
        for keep in _KEEP:
            lib.manual_seed(4)
            out = f(q, k, v, lib.tensor(keep))
            (grad,) = lib.autograd.grad(out.sum(), q)
            found.append((out.detach().numpy().copy(), grad.numpy().copy()))
        return found

    ours = outputs(torch, torch.compile)
    theirs = outputs(torch_, lambda f: torch_.compile(f, backend="aot_eager"))
    for (o, og), (t, tg) in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(og, tg, rtol=1e-5, atol=1e-6)
