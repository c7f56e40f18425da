"""Train a torch `nn.Module` with a TF-style GradientTape and a `torch.optim` optimizer.

Libraries written against the tape API get a torch backend with one import: the
model and optimizer are plain torch, the gradients come from `GradientTape`.

Run: python examples/train_module.py
"""

from __future__ import annotations

import argparse

import torch

from tftape_torch import GradientTape


def main(steps: int = 200, device: str = "cpu") -> list:
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(3, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1)
    ).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

    # Synthetic regression data: y = sin(x0) + x1 * x2 + noise.
    inputs = torch.randn(256, 3, device=device)
    targets = (torch.sin(inputs[:, :1]) + inputs[:, 1:2] * inputs[:, 2:3]
               + 0.01 * torch.randn(256, 1, device=device))

    losses = []
    for step in range(steps):
        with GradientTape() as tape:
            loss = torch.nn.functional.mse_loss(model(inputs), targets)
        grads = tape.gradient(loss, list(model.parameters()))
        for param, grad in zip(model.parameters(), grads):
            param.grad = grad
        optimizer.step()
        losses.append(loss.item())
        if step % 50 == 0 or step == steps - 1:
            print(f"step {step:3d}  loss {loss.item():.4f}")
    return losses


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    main(args.steps, args.device)
