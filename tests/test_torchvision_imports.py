"""Names torchvision reaches for in torch when it is imported and on its everyday paths, and what they
do here: `torch.hub._get_torch_home` and `tqdm`, `torch.ops.load_library` (it fails, as PyTorch's
does for a library it cannot load), the dispatch keys and guards of `torch._C`, the
`__torch_function__` guards tv_tensors run ops under, `torch._custom_ops`, the ONNX symbolic
registry, `torch.fx.wrap`, `torch.jit._script_if_tracing` and `jit.annotations`,
`torch._dynamo.utils.is_compile_supported`, `torch.ao.quantization`'s stubs, `library.register_fake`
on an op nobody defined (kept aside once a C++ library failed to load), and `tensor_split`'s
overload keywords. None of these tests needs torchvision."""

import copy
import importlib
import os
import types

import pytest

import retrograd as rg


def _torch():
    try:
        import torch
    except ImportError:
        pytest.skip("PyTorch is not installed")
    return torch


@pytest.fixture
def no_failed_libraries(monkeypatch):
    """A fresh record of the C++ libraries `load_library` could not load (the package keeps one per process)."""
    from retrograd.ops import _custom_namespaces

    fresh: list[str] = []
    monkeypatch.setattr(_custom_namespaces, "unloaded_libraries", fresh)
    monkeypatch.setattr(rg.library, "unloaded_libraries", fresh)
    monkeypatch.setattr(rg.library, "_PENDING_FAKES", {})
    return fresh


def test_torch_home_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    assert rg.hub._get_torch_home() == str(tmp_path)
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert rg.hub._get_torch_home() == str(tmp_path / "cache" / "torch")
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert rg.hub._get_torch_home() == os.path.expanduser("~/.cache/torch")


def test_torch_home_vs_torch(monkeypatch, tmp_path):
    torch = _torch()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rg.hub._get_torch_home() == torch.hub._get_torch_home()
    assert rg.hub.get_dir() == torch.hub.get_dir()


def test_tqdm_counts_progress(capsys):
    from retrograd.utils.model_zoo import _Faketqdm, tqdm

    assert rg.hub.tqdm is tqdm
    with _Faketqdm(total=4, unit="B") as bar:
        bar.update(1)
        bar.update(1)
    assert bar.n == 2
    assert capsys.readouterr().err == "\r25.0%\r50.0%\n"


def test_load_library_raises_oserror_and_loads_nothing(tmp_path, no_failed_libraries):
    path = tmp_path / "_C.so"
    with pytest.raises(OSError, match=f"Could not load this library: {path}"):
        rg.ops.load_library(str(path))
    assert rg.ops.loaded_libraries == set()


def test_load_library_vs_torch(tmp_path, no_failed_libraries):
    torch = _torch()
    path = str(tmp_path / "missing.so")
    for m in (rg, torch):
        with pytest.raises(OSError, match="Could not load this library: "):
            m.ops.load_library(path)


def test_dispatch_key_sets_join_and_print():
    keys = rg._C.DispatchKey
    autocast = rg._C.DispatchKeySet(keys.AutocastCPU) | rg._C.DispatchKeySet(keys.AutocastCUDA)
    assert repr(autocast) == "DispatchKeySet(AutocastCPU, AutocastCUDA)"
    assert autocast.has(keys.AutocastCPU) and not autocast.has(keys.CPU)
    assert repr(autocast.add(keys.CPU)) == "DispatchKeySet(CPU, AutocastCPU, AutocastCUDA)"
    assert repr(autocast.remove(keys.AutocastCPU).remove(keys.AutocastCUDA)) == "DispatchKeySet()"
    assert repr(keys.AutocastCPU) == "<DispatchKey.AutocastCPU: 24>" and keys.CPU.name == "CPU"
    with rg._C._ExcludeDispatchKeyGuard(autocast):
        assert rg.add(rg.ones(1), 1).tolist() == [2.0]
    with pytest.raises(TypeError, match=r"__or__\(\): incompatible function arguments"):
        autocast | keys.CPU  # noqa: B018


def test_dispatch_keys_vs_torch():
    torch = _torch()
    for name in ("AutocastCPU", "AutocastCUDA", "AutocastXPU", "CPU", "CUDA", "Meta", "Python", "Autograd"):
        assert int(getattr(rg._C.DispatchKey, name)) == int(getattr(torch._C.DispatchKey, name))
        assert repr(getattr(rg._C.DispatchKey, name)) == repr(getattr(torch._C.DispatchKey, name))
    for first, second in (("AutocastCUDA", "AutocastCPU"), ("AutocastCPU", "CPU"), ("AutocastCPU", "Python")):
        joined = [m._C.DispatchKeySet(getattr(m._C.DispatchKey, first)) | m._C.DispatchKeySet(
            getattr(m._C.DispatchKey, second)) for m in (rg, torch)]  # fmt: skip
        assert repr(joined[0]) == repr(joined[1])


