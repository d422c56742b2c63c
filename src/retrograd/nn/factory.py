"""`nn.factory_kwargs`: the device/dtype/memory_format arguments a module passes to factory functions."""

from __future__ import annotations

from typing import Any

__all__ = ["factory_kwargs"]

_SIMPLE_KEYS = ("device", "dtype", "memory_format")


def factory_kwargs(kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """The factory arguments of `kwargs`, checked: `device`, `dtype`, `memory_format`, plus `factory_kwargs`.

    Args:
        kwargs (dict, optional): keyword arguments; a `factory_kwargs` entry (a dict) gives them when a name clashes
            with a module argument.

    Returns:
        dict: the `device`, `dtype` and `memory_format` entries; a key given both ways, or any other key, is a
            TypeError.

    Examples:
        >>> nn.factory_kwargs({'device': 'cpu', 'factory_kwargs': {'dtype': retrograd.float64}})
        {'dtype': retrograd.float64, 'device': 'cpu'}
        >>> nn.factory_kwargs(None)
        {}
        >>> nn.factory_kwargs({'bias': True})
        Traceback (most recent call last):
            ...
        TypeError: unexpected kwargs {'bias'}
    """
    if kwargs is None:
        return {}
    unexpected = [k for k in kwargs if k not in _SIMPLE_KEYS and k != "factory_kwargs"]
    if unexpected:
        raise TypeError(f"unexpected kwargs {set(unexpected)}")
    result = dict(kwargs.get("factory_kwargs", {}))
    for key in _SIMPLE_KEYS:
        if key in kwargs:
            if key in result:
                raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
            result[key] = kwargs[key]
    return result
