"""What the command-line tests share: running a tool's ``main`` that must end on a user error."""
import pytest


def stderr_of_exit_2(capsys, main, argv) -> str:
    """``main(argv)``'s stderr; it must exit with status 2 and print no traceback."""
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert 'Traceback' not in err
    return err
