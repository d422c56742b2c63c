"""The strong-Wolfe line search of `LBFGS(line_search_fn="strong_wolfe")`, with cubic interpolation.

Along a direction d from the current point, find a step t whose loss f(t) and
directional derivative f'(t) = g(t)·d satisfy the strong Wolfe conditions

    f(t) <= f(0) + c1·t·f'(0)        (sufficient decrease)
    |f'(t)| <= -c2·f'(0)              (curvature)

First grow t until a bracket [lo, hi] holds such a point, then shrink the bracket
("zoom") by the minimiser of the cubic through both ends, kept away from the ends.
This is the algorithm of Nocedal & Wright (Algorithms 3.5 and 3.6) in the order of
operations PyTorch uses, so float64 trajectories agree with PyTorch's to rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..tensor import Tensor

__all__ = ["cubic_minimum", "strong_wolfe"]

# evaluate(t) -> (loss, flat gradient) at the point x + t·d (the parameters are put back afterwards)
Evaluate = Callable[[Any], tuple[float, Tensor]]


def cubic_minimum(x1: Any, f1: Any, g1: Any, x2: Any, f2: Any, g2: Any, bounds: tuple | None = None) -> Any:
    """Minimiser of the cubic with values f1, f2 and slopes g1, g2 at x1, x2, clipped to `bounds`.

    `bounds` defaults to the interval between x1 and x2; without a real minimiser, its midpoint.
    """
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if not d2_square >= 0:  # no real minimiser (NaN included)
        return (lo + hi) / 2.0
    d2 = d2_square.sqrt()
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, lo), hi)


class _Bracket:
    """Steps with their losses, gradients and directional derivatives: one point (done) or an interval."""

    def __init__(self, t: list, f: list, g: list, gtd: list) -> None:
        self.t, self.f, self.g, self.gtd = t, f, g, gtd

    def ends(self) -> tuple[int, int]:
        """(low, high): the index of the end with the smaller loss first."""
        return (0, 1) if self.f[0] <= self.f[-1] else (1, 0)

    def set(self, i: int, t: Any, f: float, g: Tensor, gtd: Any) -> None:
        self.t[i], self.f[i], self.g[i], self.gtd[i] = t, f, g, gtd


def strong_wolfe(evaluate: Evaluate, t: Any, d: Tensor, f: float, g: Tensor, gtd: Any, c1: float = 1e-4,
                 c2: float = 0.9, tolerance_change: float = 1e-9, max_ls: int = 25) -> tuple[float, Tensor, Any, int]:
    """Search from step `t` along `d` (loss f, gradient g, g·d = gtd at t = 0).

    Returns the loss and gradient at the step found, the step and the number of evaluations.
    """
    d_norm = d.abs().max()
    g = g.clone()
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = g_new.dot(d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    bracket = None
    while ls_iter < max_ls:  # grow the step until an interval holds a point that satisfies the conditions
        too_high = f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev)
        if not too_high and abs(gtd_new) <= -c2 * gtd:
            bracket, done = _Bracket([t], [f_new], [g_new], [gtd_new]), True
            break
        if too_high or gtd_new >= 0:  # the interval from the previous step holds a point
            bracket = _Bracket([t_prev, t], [f_prev, f_new], [g_prev, g_new.clone()], [gtd_prev, gtd_new])
            break
        bounds = (t + 0.01 * (t - t_prev), t * 10)
        t_prev, t = t, cubic_minimum(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=bounds)
        f_prev, g_prev, gtd_prev = f_new, g_new.clone(), gtd_new
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket = _Bracket([0, t], [f, f_new], [g, g_new], [gtd, gtd_new])
    assert bracket is not None
    if not done:
        evals += _zoom(evaluate, bracket, d, d_norm, f, gtd, c1, c2, tolerance_change, max_ls - ls_iter)
    low = bracket.ends()[0] if len(bracket.t) > 1 else 0
    return bracket.f[low], bracket.g[low], bracket.t[low], evals


def _zoom(evaluate: Evaluate, bracket: _Bracket, d: Tensor, d_norm: Tensor, f: float, gtd: Any, c1: float,
          c2: float, tolerance_change: float, budget: int) -> int:
    """Shrink `bracket` (in place) until its low end satisfies the conditions; returns the evaluations made."""
    evals = 0
    insufficient = False  # the last trial landed too near an end
    low, high = bracket.ends()
    while evals < budget:
        ts = bracket.t
        if abs(ts[1] - ts[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(ts[0], bracket.f[0], bracket.gtd[0], ts[1], bracket.f[1], bracket.gtd[1])
        t, insufficient = _away_from_ends(t, ts, insufficient)
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = g_new.dot(d)
        if f_new > (f + c1 * t * gtd) or f_new >= bracket.f[low]:  # not low enough: t is the new high end
            bracket.set(high, t, f_new, g_new.clone(), gtd_new)
            low, high = bracket.ends()
            continue
        if abs(gtd_new) <= -c2 * gtd:
            bracket.set(low, t, f_new, g_new.clone(), gtd_new)
            return evals
        if gtd_new * (ts[high] - ts[low]) >= 0:  # the minimum lies beyond the old low end
            bracket.set(high, ts[low], bracket.f[low], bracket.g[low], bracket.gtd[low])
        bracket.set(low, t, f_new, g_new.clone(), gtd_new)
    return evals


def _away_from_ends(t: Any, ts: list, insufficient: bool) -> tuple[Any, bool]:
    """Keep a trial step at least a tenth of the interval from its ends (after one near miss)."""
    top, bottom = max(ts), min(ts)
    eps = 0.1 * (top - bottom)
    if min(top - t, t - bottom) >= eps:
        return t, False
    if not (insufficient or t >= top or t <= bottom):
        return t, True
    return (top - eps if abs(t - top) < abs(t - bottom) else bottom + eps), False
