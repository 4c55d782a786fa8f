"""Networks of the book: one module per architecture."""
from .dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_weights_init
from .mlp import MLPDiscriminator, MLPGenerator

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "dcgan_weights_init", "MLPGenerator", "MLPDiscriminator"]
