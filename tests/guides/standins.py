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
