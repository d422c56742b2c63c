"""A node's saved values under PyTorch's attribute names: `grad_fn._saved_self`, `_saved_result`,
`_saved_exponent`, `_saved_self_sym_sizes`, `_raw_saved_self`, ... (how PyTorch's documentation
shows what autograd keeps for the backward pass).

A primitive names its inputs and attributes itself ("a", "b", "c", "exponent", "dim"); PyTorch
names an op's first input `self`, its second `other` (`mat2` for products), its output `result`.
Anything else is looked up under its own name. Nothing here runs unless such an attribute is read.

The names are properties that each primitive puts on the node base class (`expose`), not a
`__getattr__`: a class with `__getattr__` loses CPython's specialised attribute reads, which made
every field of every node about twice as slow to read in the backward loop. One property per name
serves every node class; `saved_attribute` raises AttributeError for a name a node does not keep.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy

from . import tensor_type as _tt

_SECOND_INPUT = ("other", "mat2", "vec", "weight", "tensor1", "end")
_PRODUCTS = ("mm", "bmm")  # PyTorch calls their second operand `mat2`
# attributes our primitives name differently from PyTorch's nodes: ours -> PyTorch's
_PYTORCH_NAMES = {"dims": "dim", "d0": "dim0", "d1": "dim1", "lo": "min", "hi": "max"}
_OUR_NAMES = {theirs: ours for ours, theirs in _PYTORCH_NAMES.items()}
# ops whose PyTorch nodes name their inputs otherwise (`AddmmBackward0._saved_mat1`), by op name
_OP_INPUTS = {
    "addmm": ("self", "mat1", "mat2"), "addmv": ("self", "mat", "vec"), "baddbmm": ("self", "batch1", "batch2"),
    "addbmm": ("self", "batch1", "batch2"), "mv": ("self", "vec"), "dot": ("self", "tensor"),
    "vdot": ("self", "other"), "mse_loss": ("self", "target"), "smooth_l1_loss": ("self", "target"),
    "huber_loss": ("self", "target"), "binary_cross_entropy": ("self", "target"),
    "binary_cross_entropy_with_logits": ("self", "target"),
}  # fmt: skip
# attributes of an op under PyTorch's name, or None for one that is ours alone (a layout flag, say)
_OP_ATTRIBUTES: dict[str, dict[str, str | None]] = {
    "mm": {"b_column_major": None}, "addmm": {"b_column_major": None}, "mse_loss": {"p": None},
    "smooth_l1_loss": {"p": "beta"}, "huber_loss": {"p": "delta"}, "binary_cross_entropy": {"w": "weight"},
    "binary_cross_entropy_with_logits": {"w": "weight", "p": "pos_weight"},
}  # fmt: skip


def _second_name(node: Any) -> str:
    return "mat2" if node.op.name in _PRODUCTS else "other"


def _our_name(node: Any, name: str) -> str | None:
    """The primitive's name for PyTorch's saved-value name `name` (None when it has none)."""
    inputs = node.op.inputs
    if name == "result":
        return "out"
    named = _OP_INPUTS.get(node.op.name)
    if named is not None and name in named[: len(inputs)]:
        return inputs[named.index(name)]
    renamed = _OP_ATTRIBUTES.get(node.op.name, {})
    for ours, theirs in renamed.items():
        if theirs == name:
            return ours
    if named is not None or name in renamed:  # such an op's other names are not PyTorch's
        return None if name in renamed or name in inputs else _attribute(node, name)
    if name in ("self", "input") and inputs:
        return inputs[0]
    if name in _SECOND_INPUT and len(inputs) > 1:
        return inputs[1]
    if name == "other" and "c" in node.attrs:  # a Python number operand (x * 3)
        return "c"
    if name in inputs:
        return name
    return _attribute(node, name)


def _attribute(node: Any, name: str) -> str | None:
    """The node's attribute for PyTorch's name `name`: the same name, or ours for it (`dims` for `dim`)."""
    if name in node.attrs:
        return name
    ours = _OUR_NAMES.get(name)
    return ours if ours in node.attrs else None


def saved_attribute(node: Any, attribute: str) -> Any:
    """`node.<attribute>` for `_saved_<name>`, `_saved_<input>_sym_sizes` and `_raw_saved_<name>`."""
    raw = attribute.startswith("_raw_saved_")
    name = attribute[len("_raw_saved_") if raw else len("_saved_"):]
    if not raw and name.endswith("_sym_sizes"):
        ours = _our_name(node, name[: -len("_sym_sizes")])
        if ours is not None and ours in node.op.inputs:
            return tuple(node.shapes[node.op.inputs.index(ours)])
    ours = _our_name(node, name)
    if ours is not None and ours in node.saved:
        if raw:
            saved = node.saved[ours]
            return saved[0] if isinstance(saved, tuple) else saved
        value = node._lookup(ours)
        return value[0] if ours == "out" and isinstance(value, tuple) and len(value) == 1 else value
    if not raw and ours is not None and ours in node.attrs:
        value = node.attrs[ours]
        if ours == "c" or (ours in node.op.extras and value is not None):  # PyTorch saves these as tensors
            return _tt.make(numpy.asarray(value) if ours == "c" else value)  # (a number, an index or mask array)
        return value
    raise AttributeError(f"'{type(node).__name__}' object has no attribute '{attribute}'")


def saved_names(node: Any) -> list[str]:
    """The `_saved_*` attributes `dir(node)` lists: the values the node keeps, under PyTorch's names."""
    inputs = node.op.inputs
    named = _OP_INPUTS.get(node.op.name)
    renamed = _OP_ATTRIBUTES.get(node.op.name, {})
    names = []
    for i, ours in enumerate(inputs):
        if ours in node.saved:
            if named is not None:
                name = named[i]
            else:
                name = "self" if i == 0 else _second_name(node) if i == 1 else ours
            names += ["_saved_" + name, "_raw_saved_" + name]
    if "out" in node.saved:
        names += ["_saved_result", "_raw_saved_result"]
    for key in node.attrs:
        theirs = renamed.get(key, "other" if key == "c" else _PYTORCH_NAMES.get(key, key))
        if theirs is not None:
            names.append("_saved_" + theirs)
    return names


