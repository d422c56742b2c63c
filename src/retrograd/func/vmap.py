"""vmap: run a function over a batch dimension, as if on each example, in one pass."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..tensor import Tensor
from . import _pytree
from ._batched import BatchedTensor, level_of, open_level, wrap

_RANDOMNESS = ("error", "different", "same")


def vmap(
    func: Callable[..., Any],
    in_dims: Any = 0,
    out_dims: Any = 0,
    randomness: str = "error",
    *,
    chunk_size: int | None = None,
) -> Callable[..., Any]:
    """`func` vectorised over dim `in_dims` of its inputs; results stacked along `out_dims`.

    `func` is written for one example; the new function runs it on a batch at once.

    Args:
        func (callable): takes and returns tensors (or nested tuples, lists, dicts of them).
        in_dims (int or None or nested): the batch dim of each input; None for an input shared by
            every example (default 0).
        out_dims (int or nested): where the batch dim goes in each output (default 0).
        randomness (str): random ops inside: `'error'` (default), `'different'` or `'same'`
            per example.
        chunk_size (int, optional): run at most this many examples at a time.

    Returns:
        callable: takes batched inputs, returns batched outputs.

    Examples:
        >>> from retrograd.func import vmap
        >>> x = retrograd.tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> vmap(retrograd.dot)(x, x)
        tensor([ 5., 25.])
        >>> vmap(retrograd.mv, in_dims=(None, 0))(x, x)
        tensor([[ 5., 11.],
                [11., 25.]])
    """
    if randomness not in _RANDOMNESS:
        raise RuntimeError(f"Only allowed values for randomness are 'error', 'different', or 'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def vmapped(*args: Any, **kwargs: Any) -> Any:
        return _vmap_call(func, in_dims, out_dims, randomness, chunk_size, args, kwargs)

    return vmapped


def _name(func: Any) -> str:
    return getattr(func, "__name__", repr(func))


def _vmap_call(
    func: Callable, in_dims: Any, out_dims: Any, randomness: str, chunk_size: int | None, args: tuple, kwargs: dict
) -> Any:
    name = _name(func)
    _check_out_dims(out_dims, name)
    if not isinstance(in_dims, (int, tuple)):
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to be int or a (potentially "
            f"nested) tuple matching the structure of inputs, got: {type(in_dims)}."
        )
    if not args:
        raise ValueError(
            f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add inputs, or you are trying to vmap "
            "over a function with no inputs. The latter is unsupported."
        )
    flat, spec = _pytree.flatten(args)
    dims = _pytree.broadcast_prefix(in_dims, args)
    if dims is None:
        raise ValueError(
            f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not compatible with the structure of "
            f"`inputs`. in_dims has structure {_pytree.structure(in_dims)} but inputs has structure "
            f"{_pytree.structure(args)}."
        )
    sizes = []
    for x, d in zip(flat, dims):
        if d is None:
            continue
        if not isinstance(d, int):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but in_dim must be "
                "either an integer dimension or None."
            )
        if not isinstance(x, Tensor):
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for an input but the input is of "
                f"type {type(x)}. We cannot vmap over non-Tensor arguments, please use None as the respective in_dim"
            )
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(
                f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} for some input, but that input is "
                f"a Tensor of dimensionality {n} so expected in_dim to satisfy -{n} <= in_dim < {n}."
            )
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    size = sizes[0]
    if any(s != size for s in sizes):
        raise ValueError(
            "vmap: Expected all tensors to have the same size in the mapped dimension, got sizes "
            f"{sizes} for the mapped dimension"
        )
    if chunk_size is not None and chunk_size < size:
        return _chunked(func, flat, dims, spec, out_dims, randomness, chunk_size, size, kwargs)
    return _run(func, flat, dims, spec, out_dims, randomness, size, kwargs)


def _check_out_dims(out_dims: Any, name: str) -> None:
    """Every leaf of `out_dims` is an int or None (checked before anything runs, as PyTorch does)."""
    for d in _pytree.flatten(out_dims)[0]:
        if d is not None and not isinstance(d, int):
            raise ValueError(
                f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, None or a python collection of "
                "ints representing where in the outputs the vmapped dimension should appear."
            )


def _out_dims_per_leaf(func: Callable, out: Any, out_dims: Any) -> list:
    """One out_dim per leaf of `out`; PyTorch also takes `(d,)` for a single tensor."""
    if isinstance(out, Tensor):
        if out_dims is None or isinstance(out_dims, int):
            return [out_dims]
        if isinstance(out_dims, tuple) and len(out_dims) == 1:
            return list(out_dims)
        odims = None
    else:
        odims = _pytree.broadcast_prefix(out_dims, out)
    if odims is None:
        raise ValueError(
            f"vmap({_name(func)}, ..., out_dims={out_dims})(<inputs>): out_dims is not compatible with the structure "
            f"of `outputs`. out_dims has structure {_pytree.structure(out_dims)} but outputs has structure "
            f"{_pytree.structure(out)}."
        )
    return odims


def _run(
    func: Callable, flat: list, dims: list, spec: Any, out_dims: Any, randomness: str, size: int, kwargs: dict
) -> Any:
    with open_level(size, randomness) as lv:
        batched = [
            x if d is None else wrap(x if d % x.dim() == 0 else x.movedim(d, 0), lv.level) for x, d in zip(flat, dims)
        ]
        out = func(*_pytree.unflatten(batched, spec), **kwargs)
        return _unbatch(func, out, out_dims, lv.level, size)


def _unbatch(func: Callable, out: Any, out_dims: Any, level: int, size: int) -> Any:
    leaves, spec = _pytree.flatten(out)
    odims = _out_dims_per_leaf(func, out, out_dims)
    results = []
    for x, d in zip(leaves, odims):
        if d is None:
            if level_of(x) == level:
                raise ValueError(
                    f"vmap({_name(func)}, ...): `{_name(func)}` can not return a BatchedTensor when out_dim is None"
                )
            results.append(x)
            continue
        if not isinstance(x, Tensor):
            raise ValueError(
                f"vmap({_name(func)}, ...): `{_name(func)}` must only return Tensors, got type {type(x)}. Did you "
                "mean to set out_dims= to None for output?"
            )
        if type(x) is BatchedTensor and x._level == level:
            value = x._value
        else:  # the same for every example: PyTorch expands it
            value = x.unsqueeze(0).expand(size, *x.shape)
        n = value.dim()
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {d})")
        results.append(value if d % n == 0 else value.movedim(0, d))
    return _pytree.unflatten(results, spec)


def _chunked(
    func: Callable,
    flat: list,
    dims: list,
    spec: Any,
    out_dims: Any,
    randomness: str,
    chunk_size: int,
    size: int,
    kwargs: dict,
) -> Any:
    from .. import ops, random

    # 'same': every chunk draws what the first drew (one random value for the whole batch)
    state = random.get_rng_state() if randomness == "same" else None
    pieces = []
    for start in range(0, size, chunk_size):
        stop = min(start + chunk_size, size)
        if state is not None and start:
            random.set_rng_state(state)
        part = [x if d is None else x.narrow(d, start, stop - start) for x, d in zip(flat, dims)]
        pieces.append(_run(func, part, dims, spec, out_dims, randomness, stop - start, kwargs))
    leaves0, ospec = _pytree.flatten(pieces[0])
    odims = _out_dims_per_leaf(func, pieces[0], out_dims)
    joined = []
    for k, d in enumerate(odims):
        chunks = [_pytree.flatten(p)[0][k] for p in pieces]
        joined.append(chunks[0] if d is None else ops.cat(chunks, d))
    return _pytree.unflatten(joined, ospec)
