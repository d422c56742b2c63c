"""scatter / gather: split nested inputs into per-GPU chunks along a dim, and join outputs back.

The chunks are ordinary differentiable ops (`chunk`, `to`, `cat`), so gradients flow back to
the input as PyTorch's `Scatter` / `Gather` functions send them. As in PyTorch, values that are
not tensors are repeated for every device, and tensors on the CPU cannot be gathered.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from ...ops.shape.slicing import cat
from ...tensor import Tensor
from .data_parallel import _device_index

__all__ = ["gather", "scatter", "scatter_kwargs"]


def _is_namedtuple(obj: Any) -> bool:
    return isinstance(obj, tuple) and hasattr(obj, "_asdict") and hasattr(obj, "_fields")


def _scatter_tensor(t: Tensor, target_gpus: Sequence[Any], dim: int) -> tuple[Tensor, ...]:
    devices = [f"cuda:{_device_index(d)}" for d in target_gpus]
    return tuple(chunk.to(device) for chunk, device in zip(t.chunk(len(devices), dim), devices))


def _scatter_map(obj: Any, target_gpus: Sequence[Any], dim: int) -> Any:
    """One entry per device (fewer when a tensor has fewer rows than devices), nested as `obj`."""
    if isinstance(obj, Tensor):
        return _scatter_tensor(obj, target_gpus, dim)
    if _is_namedtuple(obj):
        return [type(obj)(*args) for args in zip(*(_scatter_map(o, target_gpus, dim) for o in obj))]
    if isinstance(obj, tuple) and len(obj) > 0:
        return list(zip(*(_scatter_map(o, target_gpus, dim) for o in obj)))
    if isinstance(obj, list) and len(obj) > 0:
        return [list(i) for i in zip(*(_scatter_map(o, target_gpus, dim) for o in obj))]
    if isinstance(obj, dict) and len(obj) > 0:
        return [type(obj)(i) for i in zip(*(_scatter_map(kv, target_gpus, dim) for kv in obj.items()))]
    return [obj for _ in target_gpus]


def scatter(inputs: Any, target_gpus: Sequence[int | Any], dim: int = 0) -> Any:
    """Slice the tensors in `inputs` into about equal chunks along `dim`, one per GPU in `target_gpus`.

    Args:
        inputs (Any): a tensor, or tuples/lists/dicts/namedtuples holding tensors and other values.
        target_gpus (sequence of int or device): the CUDA devices to send the chunks to.
        dim (int): the dim to slice along (default 0).

    Returns:
        (tuple or list): for a tensor, a tuple of its chunks; otherwise a list with one copy of
        `inputs`' structure per device, its tensors replaced by their chunks.

    Examples:
        >>> scatter((3, "a"), [0, 1])
        [(3, 'a'), (3, 'a')]
    """
    return _scatter_map(inputs, target_gpus, dim)


def scatter_kwargs(inputs: tuple[Any, ...], kwargs: dict[str, Any] | None, target_gpus: Sequence[int | Any],
                   dim: int = 0) -> tuple[tuple[Any, ...], tuple[dict[str, Any], ...]]:  # fmt: skip
    """`scatter` for positional inputs and keyword arguments, padded to the same number of devices."""
    scattered_inputs = scatter(inputs, target_gpus, dim) if inputs else []
    scattered_kwargs = scatter(kwargs, target_gpus, dim) if kwargs else []
    if len(scattered_inputs) < len(scattered_kwargs):
        scattered_inputs.extend(() for _ in range(len(scattered_kwargs) - len(scattered_inputs)))
    elif len(scattered_kwargs) < len(inputs):
        scattered_kwargs.extend({} for _ in range(len(scattered_inputs) - len(scattered_kwargs)))
    return tuple(scattered_inputs), tuple(scattered_kwargs)


def _gather_tensors(tensors: Sequence[Tensor], target_device: int | Any, dim: int) -> Tensor:
    if not all(t.device.type != "cpu" for t in tensors):
        raise AssertionError("Gather function not implemented for CPU tensors")
    device = "cpu" if target_device == "cpu" else f"cuda:{_device_index(target_device)}"
    if dim == 0 and all(t.dim() == 0 for t in tensors):
        warnings.warn(
            "Was asked to gather along dimension 0, but all input tensors were scalars; "
            "will instead unsqueeze and return a vector.",
            stacklevel=3,
        )
        tensors = [t.view(1) for t in tensors]
    return cat([t.to(device) for t in tensors], dim)


def gather(outputs: Any, target_device: int | Any, dim: int = 0) -> Any:
    """Join `outputs` (one object per GPU, tensors nested alike) along `dim` on `target_device`.

    Args:
        outputs (sequence): the per-device results, each a tensor or a dict/tuple/list of them.
        target_device (int or device or "cpu"): where the joined tensors go.
        dim (int): the dim to concatenate along (default 0); scalars are joined into a vector.

    Returns:
        (Any): one object shaped as `outputs[0]`, its tensors concatenated.
    """
    out = outputs[0]
    if isinstance(out, Tensor):
        return _gather_tensors(outputs, target_device, dim)
    if out is None:
        return None
    if isinstance(out, dict):
        if not all(len(out) == len(d) for d in outputs):
            raise ValueError("All dicts must have the same number of keys")
        return type(out)((k, gather([d[k] for d in outputs], target_device, dim)) for k in out)
    if _is_namedtuple(out):
        return type(out)(*(gather(list(vs), target_device, dim) for vs in zip(*outputs, strict=True)))
    return type(out)(gather(list(vs), target_device, dim) for vs in zip(*outputs, strict=True))
