"""`torch.fx`: symbolic tracing into graphs of nodes, the code a GraphModule generates from them,
graph editing, Interpreter/Transformer, `wrap`, and graphs built by hand with proxies (e3nn's and
opt_einsum_fx's code generators). The idioms of PyTorch's FX tutorial, torchvision's feature
extractor (a Tracer subclass that names each node's module path) and e3nn are written out here
in plain retrograd code; the `vs_torch` tests compare printed graphs and code with PyTorch's."""

import copy
import math
import operator

import numpy as np
import pytest

import retrograd as rg
import retrograd.nn.functional as F
from retrograd import fx, nn
from retrograd.fx.proxy import TraceError


def _module(t):
    """The same small model under retrograd or PyTorch (`t` is the package)."""

    class Net(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.param = t.nn.Parameter(t.tensor([[0.5, -1.0, 2.0, 0.25]] * 3))
            self.linear = t.nn.Linear(4, 5)
            self.register_buffer("scale", t.tensor([2.0]))

        def forward(self, x):
            y = t.add(x, self.param).clamp(min=0.0, max=1.0)
            z = t.nn.functional.relu(self.linear(y + self.param)) * self.scale
            a, b = t.split(z, [2, 3], dim=1)
            return t.cat([a, b * 2, z.sum(dim=-1, keepdim=True)], 1).transpose(0, 1)[0] + x.shape[0]

    t.manual_seed(0)
    return Net()


_GRAPH = """graph():
    %x : [num_users=2] = placeholder[target=x]
    %param : [num_users=2] = get_attr[target=param]
    %add : [num_users=1] = call_function[target=retrograd.add](args = (%x, %param), kwargs = {})
    %clamp : [num_users=1] = call_method[target=clamp](args = (%add,), kwargs = {min: 0.0, max: 1.0})
    %add_1 : [num_users=1] = call_function[target=operator.add](args = (%clamp, %param), kwargs = {})
    %linear : [num_users=1] = call_module[target=linear](args = (%add_1,), kwargs = {})
    %relu : [num_users=1] = call_function[target=retrograd.nn.functional.relu](args = (%linear,), kwargs = {inplace: False})
    %scale : [num_users=1] = get_attr[target=scale]
    %mul : [num_users=2] = call_function[target=operator.mul](args = (%relu, %scale), kwargs = {})
    %split : [num_users=2] = call_function[target=retrograd.functional.split](args = (%mul, [2, 3]), kwargs = {dim: 1})
    %getitem : [num_users=1] = call_function[target=operator.getitem](args = (%split, 0), kwargs = {})
    %getitem_1 : [num_users=1] = call_function[target=operator.getitem](args = (%split, 1), kwargs = {})
    %mul_1 : [num_users=1] = call_function[target=operator.mul](args = (%getitem_1, 2), kwargs = {})
    %sum_1 : [num_users=1] = call_method[target=sum](args = (%mul,), kwargs = {dim: -1, keepdim: True})
    %cat : [num_users=1] = call_function[target=retrograd.cat](args = ([%getitem, %mul_1, %sum_1], 1), kwargs = {})
    %transpose : [num_users=1] = call_method[target=transpose](args = (%cat, 0, 1), kwargs = {})
    %getitem_2 : [num_users=1] = call_function[target=operator.getitem](args = (%transpose, 0), kwargs = {})
    %getattr_1 : [num_users=1] = call_function[target=builtins.getattr](args = (%x, shape), kwargs = {})
    %getitem_3 : [num_users=1] = call_function[target=operator.getitem](args = (%getattr_1, 0), kwargs = {})
    %add_2 : [num_users=1] = call_function[target=operator.add](args = (%getitem_2, %getitem_3), kwargs = {})
    return add_2"""  # noqa: E501

_CODE = """


def forward(self, x):
    param = self.param
    add = retrograd.add(x, param)
    clamp = add.clamp(min = 0.0, max = 1.0);  add = None
    add_1 = clamp + param;  clamp = param = None
    linear = self.linear(add_1);  add_1 = None
    relu = retrograd.nn.functional.relu(linear, inplace = False);  linear = None
    scale = self.scale
    mul = relu * scale;  relu = scale = None
    split = retrograd.functional.split(mul, [2, 3], dim = 1)
    getitem = split[0]
    getitem_1 = split[1];  split = None
    mul_1 = getitem_1 * 2;  getitem_1 = None
    sum_1 = mul.sum(dim = -1, keepdim = True);  mul = None
    cat = retrograd.cat([getitem, mul_1, sum_1], 1);  getitem = mul_1 = sum_1 = None
    transpose = cat.transpose(0, 1);  cat = None
    getitem_2 = transpose[0];  transpose = None
    getattr_1 = x.shape;  x = None
    getitem_3 = getattr_1[0];  getattr_1 = None
    add_2 = getitem_2 + getitem_3;  getitem_2 = getitem_3 = None
    return add_2
    """


def _x(requires_grad=False):
    return rg.tensor(np.random.default_rng(1).standard_normal((3, 4)), dtype=rg.float32, requires_grad=requires_grad)


def test_symbolic_trace_prints_the_graph_and_code():
    gm = fx.symbolic_trace(_module(rg))
    assert str(gm.graph) == _GRAPH
    assert gm.code == _CODE
    assert type(gm).__name__ == "Net" and isinstance(gm, fx.GraphModule)
    assert str(gm).endswith(_CODE + "\n# To see more debug info, please use `graph_module.print_readable()`")


def test_nodes_know_their_inputs_and_users():
    gm = fx.symbolic_trace(_module(rg))
    nodes = {n.name: n for n in gm.graph.nodes}
    assert [n.name for n in nodes["x"].users] == ["add", "getattr_1"]
    assert nodes["cat"].all_input_nodes == [nodes["getitem"], nodes["mul_1"], nodes["sum_1"]]
    assert nodes["linear"].op == "call_module" and nodes["linear"].target == "linear"
    assert nodes["add"].target is rg.add and nodes["add_1"].target is operator.add
    assert nodes["clamp"].kwargs == {"min": 0.0, "max": 1.0} and repr(nodes["clamp"]) == "clamp"
    assert nodes["output"].args == (nodes["add_2"],) and len(gm.graph.nodes) == 21
    assert [n.name for n in reversed(gm.graph.nodes)][:2] == ["output", "add_2"]


def test_traced_module_computes_the_same_values_and_gradients():
    m = _module(rg)
    gm = fx.symbolic_trace(m)
    x1, x2 = _x(True), _x(True)
    assert rg.equal(gm(x1), m(x2))
    gm(x1).sum().backward()
    m(x2).sum().backward()
    assert rg.equal(x1.grad, x2.grad)
    assert gm.linear.weight is m.linear.weight and gm.linear.weight.grad is not None
    assert sorted(gm.state_dict()) == ["linear.bias", "linear.weight", "param", "scale"]
    gm2 = copy.deepcopy(gm)
    assert type(gm2).__name__ == "GraphModule" and gm2.linear.weight is not gm.linear.weight
    assert rg.equal(gm2(x1), gm(x1)) and gm2.code == gm.code


def test_editing_nodes_then_recompile():
    gm = fx.symbolic_trace(lambda x, y: rg.add(x, y) + 1)
    for node in gm.graph.nodes:
        if node.op == "call_function" and node.target is rg.add:
            node.target = rg.mul
    gm.recompile()
    assert "add = retrograd.mul(x, y);  x = y = None" in gm.code  # (the node keeps its name)
    assert gm(rg.tensor([2.0]), rg.tensor([3.0])).tolist() == [7.0]


def test_transformer_rewrites_calls():
    class AddToSub(fx.Transformer):
        def call_function(self, target, args, kwargs):
            return super().call_function(operator.sub if target is operator.add else target, args, kwargs)

    gm = AddToSub(fx.symbolic_trace(lambda x: rg.relu(x) + 1)).transform()
    assert [n.name for n in gm.graph.nodes] == ["x", "relu", "sub", "output"]
    assert gm(rg.tensor([-2.0, 3.0])).tolist() == [-1.0, 2.0] and type(gm).__name__ == "GraphModule"


def test_replacing_a_module_and_inserting_nodes():
    net = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 1))
    gm = fx.symbolic_trace(net)
    for node in gm.graph.nodes:
        if node.op == "call_module" and isinstance(gm.get_submodule(node.target), nn.ReLU):
            gm.add_submodule("act", nn.Tanh())
            with gm.graph.inserting_after(node):
                new = gm.graph.call_module("act", (node.args[0],))
            node.replace_all_uses_with(new)
            gm.graph.erase_node(node)
        elif node.op == "call_module" and node.target == "0":
            with gm.graph.inserting_after(node):
                neg = gm.graph.call_function(rg.neg, (node,))
            node.replace_all_uses_with(neg, delete_user_cb=lambda user, neg=neg: user is not neg)
    gm.graph.lint()
    gm.delete_all_unused_submodules()
    gm.recompile()
    assert [n.name for n in gm.graph.nodes] == ["input_1", "_0", "neg", "act", "_2", "output"]
    assert sorted(dict(gm.named_children())) == ["0", "2", "act"]
    x = rg.ones(2, 3)
    assert rg.equal(gm(x), net[2](rg.tanh(-net[0](x))))
    assert "neg = retrograd.neg(_0);  _0 = None" in gm.code and 'getattr(self, "0")(input_1)' in gm.code


