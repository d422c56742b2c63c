"""CPU autocast: which ops lower, gradients, the cast cache, nesting, the state API, and PyTorch.

The dtypes spelled out below were measured on PyTorch 2.13; with PyTorch installed the same
programs run on both and must agree (dtypes exactly, values to bfloat16's rounding).
"""

from __future__ import annotations

import threading
import warnings

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def _modules_case(m, name):
    """One module program under autocast; returns the tensors it produced."""
    m.manual_seed(0)
    x = m.randn(3, 2, 4)
    F = m.nn.functional
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with m.autocast("cpu"):
            if name == "linear":
                return [m.nn.Linear(4, 3)(x)]
            if name == "linear_then_loss":
                out = m.nn.Linear(4, 3)(x.reshape(6, 4))
                return [out, F.cross_entropy(out, m.tensor([0, 1, 2, 0, 1, 2])), F.mse_loss(out, out.detach() + 1)]
            if name == "conv_relu_pool":
                y = m.nn.Conv2d(2, 3, 3)(m.randn(1, 2, 6, 6))
                return [y, F.relu(y), F.max_pool2d(y, 2), F.softmax(y, 1)]
            if name == "lstm":
                out, (h, c) = m.nn.LSTM(4, 3)(x)
                return [out, h, c]
            if name == "gru":
                out, h = m.nn.GRU(4, 3)(x)
                return [out, h]
            if name == "rnn":
                out, h = m.nn.RNN(4, 3)(x)
                return [out, h]
            if name == "cells":
                x2 = x[0]
                h, c = m.nn.LSTMCell(4, 3)(x2)
                return [h, c, m.nn.GRUCell(4, 3)(x2), m.nn.RNNCell(4, 3)(x2)]
            if name == "encoder_layer":
                return [m.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)(x)]
            if name == "attention":
                q = m.randn(1, 2, 3, 4)
                return [F.scaled_dot_product_attention(q, q, q), m.nn.MultiheadAttention(4, 2)(x, x, x)[0]]
            if name == "norms":
                return [m.nn.LayerNorm(4)(x), m.nn.BatchNorm1d(2)(x), F.layer_norm(x.bfloat16(), (4,))]
            if name == "untouched":
                ints = m.ones(2, 2, dtype=m.long)
                return [x.double() @ x.double().transpose(1, 2), ints @ ints, x.sum(dtype=m.float32),
                        x.prod(dtype=m.float32)]
    raise AssertionError(name)


EXPECTED_DTYPES = {  # PyTorch 2.13's result dtypes under autocast("cpu") on float32 inputs
    "linear": ["bfloat16"],
    "linear_then_loss": ["bfloat16", "float32", "float32"],
    "conv_relu_pool": ["bfloat16"] * 4,
    "lstm": ["bfloat16"] * 3,
    "gru": ["float32", "float32"],
    "rnn": ["bfloat16", "bfloat16"],
    "cells": ["float32", "float32", "float32", "bfloat16"],
    "encoder_layer": ["float32"],
    "attention": ["bfloat16", "bfloat16"],
    "norms": ["float32", "float32", "bfloat16"],
    "untouched": ["float64", "int64", "float32", "float32"],
}


@pytest.mark.parametrize("name", list(EXPECTED_DTYPES))
def test_module_programs_give_pytorchs_dtypes(name):
    got = [str(t.dtype).split(".")[-1] for t in _modules_case(rg, name)]
    assert got == EXPECTED_DTYPES[name]


@needs_torch
@pytest.mark.pytorch
@pytest.mark.parametrize("name", list(EXPECTED_DTYPES))
def test_module_programs_match_pytorch(name):
    try:
        theirs = _modules_case(torch, name)
    except RuntimeError as e:  # oneDNN's bfloat16 LSTM needs AVX-512 (its "primitive descriptor" error)
        if "could not create a primitive descriptor" not in str(e):
            raise
        pytest.skip(f"PyTorch cannot run this program on this CPU: {e}")
    ours = _modules_case(rg, name)
    for a, b in zip(ours, theirs):
        assert str(a.dtype).split(".")[-1] == str(b.dtype).split(".")[-1]
        want = b.detach().float().numpy()
        tol = 1e-5 if a.dtype is rg.float64 else 2e-2  # a bfloat16 step apart at most
        np.testing.assert_allclose(a.detach().float().numpy(), want, rtol=tol, atol=tol)


