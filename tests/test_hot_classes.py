"""The classes every op touches keep CPython's fast attribute reads.

CPython 3.11 specialises `obj.attr` for a class only when the class's attribute lookup is the
standard one; a `__getattr__` (or `__getattribute__`) anywhere in the class's MRO turns that off
for every attribute of it. On Tensor and the node classes that doubled the cost of each `t._data`
and `node.op` (W1's backward went from 1.85 to 2.2 µs per op), so they must not have one.
"""

from __future__ import annotations

import pytest

import retrograd
from retrograd.engine.graph import AccumulateGrad, Node
from retrograd.engine.primitive import _NODE_CLASSES, OpNode, Primitive, defined


def _hooks(cls: type) -> list[str]:
    return [f"{k.__name__}.{name}" for k in cls.__mro__ for name in ("__getattr__", "__getattribute__")
            if name in vars(k) and k is not object]  # fmt: skip


@pytest.mark.parametrize(
    "cls", [retrograd.Tensor, retrograd.nn.Parameter, Node, OpNode, AccumulateGrad, Primitive], ids=lambda c: c.__name__
)
def test_no_attribute_hooks(cls):
    assert not _hooks(cls)


def test_no_node_class_has_attribute_hooks():
    for name in retrograd.ops.__all__:  # load every op module, so every primitive exists
        getattr(retrograd.ops, name)
    for prim, _ in defined():  # node classes are made on an op's first recording: make them all now
        prim.node_class or prim.first_node_class()
    assert len(_NODE_CLASSES) > 100
    assert {name: _hooks(cls) for name, cls in _NODE_CLASSES.items() if _hooks(cls)} == {}


def test_saved_values_are_still_read_by_their_pytorch_names():
    x = retrograd.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    assert y.grad_fn._saved_other.item() == 3 and y.grad_fn._saved_self_sym_sizes == (2,)
    z = x.pow(2)
    assert z.grad_fn._saved_exponent == 2 and z.grad_fn._saved_self is x
    assert not hasattr(y.grad_fn, "_saved_exponent") and not hasattr(y.grad_fn, "no_such_field")
    with pytest.raises(AttributeError, match="'Tensor' object has no attribute 'no_such_method'"):
        x.no_such_method  # noqa: B018


def test_an_op_makes_its_node_class_when_it_first_records():
    from retrograd.ops.activation.randomized_relu import _rrelu

    prim = _rrelu[0]
    prim.node_class = None  # as before its first recording
    retrograd.rrelu(-retrograd.ones(2))  # nothing requires grad: no node, no class looked up
    assert prim.node_class is None
    y = retrograd.rrelu(-retrograd.ones(2, requires_grad=True))
    assert type(y.grad_fn).__name__ == "RreluWithNoiseBackward0" and prim.node_class is type(y.grad_fn)
    assert _NODE_CLASSES["RreluWithNoiseBackward0"] is prim.node_class
