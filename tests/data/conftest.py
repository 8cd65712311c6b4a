"""Fixtures of the data tests."""

import pytest

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