def test_torch_function_guards_nest():
    assert rg._C._is_torch_function_enabled()
    with rg._C.DisableTorchFunctionSubclass():
        assert not rg._C._is_torch_function_enabled()
        with rg._C.DisableTorchFunction():
            assert not rg._C._is_torch_function_enabled()
        assert not rg._C._is_torch_function_enabled()
    assert rg._C._is_torch_function_enabled()


def test_torch_function_guards_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        with m._C.DisableTorchFunctionSubclass():
            assert not m._C._is_torch_function_enabled()
        assert m._C._is_torch_function_enabled()
        assert not issubclass(m._C.DisableTorchFunction, m._C.DisableTorchFunctionSubclass)


def test_private_modules_torchvision_imports():
    import retrograd._custom_ops
    from retrograd._dynamo.utils import is_compile_supported
    from retrograd.jit.annotations import BroadcastingList2

    assert isinstance(retrograd._custom_ops, types.ModuleType)
    assert is_compile_supported("cpu") and is_compile_supported(rg.device("cpu"))
    assert not is_compile_supported("cuda")
    assert BroadcastingList2[int] is None
    assert rg.jit._script_if_tracing(len) is len


def test_private_modules_vs_torch():
    _torch()  # (skips without PyTorch)
    from torch._dynamo.utils import is_compile_supported

    from retrograd._dynamo.utils import is_compile_supported as ours

    assert ours("cpu") == is_compile_supported("cpu")
    # the modules by name: `torch.jit.annotations` is `__future__.annotations` until the module is imported
    theirs = importlib.import_module("torch.jit.annotations")
    mine = importlib.import_module("retrograd.jit.annotations")
    assert theirs.BroadcastingList2[int] is mine.BroadcastingList2[int]


def test_jit_annotations_reexport_the_typing_names():
    # timm's densenet does `from torch.jit.annotations import List`; PyTorch re-exports typing's objects
    import typing

    from retrograd.jit import annotations

    for name in ("Any", "Dict", "List", "Optional", "Tuple", "Union"):
        assert getattr(annotations, name) is getattr(typing, name), name
        assert name in annotations.__all__


def test_jit_annotations_vs_torch():
    _torch()  # (skips without PyTorch)
    from retrograd.jit import annotations

    theirs = importlib.import_module("torch.jit.annotations")  # (torch.jit's attribute is __future__'s until then)
    for name in ("Any", "Dict", "List", "Optional", "Tuple", "Union"):
        assert getattr(annotations, name) is getattr(theirs, name), name


def test_onnx_symbolic_registry():
    @rg.onnx.symbolic_helper.parse_args("v", "v", "f")
    def symbolic(g, boxes, scores, threshold):
        return boxes

    assert symbolic._arg_descriptors == ("v", "v", "f") and symbolic(None, 1, 2, 0.5) == 1
    rg.onnx.register_custom_op_symbolic("mylib::nms", symbolic, 11)
    rg.onnx.unregister_custom_op_symbolic("mylib::nms", 11)
    with pytest.raises(rg.onnx.OnnxExporterError, match="Failed to register operator bad. The symbolic name"):
        rg.onnx.register_custom_op_symbolic("bad", symbolic, 11)
    with pytest.raises(ValueError, match="onnx domain cannot be modified"):
        rg.onnx.register_custom_op_symbolic("onnx::nms", symbolic, 11)
    assert issubclass(rg.onnx.OnnxExporterError, RuntimeError)
    assert isinstance(rg.onnx.symbolic_opset11, types.ModuleType)


def test_onnx_symbolic_registry_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        with pytest.raises(m.onnx.OnnxExporterError) as caught:
            m.onnx.register_custom_op_symbolic("bad", lambda g: g, 11)
        assert str(caught.value).startswith("Failed to register operator bad. The symbolic name must match")


def test_fx_wrap_at_module_level_only():
    namespace = {"fx": rg.fx}
    exec("name = fx.wrap('my_function')\nfn = fx.wrap(len)", namespace)
    assert namespace["name"] == "my_function" and namespace["fn"] is len
    with pytest.raises(NotImplementedError, match="wrap must be called at the top level of a module"):
        rg.fx.wrap("inside")
    with pytest.raises(RuntimeError, match="Unsupported type for global function"):
        exec("fx.wrap(3)", namespace)


