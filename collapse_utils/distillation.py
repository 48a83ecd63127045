"""Data-free distillation from synthetic inputs: plain versus diverse model inversion.

The book's own illustration, in the spirit of contrastive model inversion
(Fang et al. 2021): a *teacher* classifier on 2-D inputs is inverted to
synthesise inputs (gradient ascent on the teacher's confidence in a target
class), with or without a *diversity* term that repels each new input from a
memory of earlier ones; a *student* is then trained on the teacher's soft labels
at those inputs only, and compared with the teacher on the whole input plane.

Teacher: ``K`` classes, each the union of a few Gaussian prototypes,
``logit_k(x) = log sum_{j in class k} exp(-||x - c_j||^2 / (2 h^2))``.
Student: softmax regression on fixed radial-basis features of a grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import (
    ArgumentTypeError,
    as_generator,
    check_array,
    check_finite_result,
    check_memory,
    check_nonnegative_int,
    check_positive_float,
    check_positive_int,
    check_prob_rows,
    check_real,
    check_work,
)

__all__ = [
    "BOX",
    "Student",
    "Teacher",
    "agreement",
    "default_teacher",
    "grid_points",
    "invert",
    "occupancy",
    "train_student",
]

#: Half-width of the square input domain ``[-BOX, BOX]^2``.
BOX = 3.0


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class Teacher:
    """A prototype classifier: class ``labels[j]`` owns prototype ``centers[j]``.

    Attributes
    ----------
    centers : ndarray, shape (J, 2)
        Prototype locations.
    labels : ndarray of int, shape (J,)
        Class of each prototype, in ``0..classes-1``.
    h : float
        Prototype width (the standard deviation of each Gaussian prototype).
    """

    centers: np.ndarray
    labels: np.ndarray
    h: float

    @property
    def classes(self) -> int:
        """Number of classes ``K``."""
        return int(self.labels.max()) + 1

    def _responsibilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d2 = ((x[:, None, :] - self.centers[None, :, :]) ** 2).sum(-1)  # (B, J)
        a = -d2 / (2 * self.h**2)
        logits = np.full((x.shape[0], self.classes), -np.inf)
        for k in range(self.classes):  # a handful of classes, not a data loop
            ak = a[:, self.labels == k]
            top = ak.max(axis=1)
            logits[:, k] = top + np.log(np.exp(ak - top[:, None]).sum(axis=1))
        return a, logits

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Class logits at inputs ``x`` of shape ``(B, 2)``."""
        return self._responsibilities(np.asarray(x, dtype=float))[1]

    def probs(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities at inputs ``x`` of shape ``(B, 2)``."""
        return _softmax(self.logits(x))

    def grad_log_prob(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Gradient of ``log p_teacher(y | x)`` with respect to ``x`` (shape ``(B, 2)``)."""
        x = np.asarray(x, dtype=float)
        a, logits = self._responsibilities(x)
        # d logit_k / dx = sum_{j in k} w_j (c_j - x) / h^2 with w_j the softmax of a within class k
        w_within = np.exp(a - logits[:, self.labels])  # (B, J)
        dlogit_dx = np.stack(
            [(w_within[:, self.labels == k, None] * (self.centers[self.labels == k] - x[:, None, :])).sum(1)
             for k in range(self.classes)],
            axis=1,
        ) / self.h**2  # (B, K, 2)
        p = _softmax(logits)
        target = dlogit_dx[np.arange(x.shape[0]), y]
        return target - np.einsum("bk,bkd->bd", p, dlogit_dx)


def default_teacher() -> Teacher:
    """The book's teacher: three classes, seven prototypes, non-convex decision regions.

    Examples
    --------
    >>> teacher = default_teacher()
    >>> teacher.classes, teacher.probs(np.zeros((1, 2))).shape
    (3, (1, 3))
    """
    centers = np.array([[-1.8, -1.5], [1.5, 1.8], [-0.3, 0.2], [1.8, -1.2], [-1.6, 1.6], [0.6, -2.2], [2.2, 0.4]])
    labels = np.array([0, 0, 1, 1, 2, 2, 1])
    return Teacher(centers=centers, labels=labels, h=0.9)


def _check_teacher(teacher: object) -> Teacher:
    if not isinstance(teacher, Teacher):
        raise ArgumentTypeError(f"teacher must be a Teacher (e.g. default_teacher()), got {type(teacher).__name__}")
    return teacher


def _check_points(x: object, name: str = "x") -> np.ndarray:
    return check_array(x, name, shape=(None, 2))


def invert(
    teacher: Teacher,
    budget: int,
    *,
    diversity: float = 0.0,
    steps: int = 60,
    step_size: float = 0.2,
    length: float = 0.6,
    batch: int = 20,
    seed: int | np.random.Generator | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Synthesise ``budget`` inputs by inverting ``teacher``.

    Inputs are made in batches of ``batch``: each starts at a uniform point of the
    domain with a target class (classes taken in turn), and takes ``steps``
    gradient-ascent steps on

    ``log p_teacher(y | x) - diversity * mean_j exp(-||x - m_j||^2 / (2 length^2))``

    where ``m_j`` runs over the memory of inputs synthesised in earlier batches;
    ``diversity = 0`` is plain inversion.  Points are kept inside the domain.
    The cost is about ``budget x steps x (J + budget)`` kernel evaluations
    (``J`` prototypes), refused above :data:`~collapse_utils.validation.WORK_LIMIT`.

    Parameters
    ----------
    teacher : Teacher
        The classifier to invert.
    budget : int
        Number of synthetic inputs.
    diversity : float
        Weight ``>= 0`` of the repulsion from earlier inputs.
    steps : int
        Gradient steps per input, ``>= 0``.
    step_size, length : float
        Step size and repulsion length scale, ``> 0``.
    batch : int
        Inputs synthesised together.
    seed : int, numpy.random.Generator or None
        Randomness.

    Returns
    -------
    x : ndarray, shape (budget, 2)
        The synthetic inputs.
    y : ndarray of int, shape (budget,)
        Their target classes.

    Examples
    --------
    >>> x, y = invert(default_teacher(), 30, steps=20, seed=0)
    >>> x.shape, bool(np.all(np.abs(x) <= BOX)), y[:4].tolist()
    ((30, 2), True, [0, 1, 2, 0])
    """
    teacher = _check_teacher(teacher)
    budget = check_positive_int(budget, "budget")
    steps = check_nonnegative_int(steps, "steps")
    batch = check_positive_int(batch, "batch")
    step_size = check_positive_float(step_size, "step_size")
    length = check_positive_float(length, "length")
    diversity = check_real(diversity, "diversity", low=0.0)
    J = teacher.centers.shape[0]
    check_memory(8 * 3 * batch * (budget + J * 2), f"batch={batch} x budget={budget}", "use a smaller batch or budget")
    check_work(
        10 * budget * steps * (J * 4 + (budget if diversity > 0 else 0)) + 2000 * steps * (budget // batch + 1),
        f"budget={budget} x steps={steps}" + (" x budget (diversity > 0)" if diversity > 0 else ""),
        "use a smaller budget or fewer steps",
    )
    rng = as_generator(seed)
    memory = np.empty((0, 2))
    xs, ys = [], []
    made = 0
    while made < budget:
        b = min(batch, budget - made)
        x = rng.uniform(-BOX, BOX, size=(b, 2))
        y = (np.arange(made, made + b)) % teacher.classes
        for _ in range(steps):
            g = teacher.grad_log_prob(x, y)
            if diversity > 0 and memory.shape[0] > 0:
                diff = x[:, None, :] - memory[None, :, :]
                kern = np.exp(-(diff**2).sum(-1) / (2 * length**2))  # (b, memory size)
                g = g + diversity * (kern[:, :, None] * diff).mean(axis=1) / length**2
            x = np.clip(x + step_size * g, -BOX, BOX)
        memory = np.vstack([memory, x])
        xs.append(x)
        ys.append(y)
        made += b
    return np.vstack(xs), np.concatenate(ys)


def grid_points(resolution: int = 60) -> np.ndarray:
    """A ``resolution x resolution`` grid over the domain, shape ``(resolution**2, 2)``.

    Examples
    --------
    >>> grid_points(3)[:2].tolist()
    [[-3.0, -3.0], [0.0, -3.0]]
    """
    resolution = check_positive_int(resolution, "resolution")
    check_memory(8 * 4 * resolution**2, f"resolution={resolution} (squared)", "use a smaller resolution")
    g = np.linspace(-BOX, BOX, resolution)
    gx, gy = np.meshgrid(g, g)
    return np.column_stack([gx.ravel(), gy.ravel()])


def _features(x: np.ndarray, centres: np.ndarray, width: float) -> np.ndarray:
    d2 = ((x[:, None, :] - centres[None, :, :]) ** 2).sum(-1)
    return np.hstack([np.exp(-d2 / (2 * width**2)), np.ones((x.shape[0], 1))])


@dataclass(frozen=True)
class Student:
    """Softmax regression on radial-basis features; ``probs(x)`` predicts class probabilities."""

    weights: np.ndarray
    centres: np.ndarray
    width: float

    def probs(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities at inputs ``x`` of shape ``(B, 2)``."""
        return _softmax(_features(np.asarray(x, dtype=float), self.centres, self.width) @ self.weights)


def train_student(
    x: np.ndarray,
    soft_labels: np.ndarray,
    *,
    features: int = 7,
    width: float = 1.0,
    l2: float = 1e-3,
    iterations: int = 400,
    learning_rate: float = 0.5,
) -> Student:
    """Fit a student to the teacher's soft labels at inputs ``x`` by full-batch gradient descent.

    Minimises the cross-entropy to ``soft_labels`` (rows on the simplex) plus
    ``l2 * ||weights||^2 / 2``; features are Gaussian bumps of ``width`` centred on
    a ``features x features`` grid of the domain, plus a bias.

    Parameters
    ----------
    x : array_like, shape (B, 2)
        Training inputs.
    soft_labels : array_like, shape (B, K)
        The teacher's class probabilities at ``x``.
    features : int
        Bumps per side of the feature grid.
    width : float
        Width of the bumps, ``> 0``.
    l2 : float
        Weight penalty, ``>= 0``.
    iterations : int
        Gradient steps; the cost is ``iterations x B x features^2 x K``, refused
        above :data:`~collapse_utils.validation.WORK_LIMIT`.
    learning_rate : float
        Step size, ``> 0``; a step so large that descent diverges is an error.

    Returns
    -------
    Student

    Examples
    --------
    >>> teacher = default_teacher()
    >>> x = grid_points(20)
    >>> student = train_student(x, teacher.probs(x), iterations=200)
    >>> bool(agreement(teacher, student) > 0.8)
    True
    """
    x = _check_points(x)
    soft_labels = check_prob_rows(soft_labels, "soft_labels", ndim=2)
    if soft_labels.shape[0] != x.shape[0]:
        raise ValueError(f"soft_labels must have one row per input, got {soft_labels.shape} for {x.shape}")
    features = check_positive_int(features, "features")
    width = check_positive_float(width, "width")
    l2 = check_real(l2, "l2", low=0.0)
    iterations = check_positive_int(iterations, "iterations")
    learning_rate = check_positive_float(learning_rate, "learning_rate")
    B, K = soft_labels.shape
    check_memory(8 * 2 * B * (features**2 + 1 + K), f"B={B} inputs x features={features}^2", "use fewer inputs or features")
    check_work(3 * iterations * B * (features**2 + 1) * K, f"iterations={iterations} x B={B} x features={features}^2 x K={K}",
               "use fewer iterations, inputs or features")
    g = np.linspace(-BOX, BOX, features)
    gx, gy = np.meshgrid(g, g)
    centres = np.column_stack([gx.ravel(), gy.ravel()])
    phi = _features(x, centres, width)
    weights = np.zeros((phi.shape[1], K))
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below, with its reason
        for _ in range(iterations):
            p = _softmax(phi @ weights)
            grad = phi.T @ (p - soft_labels) / B + l2 * weights
            weights -= learning_rate * grad
    check_finite_result(weights, "the student's weights", f"gradient descent diverged; use a learning_rate below {learning_rate:g} or a smaller l2")
    return Student(weights=weights, centres=centres, width=width)


def agreement(teacher: Teacher, student: Student, points: np.ndarray | None = None) -> float:
    """Fraction of ``points`` (default: the domain grid) where student and teacher predict the same class.

    Examples
    --------
    >>> teacher = default_teacher()
    >>> agreement(teacher, Student(np.zeros((50, 3)), grid_points(7), 1.0), grid_points(5)) < 1
    True
    """
    teacher = _check_teacher(teacher)
    if not isinstance(student, Student):
        raise ArgumentTypeError(f"student must be a Student (see train_student), got {type(student).__name__}")
    points = grid_points() if points is None else _check_points(points, "points")
    return float(np.mean(teacher.probs(points).argmax(1) == student.probs(points).argmax(1)))


def occupancy(x: np.ndarray, cells: int = 12) -> tuple[int, float]:
    """Diversity of a point set: occupied cells of a ``cells x cells`` grid and the entropy (nats) of the occupancy.

    Examples
    --------
    >>> occupancy(np.array([[-2.9, -2.9], [2.9, 2.9]]), cells=2)
    (2, 0.6931471805599453)
    """
    x = _check_points(x)
    cells = check_positive_int(cells, "cells")
    check_memory(8 * cells**2, f"cells={cells} (squared)", "use fewer cells")
    idx = np.clip(((x + BOX) / (2 * BOX) * cells).astype(int), 0, cells - 1)
    counts = np.bincount(idx[:, 0] * cells + idx[:, 1], minlength=cells * cells)
    p = counts[counts > 0] / counts.sum()
    return int((counts > 0).sum()), float(-(p * np.log(p)).sum())
