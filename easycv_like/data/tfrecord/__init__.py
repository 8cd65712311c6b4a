"""TFRecord storage of image datasets: record framing and indexes, the image record's features,
and the converter from our data sources (the CPU reader is ``data/sources/tfrecord.py``)."""
from easycv_like.data.tfrecord.example import decode_example, encode_example
from easycv_like.data.tfrecord.record_file import (frame_record, index_path_for, read_index,
                                                   read_record, resolve_shards, scan_offsets)
from easycv_like.data.tfrecord.writer import convert_to_tfrecord, open_source

__all__ = ['convert_to_tfrecord', 'decode_example', 'encode_example', 'frame_record',
           'index_path_for', 'open_source', 'read_index', 'read_record', 'resolve_shards',
           'scan_offsets']
