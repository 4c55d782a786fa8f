"""Networks of the book, one module per architecture. They import only torch (and each other).

dcgan (DCGAN generator and discriminator), mlp (the fully connected GAN of 3.1), unet (pix2pix's generator),
patchgan (pix2pix's discriminator), receptive_field, resnet (CycleGAN's generator), acgan (two-headed
discriminator, class-conditional generator), feature_patch (Li and Wand's Markovian discriminator on a fixed
feature network), classifier (a small slice classifier), segmenter (a small lesion segmenter), encoder (the
book's domain encoder), norms (normalisation layers and initialisation), parameters (count_parameters).
"""
from .acgan import ACGANDiscriminator, ACGANGenerator
from .classifier import SliceClassifier
from .dcgan import DCGANDiscriminator, DCGANGenerator
from .encoder import DomainEncoder
from .feature_patch import FeaturePatchDiscriminator
from .mlp import MLPDiscriminator, MLPGenerator, mlp_image_gan
from .parameters import count_parameters
from .patchgan import PatchDiscriminator
from .receptive_field import receptive_field
from .resnet import ResidualBlock, ResNetGenerator
from .segmenter import LesionSegmenter
from .unet import UNetGenerator

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "MLPGenerator", "MLPDiscriminator", "mlp_image_gan",
           "UNetGenerator", "PatchDiscriminator", "receptive_field", "ResNetGenerator", "ResidualBlock",
           "ACGANGenerator", "ACGANDiscriminator", "SliceClassifier", "FeaturePatchDiscriminator",
           "LesionSegmenter", "DomainEncoder", "count_parameters"]
