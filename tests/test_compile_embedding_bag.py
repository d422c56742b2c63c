"""retrograd.compile of EmbeddingBag models: bags from offsets are worked out by the generated code.

The bag of each index comes from the offsets' values, so it is a primitive of the code
(`embedding_bag_layout`), with the checks of indices and offsets, and the backward picks each
position's gradient row without Python deciding on those values: a text classifier over
`(text, offsets)` batches compiles, replays new offsets bit for bit as eager, and raises eager's
errors on bad ones.
"""

import re

import numpy as np
import pytest

import retrograd as torch
import retrograd.nn.functional as F
from retrograd import nn

from .compile_steps import assert_same, snapshot


def _generated(compiled):
    return not compiled.code.startswith("# runs eagerly")


def _batch(rng, n_docs=5, vocab=20):
    lengths = rng.integers(1, 6, n_docs)
    text = torch.tensor(rng.integers(0, vocab, int(lengths.sum())))
    offsets = torch.tensor(np.concatenate([[0], np.cumsum(lengths)[:-1]]))
    return text, offsets, torch.tensor(rng.integers(0, 3, n_docs))


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "mean"},
        {"mode": "sum"},
        {"mode": "mean", "padding_idx": 3},
        {"mode": "sum", "include_last_offset": True},
        {"mode": "max"},
    ],
    ids=["mean", "sum", "padding_idx", "include_last_offset", "max"],
)
def test_new_offsets_replay_as_eager(options):
    torch.manual_seed(0)
    bag = nn.EmbeddingBag(20, 4, **options)
    last = options.get("include_last_offset", False)

    def f(text, offsets):
        return (bag(text, offsets) ** 2).sum()

    compiled = torch.compile(f, fullgraph=options["mode"] != "max")
    rng = np.random.default_rng(1)
    for _ in range(3):  # same shapes, other offsets and indices
        text, offsets, _ = _batch(rng)
        text = torch.cat([text[:12], torch.zeros(max(0, 12 - text.numel()), dtype=torch.int64)])
        offsets = offsets.clamp(max=12)
        if last:
            offsets = torch.cat([offsets, torch.tensor([12])])
        got = compiled(text, offsets)
        got.backward()
        grad, bag.weight.grad = bag.weight.grad, None
        expected = f(text, offsets)
        expected.backward()
        assert torch.equal(got, expected) and torch.equal(grad, bag.weight.grad)
        bag.weight.grad = None
    if options["mode"] == "max":  # its backward scatters by values Python reads: eager, found by the check
        assert compiled.code.startswith("# runs eagerly: the backward computes on tensor values")
    else:
        assert _generated(compiled) and "embedding_bag_layout(" in compiled.code


def test_a_text_classifier_trains_bit_for_bit_as_eager():
    def run(compile):
        torch.manual_seed(2)
        bag, fc = nn.EmbeddingBag(20, 8), nn.Linear(8, 3)
        params = list(bag.parameters()) + list(fc.parameters())
        opt = torch.optim.SGD(params, lr=0.5, momentum=0.9)

        def step(text, offsets, y):
            opt.zero_grad()
            loss = F.cross_entropy(fc(bag(text, offsets)), y)
            loss.backward()
            opt.step()
            return loss.item()

        step = torch.compile(step) if compile else step
        rng = np.random.default_rng(3)
        batches = [_batch(rng) for _ in range(2)]
        return [step(*b) for _ in range(3) for b in batches], snapshot(params), step

    (eager, eager_params, _), (losses, params, step) = run(False), run(True)
    assert losses == eager
    assert_same(eager_params, params)
    assert _generated(step), step.code


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ([1, 2], "offsets[0] has to be 0"),
        ([0, 9], "offsets[-1] can not be greater"),
        ([0, 3, 2], "offsets must be non-decreasing"),
    ],
)
def test_bad_offsets_raise_eagers_error_from_the_code(offsets, message):
    bag = nn.EmbeddingBag(10, 2)
    compiled = torch.compile(lambda t, o: bag(t, o))
    text = torch.tensor([1, 2, 3, 4])
    compiled(text, torch.tensor([0, 1, 3][: len(offsets)]))
    assert _generated(compiled)
    with pytest.raises(RuntimeError, match=re.escape(message)):
        compiled(text, torch.tensor(offsets))
    with pytest.raises(RuntimeError, match="not in the valid range"):
        compiled(torch.tensor([1, 2, 3, 10]), torch.tensor([0, 1, 3][: len(offsets)]))


def test_compiled_embedding_bag_step_matches_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(4)
    table = rng.standard_normal((20, 6)).astype(np.float32)
    head = rng.standard_normal((3, 6)).astype(np.float32)
    batches = []
    for _ in range(3):
        text, offsets, y = _batch(rng)
        batches.append((text.numpy(), offsets.numpy(), y.numpy()))

    def losses(lib, compile):
        bag, fc = lib.nn.EmbeddingBag(20, 6, mode="mean"), lib.nn.Linear(6, 3, bias=False)
        with lib.no_grad():
            bag.weight.copy_(lib.tensor(table))
            fc.weight.copy_(lib.tensor(head))
        opt = lib.optim.SGD(list(bag.parameters()) + list(fc.parameters()), lr=0.3)

        def step(text, offsets, y):
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(fc(bag(text, offsets)), y)
            loss.backward()
            opt.step()
            return loss.detach()

        step = compile(step)
        return [step(*(lib.tensor(a) for a in b)).item() for _ in range(2) for b in batches]

    ours = losses(torch, torch.compile)
    theirs = losses(torch_, lambda f: torch_.compile(f, backend="aot_eager"))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5)