def _training(m, inside):
    """Three SGD steps of a two-layer net under autocast; the losses and the final weights."""
    m.manual_seed(1)
    net = m.nn.Sequential(m.nn.Linear(5, 8), m.nn.ReLU(), m.nn.Linear(8, 3))
    opt = m.optim.SGD(net.parameters(), lr=0.5)
    x, y = m.randn(16, 5), m.randint(0, 3, (16,))
    losses = []
    for _ in range(3):
        opt.zero_grad()
        with m.autocast("cpu"):
            loss = m.nn.functional.cross_entropy(net(x), y)
            if inside:
                loss.backward()
        if not inside:
            loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, net[0].weight.detach().clone(), net[0].weight.grad


@pytest.mark.parametrize("inside", [False, True])
def test_training_under_autocast_keeps_float32_parameters(inside):
    losses, weight, grad = _training(rg, inside)
    assert weight.dtype is rg.float32 and grad.dtype is rg.float32
    assert losses[-1] < losses[0]


@needs_torch
@pytest.mark.pytorch
@pytest.mark.parametrize("inside", [False, True])
def test_training_under_autocast_matches_pytorch(inside):
    ours, theirs = _training(rg, inside), _training(torch, inside)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-3)
    np.testing.assert_allclose(ours[1].numpy(), theirs[1].numpy(), atol=1e-3)


def test_the_graph_casts_differentiably():
    w = rg.ones(2, 2, requires_grad=True)
    with rg.autocast("cpu"):
        y = rg.ones(2, 2) @ w
    assert y.dtype is rg.bfloat16 and type(y.grad_fn).__name__ == "MmBackward0"
    assert [type(n).__name__ for n, _ in y.grad_fn.next_functions] == ["NoneType", "ToCopyBackward0"]
    y.float().sum().backward()
    assert w.grad.dtype is rg.float32 and w.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]


def test_a_parameter_is_cast_once_per_region():
    lin = rg.nn.Linear(3, 2)
    x = rg.ones(4, 3)
    with rg.autocast("cpu"):
        with rg.no_grad():
            lin(x)  # not cached: a copy made without grad would cut the graph
        a, b = lin(x), lin(x)
        bias_a, bias_b = a.grad_fn.next_functions[0][0], b.grad_fn.next_functions[0][0]
        assert type(bias_a).__name__ == "ToCopyBackward0" and bias_a is bias_b
        with rg.no_grad():
            lin.weight.mul_(2)  # as PyTorch's cache: the region keeps the copy it made
        assert rg.equal(lin(x), a)
    with rg.autocast("cpu"):
        assert not rg.equal(lin(x), a)  # a new region casts again
    a.float().sum().backward()
    assert lin.weight.grad is not None


def test_cache_can_be_turned_off():
    lin = rg.nn.Linear(3, 2)
    with rg.autocast("cpu", cache_enabled=False):
        a, b = lin(rg.ones(1, 3)), lin(rg.ones(1, 3))
        assert a.grad_fn.next_functions[0][0] is not b.grad_fn.next_functions[0][0]
        assert not rg.is_autocast_cache_enabled()
    assert rg.is_autocast_cache_enabled()


def test_regions_nest_and_restore():
    x = rg.ones(2, 2)
    assert not rg.is_autocast_enabled("cpu")
    with rg.autocast("cpu"):
        assert (x @ x).dtype is rg.bfloat16
        with rg.autocast("cpu", enabled=False):
            assert (x @ x).dtype is rg.float32 and not rg.is_autocast_enabled("cpu")
        with rg.autocast("cpu", dtype=rg.float16):
            assert (x @ x).dtype is rg.float16 and rg.get_autocast_dtype("cpu") is rg.float16
        assert rg.get_autocast_dtype("cpu") is rg.bfloat16 and rg.is_autocast_enabled("cpu")
    assert (x @ x).dtype is rg.float32 and not rg.is_autocast_enabled("cpu")


