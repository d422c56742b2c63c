"""What model-summary and FLOP-counting libraries (torchinfo, thop, ptflops) rely on, written out in
plain retrograd: `sys.getsizeof` of a tensor's storage counts its bytes (torchinfo's input size),
`torch.utils._python_dispatch.TorchDispatchMode` can be subclassed at import time and
`torch.ops.aten.convolution` exists (ptflops' ATen backend), and modules call `F.max_pool2d`,
`torch.bmm`, `F.softmax` ... by looking them up when they run, so a patched one counts them
(ptflops' PyTorch backend). None of these tests needs those libraries."""

import sys
import warnings

import numpy as np
import pytest

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import nn


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


# --- storage sizes (torchinfo: `sys.getsizeof(t.untyped_storage())`) ------------------------------


def test_storage_sizeof_counts_its_bytes():
    x = rg.zeros(1, 3, 16, 16)
    s = x.untyped_storage()
    assert s.__sizeof__() == object.__sizeof__(s) + 3072
    assert sys.getsizeof(s) >= 3072
    assert x[0, 1].untyped_storage().__sizeof__() == s.__sizeof__()  # a view's storage is the whole block
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        typed = x.storage()
        assert typed.__sizeof__() == object.__sizeof__(typed) + 3072


def test_storage_sizeof_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        s = m.zeros(2, 5, dtype=m.float64).untyped_storage()
        assert s.__sizeof__() - object.__sizeof__(s) == 80
        assert sys.getsizeof(m.UntypedStorage(10)) >= 10


# --- torch.utils._python_dispatch -----------------------------------------------------------------


def test_dispatch_mode_subclasses_import_and_refuse_to_enter():
    from retrograd.utils import _python_dispatch as pd

    class Counter(pd.TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    mode = Counter()
    assert not mode.is_infra_mode()
    with pytest.raises(NotImplementedError, match=r"\.Counter: retrograd has no ATen dispatcher"), mode:
        pass
    with pytest.raises(NotImplementedError):
        pd.TorchDispatchMode().__torch_dispatch__(rg.ops.aten.mm.default, (), ())
    assert pd._get_current_dispatch_mode() is None and pd._get_current_dispatch_mode_stack() == []
    assert not pd.is_in_torch_dispatch_mode()
    with pd._disable_current_modes() as popped:
        assert popped == ()


def test_traceable_wrapper_subclass():
    from retrograd.utils._python_dispatch import is_traceable_wrapper_subclass

    class Plain(rg.Tensor):
        pass

    class Wrapper(rg.Tensor):
        def __tensor_flatten__(self):
            return [], None

        @staticmethod
        def __tensor_unflatten__(inner, meta, outer_size, outer_stride):
            return None

    assert not is_traceable_wrapper_subclass(rg.ones(1))
    assert not is_traceable_wrapper_subclass(rg.ones(1).as_subclass(Plain))
    assert is_traceable_wrapper_subclass(rg.ones(1).as_subclass(Wrapper))


def test_python_dispatch_names_vs_torch():
    torch = _torch()
    import torch.utils._python_dispatch as theirs

    from retrograd.utils import _python_dispatch as ours

    for name in ("TorchDispatchMode", "_get_current_dispatch_mode", "_get_current_dispatch_mode_stack",
                 "is_in_torch_dispatch_mode", "_disable_current_modes", "is_traceable_wrapper_subclass"):
        assert hasattr(theirs, name) and hasattr(ours, name), name
    assert ours.is_in_torch_dispatch_mode() == theirs.is_in_torch_dispatch_mode() is False
    assert ours._get_current_dispatch_mode() is theirs._get_current_dispatch_mode() is None
    assert ours.is_traceable_wrapper_subclass(rg.ones(1)) == theirs.is_traceable_wrapper_subclass(torch.ones(1))


# --- torch.ops.aten.convolution -------------------------------------------------------------------


def test_aten_convolution_runs_the_convolution():
    rng = np.random.default_rng(0)
    x = rg.tensor(rng.standard_normal((2, 4, 7, 6)), dtype=rg.float32)
    w = rg.tensor(rng.standard_normal((6, 2, 3, 3)), dtype=rg.float32)
    b = rg.tensor(rng.standard_normal(6), dtype=rg.float32)
    y = rg.ops.aten.convolution.default(x, w, b, [2, 1], [1, 0], [1, 2], False, [0, 0], 2)
    assert rg.equal(y, F.conv2d(x, w, b, (2, 1), (1, 0), (1, 2), 2))
    wt = rg.tensor(rng.standard_normal((4, 3, 3, 3)), dtype=rg.float32)
    z = rg.ops.aten.convolution(x, wt, None, [2, 2], [1, 1], [1, 1], True, [1, 0], 1)
    assert z.shape == (2, 3, 14, 11)
    assert rg.equal(z, F.conv_transpose2d(x, wt, None, 2, 1, (1, 0)))
    flags = (False, False, True, True)  # benchmark, deterministic, cudnn_enabled, allow_tf32
    assert rg.equal(rg.ops.aten._convolution.default(x, wt, None, [2, 2], [1, 1], [1, 1], True, [1, 0], 1, *flags), z)
    tables = {rg.ops.aten.convolution: "conv", rg.ops.aten._convolution: "conv"}  # ptflops' ATEN_OPS_MAPPING
    assert tables[rg.ops.aten.convolution] == "conv"


def test_aten_convolution_vs_torch():
    torch = _torch()
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((1, 2, 9)).astype(np.float32), rng.standard_normal((3, 2, 4)).astype(np.float32)
    wt = rng.standard_normal((2, 3, 4)).astype(np.float32)
    for transposed, weight, out_pad in ((False, w, [0]), (True, wt, [1])):
        ys = [m.ops.aten.convolution(m.from_numpy(x), m.from_numpy(weight), None, [2], [2], [1], transposed, out_pad, 1)
              for m in (rg, torch)]
        np.testing.assert_allclose(ys[0].numpy(), ys[1].numpy(), rtol=1e-5, atol=1e-5)


# --- modules look up the functions they run when they run (a patched one is seen) -----------------


class _Recorder:
    """Patch `owner.name` with a wrapper that records the call, as ptflops' `patch_functional` does."""

    def __init__(self, owner, names):
        self.owner, self.names, self.calls, self.saved = owner, names, [], {}

    def __enter__(self):
        for name in self.names:
            original = self.saved[name] = getattr(self.owner, name)
            setattr(self.owner, name, self._wrap(name, original))
        return self

    def _wrap(self, name, original):
        def call(*args, **kwargs):
            self.calls.append(name)
            return original(*args, **kwargs)

        return call

    def __exit__(self, *exc):
        for name, original in self.saved.items():
            setattr(self.owner, name, original)


_POOL_NAMES = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d", "adaptive_max_pool1d",
               "lp_pool2d"]


