"""The training methods of the book, one module per GAN family or application, each a short ``step`` on the
one loop of :mod:`gancourse.train`.

gan (GAN, DCGAN, WGAN, WGAN-GP, LSGAN: :class:`GANTrainer`), acgan (:class:`ACGANTrainer`), pix2pix
(conditioning and :class:`Pix2PixTrainer`), cyclegan (:class:`CycleGANTrainer` and its history pool),
supervised (:class:`ClassifierTrainer`, the downstream classifier), label_to_image (pix2pix with a
lesion-weighted L1 term), lesion_segmentation (:class:`LesionSegmenterTrainer`, chapter 4.1's lesion
segmenter), volume_translation (:class:`VolumeTranslationTrainer`, a 3-D generator trained with L1), reconstruction
(:class:`DAGANTrainer`, compressed-sensing MRI), super_resolution (:class:`SuperResolutionTrainer`),
denoising (:class:`DenoisingTrainer`, low-dose CT), anomaly (AnoGAN's latent search, f-AnoGAN's
:class:`EncoderTrainer`, the :class:`AutoencoderTrainer` baseline), registration (:class:`RegistrationTrainer`, a
displacement network with an intensity, mutual-information or adversarial similarity) and semi_supervised
(:class:`SemiSupervisedTrainer`, Salimans et al.'s K+1-class GAN).
"""
from .acgan import ACGANTrainer
from .anomaly import AutoencoderTrainer, EncoderTrainer, encoder_search, latent_search
from .adversarial_segmentation import ConditionalSegmentationTrainer, SegANTrainer
from .cyclegan import CycleGANTrainer
from .denoising import DenoisingTrainer, denoise
from .domain_adaptation import DomainAdversarialTrainer
from .gan import RECIPES, GANTrainer
from .label_to_image import LesionWeightedPix2PixTrainer
from .lesion_segmentation import LesionSegmenterTrainer, segment_lesions, train_lesion_segmenter
from .pix2pix import Pix2PixTrainer, translate
from .reconstruction import DAGANTrainer, reconstruct_images
from .registration import RegistrationTrainer, iterative_registration, make_pairs, register
from .segmentation import SegmentationTrainer, segment
from .semi_supervised import SemiSupervisedTrainer
from .super_resolution import SuperResolutionTrainer, super_resolve
from .supervised import ClassifierTrainer, accuracy, predict, train_classifier
from .volume_translation import VolumeTranslationTrainer, translate_volumes

__all__ = ["GANTrainer", "RECIPES", "ACGANTrainer", "Pix2PixTrainer", "translate", "CycleGANTrainer",
           "ClassifierTrainer", "train_classifier", "predict", "accuracy", "SegmentationTrainer", "segment",
           "SegANTrainer", "ConditionalSegmentationTrainer", "DomainAdversarialTrainer",
           "LesionWeightedPix2PixTrainer", "LesionSegmenterTrainer", "train_lesion_segmenter", "segment_lesions",
           "VolumeTranslationTrainer", "translate_volumes", "DAGANTrainer", "reconstruct_images",
           "SuperResolutionTrainer", "super_resolve", "DenoisingTrainer", "denoise",
           "RegistrationTrainer", "make_pairs", "register", "iterative_registration", "AutoencoderTrainer",
           "EncoderTrainer", "encoder_search", "latent_search", "SemiSupervisedTrainer"]

