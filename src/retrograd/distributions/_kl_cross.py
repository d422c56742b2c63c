"""KL divergences between different families (and ContinuousBernoulli with itself), PyTorch's pairs.

Each finite one is KL(p || q) = −H(p) + H(p, q): p's entropy and the cross-entropy
H(p, q) = −E_p[log q(x)], which for the families of q below needs only a few moments of p
(E x, Var x, E log x, E e^(−x/s)). Where p puts mass outside q's support, or the moments q
needs are infinite under p, the divergence is +inf.
"""

from __future__ import annotations

import math
from typing import Any

import retrograd as _rg
from retrograd import digamma, lgamma

from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .continuous_bernoulli import ContinuousBernoulli
from .distribution import Distribution
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .kl import register_kl
from .laplace import Laplace
from .lowrank_multivariate_normal import LowRankMultivariateNormal, lowrank_logdet, lowrank_mahalanobis
from .multivariate_normal import MultivariateNormal, _batch_mahalanobis, solve_lower
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .uniform import Uniform
from .utils import euler_constant

__all__: list[str] = []

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _inf_where(mask: Any, value: Any) -> Any:
    return _rg.where(mask, _rg.full_like(value, math.inf), value)


# --- cross-entropies H(p, q) = −E_p[log q(x)] from p's moments, one per family of q -------------


def _ce_normal(mean: Any, var: Any, q: Normal) -> Any:
    """½ log 2πσ² + (Var x + (E x − μ)²) / 2σ²."""
    return _HALF_LOG_2PI + q.scale.log() + (var + (mean - q.loc).pow(2)) / (2 * q.scale.pow(2))


def _ce_exponential(mean: Any, q: Exponential) -> Any:
    """−log λ + λ E x."""
    return q.rate * mean - q.rate.log()


def _ce_gamma(mean: Any, mean_log: Any, q: Gamma) -> Any:
    """log Γ(α) − α log β − (α − 1) E log x + β E x."""
    a, b = q.concentration, q.rate
    return lgamma(a) - a * b.log() - (a - 1) * mean_log + b * mean


def _ce_gumbel(mean: Any, exp_term: Any, q: Gumbel) -> Any:
    """log s + (E x − μ)/s + E e^((μ − x)/s); `exp_term` is that last expectation."""
    return q.scale.log() + (mean - q.loc) / q.scale + exp_term


def _ce_beta(mean_log: Any, mean_log1m: Any, q: Beta) -> Any:
    """log B(a, b) − (a − 1) E log x − (b − 1) E log(1 − x)."""
    a, b = q.concentration1, q.concentration0
    log_beta = lgamma(a) + lgamma(b) - lgamma(a + b)
    return log_beta - (a - 1) * mean_log - (b - 1) * mean_log1m


def _ce_continuous_bernoulli(mean: Any, q: ContinuousBernoulli) -> Any:
    """−(E x · logit λ + log(1 − λ) + log C(λ))."""
    return -(mean * q.logits + _rg.log1p(-q.probs) + q._cont_bern_log_norm())


def _ce_pareto(mean_log: Any, q: Pareto) -> Any:
    """−log α − α log x_m + (α + 1) E log x."""
    return -q.alpha.log() - q.alpha * q.scale.log() + (q.alpha + 1) * mean_log


def _kl_infinite(p: Distribution, q: Distribution) -> Any:
    """+inf of p's batch shape: p puts mass where q has none."""
    return _rg.full_like(p.mean.detach(), math.inf)


for _p, _qs in [
    (Beta, [Pareto]),
    (ContinuousBernoulli, [Pareto]),
    (Exponential, [Beta, ContinuousBernoulli, Pareto, Uniform]),
    (Gamma, [Beta, ContinuousBernoulli, Pareto, Uniform]),
    (Gumbel, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]),
    (Laplace, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]),
    (Normal, [Beta, ContinuousBernoulli, Exponential, Gamma, Pareto, Uniform]),
    (Pareto, [Beta, ContinuousBernoulli, Uniform]),
    (Poisson, [Bernoulli, Binomial]),
]:
    for _q in _qs:
        register_kl(_p, _q)(_kl_infinite)


# --- p on [0, 1]: Beta and ContinuousBernoulli ----------------------------------------------------


@register_kl(ContinuousBernoulli, ContinuousBernoulli)
def _kl_continuous_bernoulli_continuous_bernoulli(p: ContinuousBernoulli, q: ContinuousBernoulli) -> Any:
    # E x (logit λp − logit λq) + log C(λp) + log(1 − λp) − log C(λq) − log(1 − λq): PyTorch's
    # grouping, which −H(p) + H(p, q) equals only up to float32 rounding (and far from it where
    # the clamped probabilities of large logits cancel)
    t1 = p.mean * (p.logits - q.logits)
    t2 = p._cont_bern_log_norm() + _rg.log1p(-p.probs)
    t3 = -q._cont_bern_log_norm() - _rg.log1p(-q.probs)
    return t1 + t2 + t3


