"""GradScaler's kernels (`_amp_foreach_non_finite_check_and_unscale_`, `_amp_update_scale_`) and the
internals that custom scalers and trainers read (`_per_optimizer_states`, `_found_inf_per_device`,
the int32 `_growth_tracker`, pickling), as PyTorch has them."""

from __future__ import annotations

import pickle

import pytest

import retrograd as rg
from retrograd.amp.grad_scaler import OptState

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001
        return (type(e).__name__, str(e))


def test_non_finite_check_and_unscale_multiplies_and_flags():
    grads = [rg.tensor([2.0, 4.0]), rg.tensor(8.0, dtype=rg.float64), rg.tensor([1.0, float("nan")])]
    found_inf = rg.zeros(())
    assert rg._amp_foreach_non_finite_check_and_unscale_(grads, found_inf, rg.tensor([0.5])) is None
    assert grads[0].tolist() == [1.0, 2.0] and grads[1].item() == 4.0 and grads[1].dtype == rg.float64
    assert found_inf.item() == 1.0
    clean, flag = [rg.tensor([3.0])], rg.tensor(5.0)
    rg._amp_foreach_non_finite_check_and_unscale_(clean, flag, rg.tensor(1.0))
    assert flag.item() == 5.0  # never reset, only set to 1


def test_non_finite_check_and_unscale_checks_its_arguments():
    f = rg._amp_foreach_non_finite_check_and_unscale_
    assert _outcome(lambda: f([rg.ones(2)], rg.zeros(2), rg.ones(2))) == (
        "RuntimeError",
        "found_inf must be a 1-element tensor.",
    )
    assert _outcome(lambda: f([rg.ones(2)], rg.zeros(1, dtype=rg.float64), rg.ones(2))) == (
        "RuntimeError",
        "inv_scale must be a 1-element tensor.",
    )
    assert _outcome(lambda: f([rg.ones(2)], rg.zeros(1), rg.ones(1, dtype=rg.float64))) == (
        "RuntimeError",
        "inv_scale must be a float tensor.",
    )
    assert _outcome(lambda: f([rg.ones(2, dtype=rg.int64)], rg.zeros(1), rg.ones(1))) == (
        "NotImplementedError",
        "\"_amp_foreach_non_finite_check_and_unscale_cpu\" not implemented for 'Long'",
    )


def test_update_scale_backs_off_grows_and_counts():
    scale, tracker = rg.tensor(3.0), rg.tensor(0, dtype=rg.int32)
    seen = []
    for found in [0.0, 0.0, 1.0, 0.0, float("nan")]:
        out = rg._amp_update_scale_(scale, tracker, rg.tensor(found), 1.1, 0.3, 2)
        assert out is scale
        seen.append((scale.item(), tracker.item()))
    # 3 * 1.1 and 3.3f * 0.3 are taken in double and rounded to float32 once
    assert seen == [
        (3.0, 1),
        (3.299999952316284, 0),
        (0.9900000095367432, 0),
        (0.9900000095367432, 1),
        (0.296999990940094, 0),
    ]
    huge = rg.tensor(3e38)
    rg._amp_update_scale_(huge, tracker, rg.tensor(0.0), 2.0, 0.5, 1)
    assert huge.item() == pytest.approx(3e38) and tracker.item() == 0  # a growth to inf is not taken
    assert _outcome(lambda: rg._amp_update_scale_(rg.ones(1), tracker.long(), rg.zeros(1), 2.0, 0.5, 2)) == (
        "RuntimeError",
        "growth_tracker must be an int tensor.",
    )
    assert _outcome(
        lambda: rg._amp_update_scale_(
            rg.ones(1, dtype=rg.float64), rg.zeros(2, dtype=rg.int32), rg.zeros(1), 2.0, 0.5, 2
        )
    ) == ("RuntimeError", "growth_tracker must be a 1-element tensor.")


