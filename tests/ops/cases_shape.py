"""Op table: shape ops that are not simple views (cat/stack, split, repeat, flip, diagonals, ...)."""

from __future__ import annotations

import itertools

import numpy as np

from .harness import OpCase, inputs_of, rand


def ints(*shape):
    return lambda rng: rng.integers(-3, 4, shape)


def _split_at(a, idx, axis):
    return np.split(a, idx, axis=axis)


def _diag_embed(a, k=0):
    return np.stack([np.diag(r, k) for r in a.reshape(-1, a.shape[-1])]).reshape(
        a.shape[:-1] + (a.shape[-1] + abs(k),) * 2
    )


def _block_diag(*arrays):
    mats = [np.atleast_2d(a) for a in arrays]
    out = np.zeros((sum(m.shape[0] for m in mats), sum(m.shape[1] for m in mats)))
    r = c = 0
    for m in mats:
        out[r : r + m.shape[0], c : c + m.shape[1]] = m
        r, c = r + m.shape[0], c + m.shape[1]
    return out


def _windows(a, dim, size, step):
    w = np.lib.stride_tricks.sliding_window_view(a, size, axis=dim)
    return w[(slice(None),) * dim + (slice(None, None, step),)]


def _combos(a, r, replace=False):
    pick = itertools.combinations_with_replacement if replace else itertools.combinations
    return np.array(list(pick(a, r))).reshape(-1, r)


V = rand(5)
M = rand(3, 4)
T = rand(2, 3, 4)
S0 = rand()  # a 0-d input

