"""The features of one image record (a ``tf.train.Example``) and their (de)serialisation.

The layout most ImageNet TFRecord tools use, read by both our CPU ``TFRecord`` source and DALI's
TFRecord reader: ``image/encoded`` (JPEG bytes; PNG from a lossless conversion),
``image/class/label`` (int64, -1 when unlabeled), ``image/filename`` (bytes, the path relative to
the source root), plus ``image/index`` (int64, the record's position in the converted set) so
DALI batches can report ``sample_idx``.
"""
from google.protobuf.message import DecodeError
from tfrecord import example_pb2

IMAGE_KEY = 'image/encoded'
LABEL_KEY = 'image/class/label'
FILENAME_KEY = 'image/filename'
INDEX_KEY = 'image/index'


def encode_example(image: bytes, label: int, filename: str, index: int) -> bytes:
    """Serialise one image record (the payload of a TFRecord frame).

    The features are a protobuf map, whose default serialisation order changes with the
    process's hash seed; ``deterministic=True`` sorts them, so a conversion gives the same bytes
    in every run and with any number of ``--workers``."""
    example = example_pb2.Example()
    features = example.features.feature
    features[IMAGE_KEY].bytes_list.value.append(image)
    features[LABEL_KEY].int64_list.value.append(int(label))
    features[FILENAME_KEY].bytes_list.value.append(filename.encode('utf-8'))
    features[INDEX_KEY].int64_list.value.append(int(index))
    return example.SerializeToString(deterministic=True)


def decode_example(payload: bytes) -> dict:
    """Parse a record payload: ``{'image': bytes, 'label': int, 'filename': str, 'index': int}``.

    Missing features read as ``b''`` / -1 / ``''`` / -1.

    Raises:
        ValueError: the payload is not a serialised ``tf.train.Example``.
    """
    try:
        features = example_pb2.Example.FromString(payload).features.feature
    except DecodeError as err:
        raise ValueError(f'not a tf.train.Example ({err})') from err

    def first(key: str, kind: str, default):
        values = getattr(features[key], kind).value if key in features else ()
        return values[0] if len(values) else default

    return {'image': first(IMAGE_KEY, 'bytes_list', b''),
            'label': int(first(LABEL_KEY, 'int64_list', -1)),
            'filename': first(FILENAME_KEY, 'bytes_list', b'').decode('utf-8', 'replace'),
            'index': int(first(INDEX_KEY, 'int64_list', -1))}
