"""`biject_to` and `transform_to`: from unconstrained reals to a constraint's region.

`biject_to(c)` gives a bijection (for HMC-style reparameterisation, with a log-det-Jacobian);
`transform_to(c)` gives any transform onto the region (for optimisation), possibly not bijective.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from . import constraints, transforms

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """Maps constraint types to factories building a transform for a constraint instance."""

    def __init__(self) -> None:
        self._registry: dict = {}
        super().__init__()

    def register(self, constraint: Any, factory: Callable | None = None) -> Any:
        """Register `factory` for `constraint` (a Constraint subclass or instance); usable as a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not isinstance(constraint, type) or not issubclass(constraint, constraints.Constraint):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or instance, but got {constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint: Any) -> transforms.Transform:
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(f"Cannot transform {type(constraint).__name__} constraints") from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _transform_to_real(constraint: Any) -> transforms.Transform:
    return transforms.identity_transform


def _biject_to_independent(constraint: Any) -> transforms.Transform:
    base = biject_to(constraint.base_constraint)
    return transforms.IndependentTransform(base, constraint.reinterpreted_batch_ndims)


def _transform_to_independent(constraint: Any) -> transforms.Transform:
    base = transform_to(constraint.base_constraint)
    return transforms.IndependentTransform(base, constraint.reinterpreted_batch_ndims)


def _transform_to_positive(constraint: Any) -> transforms.Transform:
    return transforms.ExpTransform()


def _transform_to_greater_than(constraint: Any) -> transforms.Transform:
    return transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(constraint.lower_bound, 1)]
    )


def _transform_to_less_than(constraint: Any) -> transforms.Transform:
    return transforms.ComposeTransform(
        [transforms.ExpTransform(), transforms.AffineTransform(constraint.upper_bound, -1)]
    )


def _transform_to_interval(constraint: Any) -> transforms.Transform:
    lower_is_0 = isinstance(constraint.lower_bound, numbers.Number) and constraint.lower_bound == 0
    upper_is_1 = isinstance(constraint.upper_bound, numbers.Number) and constraint.upper_bound == 1
    if lower_is_0 and upper_is_1:
        return transforms.SigmoidTransform()
    loc = constraint.lower_bound
    scale = constraint.upper_bound - constraint.lower_bound
    return transforms.ComposeTransform([transforms.SigmoidTransform(), transforms.AffineTransform(loc, scale)])


def _biject_to_simplex(constraint: Any) -> transforms.Transform:
    return transforms.StickBreakingTransform()


def _transform_to_simplex(constraint: Any) -> transforms.Transform:
    return transforms.SoftmaxTransform()


def _transform_to_lower_cholesky(constraint: Any) -> transforms.Transform:
    return transforms.LowerCholeskyTransform()


def _transform_to_positive_definite(constraint: Any) -> transforms.Transform:
    return transforms.PositiveDefiniteTransform()


def _transform_to_corr_cholesky(constraint: Any) -> transforms.Transform:
    return transforms.CorrCholeskyTransform()


def _biject_to_cat(constraint: Any) -> transforms.Transform:
    parts = [biject_to(c) for c in constraint.cseq]
    return transforms.CatTransform(parts, constraint.dim, constraint.lengths)


def _transform_to_cat(constraint: Any) -> transforms.Transform:
    parts = [transform_to(c) for c in constraint.cseq]
    return transforms.CatTransform(parts, constraint.dim, constraint.lengths)


def _biject_to_stack(constraint: Any) -> transforms.Transform:
    return transforms.StackTransform([biject_to(c) for c in constraint.cseq], constraint.dim)


def _transform_to_stack(constraint: Any) -> transforms.Transform:
    return transforms.StackTransform([transform_to(c) for c in constraint.cseq], constraint.dim)


_SHARED = [
    (constraints.real, _transform_to_real),
    (constraints.positive, _transform_to_positive),
    (constraints.nonnegative, _transform_to_positive),
    (constraints.greater_than, _transform_to_greater_than),
    (constraints.greater_than_eq, _transform_to_greater_than),
    (constraints.less_than, _transform_to_less_than),
    (constraints.interval, _transform_to_interval),
    (constraints.half_open_interval, _transform_to_interval),
    (constraints.corr_cholesky, _transform_to_corr_cholesky),
]
for _constraint, _factory in _SHARED:
    biject_to.register(_constraint, _factory)
    transform_to.register(_constraint, _factory)

biject_to.register(constraints.independent, _biject_to_independent)
biject_to.register(constraints.simplex, _biject_to_simplex)
biject_to.register(constraints.cat, _biject_to_cat)
biject_to.register(constraints.stack, _biject_to_stack)
transform_to.register(constraints.independent, _transform_to_independent)
transform_to.register(constraints.simplex, _transform_to_simplex)
transform_to.register(constraints.lower_cholesky, _transform_to_lower_cholesky)
transform_to.register(constraints.positive_definite, _transform_to_positive_definite)
transform_to.register(constraints.positive_semidefinite, _transform_to_positive_definite)
transform_to.register(constraints.cat, _transform_to_cat)
transform_to.register(constraints.stack, _transform_to_stack)
