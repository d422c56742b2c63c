"""The in-process workloads: one builder per workload, `build(m, quick) -> step`.

`m` is the library module (retrograd or torch); the same code runs both, since retrograd follows
PyTorch's API. A builder does all set-up (data, parameters) outside the timed region and returns
`step()`, the timed unit, which returns a host value (a float loss or gradient, or a NumPy
Hessian). `quick=True` shrinks every size for smoke tests. `compile_fn` is the library's
`compile` for a compiled system (None otherwise): it wraps the forward computation, never the
backward or the update, as `torch.compile` users do.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from .data import cnn_data, hessian_data, mlp_data

Step = Callable[[], Any]
Compile = Callable[[Any], Any] | None


class Unsupported(Exception):
    """The system has no API for this workload (reported as "unsupported", not as an error)."""


def maybe_compiled(fn: Any, compile_fn: Compile) -> Any:
    """`compile_fn(fn)` for a compiled system, `fn` itself otherwise."""
    return fn if compile_fn is None else compile_fn(fn)


def chain(x: Any, iterations: int) -> Any:
    """y = x, then `iterations` times y = y * 1.0001 + 0.0001 (2 ops each)."""
    y = x
    for _ in range(iterations):
        y = y * 1.0001 + 0.0001
    return y


def chain_grad(m: ModuleType, iterations: int, forward: Callable[[Any, int], Any] = chain) -> float:
    """d y / d x of the chain at x = 1.0 (a fresh 0-d float64 leaf), read as a Python float."""
    x = m.tensor(1.0, dtype=m.float64, requires_grad=True)
    forward(x, iterations).backward()
    return float(x.grad)


def w1_chain(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W1: one repetition = fresh x, a 1000-iteration (2000-op) chain, backward, read x.grad (also when quick)."""
    forward = maybe_compiled(chain, compile_fn)
    return lambda: chain_grad(m, 1000, forward)


def _leaves(m: ModuleType, arrays: list[np.ndarray]) -> list[Any]:
    """Copies of NumPy parameter arrays as leaf tensors that require grad."""
    return [m.tensor(a, requires_grad=True) for a in arrays]


def _sgd_step(m: ModuleType, params: list[Any], loss_of: Callable[[], Any], compile_fn: Compile = None,
              compile_loss: bool = False, compile_step: bool = False) -> Step:
    """A training step: clear grads, forward + loss, backward, p -= 0.1 * grad, float(loss).

    `compile_loss`: a compiled system compiles the loss with the forward; `compile_step`: the
    whole step but `float(loss)` (variants; the workloads compile the forward alone)."""
    cross_entropy = m.nn.functional.cross_entropy
    if compile_step:
        return _whole_step(m, params, loss_of, compile_fn)
    if compile_loss:
        forward = loss_of
        loss_of = maybe_compiled(lambda: cross_entropy(*forward()), compile_fn)
    else:
        loss_of = maybe_compiled(loss_of, compile_fn)

    def step() -> float:
        for p in params:
            p.grad = None
        if compile_loss:
            loss = loss_of()
        else:
            logits, target = loss_of()
            loss = cross_entropy(logits, target)
        loss.backward()
        with m.no_grad():
            for p in params:
                p -= 0.1 * p.grad
        return loss.item()

    return step


def _whole_step(m: ModuleType, params: list[Any], forward: Callable[[], Any], compile_fn: Compile) -> Step:
    """The same step as one function, compiled whole by a compiled system; `float(loss)` after it."""
    cross_entropy = m.nn.functional.cross_entropy

    def train_step() -> Any:
        for p in params:
            p.grad = None
        loss = cross_entropy(*forward())
        loss.backward()
        with m.no_grad():
            for p in params:
                p -= 0.1 * p.grad
        return loss

    compiled = maybe_compiled(train_step, compile_fn)
    return lambda: compiled().item()


def mlp_step(m: ModuleType, seed: int, sizes: tuple[int, ...], batch: int, activation: str,
             compile_fn: Compile = None, compile_loss: bool = False, compile_step: bool = False) -> Step:
    """SGD step of an MLP `sizes` with `activation` (m.tanh or m.relu) between layers, cross-entropy."""
    arrays, x_np, y_np = mlp_data(seed, sizes, batch)
    params = _leaves(m, arrays)
    x, y = m.tensor(x_np), m.tensor(y_np)
    act = getattr(m, activation)
    hidden = [(params[i], params[i + 1]) for i in range(0, len(params) - 2, 2)]
    w_out, b_out = params[-2], params[-1]

    def forward() -> tuple[Any, Any]:
        h = x
        for w, b in hidden:
            h = act(h @ w + b)
        return h @ w_out + b_out, y

    return _sgd_step(m, params, forward, compile_fn, compile_loss, compile_step)


