"""`retrograd.library.custom_op`: a user-defined operator, reachable as `retrograd.ops.<namespace>.<name>`,
whose gradient is the formula `register_autograd` gives it (an error at backward without one)."""

import itertools

import pytest

import retrograd as rg

_names = itertools.count()


def _run(m):
    """Define a scale-by-k op in a fresh namespace and use it as the tests do; results as plain values."""
    space = f"testlib{next(_names)}"

    @m.library.custom_op(f"{space}::scale", mutates_args=())
    def scale(x: m.Tensor, k: float = 2.0) -> m.Tensor:
        return x * k

    x = m.tensor([1.0, -2.0], requires_grad=True)
    y = scale(x, k=3.0)
    results = [y.tolist(), type(y.grad_fn).__name__]
    with pytest.raises(RuntimeError) as info:
        y.sum().backward()
    results.append(str(info.value))

    def setup_context(ctx, inputs, output):
        ctx.k = inputs[1]

    scale.register_autograd(lambda ctx, g: (g * ctx.k, None), setup_context=setup_context)
    op = getattr(m.ops, space).scale
    op(x, 4.0).sum().backward()
    results.append(x.grad.tolist())
    m.library.register_fake(f"{space}::scale", lambda x, k=2.0: m.empty_like(x))
    with pytest.raises(AttributeError) as info:
        getattr(m.ops, space).missing
    results.append(str(info.value).replace(space, "NS"))
    return results


def test_custom_op():
    values, node, no_formula, grad, missing = _run(rg)
    assert values == [3.0, -6.0]
    assert node.startswith("GeneratedBackwardFor_testlib") and node.endswith("_scale_defaultBackward")
    assert no_formula.startswith("Trying to backward through testlib") and no_formula.endswith(
        ".scale.default but no autograd formula was registered. Please use register_autograd to add one."
    )
    assert grad == [4.0, 4.0]
    assert missing == "'_OpNamespace' 'NS' object has no attribute 'missing'"


def test_custom_op_without_namespace_is_refused():
    with pytest.raises(ValueError):
        rg.library.custom_op("scale", lambda x: x * 2, mutates_args=())


def test_custom_op_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _run(rg), _run(torch)
    assert ours[0] == theirs[0] and ours[3:] == theirs[3:]
    assert ours[1].replace("testlib", "")[:20] == theirs[1].replace("testlib", "")[:20]
    assert ours[2].split(".scale")[1] == theirs[2].split(".scale")[1]
