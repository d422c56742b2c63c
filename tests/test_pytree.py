"""`torch.utils._pytree`, which third-party libraries import (x-transformers, ema-pytorch)."""

from __future__ import annotations

from collections import OrderedDict, defaultdict, deque, namedtuple

import pytest

import retrograd as rg
from retrograd.utils import _pytree as pytree

Pair = namedtuple("Pair", ["a", "b"])


def _tree():
    return {"x": (1, [2, None]), "p": Pair(3, OrderedDict(k=4)), "d": deque([5], maxlen=3),
            "dd": defaultdict(list, {"z": 6})}  # fmt: skip


def test_flatten_unflatten_round_trip_with_none_as_a_leaf():
    leaves, spec = pytree.tree_flatten(_tree())
    assert leaves == [1, 2, None, 3, 4, 5, 6]
    assert (spec.num_leaves, spec.num_children, spec.is_leaf()) == (7, 4, False)
    rebuilt = pytree.tree_unflatten([str(v) for v in leaves], spec)
    assert rebuilt["x"] == ("1", ["2", "None"]) and rebuilt["p"] == Pair("3", OrderedDict(k="4"))
    assert type(rebuilt["p"].b) is OrderedDict and rebuilt["d"].maxlen == 3
    assert rebuilt["dd"].default_factory is list and rebuilt["dd"]["z"] == "6"
    assert pytree.tree_structure(_tree()) == spec and hash(pytree.tree_structure(_tree())) == hash(spec)


def test_tree_map_and_friends():
    t = rg.ones(2)
    tree = {"a": [t, 2], "b": (3.0,)}
    doubled = pytree.tree_map(lambda v: v * 2, tree)
    assert doubled["a"][1] == 4 and doubled["b"] == (6.0,) and doubled["a"][0].tolist() == [2.0, 2.0]
    assert pytree.tree_map(lambda x, y: x + y, [1, 2], [10, 20]) == [11, 22]
    assert pytree.tree_map(lambda x, y: [x] + y, [5, 6], [[7, 9], [1, 2]]) == [[5, 7, 9], [6, 1, 2]]
    only_tensors = pytree.tree_map_only(rg.Tensor, lambda x: x.sum().item(), tree)
    assert only_tensors == {"a": [2.0, 2], "b": (3.0,)}
    assert pytree.tree_any(lambda x: isinstance(x, float) and x == 3.0, tree)
    assert not pytree.tree_all_only(int, lambda x: x > 2, tree)
    assert pytree.tree_leaves([1, (2, 3)], is_leaf=lambda x: isinstance(x, tuple)) == [1, (2, 3)]
    seen = []
    pytree.tree_map_(seen.append, {"k": [1, 2]})
    assert seen == [1, 2]


def test_treespec_repr_and_errors():
    spec = pytree.tree_structure((1, {"a": 2}))
    assert repr(spec) == "TreeSpec(tuple, None, [*,\n  TreeSpec(dict, ['a'], [*])])"
    assert repr(pytree.treespec_leaf()) == "*"
    with pytest.raises(ValueError, match=r"`leaves` has length 1 but the spec refers to a pytree that holds 2"):
        pytree.tree_unflatten([1], spec)
    with pytest.raises(TypeError, match="Expected `treespec` to be an instance of PyTreeSpec"):
        pytree.tree_unflatten([1], [2])
    with pytest.raises(ValueError, match="Node arity mismatch; expected 2, but got 1."):
        pytree.tree_map(lambda x, y: x, (1, 2), (1,))
    with pytest.raises(ValueError, match="already registered as pytree node"):
        pytree.register_pytree_node(list, lambda x: (x, None), lambda v, c: v)


class _Box:
    def __init__(self, items):
        self.items = items


def test_register_pytree_node():
    if _Box not in pytree.SUPPORTED_NODES:
        pytree.register_pytree_node(_Box, lambda b: (list(b.items), None), lambda v, c: _Box(list(v)))
    leaves, spec = pytree.tree_flatten([_Box([1, 2]), 3])
    assert leaves == [1, 2, 3] and pytree.tree_unflatten([4, 5, 6], spec)[0].items == [4, 5]


def _summary(m):
    p = m.utils._pytree
    tree = {"x": (1, [2, None]), "p": Pair(3, OrderedDict(k=4)), "s": "leaf", "e": []}
    leaves, spec = p.tree_flatten(tree)
    try:
        p.tree_unflatten([1], spec)
    except ValueError as e:
        err = str(e)
    return leaves, repr(spec), p.tree_map(lambda v: v, tree) == tree, err, p.tree_leaves(spec.unflatten(leaves))


@pytest.mark.pytorch
def test_pytree_vs_torch():
    torch = pytest.importorskip("torch")
    __import__("torch.utils._pytree")  # a submodule `import torch` leaves unloaded

    assert _summary(rg) == _summary(torch)


def _keyed(m):
    p = m.utils._pytree
    pairs, context = p._dict_flatten_with_keys({"a": 1, "b": [2]})
    seq, none = p._list_flatten_with_keys([5, 6])
    return (
        [(repr(k), str(k), k.get({"a": 1, "b": [2]}), v) for k, v in pairs], context,
        [(repr(k), str(k), v) for k, v in seq], none,
        repr(p.GetAttrKey("x")), str(p.GetAttrKey("x")), p.MappingKey("a") == p.MappingKey("a"),
        hash(p.SequenceKey(1)) == hash(p.SequenceKey(1)),
    )  # fmt: skip


def test_key_entries():
    assert _keyed(rg) == (
        [("MappingKey(key='a')", "['a']", 1, 1), ("MappingKey(key='b')", "['b']", [2], [2])], ["a", "b"],
        [("SequenceKey(idx=0)", "[0]", 5), ("SequenceKey(idx=1)", "[1]", 6)], None,
        "GetAttrKey(name='x')", ".x", True, True,
    )  # fmt: skip


def test_register_with_keys_function():
    class Out(dict):
        pass

    pytree.register_pytree_node(
        Out, lambda d: (list(d.values()), list(d)), lambda v, c: Out(zip(c, v)),
        serialized_type_name="Out", flatten_with_keys_fn=pytree._dict_flatten_with_keys,
    )  # fmt: skip
    leaves, spec = pytree.tree_flatten(Out(a=1, b=2))
    assert leaves == [1, 2] and pytree.tree_unflatten([3, 4], spec) == {"a": 3, "b": 4}


@pytest.mark.pytorch
def test_key_entries_vs_torch():
    torch = pytest.importorskip("torch")
    __import__("torch.utils._pytree")
    assert _keyed(rg) == _keyed(torch)
