"""optim.Muon (step by step vs torch.optim.Muon) and swap_in_optimizer_params_and_state."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

MUON_CASES = [
    {},
    {"nesterov": False},
    {"adjust_lr_fn": "match_rms_adamw", "lr": 0.02},
    {"momentum": 0.5, "weight_decay": 0.0, "ns_steps": 3, "ns_coefficients": (2.0, -1.5, 0.5)},
]


@pytest.mark.parametrize("kwargs", MUON_CASES, ids=str)
@pytest.mark.parametrize("shape", [(4, 6), (7, 3), (5, 5)])
def test_muon_steps_vs_torch(kwargs, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(shape).astype(np.float32)
    ours, theirs = rg.nn.Parameter(rg.tensor(w0)), torch.nn.Parameter(torch.tensor(w0))
    opt_ours, opt_theirs = rg.optim.Muon([ours], **kwargs), torch.optim.Muon([theirs], **kwargs)
    for _ in range(4):
        g = rng.standard_normal(shape).astype(np.float32)
        ours.grad, theirs.grad = rg.tensor(g), torch.tensor(g)
        opt_ours.step()
        opt_theirs.step()
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(
        opt_ours.state[ours]["momentum_buffer"].numpy(), opt_theirs.state[theirs]["momentum_buffer"].numpy(), rtol=1e-5
    )


def test_muon_errors_match_torch():
    torch = pytest.importorskip("torch")
    bad = [
        ((rg.zeros(3, requires_grad=True),), {}),
        ((rg.zeros(2, 2, requires_grad=True),), {"lr": -1.0}),
        ((rg.zeros(2, 2, requires_grad=True),), {"momentum": -0.1}),
        ((rg.zeros(2, 2, requires_grad=True),), {"weight_decay": -0.1}),
        ((rg.zeros(2, 2, requires_grad=True),), {"adjust_lr_fn": "other"}),
    ]
    for (p,), kwargs in bad:
        with pytest.raises(ValueError) as ours:
            rg.optim.Muon([p], **kwargs)
        with pytest.raises(ValueError) as theirs:
            torch.optim.Muon([torch.zeros(tuple(p.shape), requires_grad=True)], **kwargs)
        assert str(ours.value) == str(theirs.value).replace("torch.Size", "retrograd.Size")


def _adam_and_params(lib):
    p = lib.nn.Parameter(lib.tensor([[1.0, -2.0], [0.5, 3.0]]))
    q = lib.nn.Parameter(lib.tensor([0.25, -1.0]))
    opt = lib.optim.Adam([{"params": [p]}, {"params": [q], "lr": 0.1}], lr=0.01)
    (p.sum() * 2 + (q * q).sum()).backward()
    opt.step()
    return opt, p, q


def test_swap_in_optimizer_params_and_state_vs_torch():
    torch = pytest.importorskip("torch")
    results = []
    for lib in (rg, torch):
        opt, p, q = _adam_and_params(lib)
        sd = opt.state_dict()
        swap_p, swap_q = p.detach().clone().requires_grad_(True), q.detach().clone().requires_grad_(True)
        swap_state = {"state": {k: {n: v.clone() for n, v in s.items()} for k, s in sd["state"].items()},
                      "param_groups": [dict(g) for g in sd["param_groups"]]}  # fmt: skip
        swap_state["param_groups"][1]["lr"] = 0.5
        swap_p.grad, swap_q.grad = lib.ones(2, 2), lib.ones(2)
        live_params = opt.param_groups[0]["params"]
        before = p.detach().clone()
        with lib.optim.swap_in_optimizer_params_and_state(opt, {"p": swap_p, "q": swap_q}, swap_state):
            assert opt.param_groups[0]["params"][0] is swap_p
            assert opt.param_groups[1]["lr"] == 0.5
            opt.step()
        assert opt.param_groups[0]["params"] is live_params and opt.param_groups[1]["lr"] == 0.1
        assert lib.equal(p.detach(), before)  # the live parameter is untouched
        results.append([swap_p.detach().numpy(), swap_q.detach().numpy(), swap_state["state"][1]["exp_avg"].numpy()])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_swap_in_optimizer_params_and_state_errors():
    opt = rg.optim.SGD([rg.zeros(2, requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(RuntimeError, match="requires initialized optimizer state"):
        with rg.optim.swap_in_optimizer_params_and_state(opt, {}, opt.state_dict()):
            pass
    opt, p, q = _adam_and_params(rg)
    sd = opt.state_dict()
    with pytest.raises(RuntimeError, match="different number of parameter groups"):
        with rg.optim.swap_in_optimizer_params_and_state(opt, {}, {"state": {}, "param_groups": []}):
            pass
    sd["state"][7] = {}
    with pytest.raises(RuntimeError, match="extra keys"):
        with rg.optim.swap_in_optimizer_params_and_state(opt, {"p": p, "q": q}, sd):
            pass