def test_dead_code_erase_and_lint_errors():
    g = fx.Graph()
    a = g.placeholder("a")
    g.call_function(rg.sin, (a,))
    g.output(g.call_method("cos", (a,)))
    assert g.eliminate_dead_code() and [n.name for n in g.nodes] == ["a", "cos", "output"]
    with pytest.raises(
        RuntimeError, match=r"Tried to erase Node a but it still had 1 users in the graph: \{cos: None\}!"
    ):
        g.erase_node(a)
    with g.inserting_before(a):
        b = g.placeholder("b")
    assert [n.name for n in g.nodes][:2] == ["b", "a"]
    b.prepend(g.call_function(rg.exp, (b,)))  # a node moved before its input
    with pytest.raises(RuntimeError, match="was used before it has been defined"):
        g.lint()


def test_shape_propagation_interpreter():
    class ShapeProp(fx.Interpreter):
        def run_node(self, n):
            result = super().run_node(n)
            if isinstance(result, rg.Tensor):
                n.meta["tensor_meta"] = (tuple(result.shape), result.dtype)
            return result

    gm = fx.symbolic_trace(nn.Sequential(nn.Linear(4, 2), nn.Flatten(0)))
    out = ShapeProp(gm).run(rg.ones(3, 4))
    assert out.shape == (6,)
    assert [n.meta.get("tensor_meta") for n in gm.graph.nodes] == [
        ((3, 4), rg.float32), ((3, 2), rg.float32), ((6,), rg.float32), ((6,), rg.float32),
    ]  # fmt: skip
    with pytest.raises(
        RuntimeError, match="Expected positional argument for parameter input, but one was not passed in!"
    ):
        fx.Interpreter(gm).run()


