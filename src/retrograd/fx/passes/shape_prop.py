"""`torch.fx.passes.shape_prop`: `ShapeProp` runs a GraphModule on sample inputs and records, in
each node's `meta["tensor_meta"]`, the `TensorMetadata` (shape, dtype, strides, ...) of the
tensors it produced, and in `meta["type"]` the type of its value."""

from __future__ import annotations

from typing import Any, NamedTuple

from ..._layouts import channels_last, channels_last_3d, contiguous_format
from ...tensor import Tensor
from ..graph_module import GraphModule
from ..interpreter import Interpreter
from ..node import Node, map_aggregate

__all__ = ["ShapeProp", "TensorMetadata"]


class TensorMetadata(NamedTuple):
    """What shape propagation records of a tensor."""

    shape: Any
    dtype: Any
    requires_grad: bool
    stride: tuple[int, ...]
    memory_format: Any
    is_quantized: bool
    qparams: dict[str, Any]


def _extract_tensor_metadata(result: Tensor, include_contiguity: bool = True) -> TensorMetadata:
    """The TensorMetadata of `result`: its memory format is the first of contiguous, channels-last
    (2-D) and channels-last (3-D) it is contiguous in, else None."""
    memory_format = None
    if include_contiguity:
        for query in (contiguous_format, channels_last, channels_last_3d):
            try:
                contiguous = result.is_contiguous(memory_format=query)
            except RuntimeError:  # (channels-last asked of a tensor of another rank)
                contiguous = False
            if contiguous:
                memory_format = query
                break
    stride = result.stride()
    return TensorMetadata(result.shape, result.dtype, result.requires_grad, stride, memory_format, False, {})


class ShapeProp(Interpreter):
    """Runs the module node by node, recording `node.meta["tensor_meta"]` and `node.meta["type"]`.

    Examples:
        >>> gm = retrograd.fx.symbolic_trace(retrograd.nn.Sequential(retrograd.nn.Linear(3, 2)))
        >>> _ = ShapeProp(gm).propagate(retrograd.ones(4, 3))
        >>> [tuple(n.meta["tensor_meta"].shape) for n in gm.graph.nodes]
        [(4, 3), (4, 2), (4, 2)]
    """

    def __init__(self, gm: GraphModule, fake_mode: Any = None) -> None:
        super().__init__(gm)
        self.fake_module = None
        self.fake_mode = None
        self.real_module = self.module

    def run_node(self, n: Node) -> Any:
        """Run the node, then record the metadata of the tensors in its value."""
        try:
            result = super().run_node(n)
        except Exception as e:
            raise RuntimeError(f"ShapeProp error for: node={n.format_node()} with meta={n.meta}") from e
        found_tensor = False

        def extract_tensor_meta(obj: Any) -> Any:
            nonlocal found_tensor
            if isinstance(obj, Tensor):
                found_tensor = True
                return _extract_tensor_metadata(obj)
            return obj

        meta = map_aggregate(result, extract_tensor_meta)
        if found_tensor:
            n.meta["tensor_meta"] = meta
        n.meta["type"] = type(result)
        return result

    def propagate(self, *args: Any) -> Any:
        """Run the module on `args`, recording each node's metadata; returns its output."""
        return super().run(*args)
