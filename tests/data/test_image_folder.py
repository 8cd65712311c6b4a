import os
import re

import pytest

from easycv_like.data.errors import ClassMismatchError
from easycv_like.data.sources import ImageFolder
from easycv_like.errors import ConfigError

from .image_files import random_image, write_image


def test_classes_sorted_and_labels(tmp_path):
    for rel in ('zebra/b.png', 'zebra/a.jpg', 'ant/sub/c.PNG', 'ant/x.bmp', 'moth/z.webp'):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b'')  # listing never opens the files
    (tmp_path / 'ant' / 'notes.txt').write_text('not an image')
    (tmp_path / 'stray.png').write_bytes(b'')  # not in a class folder
    source = ImageFolder(str(tmp_path))
    assert source.classes == ['ant', 'moth', 'zebra']
    got = [(os.path.relpath(source[i]['img_path'], tmp_path), source[i]['gt_label'])
           for i in range(len(source))]
    assert got == [('ant/x.bmp', 0), ('ant/sub/c.PNG', 0), ('moth/z.webp', 1),
                   ('zebra/a.jpg', 2), ('zebra/b.png', 2)]


def test_extensions_and_empty_root(tmp_path):
    write_image(str(tmp_path / 'a' / '1.png'), random_image(0, 4, 4))
    write_image(str(tmp_path / 'a' / '3.jpg'), random_image(0, 4, 4))
    write_image(str(tmp_path / 'b' / '2.jpg'), random_image(0, 4, 4))
    assert len(ImageFolder(str(tmp_path), extensions=('.jpg',))) == 2
    with pytest.raises(FileNotFoundError, match='No image'):
        ImageFolder(str(tmp_path), extensions=('.tif',))


@pytest.mark.parametrize('classes', [None, ['cat', 'dog']])
def test_a_flat_folder_is_told_the_layout_and_image_list(tmp_path, classes):
    """Images directly in root gave 'No image ... (classes: [])' without saying why."""
    for name in ('1.jpg', '2.png', 'notes.txt'):
        (tmp_path / name).write_bytes(b'')
    with pytest.raises(FileNotFoundError) as err:
        ImageFolder(str(tmp_path), classes=classes)
    assert str(err.value).endswith(
        f"Its 2 image(s) lie in {str(tmp_path)!r} itself: ImageFolder needs one sub-folder per "
        'class (root/<class>/<image>). For a flat folder, list the images and their labels in a '
        "text file and use dict(type='ImageList', list_file=...) (docs/data.md); for "
        'self-supervised pre-training the paths alone will do, one a line (unlabelled).')
    (tmp_path / 'empty_class').mkdir()  # a class folder without images: not the flat hint
    with pytest.raises(FileNotFoundError) as err:
        ImageFolder(str(tmp_path))
    assert 'ImageList' not in str(err.value)


def test_one_string_is_one_extension_not_its_letters(tmp_path):
    """extensions='.jpg' once took every file ending in '.', 'j', 'p' or 'g' (the .png too)."""
    write_image(str(tmp_path / 'a' / '1.png'), random_image(0, 4, 4))
    write_image(str(tmp_path / 'a' / '3.jpg'), random_image(0, 4, 4))
    write_image(str(tmp_path / 'b' / '2.JPG'), random_image(0, 4, 4))
    found = ImageFolder(str(tmp_path), extensions='.jpg')
    assert [os.path.basename(found[i]['img_path']) for i in range(len(found))] == ['3.jpg',
                                                                                   '2.JPG']
    for bad in ((), ('.jpg', None), ('',)):
        with pytest.raises(ValueError, match='extensions must be file endings'):
            ImageFolder(str(tmp_path), extensions=bad)


def _touch(root, *rels):
    for rel in rels:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b'')
    return str(root)


def test_val_split_takes_the_training_folders_classes(tmp_path, mmengine_warnings):
    train = _touch(tmp_path / 'train', 'ant/1.png', 'bee/2.png', 'cat/3.png')
    val = _touch(tmp_path / 'val', 'ant/4.png', 'cat/5.png')  # no 'bee' images in val
    source = ImageFolder(val, classes=train)
    assert source.classes == ['ant', 'bee', 'cat']
    assert [source[i]['gt_label'] for i in range(len(source))] == [0, 2]  # cat stays 2, not 1
    assert "'bee'" in mmengine_warnings[-1].getMessage()
    assert 'train' in source.class_origin


