"""Turning a list of samples into a batch (`default_collate`) or converting one sample
(`default_convert`), with PyTorch's rules for each element type.

`collate` walks containers by element type, looking the type up in `collate_fn_map`
(exact type first, then `isinstance` in the map's order); extend a copy of
`default_collate_fn_map` to teach it new types.
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

# `stack` is the public face, as PyTorch's collate calls `torch.stack`: a subclass's `__torch_function__` sees it
from ... import stack
from ...dtypes import float64
from ...ops.from_data import as_tensor, tensor
from ...tensor import Tensor

__all__ = ["collate", "default_collate", "default_collate_fn_map", "default_convert"]

# NumPy dtype codes of bytes, strings and objects: arrays of these are not turned into tensors.
np_str_obj_array_pattern = re.compile(r"[SaUO]")

default_collate_err_msg_format = (
    "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"
)

CollateMap = dict[Any, Callable[..., Any]]


def _is_numpy_value(value: Any) -> bool:
    kind = type(value)
    return kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_")


def default_convert(data: Any) -> Any:
    """Convert NumPy arrays (and NumPy scalars) inside `data` to tensors; leave the rest as is.

    Args:
        data: a NumPy array or scalar, or a tuple, list or dict holding them.

    Returns:
        `data` with each NumPy array turned into a tensor of the same dtype (strings and object
            arrays are left as they are).

    Examples:
        >>> import numpy as np
        >>> from retrograd.utils.data import default_convert
        >>> default_convert(np.array([1.0, 2.0]))
        tensor([1., 2.], dtype=retrograd.float64)
        >>> default_convert({"a": np.array([1]), "b": "text"})
        {'a': tensor([1]), 'b': 'text'}
    """
    kind = type(data)
    if isinstance(data, Tensor):
        return data
    if _is_numpy_value(data):
        if kind.__name__ == "ndarray" and np_str_obj_array_pattern.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return _rebuild_mapping(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # namedtuple
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]  # a list, as PyTorch returns (backwards compatibility)
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild_sequence(data, [default_convert(d) for d in data])
    return data


def _rebuild_mapping(like: Any, values: dict) -> Any:
    """A mapping of `like`'s type holding `values`; a plain dict when that type can't be built."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(values)
            return clone
        return type(like)(values)
    except TypeError:
        return values


def _rebuild_sequence(like: Any, values: list) -> Any:
    """A sequence of `like`'s type holding `values`; a plain list when that type can't be built."""
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(like)(values)
    except TypeError:
        return values


def collate(batch: Any, *, collate_fn_map: CollateMap | None = None) -> Any:
    """Collate a list of samples: leaves by `collate_fn_map`, containers element-wise.

    Mappings collate per key, namedtuples per field, other sequences per position
    (transposed: a batch of pairs becomes a pair, as a list, of batches).
    """
    elem = batch[0]
    kind = type(elem)
    if collate_fn_map is not None:
        if kind in collate_fn_map:
            return collate_fn_map[kind](batch, collate_fn_map=collate_fn_map)
        for key, fn in collate_fn_map.items():
            if isinstance(elem, key):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        values = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
        return _rebuild_mapping(elem, values)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return kind(*(collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if any(len(sample) != size for sample in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # Each column is a tuple (so a column of strings stays a tuple, as in PyTorch).
        columns = [collate(samples, collate_fn_map=collate_fn_map) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return columns  # a list, as PyTorch returns (backwards compatibility)
        return _rebuild_sequence(elem, columns)
    raise TypeError(default_collate_err_msg_format.format(kind))


def collate_tensor_fn(batch: list[Tensor], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    """Tensors of one shape `S` stacked into `(B, *S)`."""
    return stack(batch, 0)


def collate_numpy_array_fn(batch: list[np.ndarray], *, collate_fn_map: CollateMap | None = None) -> Any:
    """NumPy arrays become tensors (same dtype), then stack; string/object arrays are refused."""
    elem = batch[0]
    if np_str_obj_array_pattern.search(elem.dtype.str) is not None:
        raise TypeError(default_collate_err_msg_format.format(elem.dtype))
    return collate([as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    """NumPy scalars become a 1-D tensor of their dtype."""
    return as_tensor(np.asarray(batch))


def collate_float_fn(batch: list[float], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    """Python floats become float64 (not the default dtype), as in PyTorch."""
    return tensor(batch, dtype=float64)


def collate_int_fn(batch: list[int], *, collate_fn_map: CollateMap | None = None) -> Tensor:
    """Python ints become int64, bools bool (and a float later in the batch makes it float)."""
    return tensor(batch)


def collate_str_fn(batch: list[Any], *, collate_fn_map: CollateMap | None = None) -> list[Any]:
    """Strings and bytes stay a list."""
    return batch


default_collate_fn_map: CollateMap = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: Any) -> Any:
    """A list of samples as one batch, the default `collate_fn` of `DataLoader`.

    Tensors are stacked to `(B, ...)`, numbers and NumPy values become tensors, strings lists;
    dicts, namedtuples and sequences are collated per entry.

    Args:
        batch (list): the samples; each a tensor, a number, a NumPy array, a string, or a
            tuple, list or dict of those (nested the same way in every sample).

    Returns:
        the batch, with the samples' structure: tensors stacked along a new dim 0 (shape
            `(B, ...)`), numbers as 1-D tensors (int64 for ints, float64 for floats), strings as lists.

    Examples:
        >>> from retrograd.utils.data import default_collate
        >>> default_collate([(retrograd.tensor([1, 2]), 0), (retrograd.tensor([3, 4]), 1)])
        [tensor([[1, 2],
                [3, 4]]), tensor([0, 1])]
        >>> default_collate([(1, 0.5), (2, 1.5)])
        [tensor([1, 2]), tensor([0.5000, 1.5000], dtype=retrograd.float64)]
        >>> default_collate([{"x": 1.0}, {"x": 2.0}])
        {'x': tensor([1., 2.], dtype=retrograd.float64)}
    """
    return collate(batch, collate_fn_map=default_collate_fn_map)
