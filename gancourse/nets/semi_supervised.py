"""The discriminator of a semi-supervised GAN (Salimans et al. {cite}`survey78`): K class logits,
no separate real/fake output.

It is the DCGAN discriminator's trunk (chapter 3.2) down to its 4x4 features, then one 4x4 convolution that
gives ``n_classes`` logits :math:`l_1, \\dots, l_K`. "Generated" is the implied class K+1, whose logit is fixed
at 0, so the probability that an image is real is :math:`D(x) = Z/(Z+1)` with :math:`Z = \\sum_k e^{l_k}`
(see :mod:`gancourse.methods.semi_supervised`). For 32x32 images and ``width=16``:

    (1, 32, 32) -> (16, 16, 16) -> (32, 8, 8) -> (64, 4, 4) = the features -> (K, 1, 1) = the class logits

The same network trained with cross-entropy alone is the chapter's supervised baseline: one architecture,
two ways to train it.
"""
from torch import nn

from ..checks import check_images
from .dcgan import DCGANDiscriminator


class KPlusOneDiscriminator(nn.Module):
    """Images ``(B, channels, image_size, image_size)`` to class logits ``(B, n_classes)``.

    ``norm="layer"`` by default: batch norm would let the statistics of generated batches leak into the
    running averages the classifier uses at test time, and would mix labelled, unlabelled and generated images
    differently in each pass. :meth:`features` returns the flattened 4x4 features (for feature matching);
    ``dropout`` drops some of them before the head, in training mode."""

    def __init__(self, n_classes, width=16, channels=1, image_size=32, norm="layer", dropout=0.0):
        super().__init__()
        if not (isinstance(n_classes, int) and n_classes >= 2):
            raise ValueError(f"n_classes must be a whole number >= 2 (a classifier needs two classes), "
                             f"got {n_classes!r}.")
        self.n_classes, self.channels, self.image_size = n_classes, channels, image_size
        dcgan = DCGANDiscriminator(width=width, channels=channels, image_size=image_size, norm=norm)
        self.trunk = dcgan.main[:-1]  # everything up to the 4x4 features
        self.head = nn.Conv2d(dcgan.main[-1].in_channels, n_classes, 4, 1, 0)  # 4x4 -> 1x1, K logits
        # Dropout before the head (Salimans et al. used it throughout): with a handful of labels, a classifier
        # memorises them unless its features are made redundant.
        self.dropout = nn.Dropout(dropout)

    def features(self, x):
        """The trunk's 4x4 features, flattened: ``(B, 16 * channels at 4x4)``, the layer feature matching uses."""
        check_images(x, self.channels, self.image_size, "KPlusOneDiscriminator")
        return self.trunk(x).flatten(1)

    def classify(self, features):
        """Class logits ``(B, n_classes)`` from :meth:`features`' output (saves a second pass of the trunk)."""
        h = self.dropout(features).view(features.shape[0], self.head.in_channels, 4, 4)
        return self.head(h).flatten(1)

    def forward(self, x):
        return self.classify(self.features(x))
