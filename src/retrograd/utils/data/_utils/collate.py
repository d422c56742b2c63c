"""`torch.utils.data._utils.collate`: the collate functions of `retrograd.utils.data.collate`
under PyTorch's module path (the same objects, `default_collate_fn_map` included).

Custom collate functions extend the map and call `collate` with it, as with PyTorch:

    >>> from retrograd.utils.data._utils.collate import collate, default_collate_fn_map
    >>> class Box:
    ...     def __init__(self, v):
    ...         self.v = v
    >>> def collate_box(batch, *, collate_fn_map=None):
    ...     return [b.v for b in batch]
    >>> collate([(Box(1), 2.0), (Box(3), 4.0)], collate_fn_map={**default_collate_fn_map, Box: collate_box})
    [[1, 3], tensor([2., 4.], dtype=retrograd.float64)]
"""

from ..collate import (
    collate,
    collate_float_fn,
    collate_int_fn,
    collate_numpy_array_fn,
    collate_numpy_scalar_fn,
    collate_str_fn,
    collate_tensor_fn,
    default_collate,
    default_collate_err_msg_format,
    default_collate_fn_map,
    default_convert,
    np_str_obj_array_pattern,
)

__all__ = [
    "collate",
    "collate_float_fn",
    "collate_int_fn",
    "collate_numpy_array_fn",
    "collate_numpy_scalar_fn",
    "collate_str_fn",
    "collate_tensor_fn",
    "default_collate",
    "default_collate_err_msg_format",
    "default_collate_fn_map",
    "default_convert",
    "np_str_obj_array_pattern",
]
