"""Machine facts and process memory readings used by the benchmarks."""

from __future__ import annotations

import ctypes
import os
import platform
import sys
from typing import Any, Dict, List, Optional

import torch

__all__ = ["machine_lines", "rss_bytes", "reset_peak_rss", "peak_rss_bytes", "malloc_in_use"]

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def machine_lines(device: str, tf: Any, threads: int) -> List[str]:
    """Human-readable lines describing where the numbers come from."""
    lines = [
        f"python {sys.version.split()[0]} on {platform.platform()}",
        f"cpu: {_cpu_model()}, {os.cpu_count()} logical cores (nproc), load avg {_load()}",
        (f"torch {torch.__version__}, torch.get_num_threads()={torch.get_num_threads()} "
         f"(requested {threads}), numpy {__import__('numpy').__version__}"),
    ]
    if tf is not None:
        lines.append(f"tensorflow {tf.__version__} (eager, CPU)")
    else:
        lines.append("tensorflow: not run")
    if device != "cpu":
        props = torch.cuda.get_device_properties(torch.device(device))
        lines.append(f"device: {device} = {props.name}, {props.total_memory / 2**30:.0f} GiB, "
                     f"CUDA {torch.version.cuda}")
    else:
        lines.append("device: cpu")
    return lines


def load_line() -> str:
    return f"load avg {_load()}"


def rss_bytes() -> int:
    """Resident set size of this process, in bytes."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def reset_peak_rss() -> bool:
    """Resets the kernel's peak-RSS counter (VmHWM) to the current RSS, if allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def peak_rss_bytes() -> Optional[int]:
    """Peak RSS (VmHWM) since the last `reset_peak_rss`, in bytes."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
        "uordblks", "fordblks", "keepcost")]


def _mallinfo2() -> Optional[Any]:
    try:
        libc = ctypes.CDLL("libc.so.6")
        fn = libc.mallinfo2
    except (OSError, AttributeError):
        return None
    fn.restype = _MallInfo2
    return fn


_MALLINFO2 = _mallinfo2()


def malloc_in_use() -> Optional[int]:
    """Bytes currently allocated through glibc malloc (all arenas + mmapped chunks).

    Unlike RSS this does not count memory the allocator keeps cached after a free,
    so it shows whether torch's CPU tensors were actually released.
    """
    if _MALLINFO2 is None:
        return None
    info = _MALLINFO2()
    return int(info.uordblks + info.hblkhd)


def memory_stats_line() -> Dict[str, Optional[int]]:
    return {"rss": rss_bytes(), "malloc": malloc_in_use()}
