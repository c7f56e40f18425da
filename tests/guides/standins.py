"""In-memory stand-ins for the datasets TF's guides download (no network in tests).

>>> import numpy as np
>>> images, labels = fake_mnist(np.random.RandomState(0), 4)
>>> images.shape, images.dtype, labels.dtype
((4, 28, 28, 1), dtype('uint8'), dtype('int64'))
"""

from __future__ import annotations

from typing import Tuple

import numpy as np


def fake_mnist(rng: np.random.RandomState, count: int) -> Tuple[np.ndarray, np.ndarray]:
    """MNIST-like digits drawn from `rng`: noisy 28x28x1 uint8 images with a bright bar
    on the row that encodes each int64 label, so that a small model can learn them."""
    labels = rng.randint(0, 10, size=count).astype(np.int64)
    images = rng.randint(0, 64, size=(count, 28, 28, 1)).astype(np.uint8)
    for i, label in enumerate(labels):
        images[i, 2 * label + 4:2 * label + 6, 4:24, 0] = 255
    return images, labels


#: The ten tumour measurements of the Wisconsin breast-cancer table (`wdbc.data`),
#: each as mean, standard error ("ste") and largest value: 30 float64 columns.
BREAST_CANCER_FEATURES = (
    "radius", "texture", "perimeter", "area", "smoothness", "compactness",
    "concavity", "concave_poinits", "symmetry", "fractal_dimension",
)
# Typical magnitudes of the mean columns (the standard errors are about a tenth of
# them, the largest values about 1.3 times): the columns span six orders of magnitude.
_BREAST_CANCER_SCALES = np.array(
    [14.1, 19.3, 92.0, 655.0, 0.096, 0.104, 0.089, 0.049, 0.181, 0.063]
)


def fake_breast_cancer(
    rng: np.random.RandomState, count: int = 569
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The breast-cancer table drawn from `rng`, as columns: int64 ids, the diagnoses
    ('M' malignant for about 37%, else 'B') and a float64 `[count, 30]` block of
    positive measurements (mean, ste and largest of each feature). The mean and
    largest radius, perimeter, area, concavity and concave points are larger for the
    malignant rows, as in the real table, so that logistic regression tells them apart
    (about 95% right), though not perfectly.

    >>> ids, diagnosis, measures = fake_breast_cancer(np.random.RandomState(0), 5)
    >>> ids.dtype, diagnosis.dtype.kind, measures.shape, measures.dtype
    (dtype('int64'), 'U', (5, 30), dtype('float64'))
    """
    # distinct ids in no order
    ids = rng.permutation(8_000 + np.cumsum(rng.randint(1, 150_000, size=count))).astype(np.int64)
    malignant = rng.rand(count) < 0.37
    diagnosis = np.where(malignant, "M", "B")
    scales = np.concatenate([_BREAST_CANCER_SCALES, 0.1 * _BREAST_CANCER_SCALES,
                             1.3 * _BREAST_CANCER_SCALES])
    informative = np.zeros(30)
    informative[[0, 2, 3, 6, 7, 20, 22, 23, 26, 27]] = 1.0
    spread = 1.0 + 0.15 * rng.randn(count, 30) + 0.3 * malignant[:, None] * informative
    measures = np.abs(scales * spread)
    return ids, diagnosis, measures


#: The columns of the UCI Auto MPG table (`auto-mpg.data`, car names left out).
AUTO_MPG_COLUMNS = (
    "MPG", "Cylinders", "Displacement", "Horsepower", "Weight", "Acceleration",
    "Model Year", "Origin",
)


def fake_auto_mpg(rng: np.random.RandomState, count: int = 398) -> np.ndarray:
    """The Auto MPG table drawn from `rng`: a float64 `[count, 8]` array with the
    columns of `AUTO_MPG_COLUMNS` and NaN for six unknown horsepowers, as
    `pd.read_csv(url, na_values='?', ...)` reads the real file. Cylinders are 3-8,
    model years 70-82 and origins 1-3 (integers stored as floats); displacement,
    horsepower and weight grow with the cylinders, and MPG falls with weight and
    horsepower and rises with the model year, so that a linear model fits it well
    (about 80% of the variance), though not perfectly.

    >>> table = fake_auto_mpg(np.random.RandomState(0))
    >>> table.shape, int(np.isnan(table).any(axis=1).sum())
    ((398, 8), 6)
    """
    cylinders = rng.choice([3, 4, 4, 4, 5, 6, 6, 8, 8], size=count).astype(np.float64)
    displacement = np.round(cylinders * rng.uniform(22.0, 50.0, size=count), 1)
    horsepower = np.round(20.0 + 0.45 * displacement + rng.normal(0.0, 12.0, size=count))
    weight = np.round(1500.0 + 7.0 * displacement + rng.normal(0.0, 200.0, size=count))
    acceleration = np.round(22.0 - 0.04 * horsepower + rng.normal(0.0, 1.5, size=count), 1)
    model_year = rng.randint(70, 83, size=count).astype(np.float64)
    origin = rng.choice([1, 1, 1, 2, 3], size=count).astype(np.float64)
    mpg = (48.0 - 0.006 * weight - 0.05 * horsepower + 0.6 * (model_year - 76.0)
           + 1.5 * (origin > 1) + rng.normal(0.0, 2.5, size=count))
    mpg = np.round(np.clip(mpg, 9.0, 46.6), 1)
    table = np.stack([mpg, cylinders, displacement, horsepower, weight, acceleration,
                      model_year, origin], axis=1)
    table[rng.choice(count, size=6, replace=False), 3] = np.nan  # the '?' horsepowers
    return table
