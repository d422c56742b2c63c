"""The memory layout of cat's and stack's results: row-major unless every input is channels-last,
as PyTorch's cat chooses (a KV cache grown with cat from transposed heads is contiguous)."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


def _cases(m):
    heads = m.arange(120.0).reshape(2, 3, 4, 5).transpose(1, 2)  # (B, H, T, D) from (B, T, H, D)
    cl = m.arange(120.0).reshape(2, 3, 4, 5).contiguous(memory_format=m.channels_last)
    return {
        "kv_cache": lambda: m.cat([heads, heads[:, :, :1]], dim=2),
        "single": lambda: m.cat([heads], dim=2),
        "promoted": lambda: m.cat([heads, heads.long()], dim=2),
        "stack": lambda: m.stack([heads, heads], dim=1),
        "stack_last": lambda: m.stack([heads[0], heads[0]], dim=-1),
        "hstack": lambda: m.hstack([heads[0, 0].t(), heads[0, 0].t()]),
        "channels_last": lambda: m.cat([cl, cl], dim=1),
        "mixed": lambda: m.cat([cl, cl.contiguous()], dim=1),
        "stack_channels_last": lambda: m.stack([cl, cl]),
    }


def test_cat_of_transposed_heads_is_row_major():
    heads = rg.arange(120.0).reshape(2, 3, 4, 5).transpose(1, 2)
    k = rg.cat([heads, heads[:, :, :1]], dim=2)
    assert k.is_contiguous() and k.stride() == (80, 20, 5, 1)  # (2, 4, 3 + 1, 5)
    assert rg.equal(k[:, :, :3], heads) and rg.equal(k[:, :, 3], heads[:, :, 0])
    s = rg.stack([heads, heads], dim=1)
    assert s.is_contiguous() and rg.equal(s[:, 1], heads)
    cl = rg.ones(2, 3, 4, 5).contiguous(memory_format=rg.channels_last)
    assert rg.cat([cl, cl]).is_contiguous(memory_format=rg.channels_last)  # every input channels-last: kept


@needs_torch
@pytest.mark.parametrize("name", list(_cases(rg)))
def test_join_layout_vs_torch(name):
    want, got = _cases(torch)[name](), _cases(rg)[name]()
    assert got.stride() == want.stride()
    assert got.is_contiguous() == want.is_contiguous()
    assert got.tolist() == want.tolist()
