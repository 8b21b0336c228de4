import socket

import pytest
from django.core.management.base import CommandError

from caremap.directory.management.commands.demo import _check_port_free


def test_demo_rejects_port_in_use():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match="choose another port with --port"):
            _check_port_free("127.0.0.1", port)


def test_demo_accepts_free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _check_port_free("127.0.0.1", port)
