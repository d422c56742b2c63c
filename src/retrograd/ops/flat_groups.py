"""Many tensors updated as one flat array: the multi-tensor path of the optimizers.

An optimizer step over 30 small parameters is 30 times a dozen NumPy calls, most of the time
spent calling; on one flat array it is a dozen calls. The update is element-wise, so its result
is the same, bit for bit, in whatever arrangement the elements sit. The optimizer's own buffers
(Adam's moments) are moved into flat arrays once and their tensors keep views of them (the
tensors stay the same objects; only their storage moves); the parameters and gradients, which
belong to others, are gathered into flat copies each step and the parameters written back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._storage import in_shared_memory
from ..tensor import Tensor

__all__ = ["FlatGroup", "flat_float_arrays", "advance_equal_steps"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def flat_float_arrays(params: list[Tensor], grads: list[Tensor]) -> bool:
    """Whether the parameters and their gradients are NumPy arrays of one float dtype."""
    dtype = params[0]._data.dtype
    if dtype not in _FLOATS:
        return False
    for p, g in zip(params, grads):
        a, b = p._data, g._data
        if type(a) is not np.ndarray or type(b) is not np.ndarray or a.dtype != dtype or b.dtype != dtype:
            return False
    return True


def advance_equal_steps(steps: list[Tensor]) -> float | None:
    """Add 1 to every 0-d step counter and return the new count, if they all agree; else change
    nothing and return None (the parameters then need one update each)."""
    arrays = [s._data for s in steps]
    first = float(arrays[0])
    if any(float(a) != first for a in arrays):
        return None
    for s, a in zip(steps, arrays):
        a.fill(first + 1)  # `step += 1` in the counter's dtype
        s._version_counter.value += 1
    return float(arrays[0])


class FlatGroup:
    """Parameters and their buffers (one or more per parameter) laid out in flat arrays."""

    __slots__ = ("ids", "shapes", "buffers", "pieces", "param", "param_pieces")

    @classmethod
    def build(cls, params: list[Tensor], buffers: list[list[Tensor]]) -> FlatGroup | None:
        """The layout, or None where one update per parameter must run instead: a parameter listed
        twice (its updates follow each other), a buffer not a NumPy array of its parameter's
        shape and dtype (a state the user replaced; a flat copy would change or misalign it), or a
        buffer in shared memory (A3C's shared Adam: forked workers update it where it is)."""
        if len({id(p) for p in params}) != len(params):
            return None
        for tensors in buffers:
            for t, p in zip(tensors, params):
                a, b = t._data, p._data
                if type(a) is not np.ndarray or a.shape != b.shape or a.dtype != b.dtype or in_shared_memory(a):
                    return None
        return cls(params, buffers)

    def __init__(self, params: list[Tensor], buffers: list[list[Tensor]]) -> None:
        """`buffers[k][i]` is the k-th buffer of `params[i]` (its shape); their storage moves into
        one flat array per k, and each buffer tensor becomes a view of its piece."""
        self.ids = tuple(map(id, params))
        self.shapes = [p._data.shape for p in params]
        self.buffers, self.pieces = [], []
        for tensors in buffers:
            flat = np.concatenate([t._data.reshape(-1) for t in tensors])
            pieces = self._cut(flat)
            for t, piece in zip(tensors, pieces):
                t._data = piece
            self.buffers.append(flat)
            self.pieces.append(pieces)
        self.param = np.empty_like(self.buffers[0])  # the parameters' flat copy, gathered each step
        self.param_pieces = self._cut(self.param)

    def _cut(self, flat: Any) -> list[Any]:
        pieces, start = [], 0
        for shape in self.shapes:
            size = int(np.prod(shape))
            pieces.append(flat[start : start + size].reshape(shape))
            start += size
        return pieces

    def fits(self, params: list[Tensor], buffers: list[list[Tensor]]) -> bool:
        """Whether this layout still holds these parameters and buffers (none replaced or resized)."""
        if tuple(map(id, params)) != self.ids or [p._data.shape for p in params] != self.shapes:
            return False
        return all(t._data is piece for ts, pieces in zip(buffers, self.pieces) for t, piece in zip(ts, pieces))

    def gather_params(self, params: list[Tensor]) -> Any:
        """The parameters' values in the flat array `scatter` writes back from."""
        return np.concatenate([p._data.reshape(-1) for p in params], out=self.param)

    @staticmethod
    def gather(tensors: list[Tensor]) -> Any:
        """A flat copy of the tensors' arrays (the gradients)."""
        return np.concatenate([t._data.reshape(-1) for t in tensors])

    def scatter(self, params: list[Tensor], buffers: list[list[Tensor]]) -> None:
        """Write the flat parameters back; count the in-place change of them and of the buffers."""
        for p, piece in zip(params, self.param_pieces):
            p._data[...] = piece
            p._version_counter.value += 1
        for tensors in buffers:
            for t in tensors:
                t._version_counter.value += 1
