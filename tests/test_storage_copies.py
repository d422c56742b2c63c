"""Copies that keep a tensor's place in its storage: `copy.deepcopy` (one new storage per
storage, as PyTorch's memo) and `load` of views saved together."""

from __future__ import annotations

import copy
import io

import numpy as np
import pytest

import retrograd as rg
from retrograd._storage import deepcopy_data, storage_offset

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _views(b):
    return [b, b[2:], b[::2], b.view(2, 3).t()]


def test_deepcopy_data_copies_each_storage_once():
    b = np.arange(6.0)
    memo: dict = {}
    out = [deepcopy_data(a, memo) for a in (b, b[2:], b[::2], b.reshape(2, 3).T, b[::-1])]
    assert [storage_offset(a) for a in out] == [0, 2, 0, 0, 5]
    assert [a.strides for a in out] == [(8,), (8,), (16,), (8, 24), (-8,)]
    out[0][3] = 100.0
    assert out[1].tolist() == [2.0, 100.0, 4.0, 5.0] and out[3][0].tolist() == [0.0, 100.0]
    assert out[4].tolist() == [5.0, 4.0, 100.0, 2.0, 1.0, 0.0]
    assert b[3] == 3.0  # the original is untouched
    lone = deepcopy_data(b[2:], {})  # a view copied alone brings its whole storage, as PyTorch
    assert storage_offset(lone) == 2 and lone.tolist() == [2.0, 3.0, 4.0, 5.0]
    assert deepcopy_data(b[2:], {}) is not deepcopy_data(b[2:], {})


def test_deepcopy_data_of_empty_and_escaped_views():
    assert deepcopy_data(np.zeros((0, 3)), {}).shape == (0, 3)
    b = np.arange(4.0)
    escaped = np.lib.stride_tricks.as_strided(b, (2,), (8,))  # its root is not an ndarray it can see
    assert deepcopy_data(escaped, {}).tolist() == [0.0, 1.0]


def _layout(lib, tensors):
    tensors[0][3] = 100.0
    return [(t.storage_offset(), t.stride(), t.tolist()) for t in tensors]


def test_deepcopy_keeps_views_sharing():
    b = rg.arange(6.0)
    d = copy.deepcopy(_views(b))
    assert _layout(rg, d)[1] == (2, (1,), [2.0, 100.0, 4.0, 5.0])
    assert d[1].untyped_storage().data_ptr() == d[0].untyped_storage().data_ptr()
    assert b[3].item() == 3.0
    assert copy.deepcopy(b[2:]).storage_offset() == 2


@needs_torch
def test_deepcopy_of_views_vs_torch():
    ours = _layout(rg, copy.deepcopy(_views(rg.arange(6.0))))
    theirs = _layout(torch, copy.deepcopy(_views(torch.arange(6.0))))
    assert ours == theirs


def _save_load(lib, obj):
    buf = io.BytesIO()
    lib.save(obj, buf)
    buf.seek(0)
    return lib.load(buf)


@needs_torch
def test_save_load_of_views_vs_torch():
    ours = _layout(rg, _save_load(rg, _views(rg.arange(6.0))))
    theirs = _layout(torch, _save_load(torch, _views(torch.arange(6.0))))
    assert ours == theirs
    assert _save_load(rg, rg.arange(6.0)[2:]).storage_offset() == 2
    # across libraries too
    from_torch = _layout(rg, rg.load(io.BytesIO(_bytes(torch, _views(torch.arange(6.0))))))
    assert from_torch == theirs


def _bytes(lib, obj):
    buf = io.BytesIO()
    lib.save(obj, buf)
    return buf.getvalue()


def _strided_views(lib):
    """Views NumPy makes with `as_strided` (diagonals, unfold): their storage is their base's."""
    a = lib.arange(24.0).reshape(4, 6)
    return [a.diagonal(1), a.diagonal(-1), a[1].unfold(0, 2, 2), a.unfold(1, 3, 1)]