@register_kl(Beta, ContinuousBernoulli)
def _kl_beta_continuous_bernoulli(p: Beta, q: ContinuousBernoulli) -> Any:
    return -p.entropy() + _ce_continuous_bernoulli(p.mean, q)


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p: Beta, q: Exponential) -> Any:
    return -p.entropy() + _ce_exponential(p.mean, q)


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p: Beta, q: Gamma) -> Any:
    # E log x = ψ(a) − ψ(a + b) under Beta(a, b)
    mean_log = digamma(p.concentration1) - digamma(p.concentration1 + p.concentration0)
    return -p.entropy() + _ce_gamma(p.mean, mean_log, q)


@register_kl(Beta, Normal)
def _kl_beta_normal(p: Beta, q: Normal) -> Any:
    return -p.entropy() + _ce_normal(p.mean, p.variance, q)


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p: Beta, q: Uniform) -> Any:
    return _inf_where((q.low > 0) | (q.high < 1), -p.entropy() + (q.high - q.low).log())


@register_kl(ContinuousBernoulli, Exponential)
def _kl_continuous_bernoulli_exponential(p: ContinuousBernoulli, q: Exponential) -> Any:
    return -p.entropy() + _ce_exponential(p.mean, q)


@register_kl(ContinuousBernoulli, Normal)
def _kl_continuous_bernoulli_normal(p: ContinuousBernoulli, q: Normal) -> Any:
    return -p.entropy() + _ce_normal(p.mean, p.variance, q)


@register_kl(ContinuousBernoulli, Uniform)
def _kl_continuous_bernoulli_uniform(p: ContinuousBernoulli, q: Uniform) -> Any:
    # finite when [0, 1] ⊆ [low, high] (PyTorch also says inf when low = 0 or high = 1)
    return _inf_where((q.low > 0) | (q.high < 1), -p.entropy() + (q.high - q.low).log())


# --- p on [0, ∞): Exponential, Gamma, Pareto --------------------------------------------------


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p: Exponential, q: Gamma) -> Any:
    mean_log = -euler_constant - p.rate.log()  # E log x = ψ(1) − log λ
    return -p.entropy() + _ce_gamma(p.mean, mean_log, q)


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p: Exponential, q: Gumbel) -> Any:
    rs = p.rate * q.scale  # E e^(−x/s) = λs / (λs + 1)
    return -p.entropy() + _ce_gumbel(p.mean, _rg.exp(q.loc / q.scale) * rs / (rs + 1), q)


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p: Gamma, q: Exponential) -> Any:
    return -p.entropy() + _ce_exponential(p.mean, q)


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p: Gamma, q: Gumbel) -> Any:
    # E e^(−x/s) = (1 + 1/(βs))^(−α) under Gamma(α, β)
    log_mgf = -p.concentration * _rg.log1p((p.rate * q.scale).reciprocal())
    return -p.entropy() + _ce_gumbel(p.mean, _rg.exp(q.loc / q.scale + log_mgf), q)


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p: Gamma, q: Normal) -> Any:
    return -p.entropy() + _ce_normal(p.mean, p.variance, q)


def _pareto_mean_log(p: Pareto) -> Any:
    return p.scale.log() + p.alpha.reciprocal()  # E log x = log x_m + 1/α


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p: Pareto, q: Exponential) -> Any:
    mean = p.alpha * p.scale / (p.alpha - 1)
    return _inf_where(p.alpha <= 1, -p.entropy() + _ce_exponential(mean, q))


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p: Pareto, q: Gamma) -> Any:
    mean = p.alpha * p.scale / (p.alpha - 1)
    return _inf_where(p.alpha <= 1, -p.entropy() + _ce_gamma(mean, _pareto_mean_log(p), q))


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p: Pareto, q: Normal) -> Any:
    a, xm = p.alpha, p.scale
    mean = a * xm / (a - 1)
    var = xm.pow(2) * a / ((a - 1).pow(2) * (a - 2))
    return _inf_where(a <= 2, -p.entropy() + _ce_normal(mean, var, q))


# --- p on ℝ: Gumbel, Laplace, Normal ----------------------------------------------------------------


@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p: Gumbel, q: Normal) -> Any:
    mean = p.loc + p.scale * euler_constant
    var = (math.pi * p.scale).pow(2) / 6
    return -p.entropy() + _ce_normal(mean, var, q)


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p: Laplace, q: Normal) -> Any:
    return -p.entropy() + _ce_normal(p.loc, 2 * p.scale.pow(2), q)


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p: Normal, q: Gumbel) -> Any:
    # E e^((μ_q − x)/s) = exp((μ_q − μ_p)/s + σ²/2s²) under N(μ_p, σ²)
    exp_term = _rg.exp((q.loc - p.loc) / q.scale + 0.5 * (p.scale / q.scale).pow(2))
    return -p.entropy() + _ce_gumbel(p.loc, exp_term, q)


# --- p uniform on [l, h] ---------------------------------------------------------------------------