def test_decorator_and_recursion():
    ac = rg.autocast("cpu")

    @ac
    def depth(n):
        assert rg.is_autocast_enabled("cpu")
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3 and not rg.is_autocast_enabled("cpu")


def test_autocast_is_per_thread():
    seen = []
    with rg.autocast("cpu"):
        t = threading.Thread(target=lambda: seen.append((rg.ones(2, 2) @ rg.ones(2, 2)).dtype))
        t.start()
        t.join()
    assert seen == [rg.float32]


def test_an_exception_leaves_the_region_closed():
    with pytest.raises(ZeroDivisionError), rg.autocast("cpu"):
        1 / 0
    assert not rg.is_autocast_enabled("cpu") and (rg.ones(1, 1) @ rg.ones(1, 1)).dtype is rg.float32


def test_state_functions_and_deprecated_spellings():
    rg.set_autocast_enabled("cpu", True)
    try:
        assert (rg.ones(1, 1) @ rg.ones(1, 1)).dtype is rg.bfloat16
    finally:
        rg.set_autocast_enabled("cpu", False)
    assert rg.autocast_increment_nesting() == 1 and rg.autocast_decrement_nesting() == 0
    rg.set_autocast_dtype("cpu", rg.float16)
    assert rg.get_autocast_dtype("cpu") is rg.float16
    rg.set_autocast_dtype("cpu", rg.bfloat16)
    with pytest.warns(DeprecationWarning, match=r"is_autocast_enabled\('cpu'\)"):
        assert rg.is_autocast_cpu_enabled() is False
    with pytest.warns(DeprecationWarning, match="get_autocast_dtype"):
        assert rg.get_autocast_cpu_dtype() is rg.bfloat16
    with pytest.warns(FutureWarning, match=r"Please use `retrograd.amp.autocast\('cpu', args...\)`"):
        old = rg.cpu.amp.autocast()
    with old:
        assert rg.is_autocast_enabled("cpu")
    with pytest.warns(FutureWarning, match="GradScaler"):
        assert rg.cpu.amp.GradScaler().is_enabled()
    with pytest.warns(UserWarning, match="CPU Autocast only supports dtypes of retrograd.bfloat16"):
        assert rg.autocast("cpu", dtype=rg.float64)._enabled is False


def _enabled_by_device_type(m):
    out = []
    for device_type in ("cpu", "cuda", "mps", "xpu", "hpu", "xla", "privateuseone", "meta", "lazy", "xyz"):
        try:
            out.append(m.is_autocast_enabled(device_type))
        except RuntimeError as e:
            out.append(str(e))
    with m.autocast("cpu"):
        out.append([m.is_autocast_enabled(d) for d in ("cpu", "cuda", "mps", "xpu")])
    return out


def test_is_autocast_enabled_on_every_device_type():
    # kornia asks about cpu, cuda, mps and xpu before its fast paths: the absent devices are never on
    out = _enabled_by_device_type(rg)
    assert out[:7] == [False] * 7
    assert out[7] == out[8] == "unknown device type for autocast in get_autocast_dispatch_key_from_device_type"
    assert out[9].startswith("Expected one of cpu, cuda, ipu, xpu,") and out[9].endswith("device string: xyz")
    assert out[10] == [True, False, False, False]


@needs_torch
def test_is_autocast_enabled_on_every_device_type_vs_torch():
    assert _enabled_by_device_type(rg) == _enabled_by_device_type(torch)


def test_explicit_dtype_and_float64_opt_out():
    x = rg.tensor([1.5, 2.0])
    with rg.autocast("cpu"):
        assert x.prod().dtype is rg.float32
        assert x.bfloat16().prod().dtype is rg.float32  # prod is on the float32 list
        assert x.bfloat16().prod(dtype=rg.bfloat16).dtype is rg.bfloat16
        assert (x.double() @ x.double()).dtype is rg.float64


