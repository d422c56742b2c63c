"""`torch.utils._pytree`: nested containers ("pytrees") flattened to a list of leaves and rebuilt.

Private in PyTorch, yet third-party libraries import it (x-transformers, ema-pytorch,
hyper-connections), so the names they use behave as PyTorch's pure-Python pytrees do: tuples,
lists, dicts, named tuples, OrderedDicts, defaultdicts and deques are nodes; everything else,
`None` included, is a leaf; `register_pytree_node` adds a node type.

>>> leaves, spec = tree_flatten({"a": 1, "b": (2, [3])})
>>> leaves
[1, 2, 3]
>>> tree_unflatten([x * 10 for x in leaves], spec)
{'a': 10, 'b': (20, [30])}
"""

from __future__ import annotations

import functools
import types
import warnings
from collections import OrderedDict, defaultdict, deque, namedtuple
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from ._pytree_keys import (
    GetAttrKey,
    KeyEntry,
    MappingKey,
    SequenceKey,
    _dict_flatten,
    _dict_flatten_with_keys,
    _dict_unflatten,
    _list_flatten,
    _list_flatten_with_keys,
    _list_unflatten,
    _tuple_flatten,
    _tuple_flatten_with_keys,
    _tuple_unflatten,
)

__all__ = [
    "PyTree",
    "Context",
    "FlattenFunc",
    "UnflattenFunc",
    "TreeSpec",
    "LeafSpec",
    "treespec_leaf",
    "register_pytree_node",
    "tree_is_leaf",
    "tree_flatten",
    "tree_unflatten",
    "tree_iter",
    "tree_leaves",
    "tree_structure",
    "tree_map",
    "tree_map_",
    "map_only",
    "tree_map_only",
    "tree_map_only_",
    "tree_all",
    "tree_any",
    "tree_all_only",
    "tree_any_only",
    "is_namedtuple",
    "is_namedtuple_class",
    "is_namedtuple_instance",
    "KeyEntry",
    "MappingKey",
    "SequenceKey",
    "GetAttrKey",
]
# PyTorch's private names, which libraries import from here
_KEYED_FLATTENS = (_dict_flatten_with_keys, _list_flatten_with_keys, _tuple_flatten_with_keys)

PyTree = Any
Context = Any
FlattenFunc = Callable[[PyTree], "tuple[list[Any], Context]"]
UnflattenFunc = Callable[[Iterable[Any], Context], PyTree]


class NodeDef(NamedTuple):
    type: type
    flatten_fn: FlattenFunc
    unflatten_fn: UnflattenFunc


SUPPORTED_NODES: dict[Any, NodeDef] = {}
# dict-like nodes whose keys a tree_map's other trees may hold in another order
_STANDARD_DICT_TYPES = (dict, OrderedDict, defaultdict)


def register_pytree_node(
    cls: type,
    flatten_fn: FlattenFunc,
    unflatten_fn: UnflattenFunc,
    *,
    serialized_type_name: str | None = None,
    to_dumpable_context: Callable[[Context], Any] | None = None,
    from_dumpable_context: Callable[[Any], Context] | None = None,
    flatten_with_keys_fn: Callable[..., Any] | None = None,
) -> None:
    """Make `cls` a pytree node: `flatten_fn(x) -> (children, context)`, `unflatten_fn(children,
    context) -> x`. The serialization arguments are accepted and unused (nothing here serializes
    a TreeSpec). Raises ValueError for a type already registered."""
    if cls in SUPPORTED_NODES:
        raise ValueError(f"{cls} is already registered as pytree node.")
    if (to_dumpable_context is None) ^ (from_dumpable_context is None):
        raise ValueError(f"Both to_dumpable_context and from_dumpable_context for {cls} must be None or registered.")
    SUPPORTED_NODES[cls] = NodeDef(cls, flatten_fn, unflatten_fn)


def is_namedtuple_class(cls: type) -> bool:
    """Whether `cls` is a named tuple class (a tuple subclass with `_fields`)."""
    return isinstance(cls, type) and issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple)


