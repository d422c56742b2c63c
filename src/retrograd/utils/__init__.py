"""Utilities with PyTorch's layout: `retrograd.utils.data` (datasets, samplers, DataLoader)."""

from . import data

__all__ = ["data"]
