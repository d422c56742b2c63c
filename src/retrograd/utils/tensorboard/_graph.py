"""A model's graph for TensorBoard's Graphs tab: the operations one forward call runs, grouped by module.

PyTorch traces the model with TorchScript and writes that graph. Here the model runs once under
`no_grad` while the engine reports every primitive operation (the hook `retrograd.compile` records
with), and forward hooks name the module each one ran in, so a node is called
`Net/Linear[fc1]/linear.3` (op `aten::linear`), parameters `Net/Linear[fc1]/weight` (op
`prim::GetAttr`), the inputs `input/input.k` and the results `output/output.k` (op `IO Node`), as
PyTorch names them. Each node records its output shape (`_output_shapes`).
"""

from __future__ import annotations

from typing import Any

from ...engine import primitive as _primitive
from ...engine.grad_mode import no_grad
from ...tensor import Tensor
from ._events import message, string_field, varint_field

__all__ = ["graph_def"]


def _shape_attr(shapes: list[tuple[int, ...]]) -> bytes:
    """A NodeDef attr entry `_output_shapes`: AttrValue.list (1) of TensorShapeProto (7) shapes."""
    protos = b"".join(message(7, b"".join(message(2, varint_field(1, n)) for n in s)) for s in shapes)
    return message(5, string_field(1, "_output_shapes") + message(2, message(1, protos)))


def _node(name: str, op: str, inputs: list[str], shapes: list[tuple[int, ...]], verbose: bool = False) -> bytes:
    """A NodeDef: name = 1, op = 2, input = 3 (repeated), attr = 5 (a map); printed when `verbose`."""
    if verbose:
        print(f"{name} = {op}({', '.join(inputs)}) -> {', '.join(str(list(s)) for s in shapes)}")
    body = string_field(1, name) + string_field(2, op) + b"".join(string_field(3, i) for i in inputs)
    return message(1, body + (_shape_attr(shapes) if shapes else b""))


class _Recorder:
    """The engine's op hook while the model runs: one graph node per primitive, named by module scope."""

    def __init__(self, root: str, verbose: bool) -> None:
        self.verbose = verbose
        self.scopes = [root]
        self.producers: dict[int, str] = {}  # id(tensor) -> the node that made it
        self.keep: list = []  # the tensors named above, alive so that their ids stay theirs
        self.nodes: list[bytes] = []
        self.count = 0

    def name(self, label: str) -> str:
        self.count += 1
        return f"{self.scopes[-1]}/{label}.{self.count}"

    def add(self, name: str, op: str, inputs: list[str], outputs: tuple) -> None:
        self.nodes.append(_node(name, op, inputs, [tuple(o.shape) for o in outputs], self.verbose))
        for o in outputs:
            self.producers[id(o)] = name
            self.keep.append(o)

    def __call__(self, prim: Any, inputs: tuple, outputs: tuple, attrs: dict) -> None:
        sources = [self.producers[id(t)] for t in inputs if id(t) in self.producers]
        self.add(self.name(prim.name), f"aten::{prim.name}", sources, outputs)

    def draw(self, name: str, rng: Any, make: Any) -> Any:
        return make()  # a random draw: drawn as eager code draws it

    def __getattr__(self, name: str) -> Any:  # the hook's other calls (graph breaks, writes): nothing to record
        return lambda *args, **kwargs: None


def _module_hooks(model: Any, recorder: _Recorder) -> list:
    """Forward hooks that keep `recorder.scopes` on the module running (`Class[attribute]` per level)."""
    handles = []
    for path, module in model.named_modules():
        if not path:
            continue
        label = f"{type(module).__name__}[{path.rsplit('.', 1)[-1]}]"

        def enter(mod: Any, args: Any, label: str = label) -> None:
            recorder.scopes.append(f"{recorder.scopes[-1]}/{label}")

        def leave(mod: Any, args: Any, out: Any) -> None:
            recorder.scopes.pop()

        handles.append(module.register_forward_pre_hook(enter))
        handles.append(module.register_forward_hook(leave))
    return handles


def _scope(model: Any, owner: str, root: str) -> str:
    """The scope name of the submodule at dotted path `owner`: `Root/Class[name]/Class[name]...`."""
    scope, prefix = root, ""
    for part in owner.split(".") if owner else []:
        prefix = f"{prefix}.{part}" if prefix else part
        scope += f"/{type(model.get_submodule(prefix)).__name__}[{part}]"
    return scope


def _has_dict(value: Any) -> bool:
    if isinstance(value, dict):
        return True
    return isinstance(value, (list, tuple)) and any(_has_dict(v) for v in value)


def _tensors(value: Any) -> list:
    """The tensors in a (nested) argument or result, in order."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in _tensors(v)]
    return []


_DICT_OUTPUT = (
    "Encountering a dict at the output of the tracer might cause the trace to be incorrect, this is only valid if "
    "the container structure does not change based on the module's inputs. Consider using a constant container "
    "instead (e.g. for `list`, use a `tuple` instead. for `dict`, use a `NamedTuple` instead). If you absolutely "
    "need this and know the side effects, pass strict=False to trace() to allow this behavior."
)


def graph_def(model: Any, inputs: Any, verbose: bool = False, strict: bool = True) -> bytes:
    """A GraphDef of one call `model(*inputs)` (run under `no_grad`; a single tensor is one input);
    `verbose` prints each node as it is recorded. `strict` refuses a dict among the outputs, as
    PyTorch's strict trace does (printing its message and "Error occurs, No graph saved")."""
    args = inputs if isinstance(inputs, (list, tuple)) else (inputs,)
    recorder = _Recorder(type(model).__name__, verbose)
    for t in _tensors(args):
        recorder.add(f"input/input.{len(recorder.nodes) + 1}", "IO Node", [], (t,))
    for path, p in list(model.named_parameters()) + list(model.named_buffers()):
        owner, _, attr = path.rpartition(".")
        recorder.add(f"{_scope(model, owner, recorder.scopes[0])}/{attr}", "prim::GetAttr", [], (p,))
    handles = _module_hooks(model, recorder)
    if _primitive.tracer is not None:
        raise RuntimeError("add_graph: cannot record a model's graph while retrograd.compile records")
    _primitive.tracer = recorder
    try:
        with no_grad():
            out = model(*args)
    finally:
        _primitive.tracer = None
        for h in handles:
            h.remove()
    if strict and _has_dict(out):
        print(_DICT_OUTPUT)
        print("Error occurs, No graph saved")
        raise RuntimeError(_DICT_OUTPUT)
    for k, t in enumerate(_tensors(out), 1):
        source = recorder.producers.get(id(t))
        recorder.nodes.append(
            _node(f"output/output.{k}", "IO Node", [source] if source else [], [tuple(t.shape)], verbose))
    versions = message(4, varint_field(1, 22))  # VersionDef.producer, as PyTorch writes it
    return b"".join(recorder.nodes) + versions