def _storage_facts(views):
    return [(v.storage_offset(), v.stride(), v.untyped_storage().nbytes()) for v in views]


def test_strided_views_see_their_base_storage():
    views = _strided_views(rg)
    assert _storage_facts(views) == [(1, (7,), 96), (6, (7,), 96), (6, (2, 1), 96), (0, (6, 1, 1), 96)]
    base_ptr = views[0]._base.untyped_storage().data_ptr()
    assert all(v.untyped_storage().data_ptr() == base_ptr for v in views)
    copied = copy.deepcopy(views[1])  # a view copied alone brings its whole storage
    assert (copied.storage_offset(), copied.tolist()) == (6, [6.0, 13.0, 20.0])
    loaded = _save_load(rg, views[2])
    assert (loaded.storage_offset(), loaded.tolist()) == (6, [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]])


@needs_torch
def test_strided_views_storage_vs_torch():
    assert _storage_facts(_strided_views(rg)) == _storage_facts(_strided_views(torch))
    ours, theirs = copy.deepcopy(_strided_views(rg)[1]), copy.deepcopy(_strided_views(torch)[1])
    assert (ours.storage_offset(), ours.tolist()) == (theirs.storage_offset(), theirs.tolist())


def _expanded_views(m):
    a = m.arange(6)
    return [a.expand(1, -1), a.expand(2, 1, -1), a.view(6, 1).expand(6, 1), m.tensor(1.0).expand(3, 1),
            m.ones(2, 1).expand(1, 2, 1), m.ones(2, 3).t().expand(1, 3, 2), m.ones(2, 1).expand(2, 5),
            m.broadcast_to(a, (1, 6)), m.broadcast_tensors(m.ones(3, 1), m.ones(1, 4))[0]]


def test_expand_strides_follow_pytorch_on_size_one_dims():
    # NumPy steps 0 over every size-1 dim; PyTorch keeps an old dim's stride and gives a new
    # leading size-1 dim the step over the dims after it
    strides = [v.stride() for v in _expanded_views(rg)]
    assert strides == [(6, 1), (0, 6, 1), (1, 1), (0, 0), (2, 1, 1), (3, 1, 3), (1, 0), (6, 1), (1, 0)]
    position_ids = _save_load(rg, rg.arange(4).expand((1, -1)))
    assert position_ids.stride() == (4, 1) and position_ids.tolist() == [[0, 1, 2, 3]]
    assert rg.arange(4).view(4, 1).expand(4, 1).contiguous().stride() == (1, 1)


@needs_torch
def test_expand_strides_vs_torch():
    assert [v.stride() for v in _expanded_views(rg)] == [v.stride() for v in _expanded_views(torch)]
    ours, theirs = (_save_load(m, m.arange(4).expand((2, 1, -1))) for m in (rg, torch))
    assert (ours.stride(), ours.tolist()) == (theirs.stride(), theirs.tolist())


def _file_storage(m, path):
    """safetensors' read of a tensor: map the file, slice its bytes, view them as a dtype."""
    with open(path, "wb") as f:
        f.write(np.arange(4, dtype=np.float32).tobytes() + bytes(range(4)))
    s = m.UntypedStorage.from_file(str(path), shared=False, nbytes=20)
    piece = s.untyped()[4:12]
    t = m.asarray(piece, dtype=m.uint8).view(dtype=m.float32).reshape(2)
    t[0] = 7.0  # private: the file keeps its bytes
    with pytest.raises(RuntimeError) as info:
        m.UntypedStorage.from_file(str(path), shared=False, nbytes=40)
    return (
        type(s).__name__, piece.nbytes(), s[16], t.tolist(), m.asarray(s[0:8]).tolist(),
        str(info.value).replace(str(path), "F"), open(path, "rb").read(8) == np.arange(2, dtype=np.float32).tobytes(),
    )  # fmt: skip


def test_untyped_storage_from_file(tmp_path):
    assert _file_storage(rg, tmp_path / "x.bin") == (
        "UntypedStorage", 8, 0, [7.0, 2.0], [4674736413210574848],  # floats 0 and 7 (written through t), as one int64
        "file <F> size <20> is smaller than the required mapping size <40>", True,
    )  # fmt: skip