def is_namedtuple_instance(obj: object) -> bool:
    """Whether `obj` is a named tuple."""
    return is_namedtuple_class(type(obj))


def is_namedtuple(obj: object) -> bool:
    """Whether `obj` is a named tuple class or instance."""
    return is_namedtuple_class(obj if isinstance(obj, type) else type(obj))


def _get_node_type(tree: Any) -> Any:
    """The key of `tree`'s type in SUPPORTED_NODES (`namedtuple` for every named tuple)."""
    # every named tuple class is a node, registered once under `namedtuple`
    return namedtuple if is_namedtuple_class(type(tree)) else type(tree)


register_pytree_node(tuple, _tuple_flatten, _tuple_unflatten)
register_pytree_node(list, _list_flatten, _list_unflatten)
register_pytree_node(dict, _dict_flatten, _dict_unflatten)
register_pytree_node(namedtuple, lambda t: (list(t), type(t)), lambda v, c: c(*v))  # type: ignore[arg-type]
register_pytree_node(OrderedDict, lambda d: (list(d.values()), list(d)), lambda v, c: OrderedDict(zip(c, v)))
register_pytree_node(
    defaultdict,
    lambda d: (list(d.values()), [d.default_factory, list(d)]),
    lambda v, c: defaultdict(c[0], zip(c[1], v)),
)
register_pytree_node(deque, lambda d: (list(d), d.maxlen), lambda v, c: deque(v, maxlen=c))


@dataclass(init=False, frozen=True, eq=True, repr=False)
class TreeSpec:
    """The structure of a pytree: the root's node type (None for a leaf), its context (dict keys,
    the named tuple class, ...) and one TreeSpec per child. `repr` is PyTorch's:
    `TreeSpec(tuple, None, [*,\\n  *])`, `*` for a leaf."""

    type: Any
    _context: Context
    _children: list[TreeSpec]
    num_nodes: int
    num_leaves: int
    num_children: int

    def __init__(self, type: Any, context: Context, children_specs: list[TreeSpec]) -> None:
        leaf = type is None
        set_field = functools.partial(object.__setattr__, self)
        set_field("type", type)
        set_field("_context", context)
        set_field("_children", children_specs)
        set_field("num_nodes", 1 + sum(c.num_nodes for c in children_specs))
        set_field("num_leaves", 1 if leaf else sum(c.num_leaves for c in children_specs))
        set_field("num_children", len(children_specs))

    def __repr__(self, indent: int = 0) -> str:
        if self.type is None:
            return "*"
        inner = indent + 2
        children = (",\n" + " " * inner).join(c.__repr__(inner) for c in self._children)
        return f"TreeSpec({self.type.__name__}, {self._context}, [{children}])"

    def __hash__(self) -> int:
        context = self._context
        if self.type is defaultdict:
            context = (context[0], tuple(context[1]))
        elif isinstance(context, list):
            context = tuple(context)
        elif self.type not in (None, tuple, list, namedtuple, deque):
            context = None  # a user type's context need not be hashable
        return hash((self.type, context, tuple(self._children)))

    @property
    def context(self) -> Context:
        return self._context

    @property
    def children_specs(self) -> list[TreeSpec]:
        return self._children

    def is_leaf(self) -> bool:
        """Whether this spec is a single leaf."""
        return self.type is None

    def children(self) -> list[TreeSpec]:
        return list(self._children)

    def child(self, index: int) -> TreeSpec:
        return self._children[index]

    def flatten_up_to(self, tree: PyTree) -> list[PyTree]:
        """The subtrees of `tree` at this spec's leaves; ValueError where `tree` has another
        structure above them."""
        subtrees: list[PyTree] = []
        _flatten_up_to(self, tree, subtrees)
        return subtrees

    def unflatten(self, leaves: Iterable[Any]) -> PyTree:
        """The pytree this spec describes, holding `leaves` in order."""
        leaves = leaves if isinstance(leaves, (list, tuple)) else list(leaves)
        if len(leaves) != self.num_leaves:
            raise ValueError(
                f"treespec.unflatten(leaves): `leaves` has length {len(leaves)} but the spec refers "
                f"to a pytree that holds {self.num_leaves} items ({self})."
            )
        return _build(self, iter(leaves))


