"""The strides of an unsqueeze (and of `None` in a subscript, which unsqueezes): the other dims keep
theirs and the new dim steps over the dim it precedes, or 1 element at the end, as in PyTorch.
NumPy's reshape restrides size-1 dims its own way; pykan's `curve2coef` (`y.permute(1, 2, 0)
.unsqueeze(dim=3)`) shows the difference to anyone who prints `.stride()`."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None


def _cases(m):
    x = m.zeros(2, 6, 3).permute(0, 2, 1).permute(1, 2, 0)  # strides (1, 3, 18)
    t = m.zeros(3, 4).t()  # strides (1, 4)
    return {
        "end": lambda: x.unsqueeze(3),
        "end_negative": lambda: x.unsqueeze(-1),
        "front": lambda: x.unsqueeze(0),
        "middle": lambda: x.unsqueeze(1),
        "strided_vector": lambda: m.zeros(5)[::2].unsqueeze(1),
        "selected_column": lambda: m.zeros(2, 3)[:, 1].unsqueeze(1),
        "none_index": lambda: m.zeros(5)[::2][:, None],
        "two_none": lambda: t[:, :, None, None],
        "ellipsis_none": lambda: t[..., None],
        "existing_unit_dim": lambda: m.zeros(4, 1, 3).unsqueeze(3),
        "scalar": lambda: m.tensor(1.0).unsqueeze(0),
    }


def test_unsqueeze_strides_spelled_out():
    x = rg.zeros(2, 6, 3).permute(0, 2, 1).permute(1, 2, 0)
    assert x.stride() == (1, 3, 18)
    assert x.unsqueeze(3).stride() == (1, 3, 18, 1)
    assert x.unsqueeze(1).stride() == (1, 18, 3, 18)
    assert rg.zeros(5)[::2][:, None].stride() == (2, 1)
    assert rg.zeros(3, 4).t()[:, :, None, None].stride() == (1, 4, 1, 1)
    assert rg.zeros(2, 3)[:, 1].unsqueeze(1).stride() == (3, 1)


def test_unsqueeze_with_restrided_unit_dim_stays_a_view_with_gradients():
    base = rg.arange(6.0).reshape(3, 2).requires_grad_(True)
    v = base.t()
    u = v.unsqueeze(-1)
    assert u.stride() == (1, 2, 1)
    assert u.data_ptr() == v.data_ptr()
    (u * rg.arange(6.0).reshape(2, 3, 1)).sum().backward()
    assert base.grad.tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]
    with rg.no_grad():
        w = base.detach().t().unsqueeze(-1)
        w[1, 2, 0] = 100.0  # writes through the view into the base
    assert base[2, 1].item() == 100.0


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(_cases(rg)))
def test_unsqueeze_strides_vs_torch(name):
    ours, theirs = _cases(rg)[name](), _cases(torch)[name]()
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.stride() == theirs.stride()
    assert ours.is_contiguous() == theirs.is_contiguous()