def test_folder_missing_from_the_training_classes_is_an_error(tmp_path):
    train = _touch(tmp_path / 'train', 'ant/1.png', 'bee/2.png')
    val = _touch(tmp_path / 'val', 'ant/4.png', 'bees/5.png')
    with pytest.raises(ClassMismatchError, match=r"'bees' \(did you mean 'bee'\?\)"):
        ImageFolder(val, classes=train)  # a user error: tools print it in one line


def test_explicit_list_and_classes_txt(tmp_path):
    root = _touch(tmp_path / 'data', 'b/1.png', 'a/2.png')
    assert [ImageFolder(root, classes=['b', 'a'])[i]['gt_label'] for i in range(2)] == [0, 1]
    (tmp_path / 'classes.txt').write_text('b\na\n')
    source = ImageFolder(root, classes=str(tmp_path / 'classes.txt'))
    assert source.classes == ['b', 'a'] and 'classes.txt' in source.class_origin
    with pytest.raises(ValueError, match=r"names \['a'\] more than once"):
        ImageFolder(root, classes=['a', 'b', 'a'])


def test_empty_class_folder_is_named(tmp_path):
    root = _touch(tmp_path / 'data', 'a/1.png', 'b/2.png')
    (tmp_path / 'data' / 'c' / 'sub').mkdir(parents=True)
    (tmp_path / 'data' / 'c' / 'readme.txt').write_text('no images here')
    with pytest.raises(FileNotFoundError, match=r"data/c'\] hold no image"):
        ImageFolder(root)


def test_every_promised_extension_is_found_and_other_files_are_named(tmp_path,
                                                                     mmengine_warnings):
    from .image_files import write_odd_images
    expected = write_odd_images(str(tmp_path / 'odd'), random_image(4, 6, 8))
    (tmp_path / 'odd' / 'notes.txt').write_text('not an image')
    (tmp_path / 'odd' / 'photo.heic').write_bytes(b'\0' * 8)
    (tmp_path / 'odd' / '.DS_Store').write_bytes(b'\0' * 8)
    (tmp_path / 'odd' / '._grey.png').write_bytes(b'\0' * 8)  # macOS resource fork, hidden
    source = ImageFolder(str(tmp_path))
    names = sorted(os.path.basename(source[i]['img_path']) for i in range(len(source)))
    assert names == sorted(expected)  # .tif, .tiff, .PNG, non-ASCII names included
    skipped = [m.getMessage() for m in mmengine_warnings
               if 'without an image extension' in m.getMessage()]
    assert len(skipped) == 1 and '2 file(s)' in skipped[0]
    assert 'notes.txt' in skipped[0] and 'photo.heic' in skipped[0]


def test_an_image_given_as_the_class_list_is_named(tmp_path):
    write_image(str(tmp_path / 'a' / '1.jpg'), random_image(0, 4, 4))
    with pytest.raises(ValueError, match=r"Class list '.*1\.jpg' is not a UTF-8 text file"):
        ImageFolder(str(tmp_path), classes=str(tmp_path / 'a' / '1.jpg'))


@pytest.mark.parametrize('link, target, named', [
    ('ant/up', '..', "'{root}/ant' and '{root}/ant/up/ant' are one folder"),
    ('ant/bees_too', '../bee', "'{root}/ant/bees_too' and '{root}/bee' are one folder"),
])
def test_a_folder_reached_twice_through_a_link_is_an_error(tmp_path, link, target, named):
    """A link back to a parent once repeated a class's images ~40 times (until the OS refused
    the path); a link to another class's folder labelled its images twice."""
    root = _touch(tmp_path / 'train', 'ant/1.png', 'bee/2.png')
    os.symlink(target, tmp_path / 'train' / link)
    with pytest.raises(ConfigError, match=re.escape(named.format(root=root))):
        ImageFolder(root)


def test_a_link_to_a_folder_outside_is_followed(tmp_path):
    root = _touch(tmp_path / 'train', 'ant/1.png', 'bee/2.png')
    _touch(tmp_path / 'more', 'x/3.png')
    os.symlink(tmp_path / 'more', tmp_path / 'train' / 'ant' / 'more')
    source = ImageFolder(root)
    assert [source[i]['gt_label'] for i in range(len(source))] == [0, 0, 1]