def test_proxies_refuse_control_flow_but_unpack():
    with pytest.raises(TraceError, match="symbolically traced variables cannot be used as inputs to control flow"):
        fx.symbolic_trace(lambda x: x if x.sum() > 0 else -x)
    with pytest.raises(RuntimeError, match="'len' is not supported in symbolic tracing by default"):
        fx.symbolic_trace(lambda x: len(x))
    with pytest.raises(TraceError, match="Proxy object cannot be iterated"):
        fx.symbolic_trace(lambda x: [v for v in x])

    def unpack(x):
        a, b = x.chunk(2)
        return a - b

    gm = fx.symbolic_trace(unpack)
    assert [n.name for n in gm.graph.nodes] == ["x", "chunk", "getitem", "getitem_1", "sub", "output"]
    assert gm(rg.tensor([5.0, 2.0])).tolist() == [3.0]


def test_wrap_and_math_become_leaf_calls():
    namespace = {"__name__": "mymod", "fx": fx, "rg": rg, "math": math}
    exec(
        "def scaled(x, s):\n    return x * s\n"
        "fx.wrap('scaled')\n"
        "def f(x):\n    return scaled(x, 2.0) + math.sqrt(x.shape[0])\n",
        namespace,
    )
    gm = fx.symbolic_trace(namespace["f"])
    assert [(n.op, n.name) for n in gm.graph.nodes][1:4] == [
        ("call_function", "scaled"), ("call_function", "getattr_1"), ("call_function", "getitem"),
    ]  # fmt: skip
    assert gm.code.startswith(
        '\nretrograd.fx._symbolic_trace.wrap("mymod_scaled")\nretrograd.fx._symbolic_trace.wrap("math_sqrt")\n'
    )
    assert "scaled = mymod_scaled(x, 2.0)\n" in gm.code and "sqrt = math_sqrt(getitem);  getitem = None" in gm.code
    assert gm(rg.tensor([1.0, 2.0, 3.0, 4.0])).tolist() == [4.0, 6.0, 8.0, 10.0]
    assert namespace["scaled"].__name__ == "scaled" and not hasattr(namespace["scaled"], "__wrapped__")


