"""Networks of the book: one module per architecture."""
from .dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_weights_init
from .mlp import MLPDiscriminator, MLPGenerator, mlp_image_gan

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "dcgan_weights_init", "MLPGenerator", "MLPDiscriminator",
           "mlp_image_gan"]
