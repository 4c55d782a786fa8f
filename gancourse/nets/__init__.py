"""Networks of the book: one module per architecture."""
from .acgan import ACGANDiscriminator, ACGANGenerator
from .classifier import SliceClassifier
from .cyclegan import ResidualBlock, ResNetGenerator
from .dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_weights_init
from .markovian import FeaturePatchDiscriminator
from .mlp import MLPDiscriminator, MLPGenerator, mlp_image_gan
from .pix2pix import PatchDiscriminator, UNetGenerator, receptive_field
from .segmenter import LesionSegmenter

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "dcgan_weights_init", "MLPGenerator", "MLPDiscriminator",
           "mlp_image_gan", "UNetGenerator", "PatchDiscriminator", "receptive_field", "ResNetGenerator",
           "ResidualBlock", "ACGANGenerator", "ACGANDiscriminator", "SliceClassifier", "FeaturePatchDiscriminator",
           "LesionSegmenter"]
