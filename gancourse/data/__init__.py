"""Data for the book: the brain MRI simulator, lesion patches, stains, NIfTI files, value ranges, augmentation,
the toy mixture of chapter 3.1, MR acquisition in k-space (4.3), a CT scanner (4.5), warping by a displacement field (4.6), public data sets,
a folder of one's own scans, and real scans of single subjects from public packages (5.1)."""
from .brain import CONTRASTS, LABELS, TISSUES, BrainBatch, BrainSimulator, signal
from .ct_projection import LowDoseScans, attenuation_to_hu, hu_to_attenuation, low_dose, low_dose_scans
from .intensity import HU_KNOTS, ct_to_unit, from_gan_range, hu_to_network, network_to_hu, to_gan_range
from .kspace import cartesian_mask, complex_image, data_consistency, fft2c, ifft2c, zero_filled
from .nifti import load_nifti, save_nifti
from .nifti_folder import NiftiFolder
from .patches import PatchBatch, lesion_patches
from .public import chosen_data
from .warp import compose, identity_grid, random_displacement, warp, warp_labels

__all__ = ["BrainSimulator", "BrainBatch", "LABELS", "TISSUES", "CONTRASTS", "signal", "to_gan_range",
           "from_gan_range", "ct_to_unit", "hu_to_network", "network_to_hu", "HU_KNOTS", "load_nifti", "save_nifti",
           "PatchBatch", "lesion_patches", "chosen_data", "NiftiFolder",
           # chapter 4.3: MR acquisition in k-space, undersampling and data consistency
           "cartesian_mask", "complex_image", "data_consistency", "fft2c", "ifft2c", "zero_filled",
           # chapter 4.5: a CT scanner, from Hounsfield units to photon counts and back
           "LowDoseScans", "attenuation_to_hu", "hu_to_attenuation", "low_dose", "low_dose_scans",
           # chapter 4.6: the spatial transformer
           "warp", "warp_labels", "compose", "identity_grid", "random_displacement"]