CASES = [
    # joining
    OpCase("cat", lambda m, a, b: m.cat([a, b], dim=1), inputs_of(rand(2, 3), rand(2, 4)), lambda a, b: np.concatenate([a, b], 1)),
    OpCase("cat", lambda m, a, b, c: m.cat((a, b, c), -2), inputs_of(rand(2, 3), rand(1, 3), rand(3, 3)), lambda a, b, c: np.concatenate([a, b, c], 0), variant="tuple_negdim"),
    OpCase("cat", lambda m, a, b: m.cat([a, b]), inputs_of(rand(2, 3), ints(1, 3)), lambda a, b: np.concatenate([a, b]), variant="promote"),
    OpCase("cat", lambda m, a: m.cat([a, m.zeros(0, dtype=a.dtype), a]), inputs_of(rand(2, 3)), lambda a: np.concatenate([a, a]), variant="legacy_empty"),
    OpCase("cat", lambda m, a: m.cat([a]), inputs_of(rand(2, 3)), lambda a: a, variant="single"),
    OpCase("concat", lambda m, a, b: m.concat([a, b], dim=0), inputs_of(rand(2, 3), rand(1, 3)), lambda a, b: np.concatenate([a, b])),
    OpCase("concatenate", lambda m, a, b: m.concatenate([a, b], axis=1), inputs_of(rand(2, 3), rand(2, 1)), lambda a, b: np.concatenate([a, b], 1)),
    OpCase("stack", lambda m, a, b: m.stack([a, b]), inputs_of(M, M), lambda a, b: np.stack([a, b])),
    OpCase("stack", lambda m, a, b, c: m.stack((a, b, c), dim=-1), inputs_of(M, M, M), lambda a, b, c: np.stack([a, b, c], -1), variant="negdim"),
    OpCase("stack", lambda m, a, b: m.stack([a, b], 1), inputs_of(rand(2, 3), ints(2, 3)), lambda a, b: np.stack([a, b], 1), variant="promote"),
    OpCase("stack", lambda m, a, b: m.stack([a, b]), inputs_of(S0, S0), lambda a, b: np.stack([a, b]), variant="scalars"),
    OpCase("hstack", lambda m, a, b: m.hstack([a, b]), inputs_of(rand(3), rand(2)), lambda a, b: np.hstack([a, b])),
    OpCase("hstack", lambda m, a, b: m.hstack((a, b)), inputs_of(rand(2, 3), rand(2, 1)), lambda a, b: np.hstack([a, b]), variant="2d"),
    OpCase("vstack", lambda m, a, b: m.vstack([a, b]), inputs_of(rand(3), rand(2, 3)), lambda a, b: np.vstack([a, b])),
    OpCase("row_stack", lambda m, a, b: m.row_stack([a, b]), inputs_of(rand(3), rand(3)), lambda a, b: np.vstack([a, b])),
    OpCase("dstack", lambda m, a, b: m.dstack([a, b]), inputs_of(rand(2, 3), rand(2, 3, 2)), lambda a, b: np.dstack([a, b])),
    OpCase("dstack", lambda m, a, b: m.dstack([a, b]), inputs_of(rand(3), rand(3)), lambda a, b: np.dstack([a, b]), variant="1d"),
    OpCase("column_stack", lambda m, a, b, c: m.column_stack([a, b, c]), inputs_of(rand(3), rand(3, 2), rand(3)), lambda a, b, c: np.column_stack([a, b, c])),
    OpCase("atleast_1d", lambda m, a: m.atleast_1d(a), inputs_of(S0), np.atleast_1d),
    OpCase("atleast_1d", lambda m, a, b: m.atleast_1d(a, b), inputs_of(S0, S0), lambda a, b: np.atleast_1d(a, b), variant="many"),
    OpCase("atleast_2d", lambda m, a: m.atleast_2d(a), inputs_of(V), np.atleast_2d),
    OpCase("atleast_2d", lambda m, a, b: m.atleast_2d([a, b]), inputs_of(S0, V), lambda a, b: np.atleast_2d(a, b), variant="list"),
    OpCase("atleast_3d", lambda m, a, b, c: m.atleast_3d(a, b, c), inputs_of(S0, V, M), lambda a, b, c: np.atleast_3d(a, b, c)),
    OpCase("atleast_3d", lambda m, a: m.atleast_3d(a), inputs_of(T), np.atleast_3d, variant="3d"),
    OpCase("block_diag", lambda m, a, b, c: m.block_diag(a, b, c), inputs_of(rand(2, 3), rand(2), S0), _block_diag),
    OpCase("meshgrid", lambda m, a, b: m.meshgrid(a, b, indexing="ij"), inputs_of(rand(3), rand(2)), lambda a, b: np.meshgrid(a, b, indexing="ij")),
    OpCase("meshgrid", lambda m, a, b, c: m.meshgrid([a, b, c], indexing="xy"), inputs_of(rand(3), rand(2), rand(4)), lambda a, b, c: np.meshgrid(a, b, c, indexing="xy"), variant="xy"),
    OpCase("cartesian_prod", lambda m, a, b: m.cartesian_prod(a, b), inputs_of(rand(3), rand(2)), lambda a, b: np.array(list(itertools.product(a, b)))),
    OpCase("cartesian_prod", lambda m, a, b, c: m.cartesian_prod(a, b, c), inputs_of(rand(2), rand(2), rand(3)), lambda a, b, c: np.array(list(itertools.product(a, b, c))), variant="three"),
    OpCase("combinations", lambda m, a: m.combinations(a), inputs_of(V), lambda a: _combos(a, 2)),
    OpCase("combinations", lambda m, a: m.combinations(a, 3, with_replacement=True), inputs_of(rand(3)), lambda a: _combos(a, 3, True), variant="replacement"),
    # splitting into views
    OpCase("split", lambda m, a: m.split(a, 2, dim=1), inputs_of(rand(3, 5)), lambda a: _split_at(a, [2, 4], 1)),
    OpCase("split", lambda m, a: a.split([1, 3], 0), inputs_of(rand(4, 3)), lambda a: _split_at(a, [1], 0), variant="sizes"),
    OpCase("split", lambda m, a: a.split(5, -1), inputs_of(rand(2, 3)), lambda a: [a], variant="one_piece"),
    OpCase("split", lambda m, a: m.split(a, [2, 0, 1], 0)[0] * 2, inputs_of(rand(3, 2)), lambda a: a[:2] * 2, variant="unused_pieces"),
    OpCase("chunk", lambda m, a: m.chunk(a, 3, 1), inputs_of(rand(2, 7)), lambda a: _split_at(a, [3, 6], 1)),
    OpCase("chunk", lambda m, a: a.chunk(4), inputs_of(rand(6)), lambda a: _split_at(a, [2, 4], 0), variant="fewer"),
    OpCase("tensor_split", lambda m, a: m.tensor_split(a, 3), inputs_of(rand(7)), lambda a: np.array_split(a, 3)),
    OpCase("tensor_split", lambda m, a: m.tensor_split(a, [1, 5, 3], dim=1), inputs_of(rand(2, 7)), lambda a: [a[:, :1], a[:, 1:5], a[:, 5:3], a[:, 3:]], variant="indices"),
    OpCase("tensor_split", lambda m, a: m.tensor_split(a, m.tensor([2, -1]), -1), inputs_of(rand(2, 6)), lambda a: [a[:, :2], a[:, 2:-1], a[:, -1:]], variant="tensor_indices"),
    OpCase("hsplit", lambda m, a: m.hsplit(a, 2), inputs_of(rand(3, 4)), lambda a: np.hsplit(a, 2)),
    OpCase("hsplit", lambda m, a: m.hsplit(a, [1, 4]), inputs_of(rand(6)), lambda a: np.hsplit(a, [1, 4]), variant="1d_indices"),
    OpCase("vsplit", lambda m, a: m.vsplit(a, 3), inputs_of(rand(3, 2)), lambda a: np.vsplit(a, 3)),
    OpCase("dsplit", lambda m, a: m.dsplit(a, [1]), inputs_of(rand(2, 1, 3)), lambda a: np.dsplit(a, [1])),
    OpCase("unbind", lambda m, a: m.unbind(a, 1), inputs_of(M), lambda a: list(np.moveaxis(a, 1, 0))),
    OpCase("unbind", lambda m, a: a.unbind(), inputs_of(rand(3, 2)), list, variant="method"),
    OpCase("unbind", lambda m, a: tuple(a), inputs_of(rand(3, 2)), list, variant="iter"),
    OpCase("unbind", lambda m, a: m.unbind(a, -1)[1], inputs_of(M), lambda a: a[:, 1], variant="one_used"),
    OpCase("narrow", lambda m, a: m.narrow(a, 1, 1, 2), inputs_of(M), lambda a: a[:, 1:3]),
    OpCase("narrow", lambda m, a: a.narrow(-1, -3, 2), inputs_of(M), lambda a: a[:, 1:3], variant="negative"),
    OpCase("select", lambda m, a: m.select(a, 1, -1), inputs_of(M), lambda a: a[:, -1]),
    OpCase("select", lambda m, a: m.select(a, 0, 1), inputs_of(V), lambda a: a[1], variant="to_scalar"),
    OpCase("unfold", lambda m, a: a.unfold(1, 2, 1), inputs_of(M), lambda a: _windows(a, 1, 2, 1)),
    OpCase("unfold", lambda m, a: a.unfold(0, 2, 2), inputs_of(rand(5, 2)), lambda a: _windows(a, 0, 2, 2), variant="step"),
    OpCase("unfold", lambda m, a: a.unfold(-1, 3, 2), inputs_of(rand(2, 3, 8)), lambda a: _windows(a, 2, 3, 2), variant="3d"),
    OpCase("unfold", lambda m, a: a.unfold(0, 1, 1), inputs_of(S0), lambda a: a.reshape(1), variant="scalar"),
    # repeating and reordering
    OpCase("repeat", lambda m, a: a.repeat(2, 1, 3), inputs_of(rand(2, 3)), lambda a: np.tile(a, (2, 1, 3))),
    OpCase("repeat", lambda m, a: a.repeat((2, 2)), inputs_of(V), lambda a: np.tile(a, (2, 2)), variant="tuple"),
    OpCase("tile", lambda m, a: m.tile(a, (2,)), inputs_of(M), lambda a: np.tile(a, (1, 2))),
    OpCase("tile", lambda m, a: a.tile(2, 1, 2), inputs_of(rand(2, 3)), lambda a: np.tile(a, (2, 1, 2)), variant="method"),
    OpCase("repeat_interleave", lambda m, a: m.repeat_interleave(a, 2), inputs_of(rand(2, 3)), lambda a: np.repeat(a, 2)),
    OpCase("repeat_interleave", lambda m, a: a.repeat_interleave(3, dim=1), inputs_of(rand(2, 3)), lambda a: np.repeat(a, 3, 1), variant="dim"),
    OpCase("repeat_interleave", lambda m, a: m.repeat_interleave(a, m.tensor([1, 0, 2]), dim=0), inputs_of(M), lambda a: np.repeat(a, [1, 0, 2], 0), variant="tensor"),
    OpCase("repeat_interleave", lambda m, a: m.repeat_interleave(a, m.tensor([2]), dim=-1), inputs_of(M), lambda a: np.repeat(a, 2, 1), variant="one_count"),
    OpCase("repeat_interleave", lambda m: m.repeat_interleave(m.tensor([2, 0, 1])), inputs_of(), lambda: np.array([0, 0, 2]), variant="indices", grad=False),
    OpCase("flip", lambda m, a: m.flip(a, (0,)), inputs_of(M), lambda a: np.flip(a, 0)),
    OpCase("flip", lambda m, a: a.flip(0, -1), inputs_of(T), lambda a: np.flip(a, (0, 2)), variant="method"),
    OpCase("flip", lambda m, a: m.flip(a, []), inputs_of(M), lambda a: a, variant="none"),
    OpCase("fliplr", lambda m, a: m.fliplr(a), inputs_of(T), np.fliplr),
    OpCase("flipud", lambda m, a: a.flipud(), inputs_of(V), np.flipud),
    OpCase("rot90", lambda m, a: m.rot90(a), inputs_of(M), np.rot90),
    OpCase("rot90", lambda m, a: m.rot90(a, 2), inputs_of(M), lambda a: np.rot90(a, 2), variant="k2"),
    OpCase("rot90", lambda m, a: m.rot90(a, -1, [2, -2]), inputs_of(T), lambda a: np.rot90(a, -1, (2, 1)), variant="dims"),
    OpCase("rot90", lambda m, a: m.rot90(a, 7, [1, 0]), inputs_of(M), lambda a: np.rot90(a, 7, (1, 0)), variant="k7"),
    OpCase("roll", lambda m, a: m.roll(a, 2), inputs_of(M), lambda a: np.roll(a, 2)),
    OpCase("roll", lambda m, a: a.roll(-1, 1), inputs_of(M), lambda a: np.roll(a, -1, 1), variant="dim"),
    OpCase("roll", lambda m, a: m.roll(a, shifts=(1, -2), dims=(0, -1)), inputs_of(T), lambda a: np.roll(a, (1, -2), (0, 2)), variant="many"),
    # diagonals and triangles
    OpCase("diag", lambda m, a: m.diag(a), inputs_of(V), np.diag),
    OpCase("diag", lambda m, a: m.diag(a, 2), inputs_of(V), lambda a: np.diag(a, 2), variant="1d_offset"),
    OpCase("diag", lambda m, a: a.diag(-1), inputs_of(V), lambda a: np.diag(a, -1), variant="1d_negative"),
    OpCase("diag", lambda m, a: m.diag(a), inputs_of(M), np.diag, variant="2d"),
    OpCase("diag", lambda m, a: m.diag(a, diagonal=1), inputs_of(M), lambda a: np.diag(a, 1), variant="2d_offset"),
    OpCase("diag", lambda m, a: a.diag(-2), inputs_of(M), lambda a: np.diag(a, -2), variant="2d_negative"),
    OpCase("diag_embed", lambda m, a: m.diag_embed(a), inputs_of(rand(2, 3)), _diag_embed),
    OpCase("diag_embed", lambda m, a: m.diag_embed(a, -1), inputs_of(rand(2, 3)), lambda a: _diag_embed(a, -1), variant="offset"),
    OpCase("diag_embed", lambda m, a: m.diag_embed(a, 1, dim1=0, dim2=2), inputs_of(rand(2, 3)), lambda a: np.moveaxis(_diag_embed(a, 1), 0, 1), variant="dims"),
    OpCase("diagonal", lambda m, a: m.diagonal(a), inputs_of(M), np.diagonal),
    OpCase("diagonal", lambda m, a: a.diagonal(offset=1, dim1=1, dim2=2), inputs_of(T), lambda a: np.diagonal(a, 1, 1, 2), variant="dims"),
    OpCase("diagonal", lambda m, a: m.diagonal(a, -1, -1, 0), inputs_of(T), lambda a: np.diagonal(a, -1, 2, 0), variant="reversed"),
    OpCase("diagonal", lambda m, a: m.diagonal(a, 5), inputs_of(M), lambda a: np.diagonal(a, 5), variant="empty"),
    OpCase("tril", lambda m, a: m.tril(a), inputs_of(M), np.tril),
    OpCase("tril", lambda m, a: a.tril(diagonal=-1), inputs_of(T), lambda a: np.tril(a, -1), variant="batched"),
    OpCase("triu", lambda m, a: m.triu(a, 1), inputs_of(M), lambda a: np.triu(a, 1)),
    OpCase("triu", lambda m, a: a.triu(), inputs_of(T), np.triu, variant="batched"),
    OpCase("trace", lambda m, a: m.trace(a), inputs_of(rand(3, 3)), np.trace),
    OpCase("trace", lambda m, a: a.trace(), inputs_of(M), np.trace, variant="rectangular"),
    OpCase("trace", lambda m, a: m.trace(a), inputs_of(ints(3, 3)), np.trace, variant="int", grad=False),
    # the `*_copy` twins of the views: the view's values and gradient, in memory of their own
    OpCase("alias_copy", lambda m, a: m.alias_copy(a), inputs_of(M), np.copy),
    OpCase("as_strided_copy", lambda m, a: m.as_strided_copy(a, (2, 2), (1, 2), 1), inputs_of(M),
           lambda a: np.lib.stride_tricks.as_strided(a.ravel()[1:], (2, 2), (8, 16)).copy()),
    OpCase("diagonal_copy", lambda m, a: m.diagonal_copy(a, 1, 1, 2), inputs_of(T), lambda a: np.diagonal(a, 1, 1, 2)),
    OpCase("expand_copy", lambda m, a: m.expand_copy(a, (2, 3, 4)), inputs_of(rand(3, 1)), lambda a: np.broadcast_to(a, (2, 3, 4))),
    OpCase("narrow_copy", lambda m, a: m.narrow_copy(a, 1, 1, 2), inputs_of(M), lambda a: a[:, 1:3]),
    OpCase("narrow_copy", lambda m, a: a.narrow_copy(0, 1, 2), inputs_of(M), lambda a: a[1:], variant="method"),
    OpCase("narrow_copy", lambda m, a: a.narrow_copy(0, -2, 2), inputs_of(M), lambda a: a[1:], variant="negative_start",
           vs_torch=False),  # (PyTorch 2.13's backward fails on a negative start)
    OpCase("permute_copy", lambda m, a: m.permute_copy(a, (2, 0, 1)), inputs_of(T), lambda a: a.transpose(2, 0, 1)),
    OpCase("select_copy", lambda m, a: m.select_copy(a, 1, -1), inputs_of(T), lambda a: a[:, -1]),
    OpCase("slice_copy", lambda m, a: m.slice_copy(a, -1, 1, None, 2), inputs_of(T), lambda a: a[..., 1::2]),
    OpCase("split_copy", lambda m, a: m.split_copy(a, 2, 1), inputs_of(rand(3, 5)), lambda a: _split_at(a, [2, 4], 1)),
    OpCase("split_with_sizes_copy", lambda m, a: m.split_with_sizes_copy(a, [1, 3]), inputs_of(rand(4, 3)),
           lambda a: _split_at(a, [1], 0)),
    OpCase("squeeze_copy", lambda m, a: m.squeeze_copy(a), inputs_of(rand(1, 3, 1)), np.squeeze),
    OpCase("squeeze_copy", lambda m, a: m.squeeze_copy(a, (0, 1)), inputs_of(rand(1, 3, 1)), lambda a: a[0], variant="dims"),
    OpCase("t_copy", lambda m, a: m.t_copy(a), inputs_of(M), np.transpose),
    OpCase("transpose_copy", lambda m, a: m.transpose_copy(a, 0, 2), inputs_of(T), lambda a: a.transpose(2, 1, 0)),
    OpCase("unbind_copy", lambda m, a: m.unbind_copy(a, 1), inputs_of(M), lambda a: list(np.moveaxis(a, 1, 0))),
    OpCase("unfold_copy", lambda m, a: m.unfold_copy(a, 1, 2, 1), inputs_of(M), lambda a: _windows(a, 1, 2, 1)),
    OpCase("unsqueeze_copy", lambda m, a: m.unsqueeze_copy(a, -1), inputs_of(M), lambda a: a[..., None]),
    OpCase("view_copy", lambda m, a: m.view_copy(a, (4, -1)), inputs_of(M), lambda a: a.reshape(4, 3)),
    OpCase("view_as_real_copy", lambda m, a: m.view_as_real_copy(m.complex(a, a * 2)), inputs_of(V),
           lambda a: np.stack([a, 2 * a], -1)),
    OpCase("view_as_complex_copy", lambda m, a: m.view_as_real(m.view_as_complex_copy(a) * 2), inputs_of(rand(3, 2)),
           lambda a: 2 * a, vs_torch=False),  # (PyTorch 2.13 has no gradient for it)
    OpCase("detach_copy", lambda m, a: m.detach_copy(a), inputs_of(M), np.copy, grad=False, gradgrad=False),
]
