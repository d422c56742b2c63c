"""The memory layout of results where PyTorch's kernels choose one that NumPy's would not: cat and
stack (row-major unless every input is channels-last: a KV cache grown with cat from transposed
heads is contiguous), softmax, log_softmax, tril and triu (row-major), and scaled dot-product
attention (its CPU flash kernel writes an `empty_like(query)`), layer norm (row-major: its kernel reads
`x.contiguous()`, so Idefics3's connector can `view` the norm of transposed patch embeddings) and rms
norm (row-major unless channels-last); + - * / of operands laid out
differently (the first operand with an order decides: diffusers' channels-last attention output plus
its row-major residual stays channels-last), group norm, upsampling and
the reflect/replicate/constant pads (a channels-last input's layout; circular pads are row-major)."""

from __future__ import annotations

import numpy as np
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


def _row_major_cases(m):
    heads = m.arange(120.0).reshape(2, 4, 3, 5).transpose(1, 2) / 60
    cl = m.arange(120.0).reshape(2, 3, 4, 5).contiguous(memory_format=m.channels_last) / 60
    return {
        "softmax": lambda: heads.softmax(-1),
        "softmax_dim1": lambda: m.nn.functional.softmax(heads, dim=1),
        "log_softmax": lambda: heads.log_softmax(-1),
        "log_softmax_half": lambda: heads.half().log_softmax(-1),
        "softmax_channels_last": lambda: cl.softmax(1),
        "tril": lambda: heads.tril(),
        "triu_matrix": lambda: m.arange(20.0).reshape(4, 5).t().triu(1),
        "tril_channels_last": lambda: cl.tril(),
    }


def _norm_cases(m):
    heads = m.arange(120.0).reshape(2, 4, 3, 5).transpose(1, 2) % 7
    cl = m.arange(120.0).reshape(2, 3, 4, 5).contiguous(memory_format=m.channels_last) % 7
    return {
        "layer_norm": lambda: m.nn.functional.layer_norm(heads, (5,)),
        "layer_norm_affine": lambda: m.nn.functional.layer_norm(heads, (5,), m.ones(5), m.zeros(5)),
        "layer_norm_wide": lambda: m.nn.functional.layer_norm(m.arange(128.0).reshape(1, 32, 4).mT / 64, (32,)),
        "layer_norm_channels_last": lambda: m.nn.functional.layer_norm(cl, (5,)),
        "layer_norm_half": lambda: m.nn.functional.layer_norm(heads.half(), (5,)),
        "rms_norm": lambda: m.nn.functional.rms_norm(heads, (5,)),
        "rms_norm_weight": lambda: m.nn.functional.rms_norm(heads, (5,), m.ones(5)),
        "rms_norm_channels_last": lambda: m.nn.functional.rms_norm(cl, (5,)),
    }


def _attention_cases(m):
    f = m.nn.functional.scaled_dot_product_attention
    split = m.arange(120.0).reshape(2, 4, 3, 5).transpose(1, 2) / 60  # (B, T, H, D) -> (B, H, T, D)
    rows = m.arange(120.0).reshape(2, 3, 4, 5) / 60
    other = m.arange(120.0).reshape(4, 5, 2, 3).permute(2, 3, 0, 1) / 60  # last dim not unit-strided
    return {
        "split_heads": lambda: f(split, split, split),
        "split_query": lambda: f(split, rows, rows, is_causal=True),
        "split_keys": lambda: f(rows, split, split),
        "sliced_query": lambda: f(split[:, :, :2], rows, rows),
        "masked": lambda: f(split, split, split, attn_mask=m.ones(4, 4, dtype=m.bool).tril()),
        "other_value_width": lambda: f(split, rows, rows[..., :4]),
        "strided_last_dim": lambda: f(other, rows, rows),
        "float64": lambda: f(split.double(), split.double(), split.double()),
    }


def test_softmax_and_triangles_are_row_major():
    heads = rg.arange(24.0).reshape(2, 3, 4).transpose(1, 2)
    for out in (heads.softmax(-1), heads.log_softmax(1), heads.tril(), heads.triu(1)):
        assert out.is_contiguous() and out.stride() == (12, 3, 1)
    assert rg.allclose(heads.softmax(-1), heads.contiguous().softmax(-1))
    assert rg.equal(heads.tril(), heads.contiguous().tril())