class LeafSpec(TreeSpec):
    """The spec of a single leaf, `*`. Building one warns (FutureWarning) as PyTorch's does:
    `treespec_leaf()` is the way to get it, `spec.is_leaf()` the way to test for it."""

    def __init__(self) -> None:
        warnings.warn(
            "`isinstance(treespec, LeafSpec)` is deprecated, "
            "use `isinstance(treespec, TreeSpec) and treespec.is_leaf()` instead.",
            FutureWarning,
            stacklevel=2,
        )
        super().__init__(None, None, [])


# the one leaf spec flattening hands out, built without LeafSpec's warning
_LEAF_SPEC = object.__new__(LeafSpec)
TreeSpec.__init__(_LEAF_SPEC, None, None, [])


def treespec_leaf() -> LeafSpec:
    """The spec of a single leaf."""
    return _LEAF_SPEC


def _build(spec: TreeSpec, leaves: Iterator[Any]) -> PyTree:
    if spec.type is None:
        return next(leaves)
    children = [_build(child, leaves) for child in spec._children]
    return SUPPORTED_NODES[spec.type].unflatten_fn(children, spec._context)


def _flatten_up_to(spec: TreeSpec, node: PyTree, subtrees: list[PyTree]) -> None:
    if spec.type is None:
        subtrees.append(node)
        return
    node_type = _get_node_type(node)
    both_dicts = spec.type in _STANDARD_DICT_TYPES and node_type in _STANDARD_DICT_TYPES
    if not both_dicts and node_type != spec.type:
        raise ValueError(f"Node type mismatch; expected {spec.type!r}, but got {node_type!r}.")
    if len(node) != spec.num_children:
        raise ValueError(f"Node arity mismatch; expected {spec.num_children}, but got {len(node)}.")
    if both_dicts:
        keys = spec._context[1] if spec.type is defaultdict else spec._context
        if set(node) != set(keys):
            missing, extra = set(keys) - set(node), set(node) - set(keys)
            message = (f"; missing key(s): {missing}" if missing else "") + (
                f"; extra key(s): {extra}" if extra else ""
            )
            raise ValueError(f"Node keys mismatch{message}.")
        children = [node[k] for k in keys]
    else:
        children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
        if node_type is not deque and context != spec._context:
            raise ValueError(
                f"Node context mismatch for node type {spec.type!r}; expected {spec._context!r}, but got {context!r}."
            )
    for child, child_spec in zip(children, spec._children):
        _flatten_up_to(child_spec, child, subtrees)


