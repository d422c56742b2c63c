"""PyTorch's device semantics on the stand-in CUDA device: placement, errors, runtime API, state."""

from __future__ import annotations

import io

import numpy as np
import pytest

import retrograd as rg
from retrograd.backend import standin

pytestmark = pytest.mark.device

SAME_DEVICE = "Expected all tensors to be on the same device"


def test_cuda_runtime_api(cuda):
    assert rg.cuda.is_available() and rg.cuda.device_count() == standin.DEVICE_COUNT
    assert rg.cuda.current_device() == 0 and isinstance(rg.cuda.get_device_name(), str)
    rg.cuda.set_device(1)
    assert rg.cuda.current_device() == 1 and rg.ones(2, device="cuda").device == rg.device("cuda:1")
    rg.cuda.set_device(0)
    with rg.cuda.device(1):
        assert rg.zeros(1, device="cuda").get_device() == 1
    assert rg.cuda.current_device() == 0
    rg.cuda.synchronize()
    rg.cuda.empty_cache()
    assert rg.cuda.memory_allocated() >= 0 and rg.cuda.max_memory_allocated() >= 0
    start, end = rg.cuda.Event(enable_timing=True), rg.cuda.Event(enable_timing=True)
    s = rg.cuda.Stream()
    with rg.cuda.stream(s):
        start.record()
        rg.ones(3, device="cuda").sum()
        end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0.0
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        rg.ones(1, device=f"cuda:{standin.DEVICE_COUNT}")


def test_placement_and_moves(cuda):
    x = rg.arange(6.0).reshape(2, 3)
    d = x.to("cuda")
    assert d.is_cuda and d.device == rg.device("cuda", 0) and d.get_device() == 0 and x.get_device() == -1
    assert x.cuda().is_cuda and d.cpu().device.type == "cpu" and d.to("cuda") is d and x.cpu() is x
    assert d.to("cuda:1").device.index == 1 and d.to(rg.float64).is_cuda
    assert d.to("cpu", rg.float64).dtype == rg.float64
    for make in (rg.zeros, rg.ones, rg.empty, rg.rand, rg.randn):
        assert make(2, 3, device="cuda").is_cuda
    assert rg.full((2,), 3.0, device="cuda").is_cuda and rg.arange(4, device="cuda").is_cuda
    assert rg.eye(3, device="cuda").is_cuda and rg.linspace(0, 1, 5, device="cuda").is_cuda
    assert rg.tensor([1, 2], device="cuda").is_cuda and rg.randint(0, 3, (4,), device="cuda").is_cuda
    assert rg.zeros_like(d).is_cuda and rg.ones_like(d, device="cpu").device.type == "cpu"
    assert rg.rand_like(d).is_cuda and d.new_zeros(3).is_cuda and rg.as_tensor(x, device="cuda").is_cuda
    rg.set_default_device("cuda")
    assert rg.ones(2).is_cuda and rg.get_default_device() == rg.device("cuda:0")
    rg.set_default_device(None)
    np.testing.assert_array_equal(d.cpu().numpy(), x.numpy())


def test_a_device_block_sets_the_default_device_until_it_ends(cuda):
    rg.set_default_device("cpu")
    with rg.device("cuda") as chosen:
        assert chosen == rg.device("cuda") and rg.ones(2).is_cuda and rg.get_default_device() == rg.device("cuda:0")
        with rg.device("cpu"):
            assert rg.zeros(1).device.type == "cpu"
        assert rg.randn(2).is_cuda
        rg.set_default_device("cpu")  # set inside a block: the block's end restores what was before it
    assert rg.get_default_device() == rg.device("cpu") and not rg.ones(1).is_cuda
    with pytest.raises(ValueError), rg.device("cuda"):
        raise ValueError  # an error leaves the block, and the default, too
    assert not rg.ones(1).is_cuda


def test_errors_of_pytorch(cuda):
    d = rg.ones(3, device="cuda")
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        d.numpy()
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        np.asarray(d)
    with pytest.raises(RuntimeError, match=SAME_DEVICE):
        d + rg.ones(3)
    with pytest.raises(RuntimeError, match=SAME_DEVICE):
        rg.ones(2, 3, device="cuda") @ rg.ones(3, 2)
    with pytest.raises(RuntimeError, match=SAME_DEVICE):
        d + d.to("cuda:1")
    assert (d + rg.tensor(2.0)).is_cuda  # a 0-d CPU tensor is a scalar, as in PyTorch