def test_compiled_function_follows_the_region():
    lin = rg.nn.Linear(4, 3)
    f = rg.compile(lambda x: lin(x).relu().sum(-1))
    x = rg.randn(2, 4)
    plain = f(x)
    with rg.autocast("cpu"):
        f(x)  # records
        lowered = f(x)  # runs the generated code
        eager = lin(x).relu().sum(-1)
    assert type(lowered.grad_fn).__name__ == "CompiledFunctionBackward"
    assert plain.dtype is rg.float32 and lowered.dtype is rg.bfloat16 and rg.equal(lowered, eager)
    assert rg.equal(f(x), plain)
    lowered.float().sum().backward()
    compiled_grad = lin.weight.grad.clone()
    lin.weight.grad = None
    eager.float().sum().backward()
    assert rg.equal(lin.weight.grad, compiled_grad)


def test_compiled_half_precision_code_rounds_as_eager():
    # generated code runs each 16-bit step in float32 and rounds once, as the primitive does
    rg.manual_seed(0)
    w = rg.randn(4, 3, dtype=rg.bfloat16, requires_grad=True)
    for dt in (rg.bfloat16, rg.float16):
        f = rg.compile(lambda x: (x @ w.to(x.dtype)).tanh().sum())
        x = rg.randn(5, 4).to(dt)
        f(x)
        y = f(x)
        assert type(y.grad_fn).__name__ == "CompiledFunctionBackward" and y.dtype is dt
        assert rg.equal(y, (x @ w.to(dt)).tanh().sum())


def test_custom_function_with_custom_fwd_and_bwd():
    class Scale(rg.autograd.Function):
        @staticmethod
        @rg.amp.custom_fwd(device_type="cpu", cast_inputs=rg.float32)
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            assert not rg.is_autocast_enabled("cpu")
            return a @ b

        @staticmethod
        @rg.amp.custom_bwd(device_type="cpu")
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g @ b.t(), a.t() @ g

    a = rg.ones(2, 3, dtype=rg.bfloat16, requires_grad=True)
    b = rg.ones(3, 2, requires_grad=True)
    with rg.autocast("cpu"):
        y = Scale.apply(a, b)
    assert y.dtype is rg.float32
    y.sum().backward()
    assert a.grad.dtype is rg.bfloat16 and b.grad.dtype is rg.float32
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        rg.amp.custom_fwd(device_type=None)


def test_cpu_module():
    assert rg.cpu.is_available() and rg.cpu.device_count() == 1 and rg.cpu.current_device() == "cpu"
    s = rg.cpu.current_stream()
    with rg.cpu.stream(s):
        rg.cpu.synchronize()
    assert s.record_event() is None and rg.cpu.Event().query()  # PyTorch's CPU stream records nothing


def _cuda_autocast_warning(lib):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with lib.autocast("cuda", dtype=lib.float16):
            dtype = (lib.ones(2, 2) @ lib.ones(2, 2)).dtype
    return [str(w.message) for w in caught], dtype == lib.float32


def test_cuda_autocast_without_cuda_warns_and_does_nothing():
    # (retrograd has no CUDA autocast: a CuPy device does not change this)
    assert _cuda_autocast_warning(rg) == (["CUDA is not available or torch_xla is imported. Disabling autocast."], True)


@needs_torch
def test_cuda_autocast_without_cuda_warns_as_torch():
    if torch.cuda.is_available():
        pytest.skip("PyTorch has CUDA here")
    assert _cuda_autocast_warning(rg) == _cuda_autocast_warning(torch)


def _cuda_flag(lib):
    """`set_autocast_enabled(True)` (CUDA's flag) on a machine without a GPU: kept, no warning, no effect on CPU ops."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib.set_autocast_enabled(True)
        seen = [lib.is_autocast_enabled(), lib.is_autocast_enabled("cuda"), lib.is_autocast_enabled("cpu"),
                str((lib.ones(2, 2) @ lib.ones(2, 2)).dtype).split(".")[-1]]  # fmt: skip
        lib.set_autocast_enabled("cuda", False)
        seen.append(lib.is_autocast_enabled("cuda"))
    return seen, [str(w.message) for w in caught]


def test_the_cuda_autocast_flag_is_kept_without_a_gpu():
    assert _cuda_flag(rg) == ([True, True, False, "float32", False], [])


def test_the_cuda_autocast_flag_vs_torch():
    torch = pytest.importorskip("torch")
    assert _cuda_flag(rg) == _cuda_flag(torch)