def test_norms_of_transposed_input_are_row_major():
    # Idefics3's connector views the post-layernorm of (B, C, N).transpose(1, 2) patch embeddings
    x = rg.arange(128.0).reshape(1, 32, 4).transpose(1, 2) / 64
    for out in (rg.nn.LayerNorm(32)(x), rg.nn.functional.layer_norm(x, (32,)), rg.nn.RMSNorm(32)(x)):
        assert out.stride() == (128, 32, 1)
        assert out.view(1, 2, 64).shape == (1, 2, 64)
    assert rg.allclose(rg.nn.functional.layer_norm(x, (32,)), rg.nn.functional.layer_norm(x.contiguous(), (32,)))
    x.requires_grad_()
    out = rg.nn.functional.rms_norm(x, (32,))
    assert type(out.grad_fn).__name__ == "CloneBackward0"  # PyTorch copies the result to row-major
    out.sum().backward()
    assert x.grad.stride() == x.stride()
    cl = rg.ones(2, 3, 4, 5).contiguous(memory_format=rg.channels_last)
    assert rg.nn.functional.rms_norm(cl, (5,)).stride() == cl.stride()


def test_attention_output_follows_split_heads():
    # q from (B, T, H, D).transpose(1, 2): the output is laid out (B, T, H, D), so it views back
    q = rg.arange(120.0).reshape(2, 4, 3, 5).transpose(1, 2) / 60
    out = rg.nn.functional.scaled_dot_product_attention(q, q, q)
    assert out.stride() == (60, 5, 15, 1)
    merged = out.transpose(1, 2).view(2, 4, 15)
    expected = rg.nn.functional.scaled_dot_product_attention(q.contiguous(), q.contiguous(), q.contiguous())
    assert rg.allclose(merged, expected.transpose(1, 2).reshape(2, 4, 15))
    q.requires_grad_()
    rg.nn.functional.scaled_dot_product_attention(q, q, q).sum().backward()
    assert q.grad.shape == q.shape


@needs_torch
@pytest.mark.parametrize("name", list(_row_major_cases(rg)) + list(_attention_cases(rg)))
def test_result_layout_vs_torch(name):
    cases = {**_row_major_cases(torch), **_attention_cases(torch)}
    ours = {**_row_major_cases(rg), **_attention_cases(rg)}
    want, got = cases[name](), ours[name]()
    assert got.stride() == want.stride()
    assert got.is_contiguous() == want.is_contiguous()
    np.testing.assert_allclose(got.float().numpy(), want.float().numpy(), rtol=1e-6, atol=1e-6)


@needs_torch
@pytest.mark.parametrize("name", list(_norm_cases(rg)))
def test_norm_layout_vs_torch(name):
    want, got = _norm_cases(torch)[name](), _norm_cases(rg)[name]()
    assert got.stride() == want.stride()
    np.testing.assert_allclose(got.float().numpy(), want.float().numpy(), rtol=1e-3, atol=1e-3)  # half's last bits


def _mixed_cases(m):
    torch_f = m.nn.functional
    # diffusers' attention block: (B, HW, C) -> (B, C, HW) -> (B, C, H, W) is a channels-last view
    cl = (m.arange(72.0).reshape(2, 9, 4) / 36).transpose(-1, -2).reshape(2, 4, 3, 3)
    rows = m.arange(72.0).reshape(2, 4, 3, 3) / 72
    return {
        "add_cl_rows": lambda: cl + rows,
        "add_rows_cl": lambda: rows + cl,
        "sub_cl_rows": lambda: cl - rows,
        "mul_cl_rows": lambda: cl * rows,
        "div_cl_rows": lambda: cl / (rows + 1),
        "add_alpha": lambda: m.add(cl, rows, alpha=2.0),
        "add_broadcast": lambda: cl + rows[:1],
        "add_channel_bias": lambda: cl + rows[0, :, :1, :1],
        "add_transposed_rows": lambda: rows.transpose(2, 3) + rows,
        "group_norm": lambda: torch_f.group_norm(cl, 2),
        "group_norm_affine": lambda: torch_f.group_norm(cl, 2, m.ones(4), m.zeros(4)),
        "group_norm_rows": lambda: torch_f.group_norm(rows.transpose(2, 3), 2),
        "upsample_nearest": lambda: torch_f.interpolate(cl, scale_factor=2.0, mode="nearest"),
        "upsample_bilinear": lambda: torch_f.interpolate(cl, size=(2, 5), mode="bilinear"),
        "upsample_bicubic_double": lambda: torch_f.interpolate(cl.double(), scale_factor=2, mode="bicubic"),
        "upsample_rows": lambda: torch_f.interpolate(rows.transpose(2, 3), scale_factor=2),
        "reflect_pad": lambda: torch_f.pad(cl, (1, 1, 1, 1), mode="reflect"),
        "replicate_pad": lambda: torch_f.pad(cl, (1, 1, 1, 1), mode="replicate"),
        "circular_pad": lambda: torch_f.pad(cl, (1, 1, 1, 1), mode="circular"),
        "constant_pad": lambda: torch_f.pad(cl, (1, 1, 1, 1), value=2.0),
        "constant_pad_3d": lambda: torch_f.pad(rows.transpose(1, 2), (1, 1)),
    }