def _uniform_mean_log(low: Any, high: Any) -> Any:
    """E log x = (h log h − l log l)/(h − l) − 1, for 0 <= l < h (x log x = 0 at 0)."""
    return (_rg.xlogy(high, high) - _rg.xlogy(low, low)) / (high - low) - 1


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p: Uniform, q: Beta) -> Any:
    mean_log = _uniform_mean_log(p.low, p.high)
    mean_log1m = _uniform_mean_log(1 - p.high, 1 - p.low)  # 1 − x is uniform on [1 − h, 1 − l]
    result = -p.entropy() + _ce_beta(mean_log, mean_log1m, q)
    return _inf_where((p.high > 1) | (p.low < 0), result)


@register_kl(Uniform, ContinuousBernoulli)
def _kl_uniform_continuous_bernoulli(p: Uniform, q: ContinuousBernoulli) -> Any:
    # finite when [low, high] ⊆ [0, 1] (PyTorch also says inf when low = 0 or high = 1)
    result = -p.entropy() + _ce_continuous_bernoulli(p.mean, q)
    return _inf_where((p.high > 1) | (p.low < 0), result)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p: Uniform, q: Gamma) -> Any:
    result = -p.entropy() + _ce_gamma(p.mean, _uniform_mean_log(p.low, p.high), q)
    return _inf_where(p.low < 0, result)


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p: Uniform, q: Gumbel) -> Any:
    # E e^((μ − x)/s) = s (e^((μ − l)/s) − e^((μ − h)/s)) / (h − l)
    s = q.scale
    exp_term = s * (_rg.exp((q.loc - p.low) / s) - _rg.exp((q.loc - p.high) / s)) / (p.high - p.low)
    return -p.entropy() + _ce_gumbel(p.mean, exp_term, q)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p: Uniform, q: Pareto) -> Any:
    result = -p.entropy() + _ce_pareto(_uniform_mean_log(p.low, p.high), q)
    return _inf_where(p.low < q.scale, result)


# --- discrete ---------------------------------------------------------------------------------


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p: Bernoulli, q: Poisson) -> Any:
    # −E log q(x) = λ − E x log λ + E log x! (= 0 on {0, 1})
    return -p.entropy() + q.rate - p.probs * q.rate.log()


# --- Gaussians with low-rank covariances --------------------------------------------------------
# KL = ½ (log|Σq| − log|Σp| + tr(Σq⁻¹ Σp) + (μq − μp)ᵀ Σq⁻¹ (μq − μp) − K). With Σp = S Sᵀ,
# tr(Σq⁻¹ Σp) is the sum of the Mahalanobis norms of S's columns.

Gaussian = MultivariateNormal | LowRankMultivariateNormal


def _factor_and_logdet(p: Gaussian) -> tuple[Any, Any]:
    """S with Σ = S Sᵀ, shape (..., K, k), and log|Σ|."""
    if isinstance(p, MultivariateNormal):
        L = p._unbroadcasted_scale_tril
        return L, 2 * L.diagonal(dim1=-2, dim2=-1).log().sum(-1)
    W, D = p._unbroadcasted_cov_factor, p._unbroadcasted_cov_diag
    batch = _rg.broadcast_shapes(W.shape[:-2], D.shape[:-1])
    S = _rg.cat([W.expand(batch + W.shape[-2:]), _rg.diag_embed(D.sqrt()).expand(batch + D.shape[-1:] * 2)], -1)
    return S, lowrank_logdet(W, D, p._capacitance_tril)


def _kl_gaussian(p: Gaussian, q: Gaussian) -> Any:
    if p.event_shape != q.event_shape:
        raise ValueError(
            "KL-divergence between two (Low Rank) Multivariate Normals with different event shapes cannot be computed"
        )
    S, logdet_p = _factor_and_logdet(p)
    diff = q.loc - p.loc
    if isinstance(q, MultivariateNormal):
        Lq = q._unbroadcasted_scale_tril
        logdet_q = 2 * Lq.diagonal(dim1=-2, dim2=-1).log().sum(-1)
        trace = solve_lower(Lq, S).pow(2).sum((-2, -1))  # ‖Lq⁻¹ S‖²_F
        mahalanobis = _batch_mahalanobis(Lq, diff)
    else:
        W, D, C = q._unbroadcasted_cov_factor, q._unbroadcasted_cov_diag, q._capacitance_tril
        logdet_q = lowrank_logdet(W, D, C)
        trace = lowrank_mahalanobis(W.unsqueeze(-3), D.unsqueeze(-2), S.mT, C.unsqueeze(-3)).sum(-1)
        mahalanobis = lowrank_mahalanobis(W, D, diff, C)
    return 0.5 * (logdet_q - logdet_p + trace + mahalanobis - p.event_shape[0])


register_kl(LowRankMultivariateNormal, LowRankMultivariateNormal)(_kl_gaussian)
register_kl(LowRankMultivariateNormal, MultivariateNormal)(_kl_gaussian)
register_kl(MultivariateNormal, LowRankMultivariateNormal)(_kl_gaussian)
