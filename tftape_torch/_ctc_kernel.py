"""TF's dense-label CTC loss (`ctc_loss_dense`, the code `tf.nn.ctc_loss` runs for
dense labels), step for step: a forward-backward pass in the log domain over the
states start, one per label and one blank after each label position, normalized at
every frame, with TF's floors and TF's gradient.

What makes it TF's rather than a textbook CTC (torch's `ctc_loss` differs in each):

* The initial and final states are weighted `log(1e-307)` (about -706.9 in float32),
  not `log(0)`: a label sequence no alignment can produce (too long for the frames,
  no frames at all) has a large finite loss (about 707 and up), not `inf`.
* A state's observation is `sum(log_softmax(logits) * one_hot(label))`: a label
  outside `[0, classes)` observes 0 (probability 1), and a non-finite log-probability
  of another class (a `-inf` logit) makes it NaN, and with it the loss.
* A label equal to the blank is observed as the blank but counts as no class in the
  gradient's occupancy, which is `softmax - exp(olabel log-probabilities)`.
* The gradient is that closed form, computed with the loss (TF's `custom_gradient`);
  frames past `logit_length` get 0.

>>> import torch
>>> logits = torch.zeros(2, 1, 2)  # 2 frames, classes: blank 0 and label 1
>>> loss, grad = ctc_loss_and_grad(logits, torch.tensor([[1]]), torch.tensor([1]),
...                                torch.tensor([2]))
>>> round(float(torch.exp(-loss)), 6)  # alignments "1 _", "_ 1", "1 1", each 1/4
0.75
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Tuple

import torch

from tftape_torch import _state
from tftape_torch._kernels import needs_grad, visible_to_modes
from tftape_torch._torch_internals import (
    DisableTorchFunctionSubclass as _DisableSubclass,
)
from tftape_torch._torch_internals import (
    apply_function,
)

__all__ = ["ctc_loss_and_grad", "dense_ctc_loss"]

# TF's `ctc_state_log_probs`: log(0) as float32(log(float64(0) + 1e-307)).
_LOG_0 = float(torch.tensor(math.log(1e-307), dtype=torch.float32))


def _neighbours(labels: torch.Tensor) -> Tuple[torch.Tensor, ...]:
    """The (at most 3) predecessors and successors of every state, per sequence.

    TF's `_ctc_state_trans` matrix `trans[b, to, from]` over the states `0` (start),
    `1..L` (labels) and `L+1..2L+1` (a blank after each label position): self loops,
    start to label 1, blank k to label k+1, label k to blank k, and label k to label
    k+1 where the two labels differ. Returned as gather indices and the logs of TF's
    entries (0, or -inf for a padding slot), `[batch, states, 3]` each, for both
    directions.
    """
    batch, length = labels.shape
    label_states = length + 1
    states = 2 * label_states
    dev = labels.device
    # counts, summed as TF's scatter_nd sums (with no labels, start and blank 0 meet twice)
    trans = torch.eye(states, device=dev).expand(batch, states, states).clone()
    trans[:, 1, 0] += 1.0
    k = torch.arange(length, device=dev)
    trans[:, k + 1, label_states + k] += 1.0
    k = torch.arange(label_states, device=dev)
    trans[:, label_states + k, k] += 1.0
    if length >= 2:
        k = torch.arange(1, length, device=dev)
        trans[:, k + 1, k] += (labels[:, :-1] != labels[:, 1:]).float()
    out: List[torch.Tensor] = []
    width = min(3, states)
    for matrix in (trans, trans.transpose(1, 2)):
        index = torch.argsort(matrix, dim=-1, descending=True, stable=True)[..., :width]
        out += [index.reshape(batch, -1), torch.log(matrix.gather(-1, index))]
    return tuple(out)


def _step(state: torch.Tensor, index: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
    """`logsumexp_j(state[j] + log(trans[i, j]))` over the neighbours `j` of each `i`."""
    near = state.gather(1, index).reshape(weight.shape) + weight
    return torch.logsumexp(near, dim=-1)


def _observed(log_probs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """TF's `_ilabel_to_state`: `[frames, batch, states]` observation log-probabilities."""
    frames, batch, classes = log_probs.shape
    inside = (labels >= 0) & (labels < classes)
    index = labels.clamp(0, classes - 1)[None].expand(frames, -1, -1)
    picked = torch.where(inside, log_probs.gather(2, index), 0.0)
    # NOTE: TF sums `log_probs * one_hot`: a non-finite log-probability of any class
    # but the picked one turns into NaN (`-inf * 0`).
    nonfinite = ~torch.isfinite(log_probs)
    others = nonfinite.sum(-1, keepdim=True) - (nonfinite.gather(2, index) & inside).long()
    picked = torch.where(others > 0, float("nan"), picked)
    start = torch.full((frames, batch, 1), float("-inf"), dtype=log_probs.dtype,
                       device=log_probs.device)
    blank = log_probs[:, :, :1].expand(-1, -1, labels.shape[1] + 1)
    return torch.cat([start, picked, blank], dim=2)


