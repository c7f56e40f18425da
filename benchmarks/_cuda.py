"""CUDA: prove that the tape's gradient path never synchronises host and device.

Each workload's ``tf-style`` and ``core`` variants (and raw torch, for reference)
run under ``torch.cuda.set_sync_debug_mode("error")``, which turns every
synchronising CUDA call (``.item()``, blocking copies, ``nonzero``...) into a
``RuntimeError``. A control (``loss.item()``) shows the detector is armed.
"""

from __future__ import annotations

from typing import Any, List

import torch

from benchmarks import _workloads

__all__ = ["run", "no_sync"]


def no_sync(fn: Any, calls: int = 3) -> str:
    """Runs `fn` under sync debug mode "error"; returns "" or the error text."""
    for _ in range(3):  # lazy initialisation (cuBLAS handles, workspaces) may sync once
        fn()
    torch.cuda.synchronize()
    previous = torch.cuda.get_sync_debug_mode()
    torch.cuda.set_sync_debug_mode("error")
    try:
        for _ in range(calls):
            fn()
    except RuntimeError as error:
        return str(error).splitlines()[0]
    finally:
        torch.cuda.set_sync_debug_mode(previous)
        torch.cuda.synchronize()
    return ""


def _detector_armed(device: str) -> bool:
    value = torch.ones(3, device=device).sum()
    return bool(no_sync(lambda: value.item(), calls=1))


def run(ctx: _workloads.Context, workloads: List[_workloads.Workload]) -> bool:
    print("== CUDA: host-device synchronisation in the gradient path "
          '(torch.cuda.set_sync_debug_mode("error"))')
    armed = _detector_armed(ctx.device)
    print(f"   control: loss.item() under the detector raises: {'yes' if armed else 'NO'}")
    ok = armed
    for workload in workloads:
        variants = workload.variants(ctx)
        for name, fn in variants.items():
            if name == "TF":
                continue
            error = no_sync(fn)
            ours = not name.startswith("torch:")
            if ours and error:
                ok = False
            verdict = "no sync" if not error else f"SYNC: {error}"
            print(f"   {workload.name:<15} {name:<40} {verdict}")
        del variants
    print(f"   => tftape_torch gradient paths free of host-device sync: "
          f"{'yes' if ok else 'NO'}")
    print()
    return ok
