"""What grad / vjp / jvp / linearize / jacrev / jacfwd say about misuse, word for word.

Each case runs on retrograd and, where installed, on PyTorch (the `pytorch` id), against the same
spelled-out expectation.
"""

from __future__ import annotations

from collections import namedtuple

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])
Pair = namedtuple("Pair", "a b")


def _message(call, kind=RuntimeError):
    with pytest.raises(kind) as info:
        call()
    return str(info.value)


def _aux_error(caller):
    return f"{caller}: output of function f should be a tuple: (output, aux) if has_aux is True"


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "transform, caller",
    [
        (lambda f, x: f.grad(lambda a: a.sum(), has_aux=True)(x), "grad_and_value(f)(*args)"),
        (lambda f, x: f.grad_and_value(lambda a: a.sum(), has_aux=True)(x), "grad_and_value(f)(*args)"),
        (lambda f, x: f.vjp(lambda a: a.sin(), x, has_aux=True), "vjp(f, *primals)"),
        (lambda f, x: f.jacrev(lambda a: a.sin(), has_aux=True)(x), "vjp(f, *primals)"),
        (lambda f, x: f.jacfwd(lambda a: a.sin(), has_aux=True)(x), "jvp(f, primals, tangents)"),
        (lambda f, x: f.jvp(lambda a: a.sin(), (x,), (x,), has_aux=True), "jvp(f, primals, tangents)"),
    ],
    ids=["grad", "grad_and_value", "vjp", "jacrev", "jacfwd", "jvp"],
)
def test_has_aux_without_a_pair(lib, transform, caller):
    assert _message(lambda: transform(lib.func, lib.ones(3))) == _aux_error(caller)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("transform", ["vjp", "jacrev"])
def test_integer_outputs_cannot_be_differentiated_backwards(lib, transform):
    x = lib.ones(3)
    f = lib.func
    call = (lambda: f.vjp(lambda a: a.long(), x)) if transform == "vjp" else (lambda: f.jacrev(lambda a: a.long())(x))
    assert _message(call) == (
        f"vjp(f, ...): All outputs of f must be floating-point or complex Tensors, got Tensor with dtype {lib.int64}"
    )


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "output, cotangents, shown",
    [
        (lambda a: (a, a), lambda x: x, "cotangents: *, primal output: (*, *)"),
        (lambda a: (a,), lambda x: x, "cotangents: *, primal output: (*,)"),
        (lambda a: Pair(a, a), lambda x: (x, x), "cotangents: (*, *), primal output: Pair(a=*, b=*)"),
        (
            lambda a: [a, {"z": (a,)}],
            lambda x: [x, {"z": x}],
            "cotangents: [*, {'z': *}], primal output: [*, {'z': (*,)}]",
        ),
    ],
)
def test_vjp_cotangents_of_another_structure(lib, output, cotangents, shown):
    x = lib.ones(3)
    _, vjp_fn = lib.func.vjp(output, x)
    assert _message(lambda: vjp_fn(cotangents(x))) == (
        "Expected pytree structure of cotangents to be the same as pytree structure of outputs to the function. "
        + shown
    )


@pytest.mark.parametrize("lib", LIBS)
def test_jvp_tangents_of_another_structure(lib):
    x = lib.ones(3)
    start = (
        "jvp(f, primals, tangents): Expected primals and tangents to have the same python structure. For example, "
        "if primals is a tuple of 3 tensors, tangents also must be. Got primals with structure "
    )
    assert _message(lambda: lib.func.jvp(lambda a: a, (x,), [x])) == (
        start + "TreeSpec(tuple, None, [*]) and tangents with structure TreeSpec(list, None, [*])"
    )
    assert _message(lambda: lib.func.jvp(lambda a, b: a, (x, x), (x,))) == (
        start + "TreeSpec(tuple, None, [*,\n  *]) and tangents with structure TreeSpec(tuple, None, [*])"
    )