def w2_sizes(quick: bool) -> tuple[tuple[int, ...], int]:
    """W2's layer sizes and batch (smaller batch when quick)."""
    return (64, 128, 10), 4 if quick else 32


def w2_small_mlp(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W2: MLP 64 -> 128 (tanh) -> 10, batch 32, seed 2."""
    sizes, batch = w2_sizes(quick)
    return mlp_step(m, 2, sizes, batch, "tanh", compile_fn)


def w2_compiled_loss(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W2 with the cross-entropy compiled along with the forward (measured only: what the compiled
    W2 target would need; the eager systems run plain W2)."""
    sizes, batch = w2_sizes(quick)
    return mlp_step(m, 2, sizes, batch, "tanh", compile_fn, compile_loss=True)


def w2_compiled_step(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W2 with the whole step compiled (clear, forward, loss, backward, update; measured only:
    the eager systems run plain W2)."""
    sizes, batch = w2_sizes(quick)
    return mlp_step(m, 2, sizes, batch, "tanh", compile_fn, compile_step=True)


def w3_sizes(quick: bool) -> tuple[tuple[int, ...], int]:
    """W3's layer sizes and batch (tiny when quick)."""
    return ((32, 16, 16, 10), 8) if quick else ((784, 512, 512, 10), 256)


def w3_mnist_mlp(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W3: MLP 784 -> 512 (relu) -> 512 (relu) -> 10, batch 256, seed 3."""
    sizes, batch = w3_sizes(quick)
    return mlp_step(m, 3, sizes, batch, "relu", compile_fn)


def w3_compiled_step(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W3 with the whole step compiled (measured only, as W2[compiled step])."""
    sizes, batch = w3_sizes(quick)
    return mlp_step(m, 3, sizes, batch, "relu", compile_fn, compile_step=True)


def hessian_size(quick: bool) -> int:
    """W4's dimension n (A is n x n)."""
    return 10 if quick else 200


def _hessian_step(m: ModuleType, quick: bool, hessian_of: Callable[[Callable, Any], Any],
                  compile_fn: Compile) -> Step:
    """W4's set-up around one Hessian API: f(x) = sum(tanh(A @ x)) at x, seed 4, float64."""
    a_np, x_np = hessian_data(4, hessian_size(quick))
    a, x = m.tensor(a_np), m.tensor(x_np)

    def f(v: Any) -> Any:
        return m.tanh(a @ v).sum()

    f = maybe_compiled(f, compile_fn)
    return lambda: hessian_of(f, x).detach().numpy()


def w4_functional(m: ModuleType, quick: bool = False, compile_fn: Compile = None, vectorize: bool = False) -> Step:
    """W4: `autograd.functional.hessian(f, x, vectorize=...)`."""
    hessian = m.autograd.functional.hessian
    return _hessian_step(m, quick, lambda f, x: hessian(f, x, vectorize=vectorize), compile_fn)


def w4_func(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W4 with the library's `func.hessian(f)(x)` (torch.func); unsupported where the library has no `func`."""
    func = getattr(m, "func", None)
    if func is None or not hasattr(func, "hessian"):
        raise Unsupported(f"{m.__name__} has no func.hessian")
    return _hessian_step(m, quick, lambda f, x: func.hessian(f)(x), compile_fn)


def w6_sizes(quick: bool) -> tuple[int, int]:
    """W6's batch and image side (smaller when quick)."""
    return (2, 12) if quick else (32, 28)


def w6_small_cnn(m: ModuleType, quick: bool = False, compile_fn: Compile = None) -> Step:
    """W6: conv 1->8, relu, pool 2, conv 8->16, relu, pool 2, flatten, linear -> 10; batch 32, seed 6."""
    batch, image = w6_sizes(quick)
    arrays, x_np, y_np = cnn_data(6, batch, image=image)
    params = _leaves(m, arrays)
    k1, c1, k2, c2, w, b = params
    x, y = m.tensor(x_np), m.tensor(y_np)
    F = m.nn.functional

    def forward() -> tuple[Any, Any]:
        h = F.max_pool2d(F.relu(F.conv2d(x, k1, c1)), 2, 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, k2, c2)), 2, 2)
        return h.reshape(batch, -1) @ w + b, y

    return _sgd_step(m, params, forward, compile_fn)
