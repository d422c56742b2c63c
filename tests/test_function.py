"""Custom autograd Functions, run the same way with retrograd and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

MODULES = [rg] + ([torch] if torch is not None else [])


def functions(m):
    """The same custom Functions written against module `m`."""

    class Cube(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, scale):
            ctx.save_for_backward(x)
            ctx.scale = scale
            return x**3 * scale

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x**2 * ctx.scale, None

    class Exp(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x.exp()

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(output)

        @staticmethod
        def backward(ctx, g):
            (y,) = ctx.saved_tensors
            return g * y

    class SortWithIndex(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            values = x * 2
            index = m.tensor([1, 0])
            ctx.mark_non_differentiable(index)
            ctx.needs = ctx.needs_input_grad
            return values, index

        @staticmethod
        def backward(ctx, g_values, g_index):
            return g_values * 2

    class Twice(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            return x * 1, x * 2

        @staticmethod
        def backward(ctx, g1, g2):
            total = 0
            if g1 is not None:
                total = total + g1
            if g2 is not None:
                total = total + 2 * g2
            return total

    class Once(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.sin()

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.cos()

    class AddOneInPlace(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.add_(1)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    return Cube, Exp, SortWithIndex, Twice, Once, AddOneInPlace


def run(m):
    Cube, Exp, SortWithIndex, Twice, Once, AddOneInPlace = functions(m)
    x = m.tensor([0.5, -1.5], dtype=m.float64, requires_grad=True)
    out = {}
    y = Cube.apply(x, 2.0)
    (g,) = m.autograd.grad(y.sum(), x, create_graph=True)
    (gg,) = m.autograd.grad(g.sum(), x)
    out["cube"], out["cube_grad"], out["cube_gradgrad"] = y, g, gg
    e = Exp.apply(x)
    e.sum().backward()
    out["exp_grad"] = x.grad.clone()
    x.grad = None
    values, index = SortWithIndex.apply(x)
    out["index_requires_grad"] = index.requires_grad
    values.sum().backward()
    out["sort_grad"] = x.grad.clone()
    x.grad = None
    a, _b = Twice.apply(x)
    a.sum().backward()
    out["twice_grad"] = x.grad.clone()
    x.grad = None
    s = Once.apply(x)
    (g1,) = m.autograd.grad(s.sum(), x, create_graph=True)
    out["once_grad"] = g1
    out["once_requires_grad"] = g1.requires_grad
    z = (x * 1).detach().requires_grad_(False)
    w = x * 1
    r = AddOneInPlace.apply(w)
    out["dirty_is_same"] = r is w
    r.sum().backward()
    out["dirty_grad"] = x.grad.clone()
    out["names"] = (y.grad_fn.name(), e.grad_fn.name())
    del z
    return out


def test_custom_functions_work():
    out = run(rg)
    np.testing.assert_allclose(out["cube_grad"].detach().numpy(), 6 * np.array([0.5, -1.5]) ** 2)
    np.testing.assert_allclose(out["cube_gradgrad"].numpy(), 12 * np.array([0.5, -1.5]))
    assert out["names"] == ("CubeBackward", "ExpBackward")
    assert out["index_requires_grad"] is False
    assert out["dirty_is_same"]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_custom_functions_match_pytorch():
    ours, theirs = run(rg), run(torch)
    for key, value in theirs.items():
        mine = ours[key]
        if isinstance(value, torch.Tensor):
            np.testing.assert_allclose(mine.detach().numpy(), value.detach().numpy(), err_msg=key)
        else:
            assert mine == value, key


def second_backward_through_once(m):
    """A gradient taken through a `@once_differentiable` backward with create_graph=True from an
    incoming gradient that itself requires grad: its node, and what differentiating it again does."""
    Once = functions(m)[4]
    x = m.tensor([0.5, -1.5], dtype=m.float64, requires_grad=True)
    (g,) = m.autograd.grad((Once.apply(x) ** 2).sum(), x, create_graph=True)
    out = {"grad": g.detach(), "requires_grad": g.requires_grad, "node": g.grad_fn.name()}
    out["repr"] = repr(g).split("grad_fn=")[1]
    out["edge_is_leaf"] = g.grad_fn.next_functions[0][0].variable.is_leaf
    for key, call in (
        ("backward", lambda: g.sum().backward()),
        ("grad_wrt_x", lambda: m.autograd.grad(g.sum(), x)),
    ):
        with pytest.raises(RuntimeError) as info:
            call()
        out[key] = str(info.value)
    out["unused"] = m.autograd.grad(g.sum(), x, allow_unused=True)
    return out


def test_second_backward_through_once_differentiable_raises():
    out = second_backward_through_once(rg)
    s = np.sin([0.5, -1.5])
    np.testing.assert_allclose(out["grad"].numpy(), 2 * s * np.cos([0.5, -1.5]))
    assert out["requires_grad"] and out["node"] == "torch::autograd::Error" and out["repr"] == "<Error>)"
    assert out["edge_is_leaf"]
    assert out["backward"] == "trying to differentiate twice a function that was marked with @once_differentiable"
    # its edge leads to a stand-in leaf, not to x: x was not used
    assert "appears to not have been used in the graph" in out["grad_wrt_x"]
    assert out["unused"] == (None,)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_second_backward_through_once_differentiable_matches_pytorch():
    ours, theirs = second_backward_through_once(rg), second_backward_through_once(torch)
    np.testing.assert_allclose(ours.pop("grad").numpy(), theirs.pop("grad").numpy())
    assert ours == theirs


def test_wrong_number_and_shape_of_gradients():
    class Wrong(rg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class BadShape(rg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return rg.ones(5, dtype=rg.float64)

    x = rg.tensor([1.0, 2.0], dtype=rg.float64, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"returned an incorrect number of gradients \(expected 1, got 2\)"):
        Wrong.apply(x).sum().backward()
    with pytest.raises(RuntimeError, match="returned an invalid gradient at index 0"):
        BadShape.apply(x).sum().backward()


def test_function_without_grad_inputs_records_nothing():
    Cube = functions(rg)[0]
    y = Cube.apply(rg.tensor([1.0]), 1.0)
    assert y.grad_fn is None and not y.requires_grad
    with rg.no_grad():
        y = Cube.apply(rg.tensor([1.0], requires_grad=True), 1.0)
    assert y.grad_fn is None


def test_modified_saved_input_is_detected():
    Cube = functions(rg)[0]
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = Cube.apply(h, 1.0)
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


@pytest.mark.parametrize("m", MODULES)
def test_input_returned_as_is_can_be_marked_non_differentiable(m):
    class Pass(m.autograd.Function):
        @staticmethod
        def forward(ctx, *args):
            ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
            return args

        @staticmethod
        def backward(ctx, *grads):
            return grads

    x, c = m.ones(2, requires_grad=True), m.ones(2)
    a, b = Pass.apply(x, c)
    assert a is not x and a.requires_grad and a.grad_fn is not None
    assert not b.requires_grad and b.grad_fn is None
    assert repr(a.grad_fn).startswith(f"<{m.__name__}.autograd.function.PassBackward object at 0x")


@pytest.mark.parametrize("m", MODULES)
def test_forward_mode_runs_the_functions_jvp_with_save_for_forward(m):
    fw = m.autograd.forward_ad

    class Scaled(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.save_for_forward(x * 0 + 3)  # jvp's saved_tensors: what save_for_forward kept
            return x * x * k, x + 1

        @staticmethod
        def backward(ctx, g, h):
            (x,) = ctx.saved_tensors
            return 2 * x * g + h, None

        @staticmethod
        def jvp(ctx, t, tk):
            (s,) = ctx.saved_tensors
            return s * t, t

    class NoJvp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g

    x = m.tensor([1.0, 2.0])
    with fw.dual_level():
        dual = fw.make_dual(x, m.ones(2))
        y, z = Scaled.apply(dual, 2.0)
        assert fw.unpack_dual(y).tangent.tolist() == [3.0, 3.0]  # jvp's, not forward's own 2·x·k·t
        assert fw.unpack_dual(z).tangent.tolist() == [1.0, 1.0]
        with pytest.raises(NotImplementedError, match="You must implement the jvp function"):
            NoJvp.apply(dual)
    leaf = m.tensor([1.0, 2.0], requires_grad=True)
    y, z = Scaled.apply(leaf, 2.0)
    (y.sum() + z.sum()).backward()
    assert leaf.grad.tolist() == [3.0, 5.0]  # backward still sees save_for_backward's tensors


class _DoubleInPlace(rg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.mark_dirty(x)
        return x.mul_(2)

    @staticmethod
    def backward(ctx, g):
        return g * 2


def test_mark_dirty_on_a_view_sends_the_gradient_through_the_base():
    leaf = rg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = leaf.clone()
    out = _DoubleInPlace.apply(y[:2])
    assert out._base is y and type(y.grad_fn).__name__ == "CopySlices"
    y.sum().backward()
    assert leaf.grad.tolist() == [2.0, 2.0, 1.0]


def test_mark_dirty_refuses_leaves_that_require_grad():
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad has been used in an in-place"):
        _DoubleInPlace.apply(rg.tensor([1.0, 2.0], requires_grad=True))
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used"):
        _DoubleInPlace.apply(rg.tensor([1.0, 2.0, 3.0], requires_grad=True)[:2])
    with rg.no_grad():
        assert _DoubleInPlace.apply(rg.ones(2)).tolist() == [2.0, 2.0]


@pytest.mark.parametrize("m", MODULES)
def test_saved_non_differentiable_output_has_no_grad_fn_in_a_recorded_backward(m):
    """A non-differentiable output saved for backward comes back without this node as its grad_fn,
    even while backward records (create_graph): it never had one (PyTorch's NumpySort example)."""
    seen = []

    class WithIndices(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x * 2, m.tensor([0, 1])

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.mark_non_differentiable(output[1])
            ctx.save_for_backward(output[0], output[1])

        @staticmethod
        def backward(ctx, g, _):
            out, ind = ctx.saved_tensors
            seen.append((out.requires_grad, ind.requires_grad, ind.grad_fn, ind.tolist()))
            return g * 2

    class OldStyle(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            i = m.tensor([0.0, 1.0])  # floating, yet marked: still no gradient and no grad_fn
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(i)
            return x * 2, i

        @staticmethod
        def backward(ctx, g, _):
            (ind,) = ctx.saved_tensors
            seen.append((ind.requires_grad, ind.grad_fn))
            return g * ind.sum()

    x = m.ones(2, requires_grad=True)
    (g,) = m.autograd.grad(WithIndices.apply(x)[0].sum(), x, create_graph=True)
    assert g.tolist() == [2.0, 2.0]
    m.autograd.grad(OldStyle.apply(x)[0].sum(), x, create_graph=True)
    m.autograd.grad(OldStyle.apply(x)[0].sum(), x)
    assert seen == [(True, False, None, [0, 1]), (False, None), (False, None)]


def saved_for_forward_story(m):
    """What jvp sees through `ctx.saved_tensors` (tensors kept by save_for_forward, their tangents
    dropped, their graph kept) and the tangents it returns from them (plain tensors)."""
    fw, seen = m.autograd.forward_ad, []

    class Scaled(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            out = x * 2
            ctx.save_for_forward(x, y, out)
            return out

        @staticmethod
        def jvp(ctx, tx, ty):
            for t in ctx.saved_tensors:
                seen.append((fw.unpack_dual(t).tangent is not None, t.requires_grad, t.grad_fn is not None))
            return tx * ctx.saved_tensors[0] + ty

        @staticmethod
        def backward(ctx, g):
            return g * 2, None

    with fw.dual_level():
        leaf = m.ones(2, requires_grad=True)
        o = Scaled.apply(fw.make_dual(leaf * 1, m.ones(2)), m.ones(2))
        tangent = fw.unpack_dual(o).tangent
        seen.append((tangent.tolist(), fw.unpack_dual(tangent).tangent, o.requires_grad))
        o = Scaled.apply(fw.make_dual(m.ones(2), m.ones(2)), fw.make_dual(m.ones(2), m.ones(2) * 3))
        tangent = fw.unpack_dual(o).tangent
        seen.append((tangent.tolist(), fw.unpack_dual(tangent).tangent, o.requires_grad))
    return seen


def test_save_for_forward_tensors_have_no_tangent_in_jvp():
    assert saved_for_forward_story(rg) == [
        (False, True, True), (False, False, False), (False, True, True), ([1.0, 1.0], None, True),
        (False, False, False), (False, False, False), (False, False, False), ([4.0, 4.0], None, False),
    ]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_save_for_forward_tensors_have_no_tangent_in_jvp_as_pytorch():
    assert saved_for_forward_story(rg) == saved_for_forward_story(torch)


def dirty_forward_mode_story(m):
    """Forward mode through a Function that doubles its input in place (mark_dirty) and whose jvp
    doubles the tangent in place: the forward sees no tangent and its write leaves the tangent
    alone, so the output's tangent is jvp's (on a whole tensor, a view, one with a graph)."""
    fw, seen = m.autograd.forward_ad, []

    class Doubled(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            seen.append(fw.unpack_dual(x).tangent)
            x.mul_(2)
            ctx.mark_dirty(x)
            seen.append(fw.unpack_dual(x).tangent)
            return x

        @staticmethod
        def jvp(ctx, tx):
            seen.append(tx.tolist())
            tx.mul_(2)
            return tx

        @staticmethod
        def backward(ctx, g):
            return g * 2

    def tangents(o, d):
        return [o.tolist(), fw.unpack_dual(o).tangent.tolist(), fw.unpack_dual(d).tangent.tolist()]

    with fw.dual_level():
        d = fw.make_dual(m.ones(3), m.ones(3))
        o = Doubled.apply(d)
        seen += [o is d] + tangents(o, d)
        d = fw.make_dual(m.ones(4), m.ones(4))
        seen += tangents(Doubled.apply(d[:2]), d)
        a = m.ones(3, requires_grad=True)
        d = fw.make_dual(a * 1, m.ones(3))
        o = Doubled.apply(d)
        seen += tangents(o, d)
        o.sum().backward()
        seen.append(a.grad.tolist())
    return seen


def test_mark_dirty_in_forward_mode_takes_the_jvps_tangent():
    twos = [2.0, 2.0, 2.0]
    ones = [1.0, 1.0, 1.0]
    assert dirty_forward_mode_story(rg) == [
        None, None, ones, True, twos, twos, twos,
        None, None, [1.0, 1.0], [2.0, 2.0], [2.0, 2.0], [2.0, 2.0, 1.0, 1.0],
        None, None, ones, twos, twos, twos, twos,
    ]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_mark_dirty_in_forward_mode_takes_the_jvps_tangent_as_pytorch():
    assert dirty_forward_mode_story(rg) == dirty_forward_mode_story(torch)


# --- outputs that are views: an in-place change of them is refused, as PyTorch does ----------------


def view_functions(m):
    """Functions whose outputs are views: an input returned as is, two of them, a slice made in forward."""

    class Ident(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, g):
            return g

    class Pair(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, y):
            return x, y

        @staticmethod
        def backward(ctx, g, h):
            return g, h

    class Head(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x[:2]

        @staticmethod
        def backward(ctx, g):
            return m.cat([g, g.new_zeros(1)])

    return Ident, Pair, Head


VIEW_CASES = {
    "input_as_is": lambda m, a, F: F[0].apply(a * 1).relu_(),
    "two_outputs": lambda m, a, F: F[1].apply(a * 1, a * 2)[1].mul_(2),
    "slice_in_forward": lambda m, a, F: F[2].apply(a * 1).add_(1),
    "view_of_output": lambda m, a, F: F[0].apply(a * 1)[:1].add_(1),
    "leaf_returned": lambda m, a, F: F[0].apply(a).add_(1),
}


def _view_case_error(m, case):
    a = m.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        VIEW_CASES[case](m, a, view_functions(m))
    return str(info.value)


CUSTOM = ("This view was created inside a custom Function (or because an input was returned as-is) and the "
          "autograd logic to handle view+inplace would override the custom backward associated with the custom "
          "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
          "output of the custom Function.")


def test_inplace_on_a_custom_function_view_output_is_refused():
    modified = "is a view and is being modified inplace."
    assert _view_case_error(rg, "input_as_is") == f"Output 0 of Ident {modified} {CUSTOM}"
    assert _view_case_error(rg, "view_of_output") == f"Output 0 of Slice {modified} {CUSTOM}"
    assert _view_case_error(rg, "two_outputs").startswith(
        "Output 1 of Pair is a view and is being modified inplace. This view is the output of a function that "
        "returns multiple views.")


def test_changed_base_of_a_custom_function_view_output_is_refused_at_grad_fn():
    Ident, _, _ = view_functions(rg)
    a = rg.ones(3, requires_grad=True)
    b = a * 1
    c = Ident.apply(b)
    assert c._base is b
    b.add_(1)
    changed = "its base or another view of its base has been modified inplace."
    message = f"Output 0 of Ident is a view and {changed} {CUSTOM}"
    with pytest.raises(RuntimeError) as info:
        c.grad_fn
    assert str(info.value) == message
    with pytest.raises(RuntimeError):  # still refused: the node cannot be re-derived
        c.sum().backward()


def test_an_input_returned_as_is_without_grad_is_a_view_that_may_change():
    Ident, _, _ = view_functions(rg)
    a = rg.ones(3)
    c = Ident.apply(a)
    c.add_(1)
    assert c._base is a and a.tolist() == [2.0, 2.0, 2.0]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("case", list(VIEW_CASES))
def test_inplace_on_custom_function_views_matches_pytorch(case):
    assert _view_case_error(rg, case) == _view_case_error(torch, case)


@pytest.mark.parametrize("m", MODULES)
def test_jvp_sees_no_backward_saves_and_computes_plain_tangents(m):
    # PyTorch runs jvp with forward grad off and without save_for_backward's tensors
    fw, seen = m.autograd.forward_ad, []

    class Sin(m.autograd.Function):
        @staticmethod
        def forward(x):
            return x.sin()

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)
            ctx.x = x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x.cos()

        @staticmethod
        def jvp(ctx, t):
            seen.append(len(ctx.saved_tensors))
            return t * ctx.x.cos()  # ctx.x is the dual input: its tangent does not reach the result

    with fw.dual_level():
        out = Sin.apply(fw.make_dual(m.zeros(2), m.tensor([1.0, 2.0])))
        tangent = fw.unpack_dual(out).tangent
        assert fw.unpack_dual(tangent).tangent is None
    assert seen == [0]
    assert tangent.tolist() == [1.0, 2.0]


def _doubling_function(m):
    class Double(m.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    return Double


def test_function_node_knows_its_function_class():
    Double = _doubling_function(rg)
    node = Double.apply(rg.ones(2, requires_grad=True)).grad_fn
    assert node._forward_cls is Double
    assert isinstance(node, rg.autograd.function.BackwardCFunction)
    assert isinstance(node, rg.autograd.function.FunctionCtx)
    assert not isinstance((rg.ones(2, requires_grad=True) * 2).grad_fn, rg.autograd.function.BackwardCFunction)


def test_function_node_class_vs_torch():
    torch = pytest.importorskip("torch")
    for m in (rg, torch):
        Double = _doubling_function(m)
        node = Double.apply(m.ones(2, requires_grad=True)).grad_fn
        assert node._forward_cls is Double
        assert [c.__name__ for c in type(node).__mro__[:2]] == ["DoubleBackward", "BackwardCFunction"]
        assert isinstance(node, m.autograd.function.FunctionCtx)


def _forward_called_directly(m):
    """`Fn.forward(FunctionCtx(), x)`: a Function's forward run by hand with a ctx of its own."""
    from_ctx = m.autograd.function.FunctionCtx

    class Exp(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k=2.0):
            result = x.exp() * k
            ctx.save_for_backward(result)
            ctx.k = k
            return result

        @staticmethod
        def backward(ctx, g):
            return g * ctx.saved_tensors[0], None

    ctx = from_ctx()
    return [Exp.forward(ctx, m.zeros(2), 3.0).tolist(), ctx.k, type(ctx).__name__]


def test_function_ctx_made_alone():
    assert _forward_called_directly(rg) == [[3.0, 3.0], 3.0, "FunctionCtx"]


def test_function_ctx_made_alone_vs_torch():
    torch = pytest.importorskip("torch")
    assert _forward_called_directly(rg) == _forward_called_directly(torch)
