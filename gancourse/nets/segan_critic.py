"""SegAN's critic (Xue et al. {cite}`survey49`): a stack of convolutions whose features at *every* scale are
compared, not one verdict.

Its input is an image masked by a segmentation: for ``K`` class maps (probabilities or a one-hot label map)
and a one-channel image ``x``, the ``K`` channels ``x * mask_k``. Each of ``n_layers`` stages is a 4x4
convolution of stride 2 and a leaky ReLU (slope 0.2); stage
``i`` sees patches ``2**i`` times coarser than the pixels. There is no norm layer: SegAN clips the
critic's weights (:class:`gancourse.methods.adversarial_segmentation.SegANTrainer`), which bounds its
features already. ``forward`` returns the list of features, the
masked input itself first: the multi-scale L1 loss
(:func:`gancourse.losses.segmentation.multiscale_l1`) compares two such lists scale by scale.
"""
from __future__ import annotations

import torch
from torch import nn

from ..checks import check_images


class MultiScaleCritic(nn.Module):
    """Masked images ``(B, in_channels, S, S)`` to a list of ``n_layers + 1`` feature maps, finest first."""

    def __init__(self, in_channels=1, width=16, n_layers=3):
        super().__init__()
        if not (isinstance(n_layers, int) and n_layers >= 1):
            raise ValueError(f"n_layers is the number of stride-2 stages, at least 1; got {n_layers!r}.")
        self.in_channels = in_channels
        widths = [width * min(2 ** k, 8) for k in range(n_layers)]
        self.stages = nn.ModuleList()
        for k, out in enumerate(widths):
            inputs = in_channels if k == 0 else widths[k - 1]
            self.stages.append(nn.Sequential(nn.Conv2d(inputs, out, 4, 2, 1), nn.LeakyReLU(0.2)))

    def forward(self, x):
        size = x.shape[-1] if isinstance(x, torch.Tensor) and x.dim() == 4 else -1
        check_images(x, self.in_channels, size, "MultiScaleCritic")
        features = [x]
        for stage in self.stages:
            features.append(stage(features[-1]))  # (B, c_i, S / 2^i, S / 2^i)
        return features