def _one_iteration(lib, grad_value):
    w = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([w], lr=0.1)
    scaler = lib.amp.GradScaler("cpu", init_scale=8.0)
    scaler.scale((w * grad_value).sum()).backward()
    scaler.unscale_(opt)
    state = scaler._per_optimizer_states[id(opt)]
    found = {str(device): flag.item() for device, flag in scaler._found_inf_per_device(opt).items()}
    stage = state["stage"].name
    result = scaler.step(opt)
    scaler.update()
    return stage, found, result, scaler._growth_tracker.dtype, scaler._growth_tracker.item(), scaler.get_scale()


def test_grad_scaler_keeps_pytorch_internals():
    stage, found, result, tracker_dtype, tracker, scale = _one_iteration(rg, float("inf"))
    assert (stage, found, result, tracker_dtype, tracker, scale) == ("UNSCALED", {"cpu": 1.0}, None, rg.int32, 0, 4.0)
    assert _one_iteration(rg, 1.0)[1:5] == ({"cpu": 0.0}, None, rg.int32, 1)
    scaler = rg.amp.GradScaler("cpu")
    assert scaler._growth_tracker is None and scaler._get_growth_tracker() == 0
    w = rg.nn.Parameter(rg.ones(1))
    opt = rg.optim.SGD([w], lr=0.1)
    scaler.scale(w.sum()).backward()
    assert scaler._check_inf_per_device(opt)[w.device].item() == 0.0
    assert w.grad.item() == 2.0**16  # checked, not unscaled
    assert scaler._per_optimizer_states[id(opt)]["stage"] is OptState.READY
    with pytest.raises(AssertionError, match="may only be pickled at the beginning"):
        pickle.dumps(scaler)
    scaler.step(opt)
    scaler.update()
    copy = pickle.loads(pickle.dumps(scaler))
    assert copy._scale is None and copy._init_growth_tracker == 1 and copy.state_dict() == scaler.state_dict()


@needs_torch
def test_grad_scaler_internals_vs_torch():
    for grad_value in [1.0, float("inf"), float("nan")]:
        ours, theirs = _one_iteration(rg, grad_value), _one_iteration(torch, grad_value)
        assert ours[:3] == theirs[:3] and str(ours[3]) == str(theirs[3]).replace("torch", "retrograd")
        assert ours[4:] == theirs[4:]


@needs_torch
def test_amp_kernels_vs_torch():
    def run(lib, inv_scale, found_values, factors):
        grads = [
            lib.tensor([1000.0, 2000.0], dtype=lib.float16),
            lib.tensor([1.0, float("inf")]),
            lib.tensor(3.0, dtype=lib.float64),
            lib.tensor([1.0, 2.0], dtype=lib.bfloat16),
        ]
        found = lib.zeros(())
        lib._amp_foreach_non_finite_check_and_unscale_(grads, found, lib.tensor(inv_scale))
        log = [[g.tolist() for g in grads], found.item()]
        scale, tracker = lib.tensor(3.0), lib.tensor(0, dtype=lib.int32)
        for value in found_values:
            lib._amp_update_scale_(scale, tracker, lib.tensor(value), *factors)
            log.append((scale.item(), tracker.item()))
        return log

    for inv_scale in [1 / 3, 1.0, 0.125]:
        found_values = [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 2.0]
        assert run(rg, inv_scale, found_values, (1.7, 0.3, 3)) == run(torch, inv_scale, found_values, (1.7, 0.3, 3))
    for args in [
        ([rg.ones(2)], rg.zeros(1, dtype=rg.float64), rg.ones(1)),
        ([rg.ones(2, dtype=rg.complex64)], rg.zeros(1), rg.ones(1)),
        ([rg.ones(2)], rg.zeros(3), rg.ones(1, dtype=rg.int32)),
    ]:
        theirs = [torch.from_numpy(a.numpy()) for a in args[0]], *(torch.from_numpy(a.numpy()) for a in args[1:])
        assert _outcome(lambda a=args: rg._amp_foreach_non_finite_check_and_unscale_(*a)) == _outcome(
            lambda a=theirs: torch._amp_foreach_non_finite_check_and_unscale_(*a)
        )
