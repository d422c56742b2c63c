"""`torch.distributed.device_mesh`: the names, for code that imports them; meshes are not in retrograd yet."""

from __future__ import annotations

from typing import Any

__all__ = ["DeviceMesh", "init_device_mesh"]

_NO_MESH = "retrograd has no DeviceMesh yet (DTensor and FSDP2 sharding are not supported)"


class DeviceMesh:
    """A grid of ranks that DTensors are laid out over; constructing one raises NotImplementedError."""

    def __init__(self, device_type: str, mesh: Any = None, *, mesh_dim_names: tuple[str, ...] | None = None,
                 **kwargs: Any) -> None:
        raise NotImplementedError(_NO_MESH)


def init_device_mesh(
    device_type: str, mesh_shape: tuple[int, ...], *, mesh_dim_names: tuple[str, ...] | None = None,
    backend_override: Any = None,
) -> DeviceMesh:
    """Not in retrograd yet: raises NotImplementedError."""
    raise NotImplementedError(_NO_MESH)
