"""gancourse: the helper library of the book "GANs for Medical Image Analysis"."""
# The release: the notebooks install the tag v<this> (book/sync_release.py writes it into them).
__version__ = "0.2.0"
