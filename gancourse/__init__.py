"""gancourse: the helper library of the book "GANs for Medical Image Analysis"."""
__version__ = "0.1.0"