def expose(cls: type, inputs: tuple[str, ...], attributes: tuple[str, ...]) -> None:
    """Give node class `cls` (and its subclasses) a property for each saved-value name a node of an
    op with these inputs and attributes may answer; `saved_attribute` decides per node (and raises
    AttributeError for a name that node does not keep). Names the class already has stay its own."""
    names = {"result", *inputs, *attributes, *_EXTRA_NAMES}
    if inputs:
        names.update(("self", "input"))
    if len(inputs) > 1:
        names.update(_SECOND_INPUT)
    if "c" in attributes:
        names.add("other")
    names.update(_PYTORCH_NAMES[a] for a in attributes if a in _PYTORCH_NAMES)
    for name in names:
        for attribute in ("_saved_" + name, "_raw_saved_" + name, f"_saved_{name}_sym_sizes"):
            if not hasattr(cls, attribute):
                setattr(cls, attribute, _property(attribute))


_EXTRA_NAMES = sorted({n for names in _OP_INPUTS.values() for n in names} |
                      {n for names in _OP_ATTRIBUTES.values() for n in names.values() if n is not None})  # fmt: skip


# one property per name: ~120 of them rather than one per node class and name (~1,700 objects
# and the class dicts to hold them, some 1.3 MiB of a fresh process)
_PROPERTIES: dict[str, property] = {}


def _property(attribute: str) -> property:
    prop = _PROPERTIES.get(attribute)
    if prop is None:
        prop = _PROPERTIES[attribute] = property(partial(saved_attribute, attribute=attribute))
    return prop
