"""`tf.summary`: TensorBoard event files, written as TF 2.21 writes them.

`tf.summary.create_file_writer(logdir)` opens an event file that TensorBoard reads;
while a writer is the default (`writer.as_default()`), `tf.summary.scalar`,
`histogram`, `image`, `text` and `write` add one event each, at the given `step`
(or the default step: `as_default(step=...)` or `tf.summary.experimental.set_step`).
Without a default writer they write nothing and return False. `tf.summary.audio`,
`graph` and `trace_on` / `trace_off` / `trace_export` raise `UnsupportedError`.

>>> import tempfile
>>> import tftape_torch as tf
>>> writer = tf.summary.create_file_writer(tempfile.mkdtemp())
>>> with writer.as_default():
...     for step in range(3):
...         ok = tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
>>> writer.close()
>>> print(ok)
tf.Tensor(True, shape=(), dtype=bool)
"""

import types as _types

from tftape_torch._summary_ops import (
    audio,
    graph,
    histogram,
    image,
    scalar,
    summary_scope,
    text,
    trace_export,
    trace_off,
    trace_on,
    write,
    write_raw_pb,
)
from tftape_torch._summary_writer import (
    SummaryWriter,
    create_file_writer,
    create_noop_writer,
    flush,
    get_step,
    record_if,
    set_step,
    should_record_summaries,
)

__all__ = [
    "SummaryWriter",
    "audio",
    "create_file_writer",
    "create_noop_writer",
    "experimental",
    "flush",
    "graph",
    "histogram",
    "image",
    "record_if",
    "scalar",
    "should_record_summaries",
    "text",
    "trace_export",
    "trace_off",
    "trace_on",
    "write",
]

#: `tf.summary.experimental`: the default step, `summary_scope` and `write_raw_pb`.
experimental = _types.SimpleNamespace(
    get_step=get_step, set_step=set_step, summary_scope=summary_scope,
    write_raw_pb=write_raw_pb)
experimental.__doc__ = ("`tf.summary.experimental`: the default step (`get_step`, "
                        "`set_step`), `summary_scope` and `write_raw_pb`.")
