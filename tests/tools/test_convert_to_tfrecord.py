"""tools/convert_to_tfrecord.py killed (SIGKILL) part-way: no partial shard set is ever read;
tools/verify_tfrecord.py names each corrupt record."""
import os
import signal
import subprocess
import sys

import pytest

import convert_to_tfrecord  # tools/ is on sys.path (tests/conftest.py)
from easycv_like.data.sources import TFRecord
from easycv_like.data.tfrecord import read_index

from ..data.image_files import random_image, write_image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Runs the converter with os.replace patched so the process SIGKILLs itself at the given
# call: mid-publish, after some shards were renamed into place and others not.
_KILLED_RUN = '''
import os, signal, sys
sys.path.insert(0, {tools!r})
from easycv_like.data.tfrecord import writer
calls = []
def replace(src, dst):
    calls.append(dst)
    if len(calls) == {kill_at}:
        os.kill(os.getpid(), signal.SIGKILL)
    os.replace(src, dst)
writer.os = type('os', (), {{**vars(os), 'replace': staticmethod(replace)}})
import convert_to_tfrecord
convert_to_tfrecord.main({args!r})
'''


@pytest.fixture
def image_list(tmp_path):
    lines = []
    for i in range(8):
        write_image(str(tmp_path / f'{i}.png'), random_image(i, 10, 12))
        lines.append(f'{i}.png {i % 2}')
    (tmp_path / 'list.txt').write_text('\n'.join(lines) + '\n')
    return str(tmp_path / 'list.txt')


def test_sigkill_while_publishing_leaves_no_readable_partial_set(image_list, tmp_path):
    kill_at = 4  # shards 0 and 1 renamed into place (shard 1 without its .idx), 2 and 3 not
    out = str(tmp_path / 'out')
    args = ['--src-type', 'ImageList', '--src', image_list, '--out', out, '--shards', '4']
    script = _KILLED_RUN.format(tools=os.path.join(REPO, 'tools'), kill_at=kill_at, args=args)
    run = subprocess.run([sys.executable, '-c', script], cwd=REPO, capture_output=True,
                         env={**os.environ, 'PYTHONPATH': REPO})
    assert run.returncode == -signal.SIGKILL, run.stderr.decode()[-2000:]
    published = sorted(n for n in os.listdir(out) if n.endswith('.tfrecord'))
    assert len(published) == 2
    with pytest.raises(FileNotFoundError, match='Incomplete TFRecord shard set'):
        TFRecord(os.path.join(out, 'train-*.tfrecord'))
    with pytest.raises(SystemExit) as exit_info:  # "... already exist ...; pass --force"
        convert_to_tfrecord.main(args)
    assert exit_info.value.code == 2
    convert_to_tfrecord.main([*args, '--force'])
    assert not [n for n in os.listdir(out) if n.endswith('.part')]
    source = TFRecord(os.path.join(out, 'train-*.tfrecord'))
    assert [source[i]['gt_label'] for i in range(len(source))] == [0, 1] * 4


def test_verify_names_each_corrupt_record(image_list, tmp_path, capsys):
    import verify_tfrecord
    out = str(tmp_path / 'out')
    convert_to_tfrecord.main(['--src-type', 'ImageList', '--src', image_list, '--out', out,
                              '--shards', '2'])
    shard = os.path.join(out, 'train-00001-of-00002.tfrecord')
    offset, size = (int(v) for v in read_index(shard[:-len('.tfrecord')] + '.idx')[2])
    assert verify_tfrecord.main([os.path.join(out, 'train-*.tfrecord')]) == 0
    data = bytearray(open(shard, 'rb').read())
    data[offset + size // 2] ^= 0x10  # inside record 2's image
    open(shard, 'wb').write(bytes(data))
    capsys.readouterr()
    assert verify_tfrecord.main([os.path.join(out, 'train-*.tfrecord'), '--workers', '1']) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == '7 of 8 records are good, 1 bad.'
    assert lines[0] == (f"Bad TFRecord '{shard}' record 2 (byte offset {offset}): the payload "
                        'CRC does not match (corrupt record).')


def test_verify_refuses_an_incomplete_set_in_one_line(image_list, tmp_path, capsys):
    import verify_tfrecord
    out = str(tmp_path / 'out')
    convert_to_tfrecord.main(['--src-type', 'ImageList', '--src', image_list, '--out', out,
                              '--shards', '2'])
    os.remove(os.path.join(out, 'train-00001-of-00002.tfrecord'))
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        verify_tfrecord.main([os.path.join(out, 'train-*.tfrecord')])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and 'Traceback' not in err
    assert err.startswith('verify_tfrecord.py: error: Incomplete TFRecord shard set: 1 of 2 ')