def test_mixed_layout_sum_follows_first_operand():
    cl = rg.arange(72.0).reshape(2, 9, 4).transpose(-1, -2).reshape(2, 4, 3, 3)
    rows = rg.arange(72.0).reshape(2, 4, 3, 3)
    assert cl.stride() == (36, 1, 12, 4)
    assert (cl + rows).stride() == (36, 1, 12, 4)  # the first operand's order
    assert (rows + cl).stride() == (36, 9, 3, 1)
    assert (cl * rows).stride() == (36, 1, 12, 4) and (cl / (rows + 1)).stride() == (36, 1, 12, 4)
    assert rg.equal(cl + rows, cl.contiguous() + rows)
    assert rg.nn.functional.group_norm(cl, 2).stride() == (36, 1, 12, 4)
    up = rg.nn.functional.interpolate(cl, scale_factor=2)  # diffusers' Upsample2D
    assert up.stride() == (144, 1, 24, 4)
    assert rg.equal(up, rg.nn.functional.interpolate(cl.contiguous(), scale_factor=2))
    # randn_like draws in memory order, so the layout decides which element gets which number
    rg.manual_seed(0)
    a = rg.randn_like(cl + rows)
    rg.manual_seed(0)
    b = rg.randn_like(rows.contiguous(memory_format=rg.channels_last))
    assert rg.equal(a, b)


@needs_torch
@pytest.mark.parametrize("name", list(_mixed_cases(rg)))
def test_mixed_layout_vs_torch(name):
    want, got = _mixed_cases(torch)[name](), _mixed_cases(rg)[name]()
    assert got.stride() == want.stride()
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5, atol=1e-5)  # group norm's sums: last bits


# Advanced indexing `t[idx]` is a TensorIterator op in PyTorch: the kept dims follow the source's
# order of strides, the indexed block the index tensors'. neuralforecast indexes windows made by
# `unfold(...).permute(...)`; the later dropout draws in memory order, so the layout decides its mask.
def _index_cases(m):
    base = m.arange(120.0).reshape(2, 3, 4, 5)
    i, j = m.tensor([1, 0, 1]), m.tensor([[0, 2], [3, 1]])
    return {
        "permuted_dim0": lambda: base.permute(3, 1, 2, 0)[m.tensor([4, 0, 2])],
        "permuted_middle": lambda: base.permute(3, 1, 2, 0)[:, i],
        "permuted_2d_index": lambda: base.permute(2, 0, 3, 1)[:, :, j],
        "permuted_two_adjacent": lambda: base.permute(0, 3, 2, 1)[:, [1, 2], [0, 3]],
        "permuted_not_adjacent": lambda: base.permute(0, 3, 2, 1)[i, :, [0, 3, 2]],
        "transposed_index": lambda: base.reshape(4, 30)[j.t()],
        "row_major_not_adjacent": lambda: base[:, i, :, [1, 1, 4]],
        "permuted_mask": lambda: base.permute(3, 1, 2, 0)[m.tensor([True, False, True, True, False])],
        "expanded": lambda: m.ones(4, 1).expand(4, 6)[[0, 2]],
        "unfolded_windows": lambda: m.arange(240.0).reshape(2, 3, 40).unfold(-1, 24, 1).permute(2, 3, 1, 0)[[5, 0, 9]],
    }


def test_index_of_permuted_tensor_keeps_its_order():
    windows = rg.arange(240.0).reshape(2, 3, 40).unfold(-1, 24, 1).permute(2, 3, 1, 0)  # (17, 24, 3, 2)
    picked = windows[rg.tensor([5, 0, 9])]
    assert picked.stride() == (144, 1, 24, 72) and not picked.is_contiguous()
    assert picked.tolist() == windows.detach().numpy()[[5, 0, 9]].tolist()
    assert picked[:, :18, 0].stride() == (144, 1, 72)
    x = rg.arange(24.0).reshape(2, 3, 4)
    assert x[:, [2, 0]].stride() == (8, 4, 1) and x.transpose(0, 2)[[1, 3]].stride() == (6, 1, 3)
    rg.manual_seed(0)  # dropout draws in memory order, here that of dims (0, 3, 2, 1)
    mask = rg.nn.functional.dropout(picked + 1, 0.5) != 0
    rg.manual_seed(0)
    assert (mask == (rg.nn.functional.dropout(rg.ones(3, 2, 3, 24), 0.5) != 0).permute(0, 3, 2, 1)).all()


@needs_torch
@pytest.mark.parametrize("name", list(_index_cases(rg)))
def test_index_layout_vs_torch(name):
    ours, theirs = _index_cases(rg)[name](), _index_cases(torch)[name]()
    assert ours.stride() == theirs.stride() and ours.tolist() == theirs.tolist()
    rg.manual_seed(0), torch.manual_seed(0)
    assert rg.rand_like(ours).tolist() == torch.rand_like(theirs).tolist()
