"""Detection: algorithm base, detectors and the parts shared with torchvision's components."""
from .feature_dict import NamedFeatures, name_features

__all__ = ['NamedFeatures', 'name_features']
