"""What custom Functions accept: keyword arguments to apply, what backward returns and receives,
what save_for_backward takes, instantiating the class; with PyTorch's behaviour and messages."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch not installed")


def _old_style(m):
    class Scaled(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y=None, scale=1.0):
            ctx.scale = scale
            ctx.seen = ctx.needs_input_grad
            return x * scale

        @staticmethod
        def backward(ctx, g):
            return g * ctx.scale, None, None

    return Scaled


def _new_style(m):
    class Scaled(m.autograd.Function):
        @staticmethod
        def forward(x, scale=2.0):
            return x * scale

        @staticmethod
        def setup_context(ctx, inputs, output):
            _, ctx.scale = inputs  # every input, the default included

        @staticmethod
        def backward(ctx, g):
            return g * ctx.scale, None

    return Scaled


def _outcome(fn):
    try:
        out = fn()
    except (TypeError, RuntimeError) as e:
        return type(e).__name__, str(e)
    return "ok", out


def _keyword_calls(m):
    F = _old_style(m)
    x = m.ones(2, requires_grad=True)
    y = m.ones(2, requires_grad=True)

    def run(**kw):
        def go():
            out = F.apply(x, **kw) if "x" not in kw else F.apply(**kw)
            out.sum().backward()
            return out.grad_fn.seen
        return go

    return [
        run(y=y, scale=3.0),
        run(x=x, y=y, scale=2.0),
        run(y=y),
        run(scale=3.0),
        run(bogus=1),
        run(ctx=1),
        lambda: F.apply(x, y, 2.0, scale=1.0),
        lambda: _new_style(m).apply(x).grad_fn.scale,
        lambda: _new_style(m).apply(x, scale=5.0).grad_fn.scale,
        lambda: _new_style(m).apply(x, bogus=5.0),
    ]


def test_apply_binds_keywords_to_forward_slots():
    outcomes = [_outcome(c) for c in _keyword_calls(rg)]
    assert outcomes[0] == ("ok", (True, True, False))
    assert outcomes[1] == ("ok", (True, True, False))  # all by keyword: still recorded
    assert outcomes[2] == ("ok", (True, True))
    assert outcomes[3] == ("TypeError", "forward() missing required argument: 'y' (position 1)")
    assert outcomes[4] == ("TypeError", "forward() got an unexpected keyword argument 'bogus'")
    assert outcomes[5] == ("TypeError", "forward() got an unexpected keyword argument 'ctx'")
    assert outcomes[6] == ("TypeError", "forward() got multiple values for argument 'scale'")
    assert outcomes[7] == ("ok", 2.0)  # setup_context sees the default
    assert outcomes[8] == ("ok", 5.0)
    assert outcomes[9] == ("TypeError", "got an unexpected keyword argument 'bogus'")


@needs_torch
def test_apply_keywords_match_pytorch():
    assert [_outcome(c) for c in _keyword_calls(rg)] == [_outcome(c) for c in _keyword_calls(torch)]


def test_keyword_only_forward_parameters_are_refused():
    class K(rg.autograd.Function):
        @staticmethod
        def forward(ctx, x, *, k=2):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match=r"^forward\(\) got an unexpected keyword argument 'k'$"):
        K.apply(rg.ones(2), k=1)


def _backward_returning(m, make_grad):
    class F(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, s, n):
            return x * s

        @staticmethod
        def backward(ctx, g):
            return make_grad(g)

    x = m.ones(2, requires_grad=True)
    return lambda: F.apply(x, 2.0, m.ones(2)).sum().backward()


_RETURNS = [
    lambda g: (g, 3, None),
    lambda g: (g, g, None),
    lambda g: (g, None, 3.0),
    lambda g: (g.numpy(), None, None),
    lambda g: (None, None, "a"),
    lambda g: (g, None, g),
]


def test_backward_must_return_tensors_or_none():
    outcomes = [_outcome(_backward_returning(rg, r)) for r in _RETURNS]
    not_a_variable = (
        "RuntimeError",
        "function FBackward returned a gradient different than None at position 2, but the corresponding "
        "forward input was not a Variable",
    )
    assert outcomes == [
        not_a_variable,
        not_a_variable,
        ("RuntimeError", "expected Variable or None (got float)"),
        ("RuntimeError", "expected Variable or None (got numpy.ndarray)"),
        ("RuntimeError", "expected Variable or None (got str)"),
        ("ok", None),
    ]


@needs_torch
def test_backward_returns_match_pytorch():
    ours = [_outcome(_backward_returning(rg, r)) for r in _RETURNS]
    assert ours == [_outcome(_backward_returning(torch, r)) for r in _RETURNS]


def _non_tensor_outputs(m):
    seen = []

    class WithInfo(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2, 42, None

        @staticmethod
        def backward(ctx, g, g_int, g_none):
            seen.append((g.tolist(), g_int, g_none))
            return g * 2

    x = m.ones(2, requires_grad=True)
    out = WithInfo.apply(x)
    out[0].sum().backward()
    return out[1:], seen


def test_outputs_that_are_not_tensors_get_none_in_backward():
    rest, seen = _non_tensor_outputs(rg)
    assert rest == (42, None)
    assert seen == [([1.0, 1.0], None, None)]  # None even with materialized grads


@needs_torch
def test_outputs_that_are_not_tensors_match_pytorch():
    assert _non_tensor_outputs(rg) == _non_tensor_outputs(torch)


def _save_non_tensor(m):
    class Save(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, None, [1])
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = m.ones(2, requires_grad=True)
    unrecorded = _outcome(lambda: Save.apply(m.ones(2)).tolist())
    return unrecorded, _outcome(lambda: Save.apply(x))


def test_save_for_backward_takes_only_tensors_and_none():
    unrecorded, recorded = _save_non_tensor(rg)
    assert unrecorded == ("ok", [2.0, 2.0])  # nothing is saved without a graph, nothing checked
    assert recorded == ("TypeError", "save_for_backward can only save variables, but argument 2 is of type list")


@needs_torch
def test_save_for_backward_non_tensor_matches_pytorch():
    assert _save_non_tensor(rg) == _save_non_tensor(torch)


def _instantiate(m):
    class Twice(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn = Twice()
    messages = [(w.category, str(w.message).replace(Twice.__module__, "M")) for w in caught]
    return messages, _outcome(lambda: fn(m.ones(1)))


def test_instantiating_a_function_warns_and_calling_it_raises():
    messages, called = _instantiate(rg)
    assert messages == [
        (
            DeprecationWarning,
            "<class 'M._instantiate.<locals>.Twice'> should not be instantiated. Methods on autograd functions "
            "are all static, so you should invoke them on the class itself. Instantiating an autograd function "
            "will raise an error in a future version of PyTorch.",
        )
    ]
    assert called[0] == "RuntimeError"
    assert called[1].startswith("Legacy autograd function with non-static forward method is deprecated.")


@needs_torch
def test_instantiating_a_function_matches_pytorch():
    assert _instantiate(rg) == _instantiate(torch)


def test_generated_vmap_rule_accepts_save_for_forward():
    class Exp(rg.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)
            ctx.save_for_forward(output)

        @staticmethod
        def backward(ctx, g):
            (out,) = ctx.saved_tensors
            return g * out

    x = rg.tensor([[0.0], [1.0]])
    np.testing.assert_allclose(rg.func.vmap(Exp.apply)(x).numpy(), np.exp([[0.0], [1.0]]), rtol=1e-6)


def _wrong_shape_jvp(m):
    class Twice(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

        @staticmethod
        def jvp(ctx, t):
            return t.sum()

    fwAD = m.autograd.forward_ad
    with fwAD.dual_level():
        dual = fwAD.make_dual(m.ones(3), m.ones(3))
        return _outcome(lambda: Twice.apply(dual))


def test_jvp_tangent_of_the_wrong_size_is_refused():
    assert _wrong_shape_jvp(rg) == (
        "RuntimeError",
        "Trying to set a forward gradient that has a different size than that of the original Tensor, this is "
        "not supported. Tensor is of size [3] while the given forward gradient is of size [].",
    )


@needs_torch
def test_jvp_tangent_of_the_wrong_size_matches_pytorch():
    assert _wrong_shape_jvp(rg) == _wrong_shape_jvp(torch)


def _one_return_message(m):
    class OneReturn(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2

        @staticmethod
        def setup_context(ctx, inputs, output):
            pass

        @staticmethod
        def vmap(info, in_dims, x):
            return x * 2

    try:
        m.func.vmap(OneReturn.apply)(m.ones(4, 2))
    except RuntimeError as e:
        return str(e)
    raise AssertionError("no error")


def test_vmap_staticmethod_with_one_return_names_the_tensor_class():
    assert _one_return_message(rg).endswith("Got a <class 'retrograd.Tensor'> instead")


@needs_torch
def test_vmap_staticmethod_with_one_return_vs_torch():
    assert _one_return_message(rg).replace("retrograd.", "torch.") == _one_return_message(torch)


def _backward_by_other_names(m):
    class MulVjp(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def vjp(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a

    class Both(MulVjp):
        @staticmethod
        def backward(ctx, g):
            return g, g

    class Boxed(m.autograd.Function):
        boxed_grads_call = True

        @staticmethod
        def forward(ctx, x):
            return x * 2, x * 3

        @staticmethod
        def backward(ctx, grads):
            g1, g2 = grads
            grads.clear()  # what the box is for: the caller keeps no reference
            return g1 * 2 + g2 * 3

    a = m.tensor([1.0, 2.0], requires_grad=True)
    b = m.tensor([3.0, 4.0], requires_grad=True)
    MulVjp.apply(a, b).sum().backward()
    out = [a.grad.tolist(), b.grad.tolist()]
    out.append(_outcome(lambda: Both.apply(a, b).sum().backward()))
    a.grad = None
    sum(t.sum() for t in Boxed.apply(a)).backward()
    out.append(a.grad.tolist())
    return out


def test_backward_may_be_named_vjp_and_take_boxed_grads():
    assert _backward_by_other_names(rg) == [
        [3.0, 4.0],
        [1.0, 2.0],
        (
            "RuntimeError",
            "Implementing both 'backward' and 'vjp' for a custom Function is not allowed. You should only "
            "implement one of them.",
        ),
        [5.0, 5.0],
    ]


@needs_torch
def test_backward_by_other_names_matches_pytorch():
    assert _backward_by_other_names(rg) == _backward_by_other_names(torch)


def _saved_views(m):
    class Mul(m.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            return g * b, g * a

    a = m.tensor([1.0, 2.0], requires_grad=True)
    b = m.tensor([3.0, 4.0], requires_grad=True)
    y = Mul.apply(a, b)
    raw = y.grad_fn._raw_saved_tensors
    raw[0].register_hooks(lambda t: t, lambda t: t * 0)  # a reads as zeros in backward
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        old_name = [t.tolist() for t in y.grad_fn.saved_variables]
    y.sum().backward()
    freed = _outcome(lambda: y.grad_fn._raw_saved_tensors)
    return (
        [type(r).__name__ for r in raw],
        old_name,
        [(w.category, str(w.message)) for w in caught],
        a.grad.tolist(),
        b.grad.tolist(),
        freed[0],
        type(y.grad_fn).__module__.split(".", 1)[1],
    )


def test_function_node_raw_saved_tensors_and_saved_variables():
    kinds, old_name, warned, ga, gb, freed, module = _saved_views(rg)
    assert kinds == ["SavedTensor", "SavedTensor"]
    assert old_name == [[0.0, 0.0], [3.0, 4.0]]
    assert warned == [(DeprecationWarning, "'saved_variables' is deprecated; use 'saved_tensors'")]
    assert (ga, gb) == ([3.0, 4.0], [0.0, 0.0])
    assert freed == "RuntimeError"
    assert module == "autograd.function"  # node classes live where PyTorch's do


@needs_torch
def test_function_node_saved_views_match_pytorch():
    assert _saved_views(rg) == _saved_views(torch)


def _anomaly_on_second_backward(m):
    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**3

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 3 * x**2 * g

    x = m.tensor([1.0, -2.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught, m.autograd.detect_anomaly():
        warnings.simplefilter("always")
        (g,) = m.autograd.grad((Cube.apply(x) * x).sum(), x, create_graph=True)
        raised = _outcome(lambda: g.sum().backward())
    first = [str(w.message) for w in caught if "Error detected" in str(w.message)]
    return raised, [f.splitlines()[0] for f in first], ["create_graph=True" in f for f in first]


def test_anomaly_mode_shows_where_a_once_differentiable_gradient_was_made():
    raised, headlines, shows_the_call = _anomaly_on_second_backward(rg)
    once = "trying to differentiate twice a function that was marked with @once_differentiable"
    assert raised == ("RuntimeError", once)
    assert headlines == ["Error detected in torch::autograd::Error. Traceback of forward call that caused the error:"]
    assert shows_the_call == [True]  # the user's line that took the gradient


@needs_torch
def test_anomaly_on_second_backward_matches_pytorch():
    assert _anomaly_on_second_backward(rg) == _anomaly_on_second_backward(torch)


def _inputs_returned(m):
    class AddOne(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            a.add_(1)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, g):
            return g

    class Same(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a

        @staticmethod
        def backward(ctx, g):
            return g

    rows = []
    for mode in ("grad", "no_grad"):
        for requires in (False, True):
            for fn in (AddOne, Same):
                w = m.ones(2, requires_grad=True).clone() if requires else m.ones(2)
                with m.no_grad() if mode == "no_grad" else m.enable_grad():
                    r = fn.apply(w)
                rows.append((r is w, r.requires_grad, r._is_view(), r._version == w._version, r.grad_fn is not None))
    return rows


def test_inputs_returned_without_recording_are_detached_aliases():
    rows = _inputs_returned(rg)
    # (is the input, requires grad, is a view, shares the version, has a grad_fn)
    assert rows[:4] == [
        (True, False, False, True, False),  # dirty, nothing recorded: the input itself
        (False, False, True, True, False),  # returned as is: a view of it
        (True, True, False, True, True),
        (False, True, True, True, True),
    ]
    assert rows[6:] == [  # no_grad, input requires grad: detached aliases, the input left as it was
        (False, False, False, True, False),
        (False, False, False, True, False),
    ]


@needs_torch
def test_inputs_returned_match_pytorch():
    assert _inputs_returned(rg) == _inputs_returned(torch)


def _dirty_misuse(m):
    class NotReturned(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            a.mul_(2)
            ctx.mark_dirty(a)
            return a * 1

        @staticmethod
        def backward(ctx, g):
            return g

    class NotAnInput(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            b = a * 2
            ctx.mark_dirty(b)
            return b

        @staticmethod
        def backward(ctx, g):
            return g

    raised = [_outcome(lambda: NotReturned.apply(m.ones(2)))]
    with m.no_grad():
        raised.append(_outcome(lambda: NotReturned.apply(m.ones(2))))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        NotAnInput.apply(m.ones(2))  # nothing recorded: no warning
        NotAnInput.apply(m.ones(2, requires_grad=True))
    return raised, [str(w.message).split(" (Triggered")[0] for w in caught]


def test_mark_dirty_misuse():
    raised, warned = _dirty_misuse(rg)
    refusal = (
        "RuntimeError",
        "Some elements marked as dirty during the forward method were not returned as output. The inputs that "
        "are modified inplace must all be outputs of the Function.",
    )
    assert raised == [refusal, refusal]
    assert warned == [
        "ctx.mark_dirty() received a tensor that was not an input. Only input Tensors that have been mutated "
        "should be passed to ctx.mark_dirty()."
    ]


@needs_torch
def test_mark_dirty_misuse_matches_pytorch():
    assert _dirty_misuse(rg) == _dirty_misuse(torch)


def _node_names_under_transforms(m):
    class Sq(m.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x):
            return x**2

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    class Short(Sq):
        @staticmethod
        def backward(ctx, g):
            return g, g  # one too many

    seen = []

    def f(x):
        y = Sq.apply(x)
        seen.append((type(y.grad_fn).__name__, y.grad_fn.name()))
        return y.sum()

    m.func.grad(f)(m.ones(3))
    f(m.ones(3, requires_grad=True))
    batched = m.func.vmap(Sq.apply)(m.ones(2, 3, requires_grad=True))
    seen.append((type(batched.grad_fn).__name__, batched.grad_fn.name()))
    seen.append(_outcome(lambda: m.func.grad(lambda t: Short.apply(t).sum())(m.ones(3))))
    return seen


def test_function_nodes_are_named_for_the_transform_that_made_them():
    assert _node_names_under_transforms(rg) == [
        ("SqGeneratedBackward", "SqGeneratedBackward"),  # under func.grad
        ("SqBackward", "SqBackward"),
        ("VmappedSqBackward", "VmappedSqBackward"),  # the generated vmap rule's node
        (
            "RuntimeError",
            "function ShortGeneratedBackward returned an incorrect number of gradients (expected 1, got 2)",
        ),
    ]


@needs_torch
def test_function_node_names_under_transforms_match_pytorch():
    assert _node_names_under_transforms(rg) == _node_names_under_transforms(torch)


def _saved_once(m):
    class Twice(m.autograd.Function):
        clear_saved_tensors_on_access = True

        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * 2

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 + _outcome(lambda: ctx.saved_tensors)[0].startswith("Runtime")

    x = m.ones(2, requires_grad=True)
    Twice.apply(x).sum().backward()
    y = Twice.apply(x)
    taken = len(y.grad_fn.saved_tensors)
    return x.grad.tolist(), taken, _outcome(lambda: y.sum().backward())


def test_clear_saved_tensors_on_access_hands_them_over_once():
    grad, taken, again = _saved_once(rg)
    assert grad == [3.0, 3.0] and taken == 1
    assert again == (
        "RuntimeError",
        "saved_tensors can only be accessed once when clear_saved_tensors_on_access=True is set on the "
        "autograd.Function. Either access saved_tensors only once, or set clear_saved_tensors_on_access=False.",
    )


@needs_torch
def test_clear_saved_tensors_on_access_matches_pytorch():
    assert _saved_once(rg) == _saved_once(torch)


def _class_defaults(m):
    F = m.autograd.Function
    return F.generate_vmap_rule, F.boxed_grads_call, F.clear_saved_tensors_on_access, _not_implemented(F.vmap)


def _not_implemented(fn):
    try:
        fn(None, ())
    except NotImplementedError as e:
        return str(e)
    return None


def test_function_class_defaults():
    assert _class_defaults(rg) == (
        False,
        False,
        False,
        "To use autograd.Function with vmap, you must either override the vmap staticmethod or set "
        "generate_vmap_rule=True.",
    )


@needs_torch
def test_function_class_defaults_match_pytorch():
    assert _class_defaults(rg) == _class_defaults(torch)


def _bad_jvps(m):
    def make(result):
        class Twice(m.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g

            @staticmethod
            def jvp(ctx, t):
                return result(t)

        return Twice

    fwAD = m.autograd.forward_ad
    out = []
    for result in (lambda t: (t, t), lambda t: 3, lambda t: t * 2):
        with fwAD.dual_level():
            dual = fwAD.make_dual(m.ones(2), m.ones(2))
            fn = make(result)
            out.append(_outcome(lambda fn=fn, dual=dual: fwAD.unpack_dual(fn.apply(dual)).tangent.tolist()))
    return out


def test_jvp_returns_are_checked():
    assert _bad_jvps(rg) == [
        ("RuntimeError", "Function's jvp returned an invalid number of forward gradients (expected 1 but got 2)"),
        ("RuntimeError", "expected Variable or None (got int) for grad output 0."),
        ("ok", [2.0, 2.0]),
    ]


@needs_torch
def test_jvp_returns_match_pytorch():
    assert _bad_jvps(rg) == _bad_jvps(torch)
