"""Capturing what native code prints on stderr (data/native_stderr.py)."""
import os
import sys

from easycv_like.data.native_stderr import call_capturing_stderr


def test_output_during_the_call_is_returned_and_stderr_restored(capfd):
    result, text = call_capturing_stderr(os.write, 2, b'Corrupt JPEG data: test\n')
    assert (result, text) == (24, 'Corrupt JPEG data: test\n')
    assert call_capturing_stderr(len, 'abc') == (3, '')  # nothing left over from the last call
    print('after', file=sys.stderr, flush=True)
    assert capfd.readouterr().err == 'after\n'