@pytest.mark.parametrize("lib", LIBS)
def test_forward_mode_checks_primals_and_tangents_as_make_dual(lib):
    """Tensors only (primals first), then make_dual's dtype checks (ValueError), then its size check."""
    x, n = lib.ones(3), lib.arange(3)
    double = lambda a: a * 2  # noqa: E731
    assert _message(lambda: lib.func.jvp(double, (3.0,), (1.0,))) == (
        "jvp(f, primals, tangents): Expected primals to only contain Tensors, got <class 'float'>"
    )
    assert _message(lambda: lib.func.jvp(double, (x,), (1.0,))) == (
        "jvp(f, primals, tangents): Expected tangents to only contain Tensors, got <class 'float'>"
    )
    assert _message(lambda: lib.func.jvp(double, (), ())) == (
        "jvp(f, primals, tangents): Expected primals to contain at least one Tensor."
    )
    primal_error = f"Expected primal to be floating point or complex, but got: {lib.int64}"
    assert _message(lambda: lib.func.jvp(double, (n,), (n,)), ValueError) == primal_error
    assert _message(lambda: lib.func.jvp(double, (x,), (n,)), ValueError) == (
        f"Expected tangent to be floating point or complex, but got: {lib.int64}"
    )
    assert _message(lambda: lib.func.jvp(double, (n,), (lib.ones(2),)), ValueError) == primal_error
    assert _message(lambda: lib.func.jacfwd(double)(n), ValueError) == primal_error
    assert _message(lambda: lib.func.linearize(double, n), ValueError) == primal_error
    assert lib.func.jacfwd(lambda a, k: a * k, argnums=0)(x, n).diagonal().tolist() == [0.0, 1.0, 2.0]


@pytest.mark.parametrize("lib", LIBS)
def test_linearize_checks_its_tangents(lib):
    import warnings

    x = lib.ones(3)
    with warnings.catch_warnings():  # PyTorch's tracer warns about a constant it folds
        warnings.simplefilter("ignore")
        _, jvp_fn = lib.func.linearize(lambda a: a.sin(), x)
    assert _message(lambda: jvp_fn(x, x)) == (
        "Expected the tangents TreeSpec(tuple, None, [*,\n  *]) to have the same argspec as the primals "
        "TreeSpec(tuple, None, [*])"
    )
    assert _message(lambda: jvp_fn(lib.ones(4))) == (
        f"tangent:0 with shape {lib.Size([4])} in flattened pytree doesn't match the shape {lib.Size([3])} of the "
        "corresponding primal."
    )
    assert _message(lambda: jvp_fn(x.double())) == (
        f"tangent:0 with dtype {lib.float64} in flattened pytree doesn't match the dtype {lib.float32} of the "
        "corresponding primal."
    )
    assert jvp_fn(lib.zeros(3)).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "run",
    [
        lambda lib, f: f.grad(f_uses(lib, "requires_grad"))(lib.ones(3)),
        lambda lib, f: f.vmap(f_uses(lib, "requires_grad"))(lib.ones(2, 3)),
        lambda lib, f: f.jvp(f_uses(lib, "requires_grad"), (lib.ones(3),), (lib.ones(3),)),
    ],
    ids=["grad", "vmap", "jvp"],
)
def test_requires_grad_inside_a_transform_is_refused(lib, run):
    assert _message(lambda: run(lib, lib.func)) == (
        "You are attempting to call Tensor.requires_grad_() (or perhaps using torch.autograd.functional.* APIs) "
        "inside of a function being transformed by a functorch transform. This is unsupported, please attempt to "
        "use the functorch transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() outside "
        "of a function being transformed instead."
    )


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "run",
    [
        lambda lib, f: f.grad(f_uses(lib, "backward"))(lib.ones(3)),
        lambda lib, f: f.vmap(f_uses(lib, "backward"))(lib.ones(2, 3)),
    ],
    ids=["grad", "vmap"],
)
def test_backward_inside_a_transform_is_refused(lib, run):
    assert _message(lambda: run(lib, lib.func)) == (
        "backward() called inside a functorch transform. This is not supported, please use functorch.grad or "
        "functorch.vjp instead or call backward() outside of functorch transforms."
    )


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize("requires_grad", [False, True])
@pytest.mark.parametrize(
    "run, element",
    [
        (lambda lib, z, w: lib.autograd.grad((z**2).sum(), z), 0),
        (lambda lib, z, w: lib.autograd.grad((z * w).sum(), w), 0),  # towards an unbatched leaf
        (lambda lib, z, w: lib.autograd.grad([(w * 2).sum(), (z * w).sum()], [w]), 1),  # the batched one
    ],
    ids=["to_input", "to_closure", "second_output"],
)
def test_autograd_grad_of_a_vmap_batched_output_is_refused(lib, requires_grad, run, element):
    # a batched output has no history of its own for autograd.grad (torch.func.grad differentiates per example)
    w = lib.ones(3, requires_grad=True)
    x = lib.ones(2, 3).requires_grad_(requires_grad)
    message = _message(lambda: lib.vmap(lambda z: run(lib, z, w)[0])(x))
    assert message == f"element {element} of tensors does not require grad and does not have a grad_fn"


