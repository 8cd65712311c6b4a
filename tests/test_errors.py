"""The closest-name hint of errors.py: one form for one or several names."""
from easycv_like.errors import closest


def test_closest_names_one_or_several():
    assert closest('ResNt', ['ResNet', 'ViT']) == " (did you mean 'ResNet'?)"
    assert closest('val', ['vall', 'val2', 'train'], n=3) == " (did you mean 'vall' or 'val2'?)"
    assert closest('xyz', ['ResNet']) == ''
