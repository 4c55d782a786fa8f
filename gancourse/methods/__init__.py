"""The training methods of the book, one module per GAN family or application, each a short ``step`` on the
one loop of :mod:`gancourse.train`.

gan (GAN, DCGAN, WGAN, WGAN-GP, LSGAN: :class:`GANTrainer`), acgan (:class:`ACGANTrainer`), pix2pix
(conditioning and :class:`Pix2PixTrainer`), cyclegan (:class:`CycleGANTrainer` and its history pool),
supervised (:class:`ClassifierTrainer`, the downstream classifier).
"""
from .acgan import ACGANTrainer
from .cyclegan import CycleGANTrainer
from .gan import RECIPES, GANTrainer
from .pix2pix import Pix2PixTrainer, translate
from .supervised import ClassifierTrainer, accuracy, predict, train_classifier

__all__ = ["GANTrainer", "RECIPES", "ACGANTrainer", "Pix2PixTrainer", "translate", "CycleGANTrainer",
           "ClassifierTrainer", "train_classifier", "predict", "accuracy"]
