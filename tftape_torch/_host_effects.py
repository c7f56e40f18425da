"""Host side effects inside `tf.function`: `tf.print` and the `tf.summary` writes.

TF runs such an op each time its graph runs. Here a trace runs the Python once, so the
effect runs now and each trace in progress records a call of it, fed the graph's own
tensors at every later call (a `tf.function` called while another one is traced is
recorded by both); a trace's check run (NOTE: [Variables made twice] in
`_function_tracing`) runs nothing.

>>> import torch
>>> run_and_replay(lambda x: print(int(x)), [torch.tensor(3)])
3
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from tftape_torch import _state

__all__ = ["run_and_replay"]


def run_and_replay(effect: Callable[..., Any], values: Sequence[Any]) -> None:
    """Run `effect(*values)` now, and at every call of each graph being traced."""

    def replay(*values: Any) -> None:
        traces = list(_state.THREAD.traces)
        for trace in traces:
            trace.reads_allowed = True
        try:
            if not any(trace.dry for trace in traces):
                effect(*values)
        finally:
            for trace in traces:
                trace.reads_allowed = False
        for trace in traces:
            trace.record_call(replay, values)

    replay(*values)
