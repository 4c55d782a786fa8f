"""Data for the book: the brain MRI simulator, lesion patches, stains, NIfTI files, value ranges, augmentation
and the toy mixture of chapter 3.1."""
from .brain import CONTRASTS, LABELS, TISSUES, BrainBatch, BrainSimulator, signal
from .intensity import HU_KNOTS, ct_to_unit, from_gan_range, hu_to_network, network_to_hu, to_gan_range
from .nifti import load_nifti, save_nifti
from .patches import PatchBatch, lesion_patches

__all__ = ["BrainSimulator", "BrainBatch", "LABELS", "TISSUES", "CONTRASTS", "signal", "to_gan_range",
           "from_gan_range", "ct_to_unit", "hu_to_network", "network_to_hu", "HU_KNOTS", "load_nifti", "save_nifti",
           "PatchBatch", "lesion_patches"]
