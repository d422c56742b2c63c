"""Op table: matrix products, einsum, decompositions and the `linalg` namespace.

Inputs for inv/det/solve are diagonally dominant (well-conditioned); symmetric
positive-definite matrices for cholesky/eigh are built inside `fn` as `a + aᵀ`
from such inputs, so finite differences see a smooth function of every entry.
SVD/eigh/QR cases return gauge-invariant quantities (U diag(S) Vh, |U|, V f(L) Vᵀ).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg as sla

from .harness import OpCase, inputs_of, rand

no_grad = dict(grad=False, gradgrad=False)


def dominant(*shape: int, shift: float = 4.0):
    """Random (…, n, n) matrices plus shift·I: far from singular."""
    return lambda rng: rng.uniform(-1, 1, shape) + shift * np.eye(shape[-1])


def scalar(rng):
    return np.array(rng.uniform(-1, 1))


def spd(a):
    return a + a.mT  # symmetric, positive-definite for `dominant` inputs


def np_spd(a):
    return a + np.swapaxes(a, -1, -2)


def case(name, fn, makers, ref=None, **kw):
    return OpCase(name, fn, inputs_of(*makers), ref, **kw)


def quiet(fn):
    """Run `fn` with deprecation warnings silenced (torch.cross without dim, chain_matmul, ...)."""
    def run(m, *ts):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(m, *ts)
    return run


def svd_parts(out, m):
    U, S, V = out
    return U.abs(), S, V.abs()


PRODUCTS = [
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(3, 4), rand(4, 2)], np.matmul, variant="2d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(4), rand(4)], np.matmul, variant="1d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(3, 4), rand(4)], np.matmul, variant="2d_1d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(4), rand(4, 3)], np.matmul, variant="1d_2d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(2, 3, 4), rand(2, 4, 2)], np.matmul, variant="3d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(2, 3, 4), rand(4, 2)], np.matmul, variant="3d_2d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(3, 4), rand(2, 4, 2)], np.matmul, variant="2d_3d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(2, 3, 4), rand(4)], np.matmul, variant="3d_1d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(4), rand(2, 4, 3)], np.matmul, variant="1d_3d"),
    case("matmul", lambda m, a, b: m.matmul(a, b), [rand(2, 1, 3, 4), rand(3, 4, 2)], np.matmul, variant="broadcast"),
    case("matmul", lambda m, a, b: a @ b, [rand(2, 3), rand(3, 2)], np.matmul, variant="operator"),
    case("mm", lambda m, a, b: m.mm(a, b), [rand(3, 4), rand(4, 2)], np.matmul),
    case("dsmm", lambda m, a, b: m.dsmm(a, b), [rand(3, 4), rand(4, 2)], np.matmul),
    case("bmm", lambda m, a, b: m.bmm(a, b), [rand(2, 3, 4), rand(2, 4, 2)], np.matmul),
    case("mv", lambda m, a, b: m.mv(a, b), [rand(3, 4), rand(4)], np.matmul),
    case("dot", lambda m, a, b: m.dot(a, b), [rand(5), rand(5)], np.dot),
    case("vdot", lambda m, a, b: m.vdot(a, b), [rand(5), rand(5)], np.vdot),
    case("outer", lambda m, a, b: m.outer(a, b), [rand(3), rand(4)], np.outer),
    case("ger", lambda m, a, b: m.ger(a, b), [rand(3), rand(4)], np.outer),
    case("inner", lambda m, a, b: m.inner(a, b), [rand(2, 3), rand(4, 3)], np.inner),
    case("inner", lambda m, a, b: m.inner(a, b), [rand(3), rand(3)], np.inner, variant="1d"),
    case("inner", lambda m, a, b: m.inner(a, b), [scalar, rand(2, 3)], np.inner, variant="scalar"),
    case("tensordot", lambda m, a, b: m.tensordot(a, b, dims=1), [rand(2, 3), rand(3, 4)], lambda a, b: np.tensordot(a, b, 1)),
    case("tensordot", lambda m, a, b: m.tensordot(a, b), [rand(2, 3, 4), rand(3, 4, 2)], np.tensordot, variant="default"),
    case("tensordot", lambda m, a, b: m.tensordot(a, b, dims=([0, 2], [2, 0])), [rand(3, 2, 4), rand(4, 5, 3)],
         lambda a, b: np.tensordot(a, b, ([0, 2], [2, 0])), variant="lists"),
    case("tensordot", lambda m, a, b: m.tensordot(a, b, dims=0), [rand(2), rand(3)], lambda a, b: np.tensordot(a, b, 0), variant="outer"),
    case("kron", lambda m, a, b: m.kron(a, b), [rand(2, 3), rand(3, 2)], np.kron),
    case("kron", lambda m, a, b: m.kron(a, b), [rand(2), rand(2, 3)], np.kron, variant="1d_2d"),
    case("kron", lambda m, a, b: m.kron(a, b), [rand(2, 2, 2), rand(3, 2)], np.kron, variant="3d"),
    case("cross", lambda m, a, b: m.cross(a, b, dim=0), [rand(3, 4), rand(3, 4)], lambda a, b: np.cross(a, b, axis=0)),
    case("cross", quiet(lambda m, a, b: m.cross(a, b)), [rand(2, 3), rand(2, 3)], lambda a, b: np.cross(a, b), variant="default_dim"),
    case("addmm", lambda m, c, a, b: m.addmm(c, a, b), [rand(3, 2), rand(3, 4), rand(4, 2)], lambda c, a, b: c + a @ b),
    case("addmm", lambda m, c, a, b: m.addmm(c, a, b, beta=0.5, alpha=-2), [rand(2), rand(3, 4), rand(4, 2)],
         lambda c, a, b: 0.5 * c - 2 * a @ b, variant="scaled_broadcast"),
    case("addmv", lambda m, c, a, b: m.addmv(c, a, b, beta=2, alpha=0.5), [rand(3), rand(3, 4), rand(4)],
         lambda c, a, b: 2 * c + 0.5 * a @ b),
    case("addbmm", lambda m, c, a, b: m.addbmm(c, a, b, alpha=1.5), [rand(3, 2), rand(4, 3, 5), rand(4, 5, 2)],
         lambda c, a, b: c + 1.5 * (a @ b).sum(0)),
    case("baddbmm", lambda m, c, a, b: m.baddbmm(c, a, b, beta=-1), [rand(3, 2), rand(4, 3, 5), rand(4, 5, 2)],
         lambda c, a, b: -c + a @ b),
    case("chain_matmul", quiet(lambda m, a, b, c: m.chain_matmul(a, b, c)), [rand(2, 3), rand(3, 4), rand(4, 2)],
         lambda a, b, c: a @ b @ c),
    case("linalg.multi_dot", lambda m, a, b, c, d: m.linalg.multi_dot([a, b, c, d]), [rand(3), rand(3, 5), rand(5, 2), rand(2)],
         lambda a, b, c, d: a @ b @ c @ d),
    case("linalg.multi_dot", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), [rand(4, 2), rand(2, 5), rand(5, 3)],
         lambda a, b, c: a @ b @ c, variant="matrices"),
    case("linalg.matmul", lambda m, a, b: m.linalg.matmul(a, b), [rand(2, 3, 4), rand(4, 2)], np.matmul),
    case("linalg.cross", lambda m, a, b: m.linalg.cross(a, b), [rand(2, 3), rand(1, 3)], np.cross),
    case("linalg.vecdot", lambda m, a, b: m.linalg.vecdot(a, b, dim=0), [rand(3, 2), rand(3, 1)], lambda a, b: (a * b).sum(0)),
    case("cdist", lambda m, a, b: m.cdist(a, b), [rand(3, 4), rand(5, 4)],
         lambda a, b: np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1))),
    case("cdist", lambda m, a, b: m.cdist(a, b, p=1), [rand(2, 3, 4), rand(2, 2, 4)],
         lambda a, b: np.abs(a[:, :, None] - b[:, None]).sum(-1), variant="p1_batched"),
    case("cdist", lambda m, a, b: m.cdist(a, b, p=3), [rand(3, 2), rand(2, 2)],
         lambda a, b: (np.abs(a[:, None] - b[None]) ** 3).sum(-1) ** (1 / 3), variant="p3"),
    # the matrix-product path: asked for, and PyTorch's default past 25 rows (batched, broadcast)
    case("cdist", lambda m, a, b: m.cdist(a, b, compute_mode="use_mm_for_euclid_dist"), [rand(3, 4), rand(5, 4)],
         lambda a, b: np.sqrt(((a[:, None] - b[None]) ** 2).sum(-1)), variant="mm"),
    case("cdist", lambda m, a, b: m.cdist(a, b), [rand(2, 26, 3), rand(1, 4, 3)],
         lambda a, b: np.sqrt(((a[:, :, None] - b[:, None]) ** 2).sum(-1)), variant="mm_past_25_rows"),
]

EINSUM = [
    case("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), [rand(2, 3), rand(3, 4)], lambda a, b: np.einsum("ij,jk->ik", a, b)),
    case("einsum", lambda m, a, b: m.einsum("bij,bjk->bik", a, b), [rand(2, 2, 3), rand(2, 3, 2)],
         lambda a, b: np.einsum("bij,bjk->bik", a, b), variant="batched"),
    case("einsum", lambda m, a, b: m.einsum("ij,jk", a, b), [rand(2, 3), rand(3, 4)], lambda a, b: a @ b, variant="implicit"),
    case("einsum", lambda m, a: m.einsum("ii->i", a), [rand(3, 3)], lambda a: np.einsum("ii->i", a), variant="diagonal"),
    case("einsum", lambda m, a: m.einsum("ii", a), [rand(3, 3)], np.trace, variant="trace"),
    case("einsum", lambda m, a: m.einsum("ijk->kj", a), [rand(2, 3, 4)], lambda a: np.einsum("ijk->kj", a), variant="sum_permute"),
    case("einsum", lambda m, a, b: m.einsum("i,j->ij", a, b), [rand(3), rand(2)], np.outer, variant="outer"),
    case("einsum", lambda m, a, b: m.einsum("ij,ij->ij", a, b), [rand(1, 3), rand(2, 3)], np.multiply, variant="broadcast"),
    case("einsum", lambda m, a, b: m.einsum("...ij,...jk", a, b), [rand(2, 1, 2, 3), rand(3, 3, 2)],
         lambda a, b: np.einsum("...ij,...jk", a, b), variant="ellipsis"),
    case("einsum", lambda m, a, b: m.einsum("i...,i->...", a, b), [rand(3, 2, 2), rand(3)],
         lambda a, b: np.einsum("i...,i->...", a, b), variant="ellipsis_out"),
    case("einsum", lambda m, a, b, c: m.einsum("ij,jk,kl->il", a, b, c), [rand(2, 3), rand(3, 4), rand(4, 2)],
         lambda a, b, c: a @ b @ c, variant="three"),
    case("einsum", lambda m, a, b: m.einsum("iij,jk->ik", a, b), [rand(3, 3, 2), rand(2, 4)],
         lambda a, b: np.einsum("iij,jk->ik", a, b), variant="diag_operand"),
    case("einsum", lambda m, a, b: m.einsum("ij,k->ik", a, b), [rand(2, 3), rand(4)],
         lambda a, b: np.einsum("ij,k->ik", a, b), variant="sum_own"),
    case("einsum", lambda m, a, b: m.einsum("ij,jk->", [a, b]), [rand(2, 3), rand(3, 4)],
         lambda a, b: np.einsum("ij,jk->", a, b), variant="list"),
    case("einsum", lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), [rand(2, 3), rand(3, 4)],
         lambda a, b: a @ b, variant="sublist"),
]

DECOMPOSITIONS = [
    case("inverse", lambda m, a: m.inverse(a), [dominant(3, 3)], np.linalg.inv),
    case("linalg.inv", lambda m, a: m.linalg.inv(a), [dominant(2, 3, 3)], np.linalg.inv),
    case("linalg.inv_ex", lambda m, a: m.linalg.inv_ex(a), [dominant(3, 3)],
         lambda a: (np.linalg.inv(a), np.zeros((), np.int32))),
    case("det", lambda m, a: m.det(a), [dominant(3, 3, shift=1)], np.linalg.det),
    case("linalg.det", lambda m, a: m.linalg.det(a), [dominant(2, 3, 3, shift=1)], np.linalg.det),
    case("logdet", lambda m, a: m.logdet(a), [dominant(2, 3, 3)], lambda a: np.linalg.slogdet(a)[1]),
    case("slogdet", lambda m, a: m.slogdet(a), [dominant(3, 3, shift=-3)], lambda a: tuple(np.linalg.slogdet(a))),
    case("linalg.slogdet", lambda m, a: m.linalg.slogdet(a), [dominant(2, 3, 3, shift=1)], lambda a: tuple(np.linalg.slogdet(a))),
    case("linalg.solve", lambda m, a, b: m.linalg.solve(a, b), [dominant(3, 3), rand(3, 2)], np.linalg.solve),
    case("linalg.solve", lambda m, a, b: m.linalg.solve(a, b), [dominant(2, 3, 3), rand(3)],
         lambda a, b: np.linalg.solve(a, b[:, None])[..., 0], variant="vector"),
    case("linalg.solve", lambda m, a, b: m.linalg.solve(a, b), [dominant(3, 3), rand(2, 3, 1)], np.linalg.solve, variant="broadcast"),
    case("linalg.solve", lambda m, a, b: m.linalg.solve(a, b, left=False), [dominant(3, 3), rand(2, 3)],
         lambda a, b: b @ np.linalg.inv(a), variant="right"),
    case("cholesky", quiet(lambda m, a: m.cholesky(spd(a))), [dominant(3, 3)], lambda a: np.linalg.cholesky(np_spd(a))),
    case("cholesky", quiet(lambda m, a: m.cholesky(spd(a), upper=True)), [dominant(2, 3, 3)],
         lambda a: np.swapaxes(np.linalg.cholesky(np_spd(a)), -1, -2), variant="upper"),
    case("linalg.cholesky", lambda m, a: m.linalg.cholesky(spd(a)), [dominant(2, 3, 3)], lambda a: np.linalg.cholesky(np_spd(a))),
    case("linalg.cholesky", lambda m, a: m.linalg.cholesky(spd(a), upper=True), [dominant(3, 3)],
         lambda a: np.linalg.cholesky(np_spd(a)).T, variant="upper"),
    case("qr", quiet(lambda m, a: m.qr(a)), [rand(4, 3)], lambda a: tuple(np.linalg.qr(a))),
    case("qr", quiet(lambda m, a: m.qr(a, some=False)), [rand(3, 4)], lambda a: tuple(np.linalg.qr(a, "complete")), variant="complete"),
    case("linalg.qr", lambda m, a: m.linalg.qr(a), [rand(2, 4, 3)], lambda a: tuple(np.linalg.qr(a))),
    case("linalg.qr", lambda m, a: m.linalg.qr(a), [rand(3, 5)], lambda a: tuple(np.linalg.qr(a)), variant="wide"),
    case("linalg.qr", lambda m, a: m.linalg.qr(a, mode="complete"), [rand(3, 3)], lambda a: tuple(np.linalg.qr(a, "complete")),
         variant="complete"),
    case("linalg.qr", lambda m, a: m.linalg.qr(a, mode="r").R, [rand(4, 3)], lambda a: np.linalg.qr(a, "r"), variant="r", **no_grad),
]

SPECTRAL = [
    case("svd", lambda m, a: svd_parts(m.svd(a), m), [rand(4, 3)],
         lambda a: (np.abs(np.linalg.svd(a, False)[0]), np.linalg.svd(a)[1], np.abs(np.linalg.svd(a)[2].T))),
    case("svd", lambda m, a: m.svd(a, some=False)[1], [rand(3, 4)], lambda a: np.linalg.svd(a)[1], variant="full"),
    case("svd", lambda m, a: m.svd(a, compute_uv=False), [rand(3, 4)],
         lambda a: (np.zeros((3, 3)), np.linalg.svd(a)[1], np.zeros((4, 4))), variant="no_uv"),
    case("linalg.svd", lambda m, a: svd_parts(m.linalg.svd(a, full_matrices=False), m), [rand(2, 3, 5)],
         lambda a: tuple(np.abs(x) for x in np.linalg.svd(a, False))),
    case("linalg.svd", lambda m, a: (lambda u, s, v: (u * s.unsqueeze(-2)) @ v)(*m.linalg.svd(a, full_matrices=False)),
         [rand(4, 3)], lambda a: a, variant="reconstruct"),
    # the extra rows of Vh are not determined by A: only the first k enter the loss
    case("linalg.svd", lambda m, a: (lambda u, s, v: (u.abs(), s, (m.eye(3, 4, dtype=a.dtype) @ v).abs()))(*m.linalg.svd(a)),
         [rand(3, 4)], lambda a: (np.abs(np.linalg.svd(a)[0]), np.linalg.svd(a)[1], np.abs(np.linalg.svd(a)[2][:3])),
         variant="full_matrices"),
    case("linalg.svdvals", lambda m, a: m.linalg.svdvals(a), [rand(2, 4, 3)], lambda a: np.linalg.svd(a)[1]),
    case("linalg.eigh", lambda m, a: (lambda w, v: (w, v.abs()))(*m.linalg.eigh(spd(a))), [rand(3, 3)],
         lambda a: (np.linalg.eigh(np_spd(a))[0], np.abs(np.linalg.eigh(np_spd(a))[1]))),
    case("linalg.eigh", lambda m, a: (lambda w, v: (v * w.exp().unsqueeze(-2)) @ v.mT)(*m.linalg.eigh(spd(a), UPLO="U")),
         [rand(2, 3, 3)], lambda a: (lambda w, v: (v * np.exp(w)[..., None, :]) @ np.swapaxes(v, -1, -2))(*np.linalg.eigh(np_spd(a))),
         variant="expm_upper"),
    case("linalg.eigvalsh", lambda m, a: m.linalg.eigvalsh(spd(a)), [rand(2, 3, 3)], lambda a: np.linalg.eigvalsh(np_spd(a))),
    case("pinverse", lambda m, a: m.pinverse(a), [rand(4, 3)], np.linalg.pinv),
    case("linalg.pinv", lambda m, a: m.linalg.pinv(a), [rand(2, 3, 5)], np.linalg.pinv),
    case("linalg.pinv", lambda m, a: m.linalg.pinv(spd(a), hermitian=True), [dominant(3, 3)],
         lambda a: np.linalg.pinv(np_spd(a)), variant="hermitian"),
    case("linalg.matrix_rank", lambda m, a: m.linalg.matrix_rank(a), [rand(2, 3, 4)], lambda a: np.linalg.matrix_rank(a), **no_grad),
    case("linalg.lstsq", lambda m, a, b: m.linalg.lstsq(a, b)[0], [rand(5, 3), rand(5, 2)],
         lambda a, b: np.linalg.lstsq(a, b, rcond=None)[0]),
    case("linalg.lstsq", lambda m, a, b: m.linalg.lstsq(a, b, driver="gelsd")[:2], [rand(5, 3), rand(5, 2)],
         lambda a, b: np.linalg.lstsq(a, b, rcond=None)[:2], variant="gelsd"),
    case("matrix_power", lambda m, a: m.matrix_power(a, 3), [rand(3, 3)], lambda a: np.linalg.matrix_power(a, 3)),
    case("matrix_power", lambda m, a: m.matrix_power(a, 5), [rand(2, 3, 3)], lambda a: np.linalg.matrix_power(a, 5), variant="5"),
    case("matrix_power", lambda m, a: m.matrix_power(a, 0), [rand(3, 3)], lambda a: np.eye(3), variant="0"),
    case("matrix_power", lambda m, a: m.matrix_power(a, 1), [rand(3, 3)], lambda a: a, variant="1"),
    case("matrix_power", lambda m, a: m.matrix_power(a, -2), [dominant(3, 3)], lambda a: np.linalg.matrix_power(a, -2), variant="neg"),
    case("linalg.matrix_power", lambda m, a: m.linalg.matrix_power(a, 2), [rand(3, 3)], lambda a: a @ a),
    case("matrix_exp", lambda m, a: m.matrix_exp(a), [rand(3, 3)], sla.expm),
    case("matrix_exp", lambda m, a: m.matrix_exp(a), [rand(2, 2, 2, low=-4, high=4)], lambda a: np.stack([sla.expm(x) for x in a]),
         variant="scaled"),
    case("linalg.matrix_exp", lambda m, a: m.linalg.matrix_exp(a), [rand(2, 2)], sla.expm),
    case("linalg.diagonal", lambda m, a: m.linalg.diagonal(a, offset=1), [rand(2, 3, 4)],
         lambda a: np.diagonal(a, 1, -2, -1)),
]

NORMS = [
    case("linalg.vector_norm", lambda m, a: m.linalg.vector_norm(a), [rand(3, 4)], lambda a: np.linalg.norm(a.ravel())),
    case("linalg.vector_norm", lambda m, a: m.linalg.vector_norm(a, 1, dim=-1, keepdim=True), [rand(3, 4)],
         lambda a: np.abs(a).sum(-1, keepdims=True), variant="l1"),
    case("linalg.vector_norm", lambda m, a: m.linalg.vector_norm(a, float("inf"), dim=(0, 2)), [rand(2, 3, 4)],
         lambda a: np.abs(a).max((0, 2)), variant="inf"),
    case("linalg.vector_norm", lambda m, a: m.linalg.vector_norm(a, -float("inf"), dim=0), [rand(3, 4)],
         lambda a: np.abs(a).min(0), variant="-inf"),
    case("linalg.vector_norm", lambda m, a: m.linalg.vector_norm(a, 3.5, dim=1), [rand(3, 4)],
         lambda a: (np.abs(a) ** 3.5).sum(1) ** (1 / 3.5), variant="p"),
    case("linalg.vector_norm", lambda m, a: m.linalg.vector_norm(a, 0), [rand(3, 4)], lambda a: np.count_nonzero(a) * 1.0, variant="0"),
    case("linalg.norm", lambda m, a: m.linalg.norm(a), [rand(2, 3, 4)], lambda a: np.linalg.norm(a.ravel())),
    case("linalg.norm", lambda m, a: m.linalg.norm(a, 1), [rand(4)], lambda a: np.abs(a).sum(), variant="vector"),
    case("linalg.norm", lambda m, a: m.linalg.norm(a, "nuc"), [rand(3, 4)], lambda a: np.linalg.norm(a, "nuc"), variant="nuc"),
    case("linalg.norm", lambda m, a: m.linalg.norm(a, float("inf"), dim=(0, 1)), [rand(3, 4, 2)],
         lambda a: np.abs(a).sum(1).max(0), variant="matrix_inf"),
    case("linalg.norm", lambda m, a: m.linalg.norm(a, 2, dim=-1, keepdim=True), [rand(3, 4)],
         lambda a: np.linalg.norm(a, axis=-1, keepdims=True), variant="dim"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a), [rand(2, 3, 4)], lambda a: np.linalg.norm(a, "fro", (-2, -1))),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, "nuc", keepdim=True), [rand(2, 3, 4)],
         lambda a: np.linalg.norm(a, "nuc", (-2, -1), keepdims=True), variant="nuc"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, 2, dim=(0, 2)), [rand(3, 2, 4)],
         lambda a: np.linalg.norm(a, 2, (0, 2)), variant="2"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, -2), [rand(3, 4)], lambda a: np.linalg.norm(a, -2), variant="-2"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, 1), [rand(2, 3, 4)], lambda a: np.linalg.norm(a, 1, (-2, -1)),
         variant="1"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, -1, keepdim=True), [rand(3, 4)],
         lambda a: np.linalg.norm(a, -1, keepdims=True), variant="-1"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, float("inf")), [rand(3, 4)],
         lambda a: np.linalg.norm(a, np.inf), variant="inf"),
    case("linalg.matrix_norm", lambda m, a: m.linalg.matrix_norm(a, -float("inf"), dim=(1, 0)), [rand(3, 4)],
         lambda a: np.linalg.norm(a.T, -np.inf), variant="-inf"),
]

CASES = PRODUCTS + EINSUM + DECOMPOSITIONS + SPECTRAL + NORMS