def test_fx_wrap_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        with pytest.raises(NotImplementedError, match="wrap must be called at the top level of a module"):
            m.fx.wrap("inside")


def test_quant_stubs_pass_the_input_through():
    x = rg.tensor([1.0, -2.0])
    q, dq = rg.ao.quantization.QuantStub(), rg.ao.quantization.DeQuantStub()
    assert q(x) is x and dq(x) is x
    assert repr(q) == "QuantStub()" and not isinstance(dq, rg.ao.quantization.QuantStub)
    assert list(q.state_dict()) == [] and copy.deepcopy(dq)(x) is x


def test_quant_stubs_vs_torch():
    torch = _torch()
    for m in (rg, torch):
        stubs = m.nn.Sequential(m.ao.quantization.QuantStub(), m.nn.ReLU(), m.ao.quantization.DeQuantStub())
        assert stubs(m.tensor([1.0, -2.0])).tolist() == [1.0, 0.0]
        assert repr(stubs).splitlines()[1] == "  (0): QuantStub()"


def test_register_fake_on_an_undefined_op_raises_as_pytorch(no_failed_libraries):
    with pytest.raises(RuntimeError, match="^operator nolib::nms does not exist$"):
        rg.library.register_fake("nolib::nms")(lambda dets, scores, iou: dets)
    with pytest.raises(AttributeError, match="'_OpNamespace' 'nolib' object has no attribute 'f'"):
        rg.library.register_autograd("nolib::f", lambda ctx, g: g)


def test_register_fake_after_a_library_failed_to_load_keeps_the_fake(tmp_path, no_failed_libraries):
    # torchvision without its C++ ops: load_library fails, then its fakes are registered at import
    with pytest.raises(OSError):
        rg.ops.load_library(str(tmp_path / "_C.so"))
    assert no_failed_libraries == [str(tmp_path / "_C.so")]

    def fake(x):
        return x.new_empty(x.shape)

    assert rg.library.register_fake("tvlib_test::scale")(fake) is fake
    assert rg.library.register_fake("tvlib_test::other", fake) is fake
    def scale(x: rg.Tensor) -> rg.Tensor:  # annotated: custom_op reads the schema off them, as PyTorch does
        return x * 2

    op = rg.library.custom_op("tvlib_test::scale", scale, mutates_args=())
    assert op._fake_fn is fake and rg.library._PENDING_FAKES == {"tvlib_test::other": fake}
    assert op(rg.tensor([1.0])).tolist() == [2.0]
    with pytest.raises(AttributeError):
        rg.library.register_autograd("tvlib_test::other", lambda ctx, g: g)


def test_register_fake_on_an_undefined_op_vs_torch(no_failed_libraries):
    torch = _torch()
    for m in (rg, torch):
        with pytest.raises(RuntimeError, match="operator nolib_rg::nms does not exist"):
            m.library.register_fake("nolib_rg::nms", lambda dets: dets)


def test_tensor_split_overload_keywords():
    x = rg.arange(12.0).reshape(3, 4)
    assert [p.tolist() for p in rg.tensor_split(x, indices=(-1,), dim=-2)] == [
        [[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0]],
        [[8.0, 9.0, 10.0, 11.0]],
    ]
    assert [p.shape[1] for p in x.tensor_split(sections=2, dim=1)] == [2, 2]
    assert [p.shape[0] for p in rg.tensor_split(x, tensor_indices_or_sections=rg.tensor([1]))] == [1, 2]
    with pytest.raises(TypeError, match=r"got \(Tensor, indices=list, sections=int\), but expected one of"):
        rg.tensor_split(x, sections=2, indices=[1])
    with pytest.raises(TypeError, match=r"got \(Tensor\), but expected one of:\n \* \(Tensor input, tuple of ints"):
        rg.tensor_split(x)


def test_tensor_split_overload_keywords_vs_torch():
    torch = _torch()
    data = [[float(i + 4 * j) for i in range(4)] for j in range(3)]
    for kwargs in ({"indices": (-1,), "dim": -2}, {"sections": 3, "dim": 1}, {"indices": [1, 3], "dim": 1}):
        ours = [p.tolist() for p in rg.tensor_split(rg.tensor(data), **kwargs)]
        theirs = [p.tolist() for p in torch.tensor_split(torch.tensor(data), **kwargs)]
        assert ours == theirs
    messages = []
    for m in (rg, torch):
        with pytest.raises(TypeError) as caught:
            m.tensor_split(m.tensor(data), sections=2, indices=[1])
        messages.append(str(caught.value).splitlines()[0])
    assert messages[0] == messages[1]
