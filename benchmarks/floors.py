"""The `numpy-handwritten` floor: each workload's forward and backward written out in NumPy, no autograd.

Same data, same step, same returned value as the library workloads (so the correctness checks
cover the floor too). It measures what NumPy itself can do on this machine; an autograd engine's
distance from it is its own overhead, independent of PyTorch's kernels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .data import analytic_hessian, cnn_data, hessian_data, mlp_data
from .workloads import Step, hessian_size, w2_sizes, w3_sizes, w6_sizes

LR = np.float32(0.1)
CHAIN = 1000  # W1's iterations (2000 ops)


# W1: one Python call per op, forward then backward, nothing recorded.


def _mul(a: Any, c: float) -> Any:
    return a * c


def _add(a: Any, c: float) -> Any:
    return a + c


def _mul_backward(grad: Any, c: float) -> Any:
    return grad * c


def _add_backward(grad: Any) -> Any:
    return grad


def chain_grad_by_hand(iterations: int) -> float:
    """W1's chain on an np.float64: `iterations` x (mul, add) forward, then (add_bwd, mul_bwd) backward."""
    y = np.float64(1.0)
    for _ in range(iterations):
        y = _add(_mul(y, 1.0001), 0.0001)
    grad = np.float64(1.0)
    for _ in range(iterations):
        grad = _mul_backward(_add_backward(grad), 1.0001)
    return float(grad)


def w1_floor(quick: bool = False) -> Step:
    """W1 floor: the whole hand-written forward + backward (2000 ops) per repetition."""
    return lambda: chain_grad_by_hand(CHAIN)


def call_mul(value: Any) -> Step:
    """W1-floor[call+mul]: 2000 calls of `f(a) = a * 1.0001` on `value` (per call = time / 2000)."""

    def step() -> float:
        a = value
        for _ in range(2 * CHAIN):
            a = _mul(value, 1.0001)
        return float(a)

    return step


# W2, W3: MLP training step.


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def _cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy and its gradient with respect to the logits."""
    log_p = _log_softmax(logits)
    rows = np.arange(len(y))
    loss = -log_p[rows, y].mean()
    grad = np.exp(log_p)
    grad[rows, y] -= 1
    grad /= np.float32(len(y))
    return float(loss), grad


def _sgd(params: list[np.ndarray], grads: list[np.ndarray]) -> None:
    for p, g in zip(params, grads):
        g *= LR
        p -= g


def mlp_floor(seed: int, sizes: tuple[int, ...], batch: int, activation: str) -> Step:
    """An MLP SGD step by hand: x @ W + b layers, tanh or relu, cross-entropy, in-place SGD, float32."""
    params, x, y = mlp_data(seed, sizes, batch)
    relu = activation == "relu"

    def step() -> float:
        inputs, outputs = [], []
        h = x
        for i in range(0, len(params) - 2, 2):
            inputs.append(h)
            h = h @ params[i] + params[i + 1]
            h = np.maximum(h, 0, out=h) if relu else np.tanh(h, out=h)
            outputs.append(h)
        loss, grad = _cross_entropy(h @ params[-2] + params[-1], y)
        grads = [h.T @ grad, grad.sum(axis=0)]
        for i in range(len(outputs) - 1, -1, -1):
            grad = grad @ params[2 * i + 2].T
            out = outputs[i]
            grad = grad * (out > 0) if relu else grad * (1 - out * out)
            grads[:0] = [inputs[i].T @ grad, grad.sum(axis=0)]
        _sgd(params, grads)
        return loss

    return step


def w2_floor(quick: bool = False) -> Step:
    """W2 floor: 64 -> 128 (tanh) -> 10, batch 32, seed 2."""
    sizes, batch = w2_sizes(quick)
    return mlp_floor(2, sizes, batch, "tanh")


def w3_floor(quick: bool = False) -> Step:
    """W3 floor: 784 -> 512 (relu) -> 512 (relu) -> 10, batch 256, seed 3."""
    sizes, batch = w3_sizes(quick)
    return mlp_floor(3, sizes, batch, "relu")


# W4: the analytic Hessian (no differentiation at all).


def w4_floor(quick: bool = False) -> Step:
    """W4 floor: A.T @ diag(-2 t (1 - t^2)) @ A with t = tanh(A @ x), seed 4, float64."""
    a, x = hessian_data(4, hessian_size(quick))
    return lambda: analytic_hessian(a, x)


# W6: im2col convolution (sliding_window_view + tensordot), max-pool by reshaping.


def _conv(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Valid 3x3 cross-correlation (N, C, H, W) -> (N, O, H-2, W-2), and the windows for the backward."""
    windows = sliding_window_view(x, (3, 3), axis=(2, 3))  # (N, C, H', W', 3, 3)
    out = np.tensordot(windows, kernel, axes=([1, 4, 5], [1, 2, 3]))  # (N, H', W', O)
    return out.transpose(0, 3, 1, 2) + bias[:, None, None], windows