def test_gradients_flow_back_across_devices(cuda):
    x = rg.tensor([1.0, 2.0], requires_grad=True)
    y = (x.cuda() ** 2).sum()
    y.backward()
    assert x.grad.device.type == "cpu" and x.grad.tolist() == [2.0, 4.0]
    assert type(y.grad_fn).__name__ == "SumBackward0"


def test_seeded_random_numbers_repeat(cuda):
    rg.manual_seed(3)
    a = rg.randn(5, device="cuda").cpu()
    rg.manual_seed(3)
    assert rg.equal(a, rg.randn(5, device="cuda").cpu())
    rg.cuda.manual_seed_all(4)
    b = rg.rand(5, device="cuda").cpu()
    rg.cuda.manual_seed_all(4)
    assert rg.equal(b, rg.rand(5, device="cuda").cpu())


def test_module_to_keeps_parameters_and_optimizer_state_on_device(cuda):
    model = rg.nn.Linear(3, 2)
    weight = model.weight
    assert model.to("cuda") is model and model.weight is weight and weight.is_cuda
    opt = rg.optim.Adam(model.parameters(), lr=0.1)
    sched = rg.optim.lr_scheduler.StepLR(opt, 1)
    model(rg.ones(4, 3, device="cuda")).sum().backward()
    opt.step()
    sched.step()
    state = opt.state[weight]
    assert state["exp_avg"].is_cuda and state["exp_avg_sq"].is_cuda
    assert model.cpu().weight.device.type == "cpu"


def test_save_and_load_with_map_location(cuda):
    model = rg.nn.Linear(3, 2).cuda()
    buf = io.BytesIO()
    rg.save(model.state_dict(), buf)
    buf.seek(0)
    assert all(t.is_cuda for t in rg.load(buf).values())
    buf.seek(0)
    assert all(not t.is_cuda for t in rg.load(buf, map_location="cpu").values())


def test_printing_names_the_device(cuda):
    assert repr(rg.tensor([1.0, 2.0], device="cuda")) == "tensor([1., 2.], device='cuda:0')"


def test_stand_in_arrays_refuse_host_conversion(cuda):
    a = rg.ones(3, device="cuda")._data
    with pytest.raises(TypeError, match="Implicit conversion to a NumPy array is not allowed"):
        np.asarray(a)
    with pytest.raises(TypeError, match="Unsupported type"):
        a + np.ones(3)
    standin.transfers.clear()
    a.sum().item()
    assert dict(standin.transfers) == {"item": 1}


def test_scatter_and_gather_split_and_join_with_gradients(cuda):
    """nn.parallel.scatter_gather (captum's layer methods import it): chunks per device, cat back."""
    from retrograd.nn.parallel.scatter_gather import gather, scatter, scatter_kwargs

    x = rg.arange(10.0).view(5, 2).requires_grad_()
    chunks = scatter(x, [0, 1])
    assert [(str(c.device), tuple(c.shape)) for c in chunks] == [("cuda:0", (3, 2)), ("cuda:1", (2, 2))]
    per_device = scatter((x, "keep", {"k": x}), [0, 1])
    assert len(per_device) == 2 and per_device[1][1] == "keep" and str(per_device[1][2]["k"].device) == "cuda:1"
    joined = gather([c * (i + 1) for i, c in enumerate(chunks)], "cpu")
    assert joined.device.type == "cpu" and joined.tolist() == [[0, 1], [2, 3], [4, 5], [12, 14], [16, 18]]
    joined.sum().backward()
    assert x.grad.tolist() == [[1, 1]] * 3 + [[2, 2]] * 2
    args, kwargs = scatter_kwargs((x,), {"scale": 2}, [0, 1])
    assert len(args) == len(kwargs) == 2 and kwargs[0] == {"scale": 2}
    with pytest.warns(UserWarning, match="all input tensors were scalars"):
        assert gather([rg.tensor(1.0, device="cuda:0"), rg.tensor(2.0, device="cuda:1")], 0).tolist() == [1, 2]
