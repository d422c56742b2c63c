"""What `print` shows inside torch.func transforms: PyTorch's wrappers, level by level.

Inside `grad(f)` every tensor an op makes (factories and closure arithmetic included) and every
argument prints as `GradTrackingTensor(lvl=L, value=...)`; inside `vmap` as `BatchedTensor`;
levels count both kinds by nesting (`vmap(grad(f))`: vmap 1, grad 2), the highest outermost.
The wrapped value shows only the autograd state outside every transform. Each case prints the
same things on retrograd and, where installed, on PyTorch 2.13; two also against literal text.
"""

from __future__ import annotations

import contextlib
import io

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


def _printed(lib, case) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        case(lib)
    return out.getvalue()


def _everything(lib, tag):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    c = lib.tensor([3.0, 4.0])

    def f(z):
        print(tag, "input", z)
        print(tag, "made from it", z * 2, z * w)
        print(tag, "closures", c, w, c + 1, w * 2)
        print(tag, "factory", lib.ones(2))
        with lib.no_grad():
            print(tag, "no_grad", z * 2)
        print(tag, "detached", z.detach())
        return (z * z).sum()

    return f


def grad_plain(lib):
    lib.func.grad(_everything(lib, "grad"))(lib.tensor([0.5, 1.5]))


def grad_of_input_that_requires_grad(lib):
    lib.func.grad(_everything(lib, "grad-rg"))(lib.tensor([0.5, 1.5], requires_grad=True))


def grad_of_grad(lib):
    lib.func.grad(lib.func.grad(lambda z: (print(z, z.sin()), z.sin())[1]))(lib.tensor(1.0))


def vmap_of_grad(lib):
    lib.func.vmap(lib.func.grad(_everything(lib, "vmap-grad")))(lib.ones(2, 2))


def grad_of_vmap(lib):
    f = _everything(lib, "grad-vmap")
    lib.func.grad(lambda z: lib.func.vmap(f)(z).sum())(lib.ones(2, 2))


def vmap_of_vmap(lib):
    lib.func.vmap(lib.func.vmap(lambda q: (print(q, q + 1), q)[1]))(lib.ones(2, 2))


def vjp_jvp_jacrev(lib):
    x = lib.tensor([0.5, 1.5])
    lib.func.vjp(_everything(lib, "vjp"), x)
    lib.func.jvp(_everything(lib, "jvp"), (x,), (x,))
    lib.func.jacrev(_everything(lib, "jacrev"))(x)


def module_parameters(lib):
    lib.manual_seed(0)
    m = lib.nn.Linear(2, 3)

    def loss(params, x):
        print("params", params["bias"], params["bias"] * 2)
        return lib.func.functional_call(m, params, (x,)).sum()

    lib.func.grad(loss)(dict(m.named_parameters()), lib.ones(4, 2))


def results_outside(lib):
    g, aux = lib.func.grad(lambda z: ((z * 2).sum(), z * 2), has_aux=True)(lib.tensor([0.5, 1.5]))
    print(g, aux)
    print(lib.func.vmap(lambda q: q * 2)(lib.ones(2, 2)))


CASES = [grad_plain, grad_of_input_that_requires_grad, grad_of_grad, vmap_of_grad, grad_of_vmap, vmap_of_vmap,
         vjp_jvp_jacrev, module_parameters, results_outside]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_prints_as_pytorch(case):
    assert _printed(rg, case) == _printed(torch, case)


def test_grad_wraps_what_the_function_makes():
    text = _printed(rg, grad_of_grad)
    assert text == (
        "GradTrackingTensor(lvl=2, value=\n"
        "    GradTrackingTensor(lvl=1, value=\n"
        "        tensor(1.)\n"
        "    )\n"
        ") GradTrackingTensor(lvl=2, value=\n"
        "    GradTrackingTensor(lvl=1, value=\n"
        "        tensor(0.8415)\n"
        "    )\n"
        ")\n"
    )


def test_levels_count_vmap_and_grad_together():
    text = _printed(rg, grad_of_vmap)
    assert text.startswith(
        "grad-vmap input BatchedTensor(lvl=2, bdim=0, value=\n"
        "    GradTrackingTensor(lvl=1, value=\n"
        "        tensor([[1., 1.],\n"
        "                [1., 1.]])\n"
        "    )\n"
        ")\n"
    )
    # closure tensors were made outside: plain, with their own autograd state
    assert "grad-vmap closures tensor([3., 4.]) tensor([1., 2.], requires_grad=True) GradTrackingTensor" in text
