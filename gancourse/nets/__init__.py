"""Networks of the book, one module per architecture. They import only torch (and each other).

dcgan (DCGAN generator and discriminator), mlp (the fully connected GAN of 3.1), unet (pix2pix's generator),
patchgan (pix2pix's discriminator), receptive_field, resnet (CycleGAN's generator), acgan (two-headed
discriminator, class-conditional generator), feature_patch (Li and Wand's Markovian discriminator on a fixed
feature network), classifier (a small slice classifier), segmenter (a small lesion segmenter), segmentation_unet
(Ronneberger et al.'s U-Net as a segmenter), segan_critic (SegAN's multi-scale critic), encoder (the
book's domain encoder), denoiser (chapter 4.5's residual de-noiser), autoencoder (chapter 4.4's DCGAN-shaped encoder and autoencoder), displacement (chapter 4.6's displacement-field
U-Net), semi_supervised (chapter 4.7's K+1-class discriminator), norms (normalisation layers and initialisation), parameters (count_parameters), unet3d
(a small 3-D U-Net).
"""
from .acgan import ACGANDiscriminator, ACGANGenerator
from .autoencoder import ConvAutoencoder, DCGANEncoder
from .classifier import SliceClassifier
from .dcgan import DCGANDiscriminator, DCGANGenerator
from .denoiser import ResidualDenoiser
from .displacement import DisplacementUNet
from .encoder import DomainEncoder
from .feature_patch import FeaturePatchDiscriminator
from .mlp import MLPDiscriminator, MLPGenerator, mlp_image_gan
from .parameters import count_parameters
from .patchgan import PatchDiscriminator
from .receptive_field import receptive_field
from .resnet import ResidualBlock, ResNetGenerator
from .segan_critic import MultiScaleCritic
from .segmentation_unet import SegmentationUNet
from .segmenter import LesionSegmenter
from .semi_supervised import KPlusOneDiscriminator
from .unet import UNetGenerator
from .unet3d import UNet3D

__all__ = ["DCGANGenerator", "DCGANDiscriminator", "MLPGenerator", "MLPDiscriminator", "mlp_image_gan",
           "UNetGenerator", "PatchDiscriminator", "receptive_field", "ResNetGenerator", "ResidualBlock",
           "ACGANGenerator", "ACGANDiscriminator", "SliceClassifier", "FeaturePatchDiscriminator",
           "LesionSegmenter", "DomainEncoder", "count_parameters", "UNet3D", "ResidualDenoiser",
           "DisplacementUNet", "ConvAutoencoder", "DCGANEncoder", "KPlusOneDiscriminator"]
