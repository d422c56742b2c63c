"""Neural-network building blocks: Module, Parameter, and the functional API."""

from . import functional
from .module import Module
from .parameter import Parameter

__all__ = ["functional", "Module", "Parameter"]