def test_concrete_args_and_defaults():
    class M(nn.Module):
        def forward(self, x: rg.Tensor, flag=True, k: int = 2) -> rg.Tensor:
            return x * k if flag else x

    gm = fx.symbolic_trace(M(), concrete_args={"flag": False})
    assert gm.code == (
        "\n\n\ndef forward(self, x : retrograd.Tensor, flag_1 = True, k : int = 2) -> retrograd.Tensor:\n"
        "    eq = flag_1 == False;  flag_1 = None\n"
        "    _assert = retrograd._assert(eq, 'flag has been specialized to have value False but got another value');"
        "  eq = _assert = None\n    return x\n    "
    )
    assert gm(rg.tensor([3.0]), False).tolist() == [3.0]
    assert "%k : int [num_users=0] = placeholder[target=k](default=2)" in str(gm.graph)


def test_tracer_subclass_names_nodes_by_module_path():
    # torchvision's NodePathTracer: override call_module and create_proxy to note each node's module
    class PathTracer(fx.Tracer):
        def __init__(self):
            super().__init__()
            self.current, self.paths = "", {}

        def is_leaf_module(self, m, qualname):
            return isinstance(m, nn.Linear) or super().is_leaf_module(m, qualname)

        def call_module(self, m, forward, args, kwargs):
            old, self.current = self.current, self.path_of_module(m)
            try:
                if not self.is_leaf_module(m, self.current):
                    return forward(*args, **kwargs)
                return self.create_proxy("call_module", self.current, args, kwargs)
            finally:
                self.current = old

        def create_proxy(self, kind, target, args, kwargs, name=None, type_expr=None, *_):
            proxy = super().create_proxy(kind, target, args, kwargs, name, type_expr)
            self.paths[proxy.node.name] = self.current
            return proxy

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return rg.relu(self.fc(x)) + x

    model = nn.Sequential(Block(), Block())
    tracer = PathTracer()
    graph = tracer.trace(model)
    assert tracer.paths == {
        "input_1": "",
        "_0_fc": "0.fc",
        "relu": "0",
        "add": "0",
        "_1_fc": "1.fc",
        "relu_1": "1",
        "add_1": "1",
    }
    gm = fx.GraphModule(tracer.root, graph, "Sequential")
    x = rg.ones(1, 2)
    assert rg.equal(gm(x), model(x))
    # create_feature_extractor: swap the output for an inner node, drop what is dead
    nodes = list(gm.graph.nodes)
    gm.graph.erase_node(nodes[-1])
    with gm.graph.inserting_after(nodes[-2]):
        gm.graph.output({"block0": nodes[3]})
    gm.graph.eliminate_dead_code()
    gm.recompile()
    assert list(gm(x)) == ["block0"] and rg.equal(gm(x)["block0"], model[0](x))


