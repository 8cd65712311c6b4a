"""Build a DALI pipeline: read -> decode once -> one augmented branch per view.

Every DALI dataset (classification, SSL multi-view, multi-crop) is this graph with a different
list of ``ViewSpec``: the image is decoded once (``mixed``: nvJPEG on the GPU, with
``hw_decoder_load`` of the JPEGs sent to the A100/H100 hardware decoder; ``cpu``: libjpeg-turbo),
to the pixels ``LoadImage`` gives, and every view is cropped and augmented from it.
"""
from collections.abc import Sequence
from typing import Optional

import numpy as np
from nvidia.dali import fn, pipeline_def, types
from nvidia.dali.pipeline import Pipeline

from easycv_like.data.dali import ops
from easycv_like.data.dali.view_spec import ViewSpec


def augment_view(images, spec: ViewSpec):
    """One view of the decoded HWC images -> CHW uint8, as ``spec`` describes."""
    if spec.scale is None:
        views = ops.resize_center_crop(images, spec.size,
                                       spec.resize_size or round(spec.size / 0.875))
    else:
        views = ops.random_resized_crop(images, spec.size, spec.scale, spec.ratio,
                                       spec.interpolation)
    if spec.jitter:
        views = ops.color_jitter(views, **spec.jitter)
    if spec.grayscale_prob > 0:
        views = ops.random_grayscale(views, spec.grayscale_prob)
    if spec.blur_prob > 0:
        views = ops.gaussian_blur(views, spec.blur_sigma, spec.blur_prob)
    if spec.solarize_prob > 0:
        views = ops.solarize(views, spec.solarize_prob)
    return ops.flip_to_chw(views, spec.flip_prob)


def decoder_args(decoder_device: str, hw_decoder_load: float) -> dict:
    """Arguments of ``fn.decoders.image``: upright by the EXIF orientation and RGB, as
    ``LoadImage`` (OpenCV) decodes. On the GPU (``mixed``) nvJPEG repeats the subsampled chroma
    of a 4:2:0 JPEG where libjpeg-turbo interpolates it: a few levels of colour at edges.
    DALI's ``jpeg_fancy_upsampling`` would close that gap, but its cost for the hardware decoder
    (``hw_decoder_load``, measured fastest at 1.0) has not been measured, so it stays off.
    """
    args = dict(device=decoder_device, output_type=types.RGB, adjust_orientation=True)
    if decoder_device == 'mixed':
        args['hw_decoder_load'] = hw_decoder_load
    return args


@pipeline_def(enable_conditionals=True)
def _graph(reader, views: Sequence[ViewSpec], shard_id: int, num_shards: int,
           order: Optional[np.ndarray], shuffle_buffer: int, decoder_device: str,
           hw_decoder_load: float, augment_device: str):
    encoded, meta = reader.read(shard_id, num_shards, order, shuffle_buffer)
    images = fn.decoders.image(encoded, **decoder_args(decoder_device, hw_decoder_load))
    if augment_device == 'gpu' and decoder_device == 'cpu':
        images = images.gpu()
    outputs = [augment_view(images, spec) for spec in views]
    return (*outputs, *(meta[name] for name in reader.outputs))


def build_pipeline(reader, views: Sequence[ViewSpec], *, batch_size: int, num_threads: int,
                   device_id: Optional[int], seed: int, shard_id: int = 0, num_shards: int = 1,
                   order: Optional[np.ndarray] = None, shuffle_buffer: int = 0,
                   decoder_device: str = 'cpu', hw_decoder_load: float = 1.0,
                   augment_device: str = 'cpu', prefetch_queue_depth: int = 2,
                   enable_checkpointing: bool = False,
                   checkpoint: Optional[bytes] = None) -> Pipeline:
    """A built pipeline whose outputs are ``view0 .. viewK`` then ``reader.outputs``.

    Args:
        reader: a ``readers`` reader.
        views: one ``ViewSpec`` per output view.
        batch_size: samples per batch.
        num_threads: CPU threads of the pipeline.
        device_id: CUDA device, or None for a CPU-only pipeline.
        seed: seed of every random operator (and of the reader's shuffle buffer).
        shard_id: this rank.
        num_shards: the world size.
        order: permutation of the reader's units (files or samples) for this epoch, or None.
        shuffle_buffer: samples mixed by the reader's buffer (0: read in order).
        decoder_device: ``'mixed'`` (GPU) or ``'cpu'``.
        hw_decoder_load: fraction of JPEGs for the hardware decoder (``'mixed'`` only).
        augment_device: ``'gpu'`` or ``'cpu'``; where crops and colour operators run.
        prefetch_queue_depth: batches prepared ahead.
        enable_checkpointing: let the pipeline report its state (reader position, RNG states).
        checkpoint: a state reported earlier, to continue from.
    """
    pipe = _graph(reader, list(views), shard_id, num_shards, order, shuffle_buffer,
                  decoder_device, hw_decoder_load, augment_device, batch_size=batch_size,
                  num_threads=num_threads, device_id=device_id, seed=seed,
                  prefetch_queue_depth=prefetch_queue_depth,
                  enable_checkpointing=enable_checkpointing or checkpoint is not None,
                  checkpoint=checkpoint)
    pipe.build()
    return pipe
