"""retrograd.nn losses against PyTorch, plus stability checks that need no PyTorch.

`*_vs_torch` tests build the same loss module in both libraries and compare the
value and the gradients of every floating input (float64), for each reduction;
reprs, buffers, warnings and errors are compared too.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
TOL = dict(rtol=1e-9, atol=1e-11)
REDUCTIONS = ["mean", "sum", "none"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def logits(*shape: int) -> np.ndarray:
    return rng(1).standard_normal(shape)


def labels(high: int, *shape: int) -> np.ndarray:
    return rng(2).integers(0, high, shape)


def probs(*shape: int, axis: int = -1) -> np.ndarray:
    p = rng(3).uniform(0.1, 1.0, shape)
    return p / p.sum(axis=axis, keepdims=True)


def uniform(low: float, high: float, *shape: int) -> np.ndarray:
    return rng(4).uniform(low, high, shape)


def signs(*shape: int) -> np.ndarray:
    return rng(5).choice([-1.0, 1.0], shape)


def as_tensors(module: Any, arrays: list, grads: list) -> list:
    return [module.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]


def compare_losses(t_loss: Any, r_loss: Any, t_in: list, r_in: list, tol: dict = TOL) -> None:
    assert tuple(r_loss.shape) == tuple(t_loss.shape)
    assert str(r_loss.dtype).split(".")[-1] == str(t_loss.dtype).split(".")[-1]
    np.testing.assert_allclose(r_loss.detach().numpy(), t_loss.detach().numpy(), **tol)
    w = rng(9).standard_normal(tuple(t_loss.shape))
    (t_loss * torch.tensor(w, dtype=t_loss.dtype)).sum().backward()
    (r_loss * rg.tensor(w, dtype=r_loss.dtype)).sum().backward()
    for i, (t, r) in enumerate(zip(t_in, r_in)):
        if t.requires_grad:
            np.testing.assert_allclose(r.grad.numpy(), t.grad.numpy(), err_msg=f"input {i}", **tol)


def weight(n: int) -> np.ndarray:
    return np.linspace(0.5, 2.0, n)


# (module name, kwargs builder (module -> kwargs), inputs, which inputs require grad)
MODULES = [
    ("MSELoss", lambda m: {}, [logits(3, 4), uniform(-1, 1, 3, 4)], [True, True]),
    ("L1Loss", lambda m: {}, [logits(3, 4), uniform(-1, 1, 3, 4)], [True, True]),
    ("SmoothL1Loss", lambda m: {}, [logits(3, 4), uniform(-1, 1, 3, 4)], [True, True]),
    ("SmoothL1Loss", lambda m: {"beta": 0.3}, [logits(3, 4), uniform(-1, 1, 3, 4)], [True, True]),
    ("HuberLoss", lambda m: {}, [logits(3, 4) * 2, uniform(-1, 1, 3, 4)], [True, True]),
    ("HuberLoss", lambda m: {"delta": 0.5}, [logits(3, 4) * 2, uniform(-1, 1, 3, 4)], [True, True]),
    ("CrossEntropyLoss", lambda m: {}, [logits(5, 4), labels(4, 5)], [True, False]),
    ("CrossEntropyLoss", lambda m: {"weight": m.tensor(weight(4)), "ignore_index": 2}, [logits(6, 4), labels(4, 6)],
     [True, False]),
    ("CrossEntropyLoss", lambda m: {"label_smoothing": 0.25}, [logits(2, 4, 3), labels(4, 2, 3)], [True, False]),
    ("CrossEntropyLoss", lambda m: {"weight": m.tensor(weight(4)), "label_smoothing": 0.1},
     [logits(5, 4), labels(4, 5)], [True, False]),
    ("CrossEntropyLoss", lambda m: {}, [logits(2, 4, 3, 2), labels(4, 2, 3, 2)], [True, False]),
    ("CrossEntropyLoss", lambda m: {}, [logits(5, 4), probs(5, 4)], [True, True]),
    ("CrossEntropyLoss", lambda m: {"weight": m.tensor(weight(4)), "label_smoothing": 0.2},
     [logits(2, 4, 3), probs(2, 4, 3, axis=1)], [True, True]),
    ("CrossEntropyLoss", lambda m: {}, [logits(4), np.array(1)], [True, False]),
    ("NLLLoss", lambda m: {}, [np.log(probs(5, 4)), labels(4, 5)], [True, False]),
    ("NLLLoss", lambda m: {"weight": m.tensor(weight(4)), "ignore_index": 0}, [np.log(probs(5, 4)), labels(4, 5)],
     [True, False]),
    ("NLLLoss", lambda m: {}, [logits(2, 4, 2, 3, 2), labels(4, 2, 2, 3, 2)], [True, False]),
    ("BCELoss", lambda m: {}, [uniform(0.02, 0.98, 3, 4), uniform(0, 1, 3, 4)], [True, True]),
    ("BCELoss", lambda m: {"weight": m.tensor(weight(4))}, [uniform(0.02, 0.98, 3, 4), uniform(0, 1, 3, 4)],
     [True, True]),
    ("BCEWithLogitsLoss", lambda m: {}, [logits(3, 4) * 3, uniform(0, 1, 3, 4)], [True, True]),
    ("BCEWithLogitsLoss", lambda m: {"weight": m.tensor(weight(4)), "pos_weight": m.tensor(weight(4)[::-1].copy())},
     [logits(3, 4) * 3, uniform(0, 1, 3, 4)], [True, True]),
    ("KLDivLoss", lambda m: {"reduction": "batchmean"}, [np.log(probs(3, 4)), probs(3, 4)], [True, True]),
    ("KLDivLoss", lambda m: {"log_target": True}, [np.log(probs(3, 4)), np.log(probs(3, 4))], [True, True]),
    ("CosineEmbeddingLoss", lambda m: {"margin": 0.2}, [logits(4, 3), uniform(-1, 1, 4, 3), signs(4)],
     [True, True, False]),
    ("MarginRankingLoss", lambda m: {"margin": 0.1}, [logits(5), uniform(-1, 1, 5), signs(5)], [True, True, False]),
    ("TripletMarginLoss", lambda m: {}, [logits(4, 3), uniform(-1, 1, 4, 3), uniform(-2, 2, 4, 3)],
     [True, True, True]),
    ("TripletMarginLoss", lambda m: {"margin": 2.0, "p": 1.0, "swap": True},
     [logits(4, 3), uniform(-1, 1, 4, 3), uniform(-2, 2, 4, 3)], [True, True, True]),
    ("SoftMarginLoss", lambda m: {}, [logits(3, 4), signs(3, 4)], [True, False]),
    ("HingeEmbeddingLoss", lambda m: {"margin": 0.5}, [logits(3, 4), signs(3, 4)], [True, False]),
    ("PoissonNLLLoss", lambda m: {}, [logits(5), uniform(0, 3, 5)], [True, True]),
    ("PoissonNLLLoss", lambda m: {"log_input": False, "full": True}, [uniform(0.1, 3, 6), uniform(0, 3, 6)],
     [True, False]),
    ("GaussianNLLLoss", lambda m: {"full": True}, [logits(3, 2), uniform(-1, 1, 3, 2), uniform(0.1, 2, 3, 2)],
     [True, True, True]),
]


# every module with every reduction ('batchmean' is KLDivLoss's alone)
MODULE_CASES = [(*spec, r) for spec in MODULES for r in REDUCTIONS + (["batchmean"] if spec[0] == "KLDivLoss" else [])]


@needs_torch
@pytest.mark.parametrize(
    "name,kwargs,arrays,grads,reduction", MODULE_CASES, ids=[f"{c[0]}-{i}-{c[4]}" for i, c in enumerate(MODULE_CASES)]
)
def test_loss_module_vs_torch(name, kwargs, arrays, grads, reduction):
    t_mod = getattr(torch.nn, name)(**{**kwargs(torch), "reduction": reduction})
    r_mod = getattr(rg.nn, name)(**{**kwargs(rg), "reduction": reduction})
    assert repr(r_mod) == repr(t_mod)
    assert list(r_mod.state_dict()) == list(t_mod.state_dict())
    t_in, r_in = as_tensors(torch, arrays, grads), as_tensors(rg, arrays, grads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        compare_losses(t_mod(*t_in), r_mod(*r_in), t_in, r_in)


@needs_torch
@pytest.mark.parametrize("name,kwargs,arrays,grads", MODULES[:20], ids=[s[0] for s in MODULES[:20]])
def test_loss_module_float32_vs_torch(name, kwargs, arrays, grads):
    arrays = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in arrays]
    t_in, r_in = as_tensors(torch, arrays, grads), as_tensors(rg, arrays, grads)
    t_kw = {k: v.float() for k, v in kwargs(torch).items() if isinstance(v, torch.Tensor)}
    r_kw = {k: v.float() for k, v in kwargs(rg).items() if isinstance(v, rg.Tensor)}
    other = {k: v for k, v in kwargs(torch).items() if not isinstance(v, torch.Tensor)}
    t_loss = getattr(torch.nn, name)(**t_kw, **other)(*t_in)
    r_loss = getattr(rg.nn, name)(**r_kw, **other)(*r_in)
    compare_losses(t_loss, r_loss, t_in, r_in, dict(rtol=1e-5, atol=1e-6))


@needs_torch
def test_weight_buffers_vs_torch():
    for m in (torch, rg):
        loss = m.nn.CrossEntropyLoss(weight=m.tensor([1.0, 2.0]))
        assert [n for n, _ in loss.named_buffers()] == ["weight"]
        assert list(loss.state_dict()) == ["weight"]
        assert list(m.nn.BCEWithLogitsLoss(pos_weight=m.ones(3)).state_dict()) == ["pos_weight"]
        assert list(m.nn.NLLLoss().state_dict()) == []
        assert loss.double().weight.dtype == m.float64


@needs_torch
def test_extreme_logits_vs_torch():
    x = np.array([[1000.0, -1000.0, 0.0], [-800.0, 800.0, 5.0]])
    t = np.array([1, 1])
    for dtype in ("float64", "float32"):
        t_in = torch.tensor(x.astype(dtype), requires_grad=True)
        r_in = rg.tensor(x.astype(dtype), requires_grad=True)
        t_loss = torch.nn.functional.cross_entropy(t_in, torch.tensor(t))
        r_loss = rg.nn.functional.cross_entropy(r_in, rg.tensor(t))
        compare_losses(t_loss, r_loss, [t_in], [r_in], dict(rtol=1e-6, atol=1e-6))
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0])
    y = np.array([1.0, 0.0, 0.5, 1.0, 0.0])
    t_in, r_in = torch.tensor(z, requires_grad=True), rg.tensor(z, requires_grad=True)
    t_loss = torch.nn.functional.binary_cross_entropy_with_logits(t_in, torch.tensor(y), reduction="none")
    r_loss = rg.nn.functional.binary_cross_entropy_with_logits(r_in, rg.tensor(y), reduction="none")
    compare_losses(t_loss, r_loss, [t_in], [r_in])


@needs_torch
def test_bce_clamps_logs_vs_torch():
    x = np.array([0.0, 1.0, 1e-60, 1.0 - 1e-17, 0.5])
    y = np.array([1.0, 0.0, 1.0, 0.0, 1.0])
    t_in, r_in = torch.tensor(x, requires_grad=True), rg.tensor(x, requires_grad=True)
    t_loss = torch.nn.functional.binary_cross_entropy(t_in, torch.tensor(y), reduction="none")
    r_loss = rg.nn.functional.binary_cross_entropy(r_in, rg.tensor(y), reduction="none")
    compare_losses(t_loss, r_loss, [t_in], [r_in], dict(rtol=1e-8, atol=1e-11))  # gradients near 1e12


@needs_torch
def test_all_targets_ignored_vs_torch():
    for reduction in REDUCTIONS:
        values = []
        for m in (torch, rg):
            x = m.tensor(logits(3, 4), requires_grad=True)
            loss = m.nn.functional.cross_entropy(x, m.tensor([-100, -100, -100]), reduction=reduction)
            values.append(loss.detach().numpy())
        np.testing.assert_array_equal(values[1], values[0])


@needs_torch
def test_legacy_reduction_arguments_vs_torch():
    for size_average, reduce, want in ((False, None, "sum"), (None, False, "none"), (True, True, "mean")):
        for m in (torch, rg):
            with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
                assert m.nn.MSELoss(size_average=size_average, reduce=reduce).reduction == want
            with pytest.warns(UserWarning, match=f"reduction='{want}'"):
                m.nn.functional.l1_loss(m.zeros(2), m.ones(2), size_average, reduce)


def _legacy_reduction_warnings(m):
    """The warnings old code's `size_average=`/`reduce=` give under Python's default filter."""
    x, y = m.zeros(2), m.ones(2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        m.nn.MSELoss(size_average=False)
        m.nn.L1Loss(size_average=False)  # the same line of `_Loss.__init__`: no second warning
        m.nn.functional.l1_loss(x, y, size_average=False)  # another line warns
        m.nn.functional.l1_loss(x, y, size_average=False)
        m.nn.L1Loss(size_average=False, reduce=False)
        m.nn.L1Loss(reduction="elementwise_mean")(x, y)  # at the call, from the functional
        m.nn.functional.l1_loss(x, y, reduction="elementwise_mean")
    return [str(w.message) for w in caught]


def test_legacy_reduction_warns_once_per_text():
    """PyTorch warns at its loss's line (`_Loss.__init__`, each functional), so the default filter shows
    each text once per loss function, wherever the program calls it from."""
    assert _legacy_reduction_warnings(rg) == [
        "size_average and reduce args will be deprecated, please use reduction='sum' instead.",
        "size_average and reduce args will be deprecated, please use reduction='sum' instead.",
        "size_average and reduce args will be deprecated, please use reduction='none' instead.",
        "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
    ]


@needs_torch
def test_legacy_reduction_warns_once_per_text_vs_torch():
    assert _legacy_reduction_warnings(rg) == _legacy_reduction_warnings(torch)


@needs_torch
def test_size_and_kl_warnings_vs_torch():
    messages = {}
    for m in (torch, rg):
        with pytest.warns(UserWarning) as record:
            m.nn.functional.mse_loss(m.zeros(3), m.zeros(3, 1))
            m.nn.functional.kl_div(m.zeros(3), m.zeros(3))
        messages[m] = [str(w.message).replace("retrograd.Size", "torch.Size") for w in record]
    assert messages[rg] == messages[torch]


def _call(m: Any, fn: str, *args: Any, **kwargs: Any) -> Any:
    converted = [m.tensor(a) if isinstance(a, np.ndarray) else a for a in args]
    return getattr(m.nn.functional, fn)(*converted, **kwargs)


ERRORS = [
    ("cross_entropy", (logits(3, 4), labels(4, 3).astype(np.float32)), {}),
    ("cross_entropy", (logits(3, 4), labels(4, 3).astype(np.int32)), {}),
    ("cross_entropy", (logits(3, 4), np.array([0, 1, 4])), {}),
    ("cross_entropy", (logits(3, 4), np.array([0, 1, -1])), {}),
    ("cross_entropy", (logits(3, 4), np.array([0, 1])), {}),
    ("cross_entropy", (logits(3, 4), labels(4, 3, 4)), {}),
    ("cross_entropy", (logits(3, 4), probs(3, 4)), {"ignore_index": 1}),
    ("cross_entropy", (logits(3, 4), labels(4, 3)), {"label_smoothing": 1.5}),
    ("cross_entropy", (logits(3, 4), labels(4, 3)), {"weight": np.ones(3)}),
    ("cross_entropy", (logits(3, 4), labels(4, 3)), {"reduction": "avg"}),
    ("cross_entropy", (logits(2, 3, 4), labels(3, 2, 3)), {}),
    ("cross_entropy", (logits(2, 3, 4, 5), labels(3, 2, 4, 4)), {}),
    ("cross_entropy", (logits(3, 4).astype(np.int64), labels(4, 3)), {}),
    ("cross_entropy", (logits(4), np.array([1, 2])), {}),
    ("nll_loss", (logits(), np.array(0)), {}),
    ("nll_loss", (logits(3, 4), labels(4, 3)), {"weight": np.ones(5)}),
    ("binary_cross_entropy", (uniform(0, 1, 3), uniform(0, 1, 3) * 2), {}),
    ("binary_cross_entropy", (uniform(0, 1, 3) * 2, uniform(0, 1, 3)), {}),
    ("binary_cross_entropy", (uniform(0, 1, 3), uniform(0, 1, 3, 1)), {}),
    ("binary_cross_entropy_with_logits", (logits(3), uniform(0, 1, 3, 1)), {}),
    ("binary_cross_entropy", (uniform(0, 1, 3).astype(np.float32), uniform(0, 1, 3)), {}),
    ("binary_cross_entropy", (uniform(0, 1, 3), uniform(0, 1, 3)), {"weight": np.ones(2)}),
    ("cross_entropy", (logits(3, 4).astype(np.float32), labels(4, 3)), {"weight": np.ones(4)}),
    ("mse_loss", (labels(3, 3), labels(3, 3)), {}),
    ("mse_loss", (logits(3), logits(3)), {"weight": np.ones(2)}),
    ("cosine_embedding_loss", (logits(3, 2), logits(3, 2), np.ones((3, 1))), {}),
    ("cosine_embedding_loss", (logits(3, 2), logits(3, 2), np.ones(())), {}),
    ("margin_ranking_loss", (logits(3), logits(3), np.ones((3, 1))), {}),
    ("triplet_margin_loss", (logits(3, 2), logits(3, 2), logits(2)), {}),
    ("triplet_margin_loss", (logits(3, 2), logits(3, 2), logits(3, 2)), {"margin": 0.0}),
    ("gaussian_nll_loss", (logits(3, 2), logits(3, 2), -np.ones((3, 2))), {}),
    ("gaussian_nll_loss", (logits(3, 2), logits(3, 2), np.ones((2, 3))), {}),
    ("huber_loss", (logits(3), logits(3)), {"reduction": "mid"}),
    ("huber_loss", (logits(3), logits(3)), {"delta": 0.0}),
    ("smooth_l1_loss", (logits(3), logits(3)), {"beta": -1.0}),
    ("kl_div", (logits(3), logits(3)), {"reduction": "avg"}),
    # shape checks come before the target dtype check, as in PyTorch's nll_loss_nd
    ("nll_loss", (logits(3, 4), uniform(0, 1, 3, 3).astype(np.float32)), {}),
    ("nll_loss", (logits(4), labels(4, 1, 1).astype(np.int32)), {}),
    ("nll_loss", (logits(2, 3, 4, 4), labels(3, 2, 4, 4, 1).astype(np.int32)), {}),
    ("nll_loss", (logits(2, 3, 4, 4), labels(3, 2, 4, 4, 1)), {}),
    ("nll_loss", (logits(2, 3, 4), labels(3, 2, 5).astype(np.float32)), {}),
    ("nll_loss", (logits(4), labels(4, 2).astype(np.float32)), {}),
    # inputs of 3 or more dims run nll_loss2d: its weight message, its order, and int64 targets only
    ("cross_entropy", (logits(2, 3, 4, 4), labels(3, 2, 4, 4).astype(np.uint8)), {}),
    ("nll_loss", (logits(2, 3, 4), labels(3, 2, 4).astype(np.uint8)), {}),
    ("nll_loss", (logits(2, 3, 4, 4), labels(3, 2, 4, 5)), {"weight": np.ones(2, np.float32)}),
    ("nll_loss", (logits(2, 3, 4, 4).astype(np.float32), labels(3, 2, 4, 4).astype(np.uint8)),
     {"weight": np.ones(3)}),
]


@needs_torch
@pytest.mark.parametrize("fn,args,kwargs", ERRORS, ids=[f"{e[0]}-{i}" for i, e in enumerate(ERRORS)])
def test_error_vs_torch(fn, args, kwargs):
    kwargs = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as expected:
            _call(torch, fn, *args, **kwargs)
        r_kwargs = {k: rg.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
        with pytest.raises(type(expected.value)) as got:
            _call(rg, fn, *args, **r_kwargs)
    assert str(got.value).replace("retrograd.Size", "torch.Size") == str(expected.value)


@needs_torch
def test_module_constructor_errors_vs_torch():
    for call in (lambda m: m.nn.TripletMarginLoss(margin=-1), lambda m: m.nn.HuberLoss(delta="1")):
        with pytest.raises(Exception) as expected:
            call(torch)
        with pytest.raises(type(expected.value), match=None) as got:
            call(rg)
        assert str(got.value) == str(expected.value)


# --- no PyTorch needed --------------------------------------------------------------------------


@pytest.mark.parametrize("ishape,target,message", [
    ((3, 4), np.zeros((3, 3), np.float32), "0D or 1D target tensor expected, multi-target not supported"),
    ((2, 3, 4, 4), np.zeros((2, 4, 4, 1), np.int32),
     "only batches of spatial targets supported (3D tensors) but got targets of dimension: 4"),
    ((2, 3, 4), np.zeros((2, 5), np.float32), "Expected target size [2, 4], got [2, 5]"),
    ((2, 3, 4, 4), np.zeros((2, 4, 5), np.int32), "expected target dtype to be Long or Byte, but got Int"),
])
def test_nll_loss_checks_target_shape_before_dtype(ishape, target, message):
    with pytest.raises(RuntimeError) as got:
        rg.nn.functional.cross_entropy(rg.zeros(ishape), rg.tensor(target))
    assert str(got.value) == message


@pytest.mark.parametrize("ishape,target,weight,message", [
    ((2, 3, 4, 4), np.zeros((2, 4, 4), np.uint8), None, "expected scalar type Long but found Byte"),
    ((2, 3, 4), np.zeros((2, 4), np.uint8), None, "expected scalar type Long but found Byte"),
    ((2, 3, 4, 4), np.zeros((2, 4, 5), np.int64), np.ones(2, np.float32),
     "weight tensor should be defined either for all or no classes"),
    ((2, 3, 4, 4), np.zeros((2, 4, 4), np.uint8), np.ones(3), "expected scalar type Float but found Double"),
])
def test_spatial_class_losses_check_as_nll_loss2d(ishape, target, weight, message):
    w = None if weight is None else rg.tensor(weight)
    with pytest.raises(RuntimeError) as got:
        rg.nn.functional.nll_loss(rg.zeros(ishape), rg.tensor(target), weight=w)
    assert str(got.value) == message


def test_multi_margin_p2_gives_dead_hinges_a_positive_zero_slope():
    x = rg.tensor([[0.0, -5.0, 3.0]], requires_grad=True)
    (g,) = rg.autograd.grad(rg.nn.functional.multi_margin_loss(x, rg.tensor([2]), p=2), x)
    assert np.signbit(g.numpy()).tolist() == [[False, False, False]]
    assert g.tolist() == [[0.0, 0.0, 0.0]]


@needs_torch
def test_multi_margin_p2_gradient_signs_vs_torch():
    x = logits(4, 5) * 3
    t = labels(5, 4)
    grads = []
    for m in (torch, rg):
        xt = m.tensor(x, requires_grad=True)
        (g,) = m.autograd.grad(m.nn.functional.multi_margin_loss(xt, m.tensor(t), p=2, margin=0.7), xt)
        grads.append(g.detach().numpy())
    np.testing.assert_allclose(grads[1], grads[0], **TOL)
    assert np.signbit(grads[1]).tolist() == np.signbit(grads[0]).tolist()


def test_bce_with_logits_gradient_graph_is_pytorchs():
    # PyTorch's backward: (σ(a) - t) · g · w, then / n for 'mean' (DivBackward1, a number)
    x = rg.tensor([0.5, -1.0, 2.0], requires_grad=True)
    t, w = rg.tensor([1.0, 0.0, 0.5]), rg.tensor([1.0, 2.0, 0.5])
    loss = rg.nn.functional.binary_cross_entropy_with_logits(x, t, weight=w)
    (g,) = rg.autograd.grad(loss, x, create_graph=True)
    assert type(g.grad_fn).__name__ == "DivBackward1"
    sig = 1 / (1 + np.exp(-x.detach().numpy()))
    np.testing.assert_allclose(g.detach().numpy(), (sig - t.numpy()) * w.numpy() / 3, rtol=1e-6)


@needs_torch
@pytest.mark.parametrize("extra", [{}, {"pos_weight": [3.0]}, {"weight": [0.5, 1.0, 2.0]},
                                   {"weight": [0.5, 1.0, 2.0], "pos_weight": [2.0, 1.0, 0.5]}])
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_gradient_graphs_vs_torch(extra, reduction):
    x, t = logits(4, 3).astype(np.float32), uniform(0, 1, 4, 3).astype(np.float32)
    names, values = [], []
    for m in (torch, rg):
        xt, tt = m.tensor(x, requires_grad=True), m.tensor(t, requires_grad=True)
        kw = {k: m.tensor(v) for k, v in extra.items()}
        loss = m.nn.functional.binary_cross_entropy_with_logits(xt, tt, reduction=reduction, **kw)
        grads = m.autograd.grad(loss.sum(), (xt, tt), create_graph=True)
        names.append([type(g.grad_fn).__name__ for g in grads])
        values.append([g.detach().numpy() for g in grads])
    assert names[1] == names[0]
    for ours, theirs in zip(values[1], values[0]):  # the same steps; sigmoid's last bit may differ
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)


def test_cross_entropy_matches_log_softmax_nll():
    x = rg.tensor(logits(6, 5), requires_grad=True)
    t = rg.tensor(labels(5, 6))
    fused = rg.nn.functional.cross_entropy(x, t)
    (g_fused,) = rg.autograd.grad(fused, x)
    composed = rg.nn.functional.nll_loss(rg.nn.functional.log_softmax(x, 1), t)
    (g_composed,) = rg.autograd.grad(composed, x)
    np.testing.assert_allclose(fused.item(), composed.item(), rtol=1e-12)
    np.testing.assert_allclose(g_fused.numpy(), g_composed.numpy(), rtol=1e-10, atol=1e-14)
    assert fused.grad_fn.name() == "NllLossBackward0"


def test_cross_entropy_is_stable_for_huge_logits():
    x = rg.tensor([[1e4, 0.0, -1e4]], requires_grad=True)
    loss = rg.nn.functional.cross_entropy(x, rg.tensor([2]))
    loss.backward()
    assert loss.item() == pytest.approx(2e4)
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, 0.0, -1.0]], atol=1e-12)


def test_cross_entropy_double_backward():
    x = rg.tensor(logits(3, 4), requires_grad=True)
    t = rg.tensor(labels(4, 3))
    assert rg.autograd.gradgradcheck(lambda a: rg.nn.functional.cross_entropy(a, t, reduction="sum"), (x,))


def test_cross_entropy_probability_targets_divide_by_a_count():
    # ATen's mean over class-probability targets divides by the sample count, a C++ Scalar
    x = rg.tensor(logits(3, 4), requires_grad=True)
    p = rg.tensor(logits(3, 4)).softmax(1)
    mean = rg.nn.functional.cross_entropy(x, p, label_smoothing=0.1)
    assert mean.grad_fn.name() == "DivBackward1"
    summed = rg.nn.functional.cross_entropy(x, p, label_smoothing=0.1, reduction="sum")
    np.testing.assert_allclose(mean.item(), summed.item() / 3, rtol=1e-12)
    assert rg.autograd.gradgradcheck(lambda a: rg.nn.functional.cross_entropy(a, p), (x,))
    empty = rg.nn.functional.cross_entropy(x[:0], p[:0])
    assert empty.grad_fn.name() == "NegBackward0" and np.isnan(empty.item())


def test_losses_keep_float32():
    x = rg.tensor(logits(4, 3).astype(np.float32), requires_grad=True)
    for loss in (
        rg.nn.functional.cross_entropy(x, rg.tensor(labels(3, 4))),
        rg.nn.functional.mse_loss(x, rg.zeros(4, 3)),
        rg.nn.functional.binary_cross_entropy_with_logits(x, rg.ones(4, 3)),
        rg.nn.functional.binary_cross_entropy(x.sigmoid(), rg.ones(4, 3)),
    ):
        assert loss.dtype == rg.float32
        (g,) = rg.autograd.grad(loss, x)
        assert g.dtype == rg.float32


def test_uint8_targets_are_accepted():
    x = rg.tensor(logits(3, 4))
    a = rg.nn.functional.cross_entropy(x, rg.tensor([0, 3, 1], dtype=rg.uint8))
    b = rg.nn.functional.cross_entropy(x, rg.tensor([0, 3, 1]))
    assert a.item() == b.item()


def _bce_logits_mixed(m):
    """binary_cross_entropy_with_logits of half logits and float32 targets: dtype and value."""
    x, t = m.tensor([0.5, -1.0, 2.0]), m.tensor([1.0, 0.0, 0.25])
    seen = []
    for half in (m.bfloat16, m.float16):
        loss = m.nn.functional.binary_cross_entropy_with_logits(x.to(half), t)
        seen.append((str(loss.dtype).split(".")[-1], round(loss.item(), 4)))
    return seen


def test_bce_with_logits_takes_the_promoted_dtype():
    # float32, as the loss of the logits (exact in both half dtypes) with float32 targets
    expected = float(np.mean(np.logaddexp(0, [0.5, -1.0, 2.0]) - np.array([0.5, -1.0, 2.0]) * [1.0, 0.0, 0.25]))
    assert _bce_logits_mixed(rg) == [("float32", round(expected, 4))] * 2


@needs_torch
def test_bce_with_logits_mixed_dtypes_vs_torch():
    ours, theirs = _bce_logits_mixed(rg), _bce_logits_mixed(torch)
    assert [d for d, _ in ours] == [d for d, _ in theirs]
    # PyTorch composes the loss from ops, rounding log1p(exp(-|x|)) to the logits' half dtype
    np.testing.assert_allclose([v for _, v in ours], [v for _, v in theirs], atol=2e-4)


def test_bce_with_logits_lands_in_the_target_dtype():
    # PyTorch's in-place steps on `1 - target` keep the target's dtype: a float32 target makes a
    # float32 loss from float64 logits (and a float64 target a float64 one from float32 logits).
    x = rg.tensor([0.3, -1.2, 2.5], dtype=rg.float64, requires_grad=True)
    t = rg.tensor([1.0, 0.0, 1.0])
    loss = rg.nn.functional.binary_cross_entropy_with_logits(x, t, reduction="none")
    assert loss.dtype == rg.float32
    a = x.detach().numpy()
    first = ((1 - t.numpy()) * a).astype(np.float32)  # `(1 - t).mul_(x)` stays float32
    expected = (first + np.logaddexp(0, -a)).astype(np.float32)  # then `.sub_(logσ(x))`
    np.testing.assert_array_equal(loss.detach().numpy(), expected)
    loss.sum().backward()
    assert x.grad.dtype == rg.float64
    np.testing.assert_allclose(x.grad.numpy(), 1 / (1 + np.exp(-x.detach().numpy())) - t.numpy(), rtol=1e-7)
    pos = rg.tensor([2.0, 1.0, 1.0], dtype=rg.float64)
    weighted = rg.nn.functional.binary_cross_entropy_with_logits(x.float(), t.double(), pos_weight=pos)
    assert weighted.dtype == rg.float64


def _bce_logits_refusals(m):
    """The errors for targets whose dtype cannot hold the loss (Bernoulli.log_prob of a bool or int sample)."""
    seen = []
    for target in (m.tensor([0, 1]), m.tensor([True, False]), m.tensor([1, 0], dtype=m.uint8)):
        for logits in (m.zeros(2), m.zeros(2, dtype=m.float64)):
            try:
                m.nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="none")
            except RuntimeError as e:
                seen.append(str(e))
    return seen


def test_bce_with_logits_refuses_integer_and_bool_targets():
    # PyTorch multiplies the logits into `1 - target` in place: that subtraction fails for bool,
    # the float-into-integer cast for integer targets
    bools = (
        "Subtraction, the `-` operator, with two bool tensors is not supported. "
        "Use the `^` or `logical_xor()` operator instead."
    )
    assert _bce_logits_refusals(rg) == [
        "result type Float can't be cast to the desired output type Long",
        "result type Double can't be cast to the desired output type Long",
        bools,
        bools,
        "result type Float can't be cast to the desired output type Byte",
        "result type Double can't be cast to the desired output type Byte",
    ]
    with pytest.raises(RuntimeError, match="desired output type Long"):
        rg.distributions.Bernoulli(probs=0.3).log_prob(rg.tensor([0, 1]))


@needs_torch
def test_bce_with_logits_target_refusals_vs_torch():
    assert _bce_logits_refusals(rg) == _bce_logits_refusals(torch)


@needs_torch
@pytest.mark.parametrize("dtypes", [("float64", "float32"), ("float32", "float64")])
@pytest.mark.parametrize("extra", [{}, {"pos_weight": [2.0, 1.0, 0.5]}, {"weight": [0.5, 1.0, 2.0]}])
def test_bce_with_logits_float_dtypes_vs_torch(dtypes, extra):
    x, t = np.array([0.3, -1.2, 2.5]), np.array([1.0, 0.0, 0.25])
    results = []
    for m in (torch, rg):
        xm = m.tensor(x, dtype=getattr(m, dtypes[0]), requires_grad=True)
        kwargs = {k: m.tensor(v, dtype=m.float64) for k, v in extra.items()}
        loss = m.nn.functional.binary_cross_entropy_with_logits(xm, m.tensor(t, dtype=getattr(m, dtypes[1])), **kwargs)
        loss.backward()
        results.append((str(loss.dtype), loss.item(), str(xm.grad.dtype), xm.grad.numpy()))
    (t_dtype, t_val, t_gdtype, t_grad), (r_dtype, r_val, r_gdtype, r_grad) = results
    assert (r_dtype.split(".")[1], r_gdtype.split(".")[1]) == (t_dtype.split(".")[1], t_gdtype.split(".")[1])
    np.testing.assert_allclose(r_val, t_val, rtol=1e-6)
    np.testing.assert_allclose(r_grad, t_grad, rtol=1e-6)


def _bce_weight_error(m: Any, logits: bool, shape: tuple, weight: tuple | None, pos_weight: tuple | None) -> str:
    f = m.nn.functional
    kw = {} if weight is None else {"weight": m.ones(weight)}
    try:
        if logits:
            kw.update({} if pos_weight is None else {"pos_weight": m.ones(pos_weight)})
            f.binary_cross_entropy_with_logits(m.zeros(shape), m.zeros(shape), **kw)
        else:
            f.binary_cross_entropy(m.full(shape, 0.5), m.zeros(shape), **kw)
    except RuntimeError as e:
        return str(e).replace("torch.Size", "Size").replace("retrograd.Size", "Size")
    return "ok"


_BCE_WEIGHT_CASES = [
    (True, (3,), None, (2,)),  # (pos_weight - 1) * target: pos_weight is tensor a
    (True, (3, 2), None, (3,)),
    (True, (3, 2), None, (2, 3, 2)),  # broadcasts past the loss: refused by the in-place product
    (True, (3, 2), (3,), None),
    (True, (3, 2), (2, 3, 2), None),
    (True, (3, 2), (1, 2), (2,)),
    (False, (3,), (3, 2), None),
    (False, (2, 1), (3, 4), None),
    (False, (3, 2), (4, 3, 2), None),
    (False, (1, 3), (2, 1), None),
]


def test_bce_weights_that_do_not_fit_the_loss_raise_pytorchs_errors():
    assert _bce_weight_error(rg, True, (3,), None, (2,)) == (
        "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"
    )
    assert _bce_weight_error(rg, True, (3, 2), (2, 3, 2), None) == (
        "output with shape [3, 2] doesn't match the broadcast shape [2, 3, 2]"
    )
    assert _bce_weight_error(rg, False, (3,), (3, 2), None) == (
        "Attempting to broadcast a dimension of length 2 at -1! Mismatching argument at index 1 had "
        "Size([3, 2]); but expected shape should be broadcastable to [1, 3]"
    )
    assert _bce_weight_error(rg, False, (1, 3), (2, 1), None) == (
        "output with shape [1, 3] doesn't match the broadcast shape [2, 3]"
    )
    assert _bce_weight_error(rg, True, (3, 2), (1, 2), (2,)) == "ok"


@needs_torch
@pytest.mark.parametrize("case", _BCE_WEIGHT_CASES)
def test_bce_weight_shape_errors_vs_torch(case):
    assert _bce_weight_error(rg, *case) == _bce_weight_error(torch, *case)


# mse, smooth_l1 and huber record a create_graph gradient as PyTorch's one `<loss>_backward(g, a, b)`
# op (the target's gradient is the same op of (g, b, a)); its own derivatives are g·f''(a - b), spread
_DIFFERENCE_LOSSES = {
    "mse": (lambda F, a, b, r: F.mse_loss(a, b, reduction=r), "MseLossBackwardBackward0"),
    "smooth_l1": (lambda F, a, b, r: F.smooth_l1_loss(a, b, reduction=r, beta=0.5), "SmoothL1LossBackwardBackward0"),
    "huber": (lambda F, a, b, r: F.huber_loss(a, b, reduction=r, delta=0.5), "HuberLossBackwardBackward0"),
}


def _difference_loss_derivatives(m, case, reduction):
    loss_fn, _ = _DIFFERENCE_LOSSES[case]
    a = m.tensor([0.1, -0.3, 1.2, 2.0], dtype=m.float64, requires_grad=True)
    b = m.tensor([0.0, 0.4, 0.5, 0.25], dtype=m.float64, requires_grad=True)
    loss = loss_fn(m.nn.functional, a, b, reduction)
    g = m.full_like(loss, 2.0).requires_grad_()
    ga, gb = m.autograd.grad(loss, (a, b), g, create_graph=True)
    names = [ga.grad_fn.name(), gb.grad_fn.name(), len(ga.grad_fn.next_functions)]
    w = m.tensor([1.0, -1.0, 0.5, 3.0], dtype=m.float64)
    second = m.autograd.grad((ga * w).sum() + (gb * w * 3).sum(), (a, b, g))
    return names, [t.tolist() for t in (ga, gb, *second)]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", sorted(_DIFFERENCE_LOSSES))
def test_difference_loss_gradient_is_one_node(case, reduction):
    names, values = _difference_loss_derivatives(rg, case, reduction)
    assert names == [_DIFFERENCE_LOSSES[case][1]] * 2 + [3]
    ga, gb, gga, ggb, gg = values
    assert gb == pytest.approx([-v for v in ga])
    if case == "mse" and reduction == "sum":  # 2·g·d; second: g·2·(w - 3w) for a, the negative for b
        assert ga == pytest.approx([0.4, -2.8, 2.8, 7.0])
        assert gga == pytest.approx([-8.0, 8.0, -4.0, -24.0]) and ggb == pytest.approx([8.0, -8.0, 4.0, 24.0])
    if case == "huber" and reduction == "mean":  # inside |d| < 0.5: g/4·d, else g/4·0.5·sign(d); f'' = 1 inside
        assert ga == pytest.approx([0.05, -0.25, 0.25, 0.25])
        assert gga == pytest.approx([-1.0, 0.0, 0.0, 0.0])


@needs_torch
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("case", sorted(_DIFFERENCE_LOSSES))
def test_difference_loss_double_backward_vs_torch(case, reduction):
    ours = _difference_loss_derivatives(rg, case, reduction)
    theirs = _difference_loss_derivatives(torch, case, reduction)
    assert ours[0] == theirs[0]
    for mine, want in zip(ours[1], theirs[1]):
        assert mine == pytest.approx(want, rel=1e-14, abs=1e-15)
