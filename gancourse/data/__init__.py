"""Data for the book: the brain MRI simulator and NIfTI helpers."""
from .brain import (CONTRASTS, LABELS, TISSUES, BrainBatch, BrainSimulator, ct_to_unit, from_gan_range, signal,
                    to_gan_range)
from .nifti import load_nifti, save_nifti
from .patches import PatchBatch, lesion_patches

__all__ = ["BrainSimulator", "BrainBatch", "LABELS", "TISSUES", "CONTRASTS", "signal", "to_gan_range",
           "from_gan_range", "ct_to_unit", "load_nifti", "save_nifti", "PatchBatch", "lesion_patches"]
