"""``ViewSpec``: what one augmented view of an image is, as plain data (no DALI needed).

DALI datasets describe their views with these (a classification crop, the two MoCo v2 views, the
global and local crops of SwAV/DINO); ``pipelines.augment_view`` turns one into DALI operators.
An SSL recipe (``data/view_recipe.py``) compiles to these fields.
The fields follow the cv2 transforms of ``data/transforms`` and torchvision.
"""
from dataclasses import dataclass, field, fields
from typing import Optional

from easycv_like.data.view_recipe import INTERPOLATIONS, MOCOV2_VIEWS, dali_multi_view_args


@dataclass(frozen=True)
class ViewSpec:
    """One view: a crop, then photometric changes each applied with a probability, then a flip.

    Args:
        size: output side in pixels (square views).
        scale: random-resized-crop area range (fraction of the image); None means a
            deterministic resize of the shorter side to ``resize_size`` and a centre crop.
        ratio: random-resized-crop aspect ratio range (width / height).
        resize_size: shorter side before the centre crop; default ``round(size / 0.875)``.
        flip_prob: probability of a horizontal flip.
        jitter: ``dict(brightness, contrast, saturation, hue, prob)`` with torchvision's
            strengths (hue in turns, at most 0.5), or None for no colour jitter.
        grayscale_prob: probability of turning the view grey.
        blur_prob: probability of a Gaussian blur.
        blur_sigma: range of the blur's sigma in pixels (kernel spans +-3 sigma).
        solarize_prob: probability of inverting the pixels >= 128.
        interpolation: resampling of the random-resized crop, ``'bilinear'`` or ``'bicubic'``.
    """

    size: int
    scale: Optional[tuple[float, float]] = (0.08, 1.0)
    ratio: tuple[float, float] = (3 / 4, 4 / 3)
    resize_size: Optional[int] = None
    flip_prob: float = 0.5
    jitter: Optional[dict] = field(default=None, hash=False)
    grayscale_prob: float = 0.0
    blur_prob: float = 0.0
    blur_sigma: tuple[float, float] = (0.1, 2.0)
    solarize_prob: float = 0.0
    interpolation: str = 'bilinear'

    @classmethod
    def from_dict(cls, cfg: dict) -> 'ViewSpec':
        """Build from a config dict, rejecting unknown keys by name."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(cfg) - known)
        if unknown:
            raise KeyError(f'Unknown view option(s) {unknown}; valid: {sorted(known)}.')
        if cfg.get('interpolation', 'bilinear') not in INTERPOLATIONS:
            raise ValueError(f"interpolation must be one of {INTERPOLATIONS}, got "
                             f"{cfg['interpolation']!r}.")
        cfg = dict(cfg)
        for key in ('scale', 'ratio', 'blur_sigma'):
            if cfg.get(key) is not None:
                cfg[key] = tuple(float(v) for v in cfg[key])
        return cls(**cfg)


# The MoCo v2 / SimCLR augmentation of one 224 view, from the one recipe of data/view_recipe.py.
MOCOV2_VIEW = dali_multi_view_args(MOCOV2_VIEWS)['view']
