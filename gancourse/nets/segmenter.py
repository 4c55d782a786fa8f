"""A small lesion segmenter: images ``(B, C, H, W)`` to one logit per pixel ``(B, 1, H, W)``.

Three 3x3 convolutions with ReLU and a 1x1 convolution: each output sees a 7x7 neighbourhood, enough for
the simulator's lesions at 64 pixels (1 to 3 pixels across their radius) and the tissue just around them.
Chapter 3.5 trains it beside a CycleGAN, on the translated images, for the lesion-aware loss.
"""
import torch
from torch import nn

from ..checks import check_images


class LesionSegmenter(nn.Module):
    def __init__(self, in_channels=1, width=16):
        super().__init__()
        self.in_channels = in_channels
        self.main = nn.Sequential(
            nn.Conv2d(in_channels, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
            nn.Conv2d(width, 1, 1))

    def forward(self, x):
        check_images(x, self.in_channels, x.shape[-1] if isinstance(x, torch.Tensor) and x.dim() == 4 else -1,
                     "LesionSegmenter")
        return self.main(x)
