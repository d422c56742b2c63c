"""`swap_in_optimizer_params_and_state`: run an optimizer on other parameters and state for a while."""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from ..tensor import Tensor
from .optimizer import Optimizer

__all__ = ["swap_in_optimizer_params_and_state"]

_NAME = "swap_in_optimizer_params_and_state"


def _checked_state(state: Any) -> dict:
    """`swapin_optim_state["state"]`: packed parameter ids -> per-parameter dicts."""
    if not isinstance(state, dict):
        raise RuntimeError(
            f"{_NAME} requires swapin_optim_state['state'] to be a dict mapping packed parameter ids to "
            f"per-param state dicts, got {type(state).__name__}."
        )
    if any(isinstance(k, Tensor) for k in state):
        raise RuntimeError(f"{_NAME} requires optimizer.state_dict()-style state keyed by packed parameter ids.")
    if any(isinstance(k, int) and not isinstance(v, dict) for k, v in state.items()):
        raise RuntimeError(f"{_NAME} requires per-parameter optimizer state entries to be dictionaries.")
    return state


def _checked_group_ids(idx: int, live: dict, group: Any) -> list[int]:
    """The packed ids of one swap-in group, after checking it mirrors the live group."""
    if not isinstance(group, dict):
        raise RuntimeError(f"{_NAME} requires each optimizer param group to be a dictionary.")
    ids = group.get("params")
    if not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        raise RuntimeError(
            f"{_NAME} requires optimizer.state_dict()-style param_groups[*]['params'] entries keyed by "
            "packed parameter ids."
        )
    if len(live["params"]) != len(ids):
        raise RuntimeError(
            f"swapin_optim_state param group {idx} has a different number of params than the live optimizer "
            "param group."
        )
    swapin_only = [k for k in group if k not in live]
    live_only = [k for k in live if k not in group]
    if swapin_only or live_only:
        raise RuntimeError(
            f"{_NAME} requires optimizer.state_dict()-style param group keys to exactly match the live "
            f"optimizer group keys for group {idx}. Keys only in swap-in: {swapin_only}. "
            f"Keys only in live: {live_only}."
        )
    return ids


def _swap_plan(optimizer: Optimizer, parameters: dict, optim_state: Any) -> tuple[dict, list]:
    """(packed state, [(live group, swap-in group, its parameters)]) after PyTorch's checks."""
    if not optimizer.state:
        raise RuntimeError(f"{_NAME} requires initialized optimizer state.")
    if not isinstance(optim_state, dict):
        raise RuntimeError(f"{_NAME} requires a DCP-style optimizer state_dict.")
    state = _checked_state(optim_state.get("state"))
    groups = optim_state.get("param_groups")
    if not isinstance(groups, list):
        raise RuntimeError(
            f"{_NAME} requires swapin_optim_state['param_groups'] to be a list of param-group dicts, "
            f"got {type(groups).__name__}."
        )
    if len(groups) != len(optimizer.param_groups):
        raise RuntimeError("swapin_optim_state has a different number of parameter groups than the live optimizer.")
    flat = list(parameters.values())
    offset, seen, plan = 0, set(), []
    for idx, (live, group) in enumerate(zip(optimizer.param_groups, groups)):
        ids = _checked_group_ids(idx, live, group)
        seen.update(ids)
        if offset + len(ids) > len(flat):
            raise RuntimeError(
                f"{_NAME} requires the explicit parameter state to match optimizer.param_groups ordering."
            )
        plan.append((live, group, flat[offset : offset + len(ids)]))
        offset += len(ids)
    extra = [k for k in state if k not in seen]
    if extra:
        raise RuntimeError(
            f"{_NAME} requires swapin_optim_state['state'] to be keyed only by packed parameter ids from "
            f"param_groups[*]['params']; got extra keys {extra!r}."
        )
    return state, plan


@contextlib.contextmanager
def swap_in_optimizer_params_and_state(
    optimizer: Optimizer, swapin_parameters: dict[str, Tensor], swapin_optim_state: dict[str, Any]
) -> Iterator[None]:
    """Inside the block, `optimizer` works on `swapin_parameters` and the state of `swapin_optim_state`.

    `swapin_parameters` are in the order of the optimizer's parameters (as
    `model.named_parameters()`); `swapin_optim_state` is shaped as `optimizer.state_dict()`.
    In-place changes to its state tensors show through; the live parameters, groups and
    state are restored on exit. The optimizer must have stepped once (its state exists).

    Args:
        optimizer (Optimizer): the live optimizer, whose state already exists.
        swapin_parameters (dict of str to Tensor): the tensors to step instead of the parameters,
            in the order of the optimizer's parameters.
        swapin_optim_state (dict): the state to use, shaped as `optimizer.state_dict()`.

    Returns:
        a context manager; on exit the optimizer's own parameters, groups and state are back.

    Examples:
        >>> model = nn.Linear(1, 1, bias=False)
        >>> with retrograd.no_grad():
        ...     _ = model.weight.fill_(1.0)
        >>> opt = retrograd.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        >>> model(retrograd.ones(1, 1)).sum().backward()
        >>> opt.step()
        >>> other = {"weight": retrograd.tensor([[5.0]])}
        >>> other["weight"].grad = retrograd.tensor([[1.0]])
        >>> with retrograd.optim.swap_in_optimizer_params_and_state(opt, other, opt.state_dict()):
        ...     opt.step()
        >>> other["weight"], model.weight.detach()
        (tensor([[4.8100]]), tensor([[0.9000]]))
    """
    state, plan = _swap_plan(optimizer, swapin_parameters, swapin_optim_state)
    original_state = optimizer.state
    snapshots = [dict(g) for g in optimizer.param_groups]  # keeps the identity of each "params" list
    try:
        swapped: defaultdict = defaultdict(dict)
        for live, group, params in plan:
            live["params"] = params
            live.update({k: v for k, v in group.items() if k != "params"})
            for p, packed_id in zip(params, group["params"]):
                swapped[p] = dict(state.get(packed_id, {}))  # shallow: in-place tensor changes show through
        optimizer.state = swapped
        yield
    finally:
        for group, snapshot in zip(optimizer.param_groups, snapshots):
            group.clear()
            group.update(snapshot)
        optimizer.state = original_state
