"""The LOBPCG iteration for one matrix: PyTorch's `torch._lobpcg.LOBPCG` worker, step by step.

Knyazev's locally optimal block preconditioned conjugate gradient finds the n extreme
eigenpairs of A x = λ B x. Each step runs Rayleigh-Ritz on the basis S = [X, P, W] (the Ritz
vectors, the previous directions, the preconditioned residuals), keeps the converged leading
pairs fixed, and rebuilds S. The 'basic' method orthonormalises S through a Cholesky-based
Rayleigh-Ritz transform; 'ortho' (Stathopoulos and Wu's SVQB orthogonalisation, Duersch et
al. 2018) keeps S B-orthonormal and is sturdier. The worker's state lives in the same dicts
as PyTorch's (`ivars`, `fvars`, `bvars`, `tvars`, `E`, `X`, `R`, `S`), so a `tracker`
callback reads what it reads under PyTorch.
"""

from __future__ import annotations

from typing import Any

from ._linalg_utils import basis, matmul, qform, symeig
from .linalg import cholesky, solve_triangular
from .ops import eye, norm, where, zeros
from .tensor import Tensor

__all__ = ["LOBPCG"]


class LOBPCG:
    """The state and steps of one LOBPCG run on a single (m, m) matrix A (B the identity when None)."""

    def __init__(self, A: Tensor, B: Tensor | None, X: Tensor, iK: Tensor | None, iparams: dict[str, int],
                 fparams: dict[str, float], bparams: dict[str, bool], method: str, tracker: Any) -> None:
        self.A, self.B, self.iK = A, B, iK
        self.iparams, self.fparams, self.bparams = iparams, fparams, bparams
        self.method, self.tracker = method, tracker
        m, n = iparams["m"], iparams["n"]
        self.X = X
        self.E = zeros((n,), dtype=X.dtype, device=X.device)
        self.R = zeros((m, n), dtype=X.dtype, device=X.device)
        self.S = zeros((m, 3 * n), dtype=X.dtype, device=X.device)
        self.tvars: dict[str, Tensor] = {}
        self.ivars: dict[str, int] = {"istep": 0}
        self.fvars: dict[str, float] = {"_": 0.0}
        self.bvars: dict[str, bool] = {"_": False}

    def __str__(self) -> str:
        names = ("iparams", "fparams", "bparams", "ivars", "fvars", "bvars", "tvars", "A", "B", "iK", "X", "E")
        return "LOBPCG:\n" + "".join(f"  {name}={getattr(self, name)}\n" for name in names)

    def run(self) -> None:
        """Step until k pairs converge, niter steps are done, or a tracker sets bvars['force_stop']."""
        self.update()
        self._track()
        while not self.stop_iteration():
            self.update()
            self._track()

    def _track(self) -> None:
        if self.tracker is not None:
            self.tracker(self)

    def stop_iteration(self) -> bool:
        """Whether the run is done."""
        return (self.bvars.get("force_stop", False) or self.ivars["iterations_left"] == 0
                or self.ivars["converged_count"] >= self.iparams["k"])

    def update(self) -> None:
        """One step; the first also records the norms the convergence test scales by."""
        if self.ivars["istep"] == 0:
            X_norm = float(norm(self.X))
            iX_norm = X_norm ** (-1)
            self.fvars["X_norm"] = X_norm
            self.fvars["A_norm"] = float(norm(matmul(self.A, self.X))) * iX_norm
            self.fvars["B_norm"] = float(norm(matmul(self.B, self.X))) * iX_norm
            self.ivars["iterations_left"] = self.iparams["niter"]
            self.ivars["converged_count"] = 0
            self.ivars["converged_end"] = 0
        if self.method == "ortho":
            self._update_ortho()
        else:
            self._update_basic()
        self.ivars["iterations_left"] -= 1
        self.ivars["istep"] += 1

    def update_residual(self) -> None:
        """R = A X - B X diag(E)."""
        self.R = matmul(self.A, self.X) - matmul(self.B, self.X) * self.E

    def update_converged_count(self) -> int:
        """The number of leading pairs whose relative residual is below tol (it never decreases)."""
        prev_count = self.ivars["converged_count"]
        E, X, R = self.E, self.X, self.R
        scale = self.fvars["A_norm"] + E[: X.shape[-1]].abs() * self.fvars["B_norm"]
        rerr = norm(R, 2, (0,)) / (norm(X, 2, (0,)) * scale)
        count = 0
        for converged in (rerr < self.fparams["tol"]).tolist():
            if not converged:
                break
            count += 1
        if count < prev_count:
            raise AssertionError(
                f"the number of converged eigenpairs (was {prev_count}, got {count}) cannot decrease"
            )
        self.ivars["converged_count"] = count
        self.tvars["rerr"] = rerr
        return count

    def _first_step(self, keep_eigenvalues: bool) -> Tensor:
        """Rayleigh-Ritz on the initial X; returns its residual block for the caller to extend S with."""
        Ri = self._get_rayleigh_ritz_transform(self.X)
        E, Z = symeig(qform(qform(self.A, self.X), Ri), self.bparams["largest"])
        if keep_eigenvalues:  # 'basic' writes X and E in place; 'ortho' rebinds X and leaves E at zero
            self.X[:] = self.X.matmul(Ri.matmul(Z))
            self.E[:] = E
        else:
            self.X = self.X.matmul(Ri.matmul(Z))
        self.update_residual()
        self.update_converged_count()
        self._store_directions(self.iparams["n"], None)
        return self.R

    def _store_directions(self, n: int, P: Tensor | None) -> int:
        """S[:, :n + np] = [X, P]; returns np, the number of columns of P."""
        np = 0 if P is None else P.shape[-1]
        self.S[:, :n] = self.X
        if P is not None:
            self.S[:, n : n + np] = P
        return np

    def _store_residuals(self, start: int, W: Tensor) -> None:
        """S[:, start:] = W, the (preconditioned or orthonormalised) residuals; converged_end marks their end."""
        ns = self.ivars["converged_end"] = start + W.shape[-1]
        self.S[:, start:ns] = W

    def _update_basic(self) -> None:
        """A step of the 'basic' method: Rayleigh-Ritz through a Cholesky-based transform of S."""
        ns, nc, n = self.ivars["converged_end"], self.ivars["converged_count"], self.iparams["n"]
        if self.ivars["istep"] == 0:
            self._first_step(keep_eigenvalues=True)
            self._store_residuals(n, matmul(self.iK, self.R))
            return
        S_ = self.S[:, nc:ns]
        Ri = self._get_rayleigh_ritz_transform(S_)
        E_, Z = symeig(qform(qform(self.A, S_), Ri), self.bparams["largest"])
        self.X[:, nc:] = S_.matmul(Ri.matmul(Z[:, : n - nc]))
        self.E[nc:] = E_[: n - nc]
        P = S_.matmul(Ri.matmul(Z[:, n : 2 * n - nc]))
        self.update_residual()
        nc = self.update_converged_count()
        np = self._store_directions(n, P)
        self._store_residuals(n + np, matmul(self.iK, self.R[:, nc:]))

    def _update_ortho(self) -> None:
        """A step of the 'ortho' method: S kept B-orthonormal, so Rayleigh-Ritz is a plain eigh."""
        ns, nc, n = self.ivars["converged_end"], self.ivars["converged_count"], self.iparams["n"]
        if self.ivars["istep"] == 0:
            R = self._first_step(keep_eigenvalues=False)
            self._store_residuals(n, self._get_ortho(R, self.X))
            return
        S_ = self.S[:, nc:ns]
        E_, Z = symeig(qform(self.A, S_), self.bparams["largest"])
        self.X[:, nc:] = S_.matmul(Z[:, : n - nc])
        self.E[nc:] = E_[: n - nc]
        P = S_.matmul(Z[:, n - nc :].matmul(basis(Z[: n - nc, n - nc :].mT)))
        self.update_residual()
        nc = self.update_converged_count()
        np = self._store_directions(n, P)
        self._store_residuals(n + np, self._get_ortho(self.R[:, nc:], self.S[:, : n + np]))

    def _get_rayleigh_ritz_transform(self, S: Tensor) -> Tensor:
        """Ri with Riᵀ (Sᵀ B S) Ri = I, from the Cholesky factor of the diagonally scaled Sᵀ B S."""
        SBS = qform(self.B, S)
        d_row = SBS.diagonal(0, -2, -1) ** (-0.5)
        d_col = d_row.reshape(d_row.shape[0], 1)
        R = cholesky(SBS * d_row * d_col, upper=True)
        return solve_triangular(R, d_row.diag_embed(), upper=True, left=False)

    def _get_svqb(self, U: Tensor, drop: bool, tau: float) -> Tensor:
        """U's columns B-orthonormalised by SVQB; eigen-directions below tau·max are dropped, or lifted to it."""
        if U.numel() == 0:
            return U
        UBU = qform(self.B, U)
        d = UBU.diagonal(0, -2, -1)
        nz = where(d.abs() != 0.0)[0]
        if len(nz) < len(d):  # zero columns cannot be scaled: drop them
            U = U[:, nz]
            if U.numel() == 0:
                return U
            UBU = qform(self.B, U)
            d = UBU.diagonal(0, -2, -1)
        d_col = (d ** (-0.5)).reshape(d.shape[0], 1)
        E, Z = symeig(UBU * d_col * d_col.mT)
        t = tau * E.abs().max()
        if drop:
            keep = where(E > t)[0]
            E, Z, d_col = E[keep], Z[:, keep], d_col[keep]
        else:
            E[where(E < t)[0]] = t
        return (U * d_col.mT).matmul(Z * E ** (-0.5))

    def _get_ortho(self, U: Tensor, V: Tensor) -> Tensor:
        """U B-orthonormalised against itself and against the B-orthonormal V (Duersch et al., Alg. 3)."""
        tau_ortho, tau_drop = self.fparams["ortho_tol"], self.fparams["ortho_tol_drop"]
        tau_replace, use_drop = self.fparams["ortho_tol_replace"], self.bparams["ortho_use_drop"]
        for key in [key for key in self.fvars if key.startswith("ortho_") and key.endswith("_rerr")]:
            self.fvars.pop(key)
        self.ivars.pop("ortho_i", 0)
        self.ivars.pop("ortho_j", 0)
        BV_norm = norm(matmul(self.B, V))
        BU = matmul(self.B, U)
        VBU = V.mT.matmul(BU)
        i = j = 0
        for i in range(self.iparams["ortho_i_max"]):
            U = U - V.matmul(VBU)
            drop, tau_svqb = False, tau_drop
            for j in range(self.iparams["ortho_j_max"]):
                if use_drop:
                    U = self._get_svqb(U, drop, tau_svqb)
                    drop, tau_svqb = True, tau_replace
                else:
                    U = self._get_svqb(U, False, tau_replace)
                if U.numel() == 0:
                    self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
                    return U
                BU = matmul(self.B, U)
                UBU = U.mT.matmul(BU)
                R = UBU - eye(UBU.shape[-1], device=UBU.device, dtype=UBU.dtype)
                rerr = float(norm(R)) * float(norm(BU) * norm(U)) ** (-1)
                self.fvars[f"ortho_UBUmI_rerr[{i}, {j}]"] = rerr
                if rerr < tau_ortho:
                    break
            VBU = V.mT.matmul(BU)
            rerr = float(norm(VBU)) * float(BV_norm * norm(U)) ** (-1)
            self.fvars[f"ortho_VBU_rerr[{i}]"] = rerr
            if rerr < tau_ortho:
                break
            if self.iparams["m"] < U.shape[-1] + V.shape[-1]:
                if self.B is None:
                    raise AssertionError("B must not be None")
                raise ValueError(
                    f"Overdetermined shape of U: #B-cols(={self.B.shape[-1]}) >= #U-cols(={U.shape[-1]}) + "
                    f"#V-cols(={V.shape[-1]}) must hold"
                )
        self.ivars["ortho_i"], self.ivars["ortho_j"] = i, j
        return U