def test_graphs_built_by_hand_with_proxies():
    # e3nn's and opt_einsum_fx's code generators: proxies over a new graph, a dict root, einsum of a tuple
    graph = fx.Graph()
    tracer = fx.proxy.GraphAppendingTracer(graph)
    x = fx.Proxy(graph.placeholder("x", rg.Tensor), tracer)
    w = fx.Proxy(graph.get_attr("w"), tracer)
    y = rg.einsum("zi,ij->zj", (x, w)) / math.sqrt(2)
    graph.output(y.node)
    gm = fx.GraphModule({"w": rg.eye(2)}, graph, "tp_forward")
    assert [n.format_node() for n in graph.nodes][2] == (
        "%einsum : [num_users=1] = call_function[target=retrograd.functional.einsum]"
        "(args = (zi,ij->zj, %x, %w), kwargs = {})"
    )
    assert type(gm).__name__ == "tp_forward" and [k for k, _ in gm.named_buffers()] == ["w"]
    assert gm(rg.tensor([[2.0, 4.0]])).tolist()[0] == pytest.approx([2 / math.sqrt(2), 4 / math.sqrt(2)])
    assert repr(x) == "Proxy(x)" and repr(x.foo) == "Proxy(getattr_1)"


def test_functional_calls_record_pytorch_keyword_arguments():
    gm = fx.symbolic_trace(lambda x: F.dropout(F.softmax(x, -1), 0.1) + F.linear(x, x) + F.hardswish(x) + F.sigmoid(x))
    kw = {n.name: (n.op, n.args, n.kwargs) for n in gm.graph.nodes}
    assert kw["softmax"][2] == {"dim": -1, "_stacklevel": 3, "dtype": None}
    assert kw["dropout"][2] == {"p": 0.1, "training": True, "inplace": False}
    assert kw["linear"][2] == {} and kw["hardswish"][2] == {"inplace": False}
    assert "linear = retrograd._C._nn.linear(x, x)" in gm.code
    assert kw["sigmoid"][0] == "call_method"


def _namespace_calls(t):
    """FX code for C++ functions of torch.linalg/fft/special (`linalg_inv`) and the conv functions
    that `F` shares with `torch`; the code runs and pickles."""
    import pickle

    def f(x, w):
        y = t.nn.functional.conv2d(x, w, padding=1)[0, 0]
        return t.special.erf(t.linalg.inv(y + 3 * t.eye(2))) + t.fft.rfft(y).abs().sum() + t.linalg.vector_norm(y)

    gm = t.fx.symbolic_trace(f)
    x, w = t.ones(1, 1, 2, 2), t.ones(1, 1, 3, 3)
    calls = [line.strip() for line in _as_torch(gm.code).splitlines() if "torch." in line]
    return calls, gm(x, w).tolist() == f(x, w).tolist(), pickle.loads(pickle.dumps(gm))(x, w).tolist()


def test_namespace_functions_named_as_pytorch_names_them_in_code():
    calls, same, values = _namespace_calls(rg)
    assert calls[0] == "conv2d = torch.conv2d(x, w, padding = 1);  x = w = None"
    assert "linalg_inv = torch._C._linalg.linalg_inv(add);  add = None" in calls
    assert "special_erf = torch._C._special.special_erf(linalg_inv);  linalg_inv = None" in calls
    assert "fft_rfft = torch._C._fft.fft_rfft(getitem)" in calls
    assert same and len(values) == 2
    assert rg._C._linalg.linalg_inv is rg.linalg.inv and rg._C._special.special_erf is rg.special.erf
    with pytest.raises(AttributeError):
        rg._C._linalg.inv  # noqa: B018  (only the full name)
    assert fx.node._get_qualified_name(rg.fft.fft) == "retrograd._C._fft.fft_fft"


def test_namespace_functions_in_code_vs_torch():
    torch = _torch()
    assert _namespace_calls(rg)[:2] == _namespace_calls(torch)[:2]


def test_graph_module_pickles_through_its_code():
    import io
    import pickle

    gm = fx.symbolic_trace(nn.Sequential(nn.Linear(2, 3), nn.ReLU()))
    x = rg.tensor([[1.0, -2.0]])
    for loaded in (pickle.loads(pickle.dumps(gm)), _save_load(gm, io)):
        assert type(loaded).__name__ == "GraphModule" and loaded.code == gm.code
        assert rg.equal(loaded(x), gm(x)) and [n.op for n in loaded.graph.nodes] == [n.op for n in gm.graph.nodes]


