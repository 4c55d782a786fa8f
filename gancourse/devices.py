"""Where networks and tensors live: the CPU or a GPU.

The trainers take ``device=`` as :class:`~gancourse.methods.gan.GANTrainer` does; given, the networks are moved
there and the training images copied there once (they fit: a chapter's data set is a few GB at most).
Inference (:func:`outputs_on_cpu`, used by ``translate``, ``predict`` and the trainers' ``sample``) sends
each chunk to wherever the network is and brings the result back to the CPU, where the metrics and plots
expect it.
"""
from __future__ import annotations

import torch


def device_of(module: torch.nn.Module) -> torch.device:
    """The device of a network's first parameter (the CPU for a network without parameters)."""
    for parameter in module.parameters():
        return parameter.device
    return torch.device("cpu")


def move_networks(device, *modules) -> torch.device:
    """Move every module given (``None`` entries are skipped) to ``device``; without a device, to where the
    first one already is. Returns the device."""
    device = torch.device(device) if device is not None else device_of(modules[0])
    for module in modules:
        if module is not None:
            module.to(device)
    return device


@torch.no_grad()
def outputs_on_cpu(network: torch.nn.Module, *inputs: torch.Tensor, batch_size: int = 256,
                   apply=None) -> torch.Tensor:
    """``network(*inputs)`` in evaluation mode (batch norm's running statistics, no dropout), ``batch_size``
    inputs at a time on the network's device, gathered on the CPU; the network's mode is restored after.
    ``apply(network, *chunk)`` replaces ``network(*chunk)`` where the network is one part of the computation
    (a correction added to its input, a data-consistency step after it)."""
    device, was_training = device_of(network), network.training
    apply = apply if apply is not None else (lambda net, *chunk: net(*chunk))
    network.eval()
    try:
        return torch.cat([apply(network, *(x.to(device) for x in chunk)).cpu()
                          for chunk in zip(*(x.split(batch_size) for x in inputs))])
    finally:
        network.train(was_training)
