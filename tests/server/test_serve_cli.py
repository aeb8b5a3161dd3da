"""`facetalk serve`: bad options get one line and exit status 2, before anything listens."""

import pytest

from facetalk.cli import main


@pytest.mark.parametrize("argv, words", [
    (["serve", "--port", "70000"], "port must be 1..65535"),
    (["serve", "--max-sessions", "0"], "at least 1"),
    (["serve", "--size", "10"], "--size must be 64..2048"),
])
def test_bad_serve_options(capsys, argv, words):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and words in err


def test_busy_port_is_one_line(capsys):
    import socket

    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert main(["serve", "--port", str(port)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and f"cannot listen on 127.0.0.1:{port}" in err


def test_the_help_states_the_settings_own_defaults(capsys):
    """The CLI takes the server's defaults from ServerSettings; the help must say the same values."""
    import re

    from facetalk.server import ServerSettings

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    defaults = ServerSettings()
    for flag, value in (("--host", defaults.host), ("--size", defaults.size),
                        ("--max-sessions", defaults.max_sessions), ("--max-jobs", defaults.max_jobs)):
        assert re.search(rf"{flag} \S+ [^()]*\(default: {value}\)", text), (flag, value)


def test_the_serve_options_are_read_without_the_web_framework():
    """The settings hold no web framework: `serve --help` works with FastAPI absent (the server
    is an extra; its settings give the CLI its defaults)."""
    import subprocess
    import sys

    code = ("import sys; sys.modules['fastapi'] = sys.modules['uvicorn'] = None\n"
            "from facetalk.cli import main\n"
            "try:\n    main(['serve', '--help'])\nexcept SystemExit as e:\n    sys.exit(e.code)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--max-sessions" in done.stdout


@pytest.mark.parametrize("argv, warm", [([], True), (["--no-webrtc-warm-start"], False)])
def test_serve_passes_the_warm_start_choice_to_the_server(monkeypatch, argv, warm):
    """The server readies its WebRTC render processes unless told not to."""
    import signal
    import socket

    import uvicorn

    import facetalk.server

    seen = []
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # serve's handlers would outlive the test
    monkeypatch.setattr(facetalk.server, "create_app", lambda settings: seen.append(settings))
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: None)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    assert main(["serve", "--port", str(port), *argv]) == 0
    assert [s.webrtc_warm_start for s in seen] == [warm]