def _save_load(obj, io):
    buf = io.BytesIO()
    rg.save(obj, buf)
    buf.seek(0)
    return rg.load(buf, weights_only=False)


def test_shape_prop_pass_records_tensor_metadata():
    from retrograd.fx.passes.shape_prop import ShapeProp, TensorMetadata

    gm = fx.symbolic_trace(lambda x: (x.t().contiguous(), x.shape))
    ShapeProp(gm).propagate(rg.ones(2, 3, requires_grad=True))
    meta = {n.name: n.meta.get("tensor_meta") for n in gm.graph.nodes}
    assert meta["x"] == TensorMetadata(rg.Size([2, 3]), rg.float32, True, (3, 1), rg.contiguous_format, False, {})
    assert meta["contiguous"].shape == (3, 2) and meta["getattr_1"] is None
    assert gm.graph.find_nodes(op="call_method")[0].meta["type"] is rg.Tensor
    readable = gm.print_readable(print_output=False)
    assert readable.startswith('class <lambda>(torch.nn.Module):\n    def forward(self, x: "f32[2, 3]"):\n')
    assert '        contiguous: "f32[3, 2]" = t.contiguous();  t = None\n' in readable


def test_varargs_and_keyword_only_parameters_become_placeholders():
    class M(nn.Module):
        def forward(self, x, *rest, scale=2.0, **extra):
            return x * scale + rest[0] - extra["bias"]

    gm = fx.symbolic_trace(M())
    assert [(n.name, n.target) for n in gm.graph.find_nodes(op="placeholder")] == [
        ("x", "x"), ("scale", "scale"), ("_rest", "*rest"), ("_extra", "**extra"),
    ]  # fmt: skip
    assert gm.code.startswith("\n\n\ndef forward(self, x, scale = 2.0, *rest, **extra):\n    _rest = rest\n")
    assert gm(rg.ones(1), 3.0, rg.ones(1), bias=rg.ones(1)).tolist() == [3.0]
    assert fx.symbolic_trace(lambda *args: args[0] + args[1])(rg.ones(1), rg.ones(1)).tolist() == [2.0]


def test_an_error_in_generated_code_points_at_its_line(capsys):
    def f(x, y):
        a = x.relu()
        return (a @ y).sum()

    gm = fx.symbolic_trace(f)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 2x3\)"):
        gm(rg.ones(2, 3), rg.ones(2, 3))
    err = capsys.readouterr().err
    assert "Call using an FX-traced Module, line 6 of the traced Module's generated forward function:" in err
    assert "    matmul = relu @ y;  relu = y = None\n\n" + "~" * 35 + "~~~ <--- HERE\n    sum_1 = matmul.sum()" in err
    assert "<eval_with_key>" in err and f"test_fx.py:{f.__code__.co_firstlineno} in f" in err


