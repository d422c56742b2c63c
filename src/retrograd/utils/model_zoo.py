"""`torch.utils.model_zoo`: the old name of `torch.hub.load_state_dict_from_url`."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["load_url"]


def load_url(url: str, *args: Any, **kwargs: Any) -> Any:
    """`retrograd.hub.load_state_dict_from_url(url, ...)` (hub sits above utils, so it is found at call time).

    Args:
        url (str): the checkpoint's address.
        *args: `model_dir`, `map_location`, `progress`, `check_hash`, `file_name`, in that order.
        **kwargs: the same by name, and `weights_only`.

    Returns:
        dict: the state dict, downloaded once into the hub's cache folder.

    Examples:
        >>> from retrograd.utils.model_zoo import load_url
        >>> callable(load_url)
        True
    """
    return importlib.import_module("retrograd.hub").load_state_dict_from_url(url, *args, **kwargs)