def ctc_loss_and_grad(logits: torch.Tensor, labels: torch.Tensor, label_length: torch.Tensor,
                      logit_length: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """TF's `ctc_loss_and_grad`: float32 time-major `logits` `[frames, batch, classes]`
    with the blank at class 0, int64 `labels` `[batch, max_label_length]`; returns the
    losses `[batch]` and their gradient with respect to `logits`."""
    frames, batch, classes = logits.shape
    length = labels.shape[1]
    label_states = length + 1
    states = 2 * label_states
    dev, dt = logits.device, logits.dtype
    log_probs = torch.log_softmax(logits, dim=-1)
    observed = _observed(log_probs, labels)
    fwd_index, fwd_weight, bwd_index, bwd_weight = _neighbours(labels)
    initial = torch.full((batch, states), _LOG_0, dtype=dt, device=dev)
    initial[:, 0] = 0.0
    finals = torch.arange(label_states, device=dev)[None] == label_length[:, None]
    final = torch.where(torch.cat([finals, finals], dim=1), 0.0, _LOG_0).to(dt)
    mask = (torch.arange(frames, device=dev)[:, None] < logit_length[None]).to(dt)

    forward = []
    state = initial
    for t in range(frames):
        state = _step(state, fwd_index, fwd_weight) + observed[t]
        state = state - torch.logsumexp(state, dim=-1, keepdim=True)
        forward.append(state)
    backward: List[torch.Tensor] = []
    state, cum_log_sum = final, torch.zeros(batch, dtype=dt, device=dev)
    for t in range(frames - 1, -1, -1):
        state = _step(state + observed[t], bwd_index, bwd_weight)
        log_prob_sum = torch.logsumexp(state, dim=-1, keepdim=True)
        state = state - log_prob_sum
        cum_log_sum = cum_log_sum + log_prob_sum[:, 0] * mask[t]
        # NOTE: TF masks by multiplying, so a NaN or -inf state survives a padded frame.
        state = state * mask[t, :, None] + final * (1.0 - mask[t, :, None])
        backward.append(state)
    backward.reverse()
    log_likelihood = (backward[0][:, 0] if frames else final[:, 0]) + cum_log_sum
    if not frames:
        return -log_likelihood, torch.zeros_like(logits)

    fwd_bwd = torch.stack(forward[:]) + torch.stack(backward[1:] + [final])
    fwd_bwd = fwd_bwd - torch.logsumexp(fwd_bwd, dim=2, keepdim=True)
    fwd_bwd = fwd_bwd + torch.log(mask[:, :, None])
    # TF's `_state_to_olabel`: each class's log-occupancy, a logsumexp over the label
    # states of that class (labels 1..classes-1; a NaN state spoils every class).
    label_part = fwd_bwd[:, :, 1:label_states]
    counted = (labels >= 1) & (labels < classes)
    occupancy = torch.zeros_like(logits).scatter_add_(
        2, torch.where(counted, labels, 0)[None].expand(frames, -1, -1),
        torch.where(counted, torch.exp(label_part), 0.0))
    spoiled = torch.isnan(label_part).any(-1, keepdim=True)
    occupancy = torch.where(spoiled, float("nan"), occupancy)
    blank = torch.exp(torch.logsumexp(fwd_bwd[:, :, label_states:], dim=2, keepdim=True))
    occupancy = torch.cat([blank, occupancy[:, :, 1:]], dim=2)
    grad = (torch.exp(log_probs) - occupancy) * mask[:, :, None]
    return -log_likelihood, grad


class _DenseCTC(torch.autograd.Function):
    """The loss, with TF's closed-form gradient computed alongside it."""

    @staticmethod
    def forward(logits: torch.Tensor, labels: torch.Tensor, label_length: torch.Tensor,
                logit_length: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        with _DisableSubclass(), torch.no_grad():
            return ctc_loss_and_grad(logits, labels, label_length, logit_length)

    @staticmethod
    def setup_context(ctx: Any, inputs: Tuple[Any, ...], output: Any) -> None:
        ctx.mark_non_differentiable(output[1])
        ctx.save_for_backward(output[1])
        ctx.save_for_forward(output[1])
        ctx.set_materialize_grads(False)

    @staticmethod
    def backward(ctx: Any, grad_loss: Optional[torch.Tensor], _: Any
                 ) -> Tuple[Optional[torch.Tensor], None, None, None]:
        if grad_loss is None:  # pruned by a tape: no gradient, not zeros
            return None, None, None, None
        (grad,) = ctx.saved_tensors
        with _DisableSubclass():
            return grad_loss.reshape(1, -1, 1) * grad, None, None, None

    @staticmethod
    def jvp(ctx: Any, tangent: torch.Tensor, *_: Any) -> Tuple[torch.Tensor, None]:
        (grad,) = ctx.saved_tensors
        with _DisableSubclass():
            return (grad * tangent).sum(dim=(0, 2)), None


def _regular(logits: torch.Tensor, labels: torch.Tensor, label_length: torch.Tensor,
             logit_length: torch.Tensor) -> bool:
    """Whether torch's `ctc_loss` computes TF's numbers here (NOTE: [Regular CTC
    inputs]): every counted label a class other than the blank, lengths within the
    tensors, at least one frame, finite logits, and no forward-mode tangent."""
    frames, _, classes = logits.shape
    width = labels.shape[1]
    if frames == 0 or _state.THREAD.accumulators or logits.dtype != torch.float32:
        return False
    counted = torch.arange(width, device=labels.device)[None] < label_length[:, None]
    bad = (counted & ((labels < 1) | (labels >= classes))).any()
    bad |= (label_length < 0).any() | (label_length > width).any()
    bad |= (logit_length < 1).any() | (logit_length > frames).any()
    bad |= ~torch.isfinite(logits).all()
    return not bool(bad)


@visible_to_modes
def dense_ctc_loss(logits: torch.Tensor, labels: torch.Tensor, label_length: torch.Tensor,
                   logit_length: torch.Tensor) -> torch.Tensor:
    """The losses of `ctc_loss_and_grad`, differentiable with respect to `logits`.

    NOTE: [Regular CTC inputs]: where every alignment rule is a textbook one (see the
    module's docstring) and some alignment exists, torch's `ctc_loss` on the
    `log_softmax` gives TF's losses and gradients, 10 to 75 times faster than the
    frame-by-frame steps here. It runs when the inputs are regular and every loss it
    gives is finite (an infeasible alignment is `inf` there, about 707 in TF).
    """
    if _regular(logits, label_length=label_length, labels=labels, logit_length=logit_length):
        with _DisableSubclass():
            losses = torch.nn.functional.ctc_loss(
                torch.log_softmax(logits, dim=-1), labels, logit_length, label_length,
                blank=0, reduction="none")
            if bool(torch.isfinite(losses).all()):
                return losses
    if needs_grad(logits):
        loss: torch.Tensor = apply_function(_DenseCTC, logits, labels, label_length,
                                            logit_length)[0]
        return loss
    with _DisableSubclass(), torch.no_grad():
        return ctc_loss_and_grad(logits, labels, label_length, logit_length)[0]
