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


def _schema_and_call_errors(m):
    """infer_schema's strings, and the errors of a definition or a call that does not fit the schema."""

    def full(x: m.Tensor, y: m.Tensor | None, n: int, s: float = 1.0, *, flag: bool = False,
             name: str = "a") -> tuple[m.Tensor, m.Tensor]: ...  # fmt: skip

    def inplace(x: m.Tensor, y: m.Tensor) -> None: ...

    def unannotated(x: m.Tensor, y) -> m.Tensor: ...

    out = [
        m.library.infer_schema(full, mutates_args=()),
        m.library.infer_schema(inplace, mutates_args={"x"}, op_name="foo"),
        m.library.infer_schema(inplace, mutates_args="unknown"),
    ]
    with pytest.raises(ValueError) as info:
        m.library.custom_op(f"testlib{next(_names)}::bad", unannotated, mutates_args=())
    out.append(str(info.value).split(" Got func")[0])
    space = f"testlib{next(_names)}"

    def keyword_tensor(x: m.Tensor, *, bias: m.Tensor | None = None) -> m.Tensor: ...

    with pytest.raises(NotImplementedError) as info:
        m.library.custom_op(f"{space}::kw", keyword_tensor, mutates_args=())
    out.append(str(info.value))

    @m.library.custom_op(f"{space}::twice", mutates_args=())
    def twice(x: m.Tensor, n: int = 2) -> m.Tensor:
        return x * n

    for args, kwargs in (((m.ones(1), 2, 3), {}), ((), {}), ((m.ones(1),), {"q": 1})):
        with pytest.raises(RuntimeError) as info:
            twice(*args, **kwargs)
        out.append(str(info.value).replace(space, "NS"))
    return out


def test_infer_schema_and_call_errors():
    assert _schema_and_call_errors(rg) == [
        '(Tensor x, Tensor? y, SymInt n, float s=1.0, *, bool flag=False, str name="a") -> (Tensor, Tensor)',
        "foo(Tensor(a0!) x, Tensor y) -> ()",
        "(Tensor(a0!) x, Tensor(a1!) y) -> ()",
        "infer_schema(func): Parameter y must have a type annotation.",
        "custom_op with kwarg-only Tensor args. Please make your tensors not kwarg-only. "
        "Got: kw(Tensor x, *, Tensor? bias=None) -> Tensor",
        "NS::twice() expected at most 2 argument(s) but received 3 argument(s). "
        "Declaration: NS::twice(Tensor x, SymInt n=2) -> Tensor",
        "NS::twice() is missing value for argument 'x'. Declaration: NS::twice(Tensor x, SymInt n=2) -> Tensor",
        "Unknown keyword argument 'q' for operator 'NS::twice'. Schema: NS::twice(Tensor x, SymInt n=2) -> Tensor",
    ]


def test_infer_schema_and_call_errors_vs_torch():
    torch = pytest.importorskip("torch")
    assert _schema_and_call_errors(rg) == _schema_and_call_errors(torch)


def _opcheck(m):
    """opcheck's verdicts on an op before and after its fake, and on one writing into an undeclared input."""
    space = f"testlib{next(_names)}"

    @m.library.custom_op(f"{space}::scale", mutates_args=())
    def scale(x: m.Tensor, k: float = 2.0) -> m.Tensor:
        return x * k

    def verdicts(op, args, **kwargs):
        found = m.library.opcheck(op, args, raise_exception=False, **kwargs)
        return {name: result if result == "SUCCESS" else type(result).__name__ for name, result in found.items()}

    out = [verdicts(scale, (m.ones(2, requires_grad=True),))]
    scale.register_fake(lambda x, k=2.0: m.empty_like(x))
    out.append(verdicts(scale, (m.ones(2),)))

    @m.library.custom_op(f"{space}::sneaky", mutates_args=())
    def sneaky(x: m.Tensor) -> m.Tensor:
        x.add_(1)
        return x.clone()

    with pytest.raises(Exception) as info:
        m.library.opcheck(sneaky, (m.ones(2),), test_utils="test_schema")
    out += [type(info.value).__name__, str(info.value).split(" (scroll")[0]]
    with pytest.raises(ValueError) as info:
        m.library.opcheck(scale, (m.ones(2),), test_utils=("test_nothing",))
    return out


def test_opcheck():
    assert _opcheck(rg) == [
        {"test_schema": "SUCCESS", "test_autograd_registration": "SUCCESS", "test_faketensor": "RuntimeError",
         "test_aot_dispatch_dynamic": "RuntimeError"},
        dict.fromkeys(("test_schema", "test_autograd_registration", "test_faketensor", "test_aot_dispatch_dynamic"),
                      "SUCCESS"),
        "OpCheckError",
        "opcheck(op, ...): test_schema failed with Argument x is not defined as mutable but was mutated",
    ]  # fmt: skip


def test_opcheck_vs_torch():
    torch = pytest.importorskip("torch")
    assert _opcheck(rg) == _opcheck(torch)


def _vmap_rule_and_schema_ops(m):
    """A custom op's `register_vmap` rule under vmap, and an op defined by a schema string with a composite kernel."""
    space = f"testlib{next(_names)}"
    seen = []

    @m.library.custom_op(f"{space}::double", mutates_args=())
    def double(x: m.Tensor) -> m.Tensor:
        return x * 2

    @double.register_vmap
    def _(info, in_dims, x):
        seen.append((info.batch_size, in_dims))
        return x * 2, in_dims[0]

    out = [m.vmap(double)(m.ones(2, 3)).tolist(), seen]
    lib = m.library.Library(space + "b", "DEF")
    out.append(lib.define("axpy(Tensor x, Tensor y, float a=2.0) -> Tensor"))
    lib.impl("axpy", lambda x, y, a=2.0: a * x + y, "CompositeImplicitAutograd")
    x = m.ones(2, requires_grad=True)
    getattr(m.ops, space + "b").axpy(x, m.ones(2), a=3.0).sum().backward()
    out.append(x.grad.tolist())
    m.library.define(f"{space}c::plus1", "(Tensor x) -> Tensor")
    m.library.impl(f"{space}c::plus1", "default", lambda x: x + 1)
    out.append(getattr(m.ops, space + "c").plus1(m.tensor([3.0])).tolist())
    return out


def test_register_vmap_and_ops_from_a_schema():
    assert _vmap_rule_and_schema_ops(rg) == [[[2.0] * 3] * 2, [(2, (0,))], "axpy", [3.0, 3.0], [4.0]]


def test_register_vmap_and_ops_from_a_schema_vs_torch():
    torch = pytest.importorskip("torch")
    assert _vmap_rule_and_schema_ops(rg) == _vmap_rule_and_schema_ops(torch)