def _conv_input_grad(grad: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Gradient of a valid 3x3 cross-correlation with respect to its input: a full correlation, flipped kernel."""
    padded = np.pad(grad, ((0, 0), (0, 0), (2, 2), (2, 2)))
    windows = sliding_window_view(padded, (3, 3), axis=(2, 3))  # (N, O, H, W, 3, 3)
    return np.tensordot(windows, kernel[:, :, ::-1, ::-1], axes=([1, 4, 5], [0, 2, 3])).transpose(0, 3, 1, 2)


def _relu_pool(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """relu then 2x2 max-pool, stride 2, floor mode; the output and the mask of the chosen inputs.

    The mask marks every maximum of a window; ties only occur between zeros left by the relu,
    whose gradient the relu sets to 0 anyway, so the result equals PyTorch's first-maximum rule.
    """
    n, c, h, w = x.shape
    x = np.maximum(x[:, :, : h // 2 * 2, : w // 2 * 2], 0).reshape(n, c, h // 2, 2, w // 2, 2)
    out = x.max(axis=(3, 5))
    mask = (x == out[:, :, :, None, :, None]) & (x > 0)
    return out, mask


def _unpool(grad: np.ndarray, mask: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Route the pooled gradient back to the chosen inputs (zero for the cropped border)."""
    full = np.zeros(shape, dtype=grad.dtype)
    n, c, ho, _, wo, _ = mask.shape
    full[:, :, : 2 * ho, : 2 * wo] = (mask * grad[:, :, :, None, :, None]).reshape(n, c, 2 * ho, 2 * wo)
    return full


def cnn_floor(batch: int, image: int) -> Step:
    """W6 by hand: conv, relu, pool, conv, relu, pool, flatten, linear, cross-entropy, SGD."""
    params, x, y = cnn_data(6, batch, image=image)
    k1, c1, k2, c2, w, b = params

    def step() -> float:
        a1, win1 = _conv(x, k1, c1)
        p1, mask1 = _relu_pool(a1)
        a2, win2 = _conv(p1, k2, c2)
        p2, mask2 = _relu_pool(a2)
        flat = p2.reshape(batch, -1)
        loss, grad = _cross_entropy(flat @ w + b, y)
        grads = [None, None, None, None, flat.T @ grad, grad.sum(axis=0)]
        grad = _unpool((grad @ w.T).reshape(p2.shape), mask2, a2.shape)
        grads[2] = np.tensordot(grad, win2, axes=([0, 2, 3], [0, 2, 3]))
        grads[3] = grad.sum(axis=(0, 2, 3))
        grad = _unpool(_conv_input_grad(grad, k2), mask1, a1.shape)
        grads[0] = np.tensordot(grad, win1, axes=([0, 2, 3], [0, 2, 3]))
        grads[1] = grad.sum(axis=(0, 2, 3))
        _sgd(params, grads)
        return loss

    return step


def w6_floor(quick: bool = False) -> Step:
    """W6 floor: batch 32 of 28x28 images, seed 6."""
    batch, image = w6_sizes(quick)
    return cnn_floor(batch, image)


FloorBuilder = Callable[[bool], Step]
