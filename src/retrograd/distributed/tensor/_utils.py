"""Shape arithmetic of sharded tensors (`compute_local_shape_and_global_offset`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .placement_types import Placement, Shard

__all__ = ["compute_local_shape_and_global_offset"]


def compute_local_shape_and_global_offset(
    global_shape: Sequence[int], mesh: Any, placements: Sequence[Placement], skip_offset: bool = False
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """This rank's piece of a tensor of `global_shape` laid out by `placements` over `mesh`.

    Args:
        global_shape: the whole tensor's shape.
        mesh: a device mesh: `mesh.size(i)` and `mesh.get_coordinate()` (None off the mesh) are read.
        placements: one per mesh dimension; `Shard(d)` splits dimension d, others keep it whole.
        skip_offset: return an empty offset.

    Returns:
        (tuple, tuple): the local shape and its offset in the global tensor; `((0,), ())` off the mesh.
    """
    coordinate = mesh.get_coordinate()
    if coordinate is None:
        return (0,), ()
    shape = list(global_shape)
    offset = [0] * len(shape)
    for mesh_dim, placement in enumerate(placements):
        if isinstance(placement, Shard):
            size, start = Shard.local_shard_size_and_offset(
                shape[placement.dim], mesh.size(mesh_dim), coordinate[mesh_dim]
            )
            shape[placement.dim] = size
            offset[placement.dim] += start
    return tuple(shape), (() if skip_offset else tuple(offset))
