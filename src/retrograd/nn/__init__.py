"""Neural-network building blocks (functional activations for now)."""

from . import functional

__all__ = ["functional"]
