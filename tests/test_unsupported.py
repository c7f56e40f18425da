"""Issue 13 item 5: each out-of-scope TF name raises one clear error naming torch's
alternative; the names stay out of `dir(tf)` and `hasattr` answers False."""

from __future__ import annotations

import pytest

import tftape_torch as tf
from tftape_torch._unsupported import UNSUPPORTED


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_out_of_scope_name_raises_one_clear_error(name: str) -> None:
    with pytest.raises(NotImplementedError, match="does not support .* in torch, use"):
        getattr(tf, name)
    with pytest.raises(AttributeError):
        getattr(tf, name)
    assert not hasattr(tf, name)
    assert name not in tf.__all__


def test_string_constant_names_the_alternative() -> None:
    with pytest.raises(TypeError, match="no string tensors.*in torch"):
        tf.constant("text")


def test_other_missing_names_are_plain_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'not_a_tf_name'"):
        tf.not_a_tf_name  # noqa: B018