def tree_is_leaf(tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> bool:
    """Whether `tree` is a leaf: `is_leaf(tree)` holds or its type is no registered node."""
    if is_leaf is not None and is_leaf(tree):
        return True
    return _get_node_type(tree) not in SUPPORTED_NODES


def tree_flatten(tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> tuple[list[Any], TreeSpec]:
    """The leaves of `tree` in order, and the TreeSpec `tree_unflatten` rebuilds it from."""
    leaves: list[Any] = []
    return leaves, _flatten(tree, leaves, is_leaf)


def _flatten(node: PyTree, leaves: list[Any], is_leaf: Callable[[PyTree], bool] | None) -> TreeSpec:
    if tree_is_leaf(node, is_leaf):
        leaves.append(node)
        return _LEAF_SPEC
    node_type = _get_node_type(node)
    children, context = SUPPORTED_NODES[node_type].flatten_fn(node)
    return TreeSpec(node_type, context, [_flatten(child, leaves, is_leaf) for child in children])


def tree_unflatten(leaves: Iterable[Any], treespec: TreeSpec) -> PyTree:
    """The pytree `treespec` describes, holding `leaves`; the inverse of `tree_flatten`."""
    if not isinstance(treespec, TreeSpec):
        if not isinstance(leaves, TreeSpec):
            raise TypeError(
                f"Expected `treespec` to be an instance of PyTreeSpec but got item of type {type(treespec)}."
            )
        leaves, treespec = treespec, leaves  # PyTorch accepts the two the other way round
    return treespec.unflatten(leaves)


def tree_iter(tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> Iterator[Any]:
    """The leaves of `tree`, one at a time."""
    return iter(tree_flatten(tree, is_leaf)[0])


def tree_leaves(tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> list[Any]:
    """The leaves of `tree` in order."""
    return tree_flatten(tree, is_leaf)[0]


def tree_structure(tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> TreeSpec:
    """The TreeSpec of `tree`."""
    return tree_flatten(tree, is_leaf)[1]


def tree_map(
    func: Callable[..., Any], tree: PyTree, *rests: PyTree, is_leaf: Callable[[PyTree], bool] | None = None
) -> PyTree:
    """`tree` with each leaf `x` replaced by `func(x, *xs)`, `xs` the matching subtrees of `rests`
    (trees with `tree`'s structure, or with it as a prefix)."""
    leaves, spec = tree_flatten(tree, is_leaf)
    columns = [leaves] + [spec.flatten_up_to(r) for r in rests]
    return spec.unflatten(list(map(func, *columns)))


def tree_map_(
    func: Callable[..., Any], tree: PyTree, *rests: PyTree, is_leaf: Callable[[PyTree], bool] | None = None
) -> PyTree:
    """Call `func` on each leaf of `tree` (and the matching subtrees of `rests`) for its side
    effect; return `tree` itself."""
    leaves, spec = tree_flatten(tree, is_leaf)
    columns = [leaves] + [spec.flatten_up_to(r) for r in rests]
    deque(map(func, *columns), maxlen=0)
    return tree


def map_only(type_or_types_or_pred: Any, /) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """A decorator: the function applies to values of the given type(s) (or passing the
    predicate) and returns any other value unchanged."""
    if isinstance(type_or_types_or_pred, (type, tuple, types.UnionType)):
        kinds = type_or_types_or_pred

        def pred(x: Any) -> bool:
            return isinstance(x, kinds)

    elif callable(type_or_types_or_pred):
        pred = type_or_types_or_pred
    else:
        raise TypeError("Argument must be a type, a tuple of types, or a callable.")

    def wrapper(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
        @functools.wraps(func)
        def wrapped(x: Any) -> Any:
            return func(x) if pred(x) else x

        return wrapped

    return wrapper


def tree_map_only(
    type_or_types_or_pred: Any,
    /,
    func: Callable[[Any], Any],
    tree: PyTree,
    is_leaf: Callable[[PyTree], bool] | None = None,
) -> PyTree:
    """`tree_map` of `func` over the leaves of the given type(s); other leaves stay as they are."""
    return tree_map(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_map_only_(
    type_or_types_or_pred: Any,
    /,
    func: Callable[[Any], Any],
    tree: PyTree,
    is_leaf: Callable[[PyTree], bool] | None = None,
) -> PyTree:
    """`tree_map_` of `func` over the leaves of the given type(s)."""
    return tree_map_(map_only(type_or_types_or_pred)(func), tree, is_leaf=is_leaf)


def tree_all(pred: Callable[[Any], bool], tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> bool:
    """Whether `pred` holds for every leaf of `tree`."""
    return all(map(pred, tree_iter(tree, is_leaf)))


def tree_any(pred: Callable[[Any], bool], tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None) -> bool:
    """Whether `pred` holds for some leaf of `tree`."""
    return any(map(pred, tree_iter(tree, is_leaf)))


def tree_all_only(
    type_or_types: Any, /, pred: Callable[[Any], bool], tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None
) -> bool:
    """Whether `pred` holds for every leaf of `tree` of the given type(s)."""
    return all(pred(x) for x in tree_iter(tree, is_leaf) if isinstance(x, type_or_types))


def tree_any_only(
    type_or_types: Any, /, pred: Callable[[Any], bool], tree: PyTree, is_leaf: Callable[[PyTree], bool] | None = None
) -> bool:
    """Whether `pred` holds for some leaf of `tree` of the given type(s)."""
    return any(pred(x) for x in tree_iter(tree, is_leaf) if isinstance(x, type_or_types))
