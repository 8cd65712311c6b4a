"""Fixtures of the data tests."""
import logging

import pytest
from mmengine.logging import MMLogger

from .image_files import random_image, write_image


@pytest.fixture
def image_list(tmp_path):
    """Six PNG images of different sizes and a list file labelling them 0, 1, 2, 0, 1, 2."""
    lines = []
    for i in range(6):
        write_image(str(tmp_path / 'images' / f'{i}.png'), random_image(i, 20 + i, 30 - i))
        lines.append(f'images/{i}.png {i % 3}')
    (tmp_path / 'list.txt').write_text('\n'.join(lines) + '\n')
    return tmp_path / 'list.txt'


@pytest.fixture
def mmengine_warnings():
    """Messages of the WARNING records logged through mmengine's current logger."""
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)
