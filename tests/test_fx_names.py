"""The `torch.fx` names that code generators import (e3nn builds its tensor products with
`fx.Graph`/`fx.Proxy`; opt_einsum_fx subclasses `fx.Interpreter` and names `fx.Tracer` and
`torch.fx.node.Node` at import time), and `torch.functional`, whose `einsum` opt_einsum_fx
compares recorded calls with. The names live where those libraries import them, so that such a library
imports; the graph objects themselves work now (tests/test_fx.py covers them)."""

import importlib

import pytest

import retrograd as rg
import retrograd.functional
from retrograd import fx
from retrograd.fx import node, proxy

_GRAPH_OBJECTS = [
    ("Graph", lambda: fx.Graph()),
    ("Node", lambda: fx.Node(fx.Graph(), "x", "placeholder", "x", (), {})),
    ("Tracer", lambda: fx.Tracer()),
    ("Interpreter", lambda: fx.Interpreter(fx.symbolic_trace(rg.nn.Linear(1, 1)))),
    ("Transformer", lambda: fx.Transformer(fx.symbolic_trace(rg.nn.Linear(1, 1)))),
    ("GraphAppendingTracer", lambda: proxy.GraphAppendingTracer(fx.Graph())),
    ("symbolic_trace", lambda: fx.symbolic_trace(rg.nn.Linear(1, 1))),
]


@pytest.mark.parametrize("build", [b for _, b in _GRAPH_OBJECTS], ids=[n for n, _ in _GRAPH_OBJECTS])
def test_graph_objects_build(build):
    assert build() is not None


def test_fx_names_live_where_libraries_import_them():
    assert node.Node is fx.Node and proxy.Proxy is fx.Proxy
    assert issubclass(fx.Transformer, fx.Interpreter)
    assert issubclass(fx.Tracer, proxy.TracerBase) and issubclass(proxy.GraphAppendingTracer, proxy.TracerBase)

    # opt_einsum_fx's import-time idiom: subclass Interpreter, annotate with Graph, default to Tracer
    class ShapeProp(fx.Interpreter):
        def run_node(self, n: fx.Node):
            return n

    def optimize(model, tracer_class: type = fx.Tracer) -> fx.GraphModule:
        return model

    assert optimize(3) == 3 and ShapeProp.__mro__[1] is fx.Interpreter


def test_functional_holds_the_top_level_functions():
    assert len({rg.functional.einsum, rg.einsum}) == 1
    for name in rg.functional.__all__:
        assert getattr(rg.functional, name) is getattr(rg, name), name
    a = rg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert rg.functional.einsum("ij,jk->ik", a, a).tolist() == [[7.0, 10.0], [15.0, 22.0]]
    assert [t.tolist() for t in rg.functional.split(rg.arange(5), 2)] == [[0, 1], [2, 3], [4]]


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def test_fx_and_functional_names_vs_torch():
    torch = _torch()
    functional, tfx, tnode, tproxy = (
        importlib.import_module(f"torch.{name}") for name in ("functional", "fx", "fx.node", "fx.proxy")
    )
    for name in fx.__all__:
        assert name in tfx.__all__, name
    for module, ours in ((tnode, node), (tproxy, proxy)):
        for name in ours.__all__:
            assert hasattr(module, name), (module.__name__, name)
    assert sorted(rg.functional.__all__) == sorted(functional.__all__)
    assert functional.einsum is torch.einsum
    assert issubclass(tfx.Transformer, tfx.Interpreter) and issubclass(tfx.Tracer, tproxy.TracerBase)
    assert issubclass(tproxy.GraphAppendingTracer, tproxy.TracerBase)