def test_a_tracer_can_proxy_buffers():
    # a positional encoding sliced by the input's length: the buffer must be a proxy to be sliced by one
    class PE(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("pe", rg.arange(12.0).reshape(1, 6, 2))

        def forward(self, x):
            return x + self.pe[:, : x.size(1)]

    class BufferTracer(fx.Tracer):
        proxy_buffer_attributes = True

    m = PE()
    gm = fx.GraphModule(m, BufferTracer().trace(m))
    assert [n.name for n in gm.graph.nodes] == ["x", "pe", "size", "getitem", "add", "output"]
    assert rg.equal(gm(rg.ones(1, 3, 2)), m(rg.ones(1, 3, 2)))


# --- against PyTorch ------------------------------------------------------------------------


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


def _as_torch(text):
    return text.replace("retrograd.", "torch.")


def test_printed_graph_and_code_vs_torch():
    torch = _torch()
    theirs = torch.fx.symbolic_trace(_module(torch))
    assert str(theirs.graph) == _as_torch(_GRAPH)
    assert theirs.code == _as_torch(_CODE)


def test_small_modules_vs_torch():
    torch = _torch()

    def build(t):
        class Net(t.nn.Module):
            def __init__(self):
                super().__init__()
                self.seq = t.nn.Sequential(t.nn.Linear(3, 4), t.nn.ReLU())
                self.norm = t.nn.LayerNorm(4)

            def forward(self, x, y: int = 1):
                h = self.norm(self.seq(x))
                h = t.nn.functional.gelu(h) - t.nn.functional.softmax(h, dim=-1)
                return {"h": h.view(-1) * y, "m": h.mean(0).max()}

        return Net()

    ours, theirs = fx.symbolic_trace(build(rg)), torch.fx.symbolic_trace(build(torch))
    assert _as_torch(str(ours.graph)) == str(theirs.graph)
    assert _as_torch(ours.code) == theirs.code
    names = lambda gm: [
        (n.name, n.op, n.target if isinstance(n.target, str) else n.target.__name__) for n in gm.graph.nodes
    ]  # noqa: E731
    assert names(ours) == names(theirs)


def _add_to_mul(t):
    """The FX tutorial's Transformer (`+` becomes `*`) under retrograd or PyTorch: its code and values."""

    class AddToMul(t.fx.Transformer):
        def call_function(self, target, args, kwargs):
            return super().call_function(operator.mul if target is operator.add else target, args, kwargs)

    gm = AddToMul(t.fx.symbolic_trace(lambda x: t.relu(x) + 3)).transform()
    with pytest.raises(t.fx.proxy.TraceError) as err:
        t.fx.symbolic_trace(lambda x: 1 if x else 0)
    return _as_torch(gm.code), gm(t.tensor([2.0, -1.0])).tolist(), type(err.value).__mro__[1], str(err.value)


def test_transformer_and_errors_vs_torch():
    torch = _torch()
    ours = _add_to_mul(rg)
    lines = [
        "",
        "",
        "",
        "def forward(self, x):",
        "    relu = torch.relu(x);  x = None",
        "    mul = relu * 3;  relu = None",
    ]
    assert ours[0] == "\n".join([*lines, "    return mul", "    "])
    assert ours == _add_to_mul(torch)


def test_docstring_examples_run():
    import doctest
    import importlib

    for name in ("_symbolic_trace", "graph", "graph_module", "interpreter", "proxy", "passes.shape_prop"):
        module = importlib.import_module(f"retrograd.fx.{name}")
        assert doctest.testmod(module, extraglobs={"retrograd": rg}).failed == 0, name


def _functional_graph(t):
    F = t.nn.functional

    def f(x):
        y = F.hardswish(x) + F.sigmoid(x) + F.max_pool2d(x, 2).sum() + F.dropout(x, 0.1) + F.layer_norm(x, (4,))
        return y + F.pad(x, (1, 1))[..., 1:-1] + F.softmax(x, -1) + F.gelu(x) + F.leaky_relu(x, 0.2) + F.tanh(x)

    return _as_torch(str(t.fx.symbolic_trace(f).graph))


def test_functional_calls_vs_torch():
    torch = _torch()
    assert _functional_graph(rg) == _functional_graph(torch)


def test_a_wrapped_name_never_defined_does_not_break_later_traces():
    namespace: dict = {"fx": fx}
    exec("fx.wrap('never_defined_here')", namespace)
    gm = fx.symbolic_trace(lambda x: rg.relu(x) + 1)
    assert gm(rg.tensor([-1.0, 2.0])).tolist() == [1.0, 3.0]


def _factory_code(t):
    """Factories given a proxy size or end (`torch.zeros(x.shape)`, `torch.arange(n)`) become graph calls."""
    zeros = t.fx.symbolic_trace(lambda x: t.zeros(x.shape))
    arange = t.fx.symbolic_trace(lambda x: t.arange(x.shape[0]))
    return _as_torch(zeros.code), _as_torch(arange.code), arange(t.ones(3)).tolist()


def test_factories_given_a_proxy_become_calls():
    zeros, arange, values = _factory_code(rg)
    assert "    zeros = torch.zeros(getattr_1);  getattr_1 = None\n    return zeros\n" in zeros
    assert "    arange = torch.arange(getitem);  getitem = None\n    return arange\n" in arange
    assert values == [0, 1, 2]


def test_factories_given_a_proxy_become_calls_vs_torch():
    torch = _torch()
    assert _factory_code(rg) == _factory_code(torch)