def _pools(m):
    return [(m.nn.MaxPool1d(2), (1, 2, 8)), (m.nn.MaxPool2d(2), (1, 2, 4, 4)), (m.nn.AvgPool1d(2), (1, 2, 8)),
            (m.nn.AvgPool2d(2), (1, 2, 4, 4)), (m.nn.AdaptiveAvgPool2d(1), (1, 2, 4, 4)),
            (m.nn.AdaptiveMaxPool1d(3), (1, 2, 8)), (m.nn.LPPool2d(2, 2), (1, 2, 4, 4))]


def test_pooling_modules_call_the_patched_functional():
    with _Recorder(F, _POOL_NAMES) as rec:
        for module, shape in _pools(rg):
            module(rg.ones(*shape))
    assert rec.calls == _POOL_NAMES[:-1] + ["lp_pool2d", "avg_pool2d"]  # LPPool2d averages x^p
    assert nn.MaxPool2d(2)(rg.arange(16.0).view(1, 1, 4, 4)).flatten().tolist() == [5.0, 7.0, 13.0, 15.0]


def test_multihead_attention_calls_the_patched_products_and_softmax():
    rg.manual_seed(0)
    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    x = rg.randn(1, 3, 8)
    with _Recorder(rg, ["bmm", "baddbmm"]) as products, _Recorder(F, ["softmax"]) as softmax:
        out, weights = mha(x, x, x)
        mha(x, x, x, attn_mask=rg.zeros(3, 3))
    assert products.calls == ["bmm", "bmm", "baddbmm", "bmm"]
    assert softmax.calls == ["softmax", "softmax"]
    assert out.shape == (1, 3, 8) and rg.allclose(weights.sum(-1), rg.ones(1, 3))


def test_patched_functionals_reach_modules_vs_torch():
    torch = _torch()
    calls = {}
    for m in (rg, torch):
        functionals = _Recorder(m.nn.functional, [*_POOL_NAMES, "softmax", "relu"])
        with functionals as rec, _Recorder(m, ["bmm", "baddbmm"]) as prods:
            for module, shape in _pools(m):
                module(m.ones(*shape))
            m.manual_seed(0)
            mha = m.nn.MultiheadAttention(8, 2, batch_first=True)
            x = m.randn(1, 3, 8)
            mha(x, x, x)
            mha(x, x, x, attn_mask=m.zeros(3, 3))
        calls[m] = (rec.calls, prods.calls)
    assert calls[rg] == calls[torch]