@pytest.mark.parametrize("lib", LIBS)
def test_autograd_grad_of_an_unbatched_output_inside_vmap_is_allowed(lib):
    w = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    out = lib.vmap(lambda z: lib.autograd.grad((w**2).sum(), w)[0] * z)(lib.ones(2, 3))
    assert out.tolist() == [[2.0, 4.0, 6.0]] * 2


def f_uses(lib, what):
    def f(a):
        if what == "requires_grad":
            w = lib.ones(3).requires_grad_()
        else:
            lib.ones(3, requires_grad=True).sum().backward()
            w = lib.ones(3)
        return (a * w).sum()

    return f


@pytest.mark.parametrize("lib", LIBS)
def test_what_stays_allowed_inside_a_transform(lib):
    def f(a):
        w = lib.ones(3, requires_grad=True)  # a factory's requires_grad=True is fine
        (g,) = lib.autograd.grad((w * a).sum(), w)  # and so is autograd.grad
        return (g * a).sum()

    assert lib.func.grad(f)(lib.tensor([1.0, 2.0, 3.0])).tolist() == [1.0, 2.0, 3.0]  # g is a, seen as a constant


@pytest.mark.parametrize("lib", LIBS)
def test_unused_input_gets_plain_zeros(lib):
    x = lib.tensor([-1.0, float("nan"), 2.0])
    g = lib.func.grad(lambda a, b: b.sum(), argnums=0)(x, x)
    assert [str(v) for v in g.tolist()] == ["0.0", "0.0", "0.0"]  # not -0.0 or nan


@pytest.mark.parametrize("lib", LIBS)
def test_jacfwd_refusing_a_random_op_leaves_the_generator_alone(lib):
    lib.manual_seed(0)
    expected = lib.rand(1).item()
    lib.manual_seed(0)
    with pytest.raises(RuntimeError):
        lib.func.jacfwd(lambda a: a * lib.rand(3))(lib.ones(3))
    assert lib.rand(1).item() == expected


# --- what the results stay connected to -----------------------------------------------------------