@needs_torch
def test_untyped_storage_from_file_vs_torch(tmp_path):
    assert _file_storage(rg, tmp_path / "a.bin") == _file_storage(torch, tmp_path / "b.bin")


def test_untyped_storage_constructor_and_is_pinned():
    import retrograd

    assert list(retrograd.UntypedStorage(3)) == [0, 0, 0] and list(retrograd.UntypedStorage([1, 2])) == [1, 2]
    assert retrograd.UntypedStorage().nbytes() == 0
    with pytest.raises(RuntimeError):
        retrograd.UntypedStorage(-1)
    s = retrograd.ones(2).untyped_storage()
    assert s.is_pinned() is False and s.is_pinned("cpu") is False
    with pytest.raises(RuntimeError):
        s.is_pinned("not_a_device")


def test_untyped_storage_constructor_vs_torch():
    real = pytest.importorskip("torch")
    import retrograd

    for m in (real, retrograd):
        assert list(m.UntypedStorage([7, 255])) == [7, 255] and m.UntypedStorage(5).nbytes() == 5
        assert m.ones(1).untyped_storage().is_pinned() is False


def _set_results(lib):
    s = lib.arange(6.0).untyped_storage()
    window = lib.tensor([]).set_(s, 1, (2, 2), (2, 1))
    whole = lib.tensor([]).set_(s)
    shared = lib.tensor([]).set_(lib.arange(4.0).reshape(2, 2).t())
    window[0, 0] = 100.0  # the storage's element 1: every tensor over it sees the write
    out = [whole.tolist(), window.tolist(), window.stride(), window.storage_offset(), shared.stride(),
           lib.tensor([]).set_().shape == (0,), lib.tensor([]).set_(s, 2, (3,)).tolist()]  # fmt: skip
    for bad in (lambda: lib.tensor([], dtype=lib.float64).set_(lib.arange(2.0)),
                lambda: lib.ones(2, requires_grad=True).set_(lib.arange(2.0)),
                lambda: lib.tensor([]).set_(s, 0, (2, 3), (1,)),
                lambda: lib.tensor([], dtype=lib.int64).set_(lib.zeros(1))):  # fmt: skip
        try:
            bad()
            out.append("no error")
        except RuntimeError as e:
            out.append(str(e))
    return out


def test_set_points_a_tensor_at_other_memory():
    assert _set_results(rg) == [
        [0.0, 100.0, 2.0, 3.0, 4.0, 5.0], [[100.0, 2.0], [3.0, 4.0]], (2, 1), 1, (1, 2), True, [2.0, 3.0, 4.0],
        "Could not set tensor of type float to a tensor of type double",
        "a leaf Variable that requires grad is being used in an in-place operation.",
        "unequal size length (2) and stride length (1)",
        "Could not set tensor of type float to a tensor of type long int",
    ]  # fmt: skip
    with pytest.raises(RuntimeError, match="out of bounds for storage of size 24"):
        rg.tensor([]).set_(rg.arange(6.0).untyped_storage(), 0, (7,), (1,))


@needs_torch
def test_set_vs_torch():
    assert _set_results(rg) == _set_results(torch)


def test_set_on_a_view_makes_it_a_tensor_of_its_own():
    # MONAI's DataLoader workers rebuild a MetaTensor (an `as_subclass` alias) with `set_`
    class Meta(rg.Tensor):
        pass

    base = rg.ones(2)
    t = base.as_subclass(Meta)
    t.set_(rg.arange(6.0).untyped_storage(), 2, (2,), (2,))
    assert type(t) is Meta and t.tolist() == [2.0, 4.0] and t._base is None and base.tolist() == [1.0, 1.0]
    with pytest.raises(RuntimeError, match="set_\\(\\) on a view that requires grad"):
        rg.ones(3, requires_grad=True)[1:].set_(rg.zeros(2))
