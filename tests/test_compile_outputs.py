"""retrograd.compile of functions whose results are containers other than tuples, lists and dicts.

A pytree node (an OrderedDict, a Hugging Face `ModelOutput`, a class registered with
`torch.utils._pytree.register_pytree_node`) is rebuilt around the code's new tensors at every
call. Any other object that holds a tensor the function made would be returned as it is, with
the first call's tensors in it at every call: such a function runs eagerly.
"""

import collections
import dataclasses

import numpy as np
import pytest

import retrograd as torch
from retrograd import nn
from retrograd.utils import _pytree


@dataclasses.dataclass
class _Output:
    loss: object
    logits: object


_pytree.register_pytree_node(
    _Output,
    lambda o: ([o.loss, o.logits], None),
    lambda values, context: _Output(*values),
)


class _Holder:  # no pytree node: opaque to the compiler
    def __init__(self, logits):
        self.logits = logits


def _model():
    torch.manual_seed(0)
    return nn.Linear(3, 2)


def _inputs():
    rng = np.random.default_rng(0)
    return [torch.from_numpy(rng.standard_normal((4, 3)).astype(np.float32)) for _ in range(3)]


def test_an_ordered_dict_result_holds_each_calls_own_tensors():
    model = _model()
    compiled = torch.compile(lambda x: collections.OrderedDict(logits=model(x), total=model(x).sum()))
    for x in _inputs():
        out = compiled(x)
        assert type(out) is collections.OrderedDict and list(out) == ["logits", "total"]
        assert torch.equal(out["logits"], model(x)) and torch.equal(out["total"], model(x).sum())
    assert compiled.code.startswith("def forward"), compiled.code


def test_a_registered_pytree_node_result_is_rebuilt_at_every_call_with_its_gradients():
    model, eager = _model(), _model()

    def run(m, x):
        logits = m(x)
        return _Output(loss=(logits**2).mean(), logits=logits)

    compiled = torch.compile(lambda x: run(model, x))
    for x in _inputs():
        out, expected = compiled(x), run(eager, x)
        assert type(out) is _Output
        assert torch.equal(out.loss, expected.loss) and torch.equal(out.logits, expected.logits)
        assert type(out.loss.grad_fn).__name__ == "CompiledFunctionBackward"
        out.loss.backward()  # a fresh graph at every call (the first call's was freed)
        expected.loss.backward()
        assert torch.equal(model.weight.grad, eager.weight.grad)
    assert compiled.code.startswith("def forward"), compiled.code


def test_an_object_holding_a_made_tensor_runs_eagerly():
    model = _model()
    compiled = torch.compile(lambda x: _Holder(model(x)))
    for x in _inputs():
        assert torch.equal(compiled(x).logits, model(x))
    assert compiled.code.startswith("# runs eagerly: an output holds tensors in a _Holder"), compiled.code
    with pytest.raises(Exception, match="_Holder"):
        torch.compile(lambda x: _Holder(model(x)), fullgraph=True)(_inputs()[0])


def test_an_object_holding_only_parameters_compiles():
    model = _model()
    holder = _Holder(model.weight)
    compiled = torch.compile(lambda x: (model(x).sum(), holder))
    for x in _inputs():
        total, same = compiled(x)
        assert same is holder and torch.equal(total, model(x).sum())
    assert compiled.code.startswith("def forward"), compiled.code


def test_ordered_dict_results_over_calls_match_pytorch_vs_torch():
    torch_ = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    w, b = rng.standard_normal((2, 3)).astype(np.float32), rng.standard_normal(2).astype(np.float32)
    xs = [rng.standard_normal((4, 3)).astype(np.float32) for _ in range(3)]

    def results(lib, compile):
        weight = lib.tensor(w, requires_grad=True)

        def f(x):
            logits = lib.nn.functional.linear(x, weight, lib.tensor(b))
            return collections.OrderedDict(loss=logits.pow(2).mean(), logits=logits)

        f = compile(f)
        found = []
        for x in xs:
            out = f(lib.tensor(x))
            out["loss"].backward()
            found.append((list(out), out["loss"].item(), out["logits"].tolist(), weight.grad.tolist()))
        return found

    ours = results(torch, torch.compile)
    theirs = results(torch_, lambda f: torch_.compile(f, backend="aot_eager"))
    assert [k for k, *_ in ours] == [k for k, *_ in theirs]
    for (_, l1, g1, w1), (_, l2, g2, w2) in zip(ours, theirs):
        np.testing.assert_allclose(l1, l2, rtol=1e-6)
        np.testing.assert_allclose(g1, g2, rtol=1e-6)
        np.testing.assert_allclose(w1, w2, rtol=1e-6)
