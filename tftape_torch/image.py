"""`tf.image`: image ops on `[height, width, channels]` or `[batch, height, width,
channels]` tensors, channels last as in TF, with TF's values, dtypes and gradients.

The geometric ops (resize, crop, pad, flip, rotate) live in `_image_geometry`, the
pixel-value ops (dtype conversion, color adjustments, standardization, gradients)
in `_image_color`, the random augmentations (`random_*` and
`stateless_random_*`) in `_image_random`, non-maximum suppression in `_image_nms`,
box drawing, glimpses and region proposals in `_image_boxes`, distorted-box sampling
in `_image_sampling`, the quality metrics (PSNR, SSIM, MS-SSIM) in `_image_quality`.
"""

from __future__ import annotations

from tftape_torch import (
    _image_boxes,
    _image_color,
    _image_geometry,
    _image_nms,
    _image_quality,
    _image_random,
    _image_sampling,
)
from tftape_torch._image_boxes import *  # noqa: F403
from tftape_torch._image_color import *  # noqa: F403
from tftape_torch._image_geometry import *  # noqa: F403
from tftape_torch._image_nms import *  # noqa: F403
from tftape_torch._image_quality import *  # noqa: F403
from tftape_torch._image_random import *  # noqa: F403
from tftape_torch._image_sampling import *  # noqa: F403

__all__ = sorted([*_image_color.__all__, *_image_geometry.__all__, *_image_nms.__all__,
                  *_image_random.__all__, *_image_boxes.__all__, *_image_sampling.__all__,
                  *_image_quality.__all__])
