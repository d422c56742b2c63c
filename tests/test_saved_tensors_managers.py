"""autograd.graph.disable_saved_tensors_hooks and allow_mutation_on_saved_tensors, vs PyTorch."""

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import graph


def _identity_hooks(g):
    return g.saved_tensors_hooks(lambda x: x, lambda x: x)


def test_disable_saved_tensors_hooks_raises_the_message():
    with graph.disable_saved_tensors_hooks("no hooks here"):
        with pytest.raises(RuntimeError, match="^no hooks here$"):
            with _identity_hooks(graph):
                pass
        with pytest.raises(RuntimeError, match="no hooks here"):
            graph.save_on_cpu().__enter__()
        with graph.disable_saved_tensors_hooks("inner"):
            pass
        with pytest.raises(RuntimeError, match="no hooks here"):  # the outer message is back
            _identity_hooks(graph).__enter__()
    with _identity_hooks(graph):  # allowed again
        with pytest.raises(RuntimeError, match="already"):
            with graph.disable_saved_tensors_hooks("already"):
                pass


def test_disable_saved_tensors_hooks_as_decorator():
    @graph.disable_saved_tensors_hooks("deco")
    def f():
        with _identity_hooks(graph):
            pass

    with pytest.raises(RuntimeError, match="deco"):
        f()
    with _identity_hooks(graph):
        pass


def _mutation_run(torch, g):
    a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with g.allow_mutation_on_saved_tensors():
        b = a.clone()
        out = (b**2).sum() + (b * a).exp().sum()
        b.sin_()
        b.mul_(2)
        (ga,) = torch.autograd.grad(out, a, create_graph=True)
        (gga,) = torch.autograd.grad(ga.sum(), a)
    return ga.detach().numpy(), gga.numpy()


def test_allow_mutation_on_saved_tensors_vs_torch():
    torch = pytest.importorskip("torch")
    ours = _mutation_run(rg, graph)
    theirs = _mutation_run(torch, torch.autograd.graph)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(o, t, rtol=1e-5)


def test_allow_mutation_on_saved_tensors_errors():
    a = rg.tensor([1.0, 2.0], requires_grad=True)
    with graph.allow_mutation_on_saved_tensors() as ctx:
        b = a.clone()
        out = (b * b).sum()
        b.add_(1)
        with pytest.raises(RuntimeError, match="cannot be nested"):
            with graph.allow_mutation_on_saved_tensors():
                pass
    assert ctx.saved > 0
    with pytest.raises(AssertionError, match="outside of the 'allow_mutation_on_saved_tensors' context"):
        out.backward()
    b = a.clone()
    out = (b * b).sum()
    b.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):  # outside: the usual error
        out.backward()
    with graph.disable_saved_tensors_hooks("off"):
        with pytest.raises(RuntimeError, match="off"):
            with graph.allow_mutation_on_saved_tensors():
                pass
