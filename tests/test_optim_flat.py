"""Adam's multi-tensor path (`ops.flat_groups`): all parameters of a group updated as one flat array.

It must give the bits of the one-parameter-at-a-time path (`foreach=False`), keep the state a
user sees (the same moment tensors, state_dict, loading), fall back where it cannot run, and
count the in-place changes it makes.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def _model():
    rg.manual_seed(0)
    return rg.nn.Sequential(rg.nn.Linear(5, 7), rg.nn.Tanh(), rg.nn.Linear(7, 3), rg.nn.LayerNorm(3))


def _train(opt_class, steps=4, skip=None, **kwargs):
    """Train the model `steps` steps; `skip` maps a step to parameter indices left without a gradient."""
    model = _model()
    opt = opt_class(model.parameters(), lr=0.01, **kwargs)
    x = rg.randn(11, 5, generator=rg.Generator().manual_seed(1))
    for i in range(steps):
        opt.zero_grad()
        model(x).pow(2).sum().backward()
        for j in (skip or {}).get(i, ()):
            list(model.parameters())[j].grad = None
        opt.step()
    return model, opt


def _same(a, b):
    for p, q in zip(a[0].parameters(), b[0].parameters()):
        assert np.array_equal(p.detach().numpy(), q.detach().numpy())
    sa, sb = a[1].state_dict()["state"], b[1].state_dict()["state"]
    assert sa.keys() == sb.keys()
    for k in sa:
        for name, value in sa[k].items():
            assert np.array_equal(value.numpy(), sb[k][name].numpy()), name


@pytest.mark.parametrize(
    "opt_class, kwargs",
    [
        (rg.optim.Adam, {}),
        (rg.optim.AdamW, {}),
        (rg.optim.Adam, {"weight_decay": 0.1}),
        (rg.optim.Adam, {"amsgrad": True}),
        (rg.optim.AdamW, {"maximize": True, "amsgrad": True}),
        (rg.optim.Adam, {"betas": (0.5, 0.9), "eps": 1e-3}),
    ],
)
def test_same_bits_as_one_parameter_at_a_time(opt_class, kwargs):
    flat = _train(opt_class, **kwargs)
    assert flat[1].__dict__.get("_flat_layouts"), "the flat path did not run"
    single = _train(opt_class, foreach=False, **kwargs)
    assert not single[1].__dict__.get("_flat_layouts")
    _same(flat, single)


def test_differing_step_counts_fall_back():
    """A parameter without a gradient in one step keeps its count; then the counts differ."""
    skip = {1: (0,)}
    _same(_train(rg.optim.AdamW, steps=5, skip=skip), _train(rg.optim.AdamW, steps=5, skip=skip, foreach=False))


def test_moment_tensors_stay_the_same_objects_and_see_the_updates():
    model = _model()
    opt = rg.optim.Adam(model.parameters(), lr=0.1)
    model(rg.ones(2, 5)).sum().backward()
    opt.step()
    p = next(model.parameters())
    m = opt.state[p]["exp_avg"]
    before = m.clone()
    version = p._version
    model(rg.ones(2, 5)).sum().backward()
    opt.step()
    assert opt.state[p]["exp_avg"] is m and not rg.equal(m, before)
    assert p._version > version


def test_state_dict_round_trip_then_more_steps():
    flat_model, flat_opt = _train(rg.optim.AdamW, steps=2)
    saved = flat_opt.state_dict()
    fresh = rg.optim.AdamW(flat_model.parameters(), lr=0.01)
    fresh.load_state_dict(saved)  # new moment tensors: the flat layout is built again
    x = rg.randn(11, 5, generator=rg.Generator().manual_seed(1))
    for _ in range(2):
        fresh.zero_grad()
        flat_model(x).pow(2).sum().backward()
        fresh.step()
    reference = _train(rg.optim.AdamW, steps=4, foreach=False)
    _same((flat_model, fresh), reference)


def test_replaced_state_rebuilds_the_layout():
    model, opt = _train(rg.optim.Adam, steps=1)
    p = next(model.parameters())
    opt.state[p]["exp_avg"] = rg.zeros_like(p)
    model(rg.ones(2, 5)).sum().backward()
    opt.step()  # must use (and move into the flat array) the new tensor
    assert opt.state[p]["exp_avg"].abs().sum().item() > 0


def test_an_in_place_update_is_caught_by_a_saved_tensor():
    model = _model()
    opt = rg.optim.Adam(model.parameters(), lr=0.1)
    w = model[0].weight
    y = (w * w).sum()  # saves w
    model(rg.ones(2, 5)).sum().backward()
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()


def test_mixed_dtypes_take_one_parameter_at_a_time():
    a = rg.nn.Parameter(rg.ones(3))
    b = rg.nn.Parameter(rg.ones(3, dtype=rg.float64))
    opt = rg.optim.Adam([a, b], lr=0.1)
    (a.sum() + b.sum()).backward()
    opt.step()
    assert not opt.__dict__.get("_flat_layouts")
    np.testing.assert_allclose(a.detach().numpy(), 0.9)
    np.testing.assert_allclose(b.detach().numpy(), 0.9)


def test_a_replaced_state_of_another_dtype_or_shape_is_left_to_the_per_parameter_path():
    model, opt = _train(rg.optim.Adam, steps=1)
    p = next(model.parameters())
    opt.state[p]["exp_avg"] = rg.zeros(p.shape, dtype=rg.float64)  # kept as given, not upcast by a flat copy
    model(rg.ones(2, 5)).sum().backward()
    opt.step()
    assert opt.state[p]["exp_avg"].dtype == rg.float64
    assert all(opt.state[q]["exp_avg"].dtype == rg.float32 for q in model.parameters() if q is not p)


def test_a_parameter_listed_twice_is_updated_twice_in_turn():
    w = rg.nn.Parameter(rg.ones(3))
    v = rg.nn.Parameter(rg.ones(2))
    with pytest.warns(UserWarning, match="duplicate parameters"):
        opt = rg.optim.Adam([w, v, w], lr=0.1)
    (w.sum() + v.sum()).backward()
    opt.step()
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ref = rg.optim.Adam([w2 := rg.nn.Parameter(rg.ones(3)), rg.nn.Parameter(rg.ones(2)), w2], lr=0.1,
                            foreach=False)
    w2.grad = rg.ones(3)
    ref.param_groups[0]["params"][1].grad = rg.ones(2)
    ref.step()
    assert rg.equal(w.detach(), w2.detach())
