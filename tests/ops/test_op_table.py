"""The table-driven test: every public op, forward / gradcheck / gradgradcheck / PyTorch.

Each family lists its cases in `cases_<family>.py`. `test_every_op_is_in_the_table`
fails when an op of `retrograd.ops` has no case and no stated reason.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import retrograd
from retrograd.autograd import gradcheck, gradgradcheck
from retrograd.autograd.gradcheck_properties import check_batched_forward_grad, check_batched_grad

from . import (
    cases_activation,
    cases_complex,
    cases_conv,
    cases_coverage,
    cases_fft,
    cases_foreach,
    cases_indexing,
    cases_linalg,
    cases_linalg_extra,
    cases_linear_ce,
    cases_nn,
    cases_nn_extra,
    cases_nn_more,
    cases_ops13,
    cases_pointwise,
    cases_recurrent,
    cases_reduction,
    cases_shape,
    cases_special,
    cases_surface,
    cases_surface2,
)
from .harness import float_outputs, make_tensors, outputs, to_numpy, torch

FAMILIES = [
    cases_pointwise, cases_complex, cases_fft, cases_reduction, cases_shape, cases_indexing, cases_linalg,
    cases_linalg_extra, cases_activation, cases_conv, cases_nn, cases_special, cases_coverage, cases_nn_extra,
    cases_ops13, cases_surface, cases_nn_more, cases_surface2, cases_recurrent, cases_foreach, cases_linear_ce,
]

CASES = [case for family in FAMILIES for case in family.CASES]
EXEMPT = {name: why for family in FAMILIES for name, why in getattr(family, "EXEMPT", {}).items()}
IDS = [c.id for c in CASES]


def _rng(case) -> np.random.Generator:
    # crc32, not hash(): str hashes change with every process (PYTHONHASHSEED), and so would the inputs
    return np.random.default_rng(zlib.crc32(case.id.encode()))


def _call(case, module, arrays, requires_grad):
    tensors = make_tensors(module, arrays, requires_grad)
    return tensors, case.fn(module, *tensors)


def test_every_op_is_in_the_table():
    covered = {c.name for c in CASES} | set(EXEMPT)
    missing = sorted(n for n in retrograd.ops.__all__ if n not in covered)
    assert not missing, f"ops without a test case (add an OpCase or an EXEMPT reason): {missing}"


def test_case_ids_are_unique():
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_forward_matches_numpy(case):
    if case.ref is None:
        pytest.skip("no NumPy reference for this op")
    arrays = case.inputs(_rng(case))
    _, result = _call(case, retrograd, arrays, False)
    expected = case.ref(*arrays)
    got = [to_numpy(o) for o in outputs(result)]
    want = [np.asarray(e) for e in outputs(expected)]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=case.rtol, atol=case.atol)


GRAD_CASES = [c for c in CASES if c.grad]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.id for c in GRAD_CASES])
def test_gradcheck(case):
    arrays = case.inputs(_rng(case))
    tensors = make_tensors(retrograd, arrays, True)
    assert gradcheck(lambda *ts: case.fn(retrograd, *ts), tensors)


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.id for c in GRAD_CASES])
def test_batched_backward(case):
    # the backward vmapped over two cotangents (jacrev, hessian, is_grads_batched) equals two
    # backwards: gradcheck's check_batched_grad, without its Jacobians again
    retrograd.manual_seed(zlib.crc32(case.id.encode()))
    tensors = make_tensors(retrograd, case.inputs(_rng(case)), True)
    wrt = [t for t in tensors if isinstance(t, retrograd.Tensor) and t.requires_grad]
    out = case.fn(retrograd, *tensors)
    outs = out if isinstance(out, tuple) else (out,)
    for k, o in enumerate(o for o in outs if isinstance(o, retrograd.Tensor) and o.requires_grad):
        check_batched_grad(o, k, wrt)


# vmap of func.jvp: inside the transform the primal is a batched wrapper, so code that needs it
# unbatched fails where PyTorch's dual tensors work (the limits gradcheck's batched forward check found)
_PRIMAL_BATCHED = "vmap(func.jvp) batches the primal: "
BATCHED_FORWARD_KNOWN = {
    **{f"setitem[{v}]": _PRIMAL_BATCHED + "a batched value written into an unbatched tensor" for v in (
        "int", "slice_broadcast", "step", "leading_ones", "ellipsis", "list", "tensor_pair", "mask",
        "mask_full_scalar_tensor", "slice_and_list", "view_of_view", "iadd")},
    "getitem[mask_full]": _PRIMAL_BATCHED + "a boolean mask of data-dependent size",
    "F.batch_norm[train]": _PRIMAL_BATCHED + "running statistics updated in place from a batched input",
    **{f"F.gaussian_nll_loss[{v}]": _PRIMAL_BATCHED + "the var >= 0 check reads its values" for v in (
        "mean", "sum", "none", "full_broadcast_var")},
    "copy": "PyTorch has no batching rule for it either",
    **{name: "random: vmap needs randomness='same' or 'different' (PyTorch's gradcheck fails these too)" for name in (
        "rrelu[training]", "F.dropout[train]", "F.dropout[inplace]", "F.dropout1d", "F.dropout1d[unbatched]",
        "F.dropout2d", "F.dropout3d", "F.alpha_dropout", "F.feature_alpha_dropout",
        "F.scaled_dot_product_attention[dropout]")},
    **{name: "in-place random: the second jvp sees the first's change" for name in (
        "rrelu_", "F.rrelu[inplace]", "F.rrelu_")},
}  # fmt: skip
BATCHED_FORWARD_CASES = [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=BATCHED_FORWARD_KNOWN[c.id], strict=True)])
    if c.id in BATCHED_FORWARD_KNOWN else pytest.param(c, id=c.id)
    for c in GRAD_CASES
]


@pytest.mark.parametrize("case", BATCHED_FORWARD_CASES)
def test_batched_forward(case):
    # func.jvp vmapped over two tangents equals two jvps: gradcheck's check_batched_forward_grad
    retrograd.manual_seed(zlib.crc32(case.id.encode()))
    tensors = make_tensors(retrograd, case.inputs(_rng(case)), True)
    targets = [i for i, t in enumerate(tensors) if isinstance(t, retrograd.Tensor) and t.requires_grad]
    check_batched_forward_grad(lambda *ts: case.fn(retrograd, *ts), tuple(tensors), targets)


GRADGRAD_CASES = [c for c in CASES if c.grad and c.gradgrad]


@pytest.mark.parametrize("case", GRADGRAD_CASES, ids=[c.id for c in GRADGRAD_CASES])
def test_gradgradcheck(case):
    arrays = case.inputs(_rng(case))
    tensors = make_tensors(retrograd, arrays, True)
    assert gradgradcheck(lambda *ts: case.fn(retrograd, *ts), tensors)


TORCH_CASES = [c for c in CASES if c.vs_torch]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", TORCH_CASES, ids=[c.id for c in TORCH_CASES])
def test_matches_pytorch(case, dtype):
    if torch is None:
        pytest.skip("PyTorch is not installed")
    arrays = [
        a.astype(dtype) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a for a in case.inputs(_rng(case))
    ]
    rg_in, rg_out = _call(case, retrograd, arrays, case.grad)
    th_in, th_out = _call(case, torch, arrays, case.grad)
    tol = dict(rtol=case.rtol, atol=case.atol) if dtype == "float64" else dict(rtol=1e-4, atol=5e-5)
    rg_outs, th_outs = outputs(rg_out), outputs(th_out)
    assert len(rg_outs) == len(th_outs)
    for r, t in zip(rg_outs, th_outs):
        if isinstance(t, torch.Tensor):
            assert str(r.dtype).split(".")[-1] == str(t.dtype).split(".")[-1], (r.dtype, t.dtype)
            assert tuple(r.shape) == tuple(t.shape)
        np.testing.assert_allclose(to_numpy(r), to_numpy(t), **tol)
    if not case.grad:
        return
    rg_f = float_outputs(rg_out)
    th_f = [o for o in outputs(th_out) if isinstance(o, torch.Tensor) and o.is_floating_point()]
    weights = [np.random.default_rng(1).standard_normal(tuple(o.shape)).astype(dtype) for o in rg_f]
    rg_loss = sum((o * retrograd.tensor(w)).sum() for o, w in zip(rg_f, weights) if o.requires_grad)
    th_loss = sum((o * torch.tensor(w)).sum() for o, w in zip(th_f, weights) if o.requires_grad)
    if not isinstance(rg_loss, retrograd.Tensor):
        return
    rg_loss.backward()
    th_loss.backward()
    for r, t in zip(rg_in, th_in):
        if isinstance(t, torch.Tensor) and t.requires_grad:
            expected = None if t.grad is None else t.grad.detach().numpy(force=True)
            if r.grad is None or expected is None:  # "no gradient" and zeros are equivalent
                for g in (r.grad, expected):
                    assert g is None or not np.asarray(g).any()
                continue
            assert r.grad.dtype == r.dtype
            np.testing.assert_allclose(r.grad.numpy(), expected, **tol)


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c.id for c in GRAD_CASES])
def test_forward_ad_agrees_with_reverse(case):
    """<J v, u> == <v, Jᵀ u>: forward-mode tangents against reverse-mode gradients."""
    from retrograd.autograd import forward_ad as fwAD

    arrays = case.inputs(_rng(case))
    rng = np.random.default_rng(7)
    primals = make_tensors(retrograd, arrays, True)
    tangents = [
        retrograd.tensor(rng.standard_normal(p.shape)) if isinstance(p, retrograd.Tensor) and p.requires_grad else None
        for p in primals
    ]
    with fwAD.dual_level():
        duals = [fwAD.make_dual(p, t) if t is not None else p for p, t in zip(primals, tangents)]
        result = case.fn(retrograd, *duals)
        outs = float_outputs(result)
        jvps = [fwAD.unpack_dual(o).tangent for o in outs]
    cotangents = [rng.standard_normal(tuple(o.shape)) for o in outs]
    lhs = sum(float((j.detach().numpy() * u).sum()) for j, u in zip(jvps, cotangents) if j is not None)
    result = case.fn(retrograd, *primals)
    outs = [o for o in float_outputs(result) if o.requires_grad]
    if not outs:
        return
    weights = [retrograd.tensor(u) for u, o in zip(cotangents, float_outputs(result)) if o.requires_grad]
    wrt = [p for p, t in zip(primals, tangents) if t is not None]
    grads = retrograd.autograd.grad(outs, wrt, weights, allow_unused=True)
    rhs = sum(
        float((g.numpy() * t.numpy()).sum())
        for g, t in zip(grads, [t for t in tangents if t is not None])
        if g is not None
    )
    assert lhs == pytest.approx(rhs, rel=1e-6, abs=1e-9)