@pytest.mark.parametrize("lib", LIBS)
def test_vjp_output_keeps_its_graph_to_closed_over_tensors(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    out, vjp_fn = lib.func.vjp(lambda a: a * w, lib.tensor([3.0, 4.0]))
    assert out.grad_fn.name() == "MulBackward0"
    assert vjp_fn(lib.ones(2))[0].tolist() == [1.0, 2.0]
    # (vjp_fn first: retrograd's vjp shares the caller's graph, which this backward frees)
    out.sum().backward()
    assert w.grad.tolist() == [3.0, 4.0]


@pytest.mark.parametrize("lib", LIBS)
def test_jvp_primal_output_is_an_alias_in_a_graph(lib):
    w = lib.tensor([1.0, 2.0], requires_grad=True)
    out, tangent = lib.func.jvp(lambda a: a * w, (lib.tensor([3.0, 4.0]),), (lib.ones(2),))
    assert out.grad_fn.name() == "AliasBackward0"
    assert out.grad_fn.next_functions[0][0].name() == "MulBackward0"
    assert tangent.tolist() == [1.0, 2.0]
    plain, _ = lib.func.jvp(lambda a: a * 2, (lib.tensor([3.0, 4.0]),), (lib.ones(2),))
    assert plain.grad_fn is None


@pytest.mark.parametrize("lib", LIBS)
def test_jacobians_refuse_complex_and_grads_take_it(lib):
    """grad, vjp and jvp differentiate complex inputs (PyTorch's conjugate convention); jacrev, jacfwd
    and hessian (jacfwd over jacrev in PyTorch) refuse them, by index in the flattened arguments."""
    z, x = lib.tensor([1 + 2j, -0.5 + 0j], dtype=lib.complex128), lib.tensor([0.5, 2.0], dtype=lib.float64)
    g = lib.func.grad(lambda z: (z * z.conj()).real.sum())(z)  # d|z|²: 2z
    assert g.tolist() == [2 + 4j, -1 + 0j]
    _, pull = lib.func.vjp(lambda z: z * 3j, z)
    assert pull(lib.ones_like(z))[0].tolist() == [-3j, -3j]  # conj(3i) · 1
    assert lib.func.jvp(lambda z: z * z, (z,), (lib.ones_like(z),))[1].tolist() == [2 + 4j, -1 + 0j]
    expected = "Expected all {} to be real but received complex tensor at flattened input idx: {}"
    assert _message(lambda: lib.func.jacrev(lib.exp)(z)) == "jacrev: " + expected.format("inputs", 0)
    assert _message(lambda: lib.func.jacrev(lambda a: (a.sin(), a * 1j))(x)) == "jacrev: " + expected.format(
        "outputs", 1
    )
    assert _message(lambda: lib.func.jacfwd(lambda a, b: a * b, argnums=0)(x, z)) == "jacfwd: " + expected.format(
        "inputs", 1
    )
    assert _message(lambda: lib.func.jacfwd(lambda a: a * 1j)(x)) == "jacfwd: " + expected.format("outputs", 0)
    assert _message(lambda: lib.func.hessian(lambda a: a.abs().sum())(z)) == "jacfwd: " + expected.format("inputs", 0)


_BATCHED_MISMATCH = (
    "If `is_grads_batched=True`, we interpret the first dimension of each grad_output as the batch dimension. The "
    "sizes of the remaining dimensions are expected to match the shape of corresponding output, but a mismatch was "
    "detected: grad_output[0] has a shape of {grad} and output[0] has a shape of {out}. If you only want some "
    "tensors in `grad_output` to be considered batched, consider using vmap."
)


@pytest.mark.parametrize("lib", LIBS)
@pytest.mark.parametrize(
    "cotangent_shape, shown",
    [((4, 3), []), ((2, 4), []), ((5, 4, 2), [2]), ((3, 2, 2), [2])],
)
def test_is_grads_batched_mismatch_shows_pytorchs_shape(lib, cotangent_shape, shown):
    """PyTorch compares `grad_output[0]` with the output and prints that slice's sizes after its first:
    the cotangent's sizes after its first two (a Hutchinson probe batch of the wrong shape)."""
    x = lib.ones(4, 3, requires_grad=True)
    message = _message(lambda: lib.autograd.grad(x * 2, x, lib.ones(*cotangent_shape), is_grads_batched=True))
    assert message == _BATCHED_MISMATCH.format(grad=lib.Size(shown), out=lib.Size([4, 3]))


@pytest.mark.parametrize("lib", LIBS)
def test_is_grads_batched_of_a_scalar_cotangent(lib):
    x = lib.ones(4, 3, requires_grad=True)
    message = _message(lambda: lib.autograd.grad(x.sum(), x, lib.ones(()), is_grads_batched=True), IndexError)
    assert message.startswith("invalid index of a 0-dim tensor. Use `tensor.item()` in Python")
