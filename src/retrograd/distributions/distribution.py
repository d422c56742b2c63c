"""Distribution: the base class with shapes, argument validation and sample-shape bookkeeping."""

from __future__ import annotations

import warnings
from typing import Any

import retrograd as _rg

from .._display_name import package_class
from . import constraints
from .utils import lazy_property

__all__ = ["Distribution"]


def _all_true(valid: Any) -> bool:
    return bool(valid.all()) if isinstance(valid, _rg.Tensor) else bool(valid)


class Distribution:
    """Base class of probability distributions: `batch_shape`, `event_shape`, sampling and densities.

    Args:
        batch_shape (Size): the shape of independent, not identically distributed draws (default ()).
        event_shape (Size): the shape of one draw (default ()).
        validate_args (bool, optional): check the parameters and `log_prob`'s values (default: the global setting).

    Returns:
        (Distribution): the base of every distribution; subclasses define `sample`/`rsample`,
            `log_prob` and the moments.

    Examples:
        >>> d = retrograd.distributions.Normal(retrograd.zeros(2), retrograd.ones(2))
        >>> isinstance(d, retrograd.distributions.Distribution)
        True
        >>> d.batch_shape, d.event_shape
        (retrograd.Size([2]), retrograd.Size([]))
        >>> d.expand((3, 2)).batch_shape
        retrograd.Size([3, 2])
    """

    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        package_class(cls)  # `type(d)` reads `torch.distributions.beta.Beta` under the alias

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        """Turn argument validation on or off for distributions created afterwards without `validate_args`."""
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(
        self,
        batch_shape: Any = _rg.Size(),
        event_shape: Any = _rg.Size(),
        validate_args: bool | None = None,
    ) -> None:
        self._batch_shape = batch_shape
        self._event_shape = event_shape
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_arguments()
        super().__init__()

    def _check_arguments(self) -> None:
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
            warnings.warn(
                f"{self.__class__} does not define `arg_constraints`. "
                + "Please set `arg_constraints = {}` or initialize the distribution "
                + "with `validate_args=False` to turn off validation.",
                stacklevel=3,
            )
        for param, constraint in arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue
            if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                continue  # lazily computed from another parameter, which is checked
            value = getattr(self, param)
            if not _all_true(constraint.check(value)):
                raise ValueError(
                    f"Expected parameter {param} "
                    f"({type(value).__name__} of shape {tuple(value.shape)}) "
                    f"of distribution {repr(self)} "
                    f"to satisfy the constraint {repr(constraint)}, "
                    f"but found invalid values:\n{value}"
                )

    def expand(self, batch_shape: Any, _instance: Any = None) -> Distribution:
        """A new distribution with parameters expanded (not copied) to `batch_shape`."""
        raise NotImplementedError

    @property
    def batch_shape(self) -> Any:
        """The shape over which parameters are batched."""
        return self._batch_shape

    @property
    def event_shape(self) -> Any:
        """The shape of a single sample (without batching)."""
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        """Maps each parameter name to the constraint it must satisfy."""
        raise NotImplementedError

    @property
    def support(self) -> Any:
        """The constraint that values of this distribution satisfy."""
        raise NotImplementedError

    @property
    def mean(self) -> Any:
        # PyTorch raises a bare NotImplementedError here (mode alone names the class)
        raise NotImplementedError

    @property
    def mode(self) -> Any:
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self) -> Any:
        raise NotImplementedError

    @property
    def stddev(self) -> Any:
        return self.variance.sqrt()

    def sample(self, sample_shape: Any = _rg.Size()) -> Any:
        """Draw a sample (or a batch of them) of shape ``sample_shape + batch_shape + event_shape``; no gradient."""
        with _rg.no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = _rg.Size()) -> Any:
        """A reparameterised sample: gradients flow back to the parameters."""
        raise NotImplementedError

    def sample_n(self, n: int) -> Any:
        """Deprecated: `sample((n,))`."""
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning, stacklevel=2)
        return self.sample(_rg.Size((n,)))

    def log_prob(self, value: Any) -> Any:
        raise NotImplementedError

    def cdf(self, value: Any) -> Any:
        raise NotImplementedError

    def icdf(self, value: Any) -> Any:
        raise NotImplementedError

    def enumerate_support(self, expand: bool = True) -> Any:
        raise NotImplementedError

    def entropy(self) -> Any:
        raise NotImplementedError

    def perplexity(self) -> Any:
        """exp(entropy)."""
        return _rg.exp(self.entropy())

    def _extended_shape(self, sample_shape: Any = _rg.Size()) -> Any:
        """``sample_shape + batch_shape + event_shape`` as a Size."""
        if not isinstance(sample_shape, _rg.Size):
            sample_shape = _rg.Size(sample_shape)
        return _rg.Size(sample_shape + self._batch_shape + self._event_shape)

    def _validate_sample(self, value: Any) -> None:
        """Check a value's type, event shape, broadcastability and support (raises ValueError)."""
        if not isinstance(value, _rg.Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        event_dim_start = len(value.size()) - len(self._event_shape)
        if value.size()[event_dim_start:] != self._event_shape:
            raise ValueError(
                f"The right-most size of value must match event_shape: {value.size()} vs {self._event_shape}."
            )
        actual_shape = value.size()
        expected_shape = self._batch_shape + self._event_shape
        for i, j in zip(reversed(actual_shape), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(
                    f"Value is not broadcastable with batch_shape+event_shape: {actual_shape} vs {expected_shape}."
                )
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(
                f"{self.__class__} does not define `support` to enable "
                + "sample validation. Please initialize the distribution with "
                + "`validate_args=False` to turn off validation.",
                stacklevel=2,
            )
            return
        if not _all_true(support.check(value)):
            raise ValueError(
                "Expected value argument "
                f"({type(value).__name__} of shape {tuple(value.shape)}) "
                f"to be within the support ({repr(support)}) "
                f"of the distribution {repr(self)}, "
                f"but found invalid values:\n{value}"
            )

    def _get_checked_instance(self, cls: type, _instance: Any = None) -> Any:
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(
                f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom __init__ method "
                "must also define a custom .expand() method."
            )
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self) -> str:
        param_names = [k for k in self.arg_constraints if k in self.__dict__]
        args = []
        for p in param_names:
            value = self.__dict__[p]
            args.append(f"{p}: {value if value.numel() == 1 else value.size()}")
        return self.__class__.__name__ + "(" + ", ".join(args) + ")"


def expanded_copy(dist: Distribution, cls: type, batch_shape: Any, _instance: Any, params: dict) -> Any:
    """The `expand` every simple distribution shares: expand the named parameters present on `dist`.

    `params` maps a parameter name to the trailing (event-like) shape it keeps after batch_shape.
    """
    new = dist._get_checked_instance(cls, _instance)
    batch_shape = _rg.Size(batch_shape)
    for name, trailing in params.items():
        if name in dist.__dict__:
            setattr(new, name, getattr(dist, name).expand(batch_shape + tuple(trailing)))
    Distribution.__init__(new, batch_shape, dist._event_shape, validate_args=False)
    new._validate_args = dist._validate_args
    return new


package_class(Distribution)  # (its subclasses register themselves: `__init_subclass__`)
