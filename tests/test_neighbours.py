"""Neighbouring threads: distillation from synthetic inputs and unlearning (the book's own illustrations)."""

import numpy as np
import pytest

from collapse_utils import distillation as dist
from collapse_utils import unlearning as un


# ---------------------------------------------------------------- distillation
def test_teacher_gradient_matches_finite_differences():
    teacher = dist.default_teacher()
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, size=(8, 2))
    y = np.arange(8) % teacher.classes
    eps = 1e-6
    numeric = np.column_stack([
        (np.log(teacher.probs(x + e)[np.arange(8), y]) - np.log(teacher.probs(x - e)[np.arange(8), y])) / (2 * eps)
        for e in (np.array([eps, 0.0]), np.array([0.0, eps]))
    ])
    np.testing.assert_allclose(teacher.grad_log_prob(x, y), numeric, atol=1e-6)


def test_inversion_shapes_and_domain():
    x, y = dist.invert(dist.default_teacher(), 25, diversity=2.0, batch=10, seed=1)
    assert x.shape == (25, 2) and y.shape == (25,)
    assert np.all(np.abs(x) <= dist.BOX)


def test_diversity_spreads_points_and_improves_the_student():
    """Fixed seeds 0..5, budget 120: the diverse student agrees with the teacher on more of the plane.

    Tolerance: the mean gain over six seeds was 0.026 with a seed-to-seed standard error
    of 0.0024 when this was written; the test asks for more than 0.01, six standard errors
    below. The occupied-cell count must at least double. A broken repulsion term (sign,
    scale) fails both.
    """
    teacher = dist.default_teacher()
    gains, spread = [], []
    for seed in range(6):
        plain_x, _ = dist.invert(teacher, 120, diversity=0.0, seed=seed)
        div_x, _ = dist.invert(teacher, 120, diversity=3.0, seed=seed)
        plain = dist.agreement(teacher, dist.train_student(plain_x, teacher.probs(plain_x)))
        diverse = dist.agreement(teacher, dist.train_student(div_x, teacher.probs(div_x)))
        gains.append(diverse - plain)
        spread.append(dist.occupancy(div_x)[0] / dist.occupancy(plain_x)[0])
    assert np.mean(gains) > 0.01
    assert np.min(spread) >= 2


def test_student_learns_teacher_from_dense_data():
    teacher = dist.default_teacher()
    x = dist.grid_points(25)
    assert dist.agreement(teacher, dist.train_student(x, teacher.probs(x), iterations=1500)) > 0.95


@pytest.mark.parametrize(
    "kwargs, match",
    [(dict(budget=0), "budget"), (dict(diversity=-1.0), "diversity"), (dict(steps=-1), "steps"),
     (dict(step_size=0.0), "step_size"), (dict(batch=0), "batch")],
)
def test_inversion_bad_input(kwargs, match):
    args = dict(budget=10)
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        dist.invert(dist.default_teacher(), **args)


def test_student_bad_input():
    with pytest.raises(ValueError, match="x must have shape"):
        dist.train_student(np.zeros((3, 3)), np.ones((3, 3)) / 3)
    with pytest.raises(ValueError, match="soft_labels"):
        dist.train_student(np.zeros((3, 2)), np.ones((2, 3)) / 3)


# ---------------------------------------------------------------- unlearning
def test_exact_unlearning_equals_retraining_on_the_remaining_counts():
    rng = np.random.default_rng(4)
    alpha = np.ones(6)
    real = rng.multinomial(200, np.full(6, 1 / 6))
    synthetic = rng.multinomial(150, [0.9, 0.1, 0, 0, 0, 0])
    erased = rng.multivariate_hypergeometric(synthetic, 100)
    after = un.unlearn_counts(un.dirichlet_posterior(alpha, real + synthetic), erased, alpha)
    np.testing.assert_array_equal(after, un.dirichlet_posterior(alpha, real + synthetic - erased))


def test_unlearning_more_than_was_seen_is_refused():
    alpha = np.ones(3)
    with pytest.raises(ValueError, match="erased"):
        un.unlearn_counts(un.dirichlet_posterior(alpha, [1, 2, 3]), [2, 0, 0], alpha)
    with pytest.raises(ValueError, match="alpha"):
        un.dirichlet_posterior([0, 1, 1], [1, 1, 1])


def test_eubo_minimiser_is_exact_when_the_family_contains_the_posterior():
    """Gaussian mean, unit noise, N(0, 1) prior: every posterior is Gaussian, so the EUBO minimiser is p(theta | D_r)."""
    rng = np.random.default_rng(0)
    kept, erased = rng.normal(1, 1, 30), rng.normal(-1, 1, 20)

    def posterior(x):
        precision = 1 + x.size
        return un.GaussianPosterior(x.sum() / precision, 1 / np.sqrt(precision))

    def loglik(theta):
        return -0.5 * ((np.asarray(theta)[..., None] - erased) ** 2).sum(-1)

    q = un.unlearn_eubo(loglik, posterior(np.r_[kept, erased]))
    target = posterior(kept)
    assert q.mean == pytest.approx(target.mean, abs=1e-6)
    assert q.sd == pytest.approx(target.sd, abs=1e-6)


def test_laplace_matches_the_exact_posterior_moments_for_a_large_sample():
    data = un.logistic_data(1.0, 400, seed=3)
    grid = np.linspace(-3, 5, 8001)
    dens = un.exact_posterior_grid(data, grid)
    mean = np.trapezoid(grid * dens, grid)
    lap = un.laplace_posterior(data)
    assert abs(lap.mean - mean) < 0.1 * lap.sd


def test_adjusted_likelihood_prevents_catastrophic_unlearning():
    """With an over-dispersed approximation of q(theta|D), plain EUBO unlearning overshoots far past the exact answer."""
    real, synthetic = un.logistic_data(1.5, 60, seed=1), un.logistic_data(-2.0, 60, seed=2)
    everything = un.LogisticData(np.r_[real.x, synthetic.x], np.r_[real.y, synthetic.y])
    lap = un.laplace_posterior(everything)
    rough = un.GaussianPosterior(lap.mean, 4 * lap.sd)
    exact = un.laplace_posterior(real)

    def loglik(t):
        return un.log_likelihood(t, synthetic)

    plain = un.unlearn_eubo(loglik, rough)
    adjusted = un.unlearn_eubo(loglik, rough, lam=1e-20)
    assert abs(plain.mean - exact.mean) > 5 * exact.sd
    assert abs(adjusted.mean - exact.mean) < abs(plain.mean - exact.mean) / 5


def test_unlearning_bad_input():
    with pytest.raises(ValueError, match="lam"):
        un.unlearn_eubo(lambda t: -np.asarray(t) ** 2, un.GaussianPosterior(0.0, 1.0), lam=2.0)
    with pytest.raises(ValueError, match="size"):
        un.logistic_data(1.0, 0)
