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
