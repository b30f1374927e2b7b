"""Print a report page to PDF with headless Chromium: scripts off, no network, a bounded time.

Chromium's ``--print-to-pdf`` switch cannot turn scripts off (``--blink-settings=scriptEnabled=false``
makes it print nothing), and a page script can stall it until a timeout. So journeylab drives Chromium
through the DevTools protocol over a pipe (``--remote-debugging-pipe``: no port, nothing for another
process to reach): it disables script execution for the tab before the page is opened
(``Emulation.setScriptExecutionDisabled``), opens the page, waits for its load event and prints it
(``Page.printToPDF``), each step within what is left of ``timeout`` seconds. The report page itself
carries no script and a Content-Security-Policy that forbids them (journeylab.report.run), so this is the
second of two locks.
"""
from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from journeylab.errors import JourneylabError

PRINT_OPTIONS = {"printBackground": True, "displayHeaderFooter": False, "preferCSSPageSize": True}


class ChromiumError(JourneylabError):
    """Chromium could not print the page (it failed, or did not finish in time)."""


class _Pipe:
    """The DevTools protocol over Chromium's pipe: JSON messages ended by a NUL byte."""

    def __init__(self, proc: subprocess.Popen, write_fd: int, read_fd: int, deadline: float) -> None:
        self.proc, self.write_fd, self.read_fd, self.deadline = proc, write_fd, read_fd, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError("Chromium did not finish printing in time")
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 1.0))
            if not ready:
                if self.proc.poll() is not None:
                    raise ChromiumError(f"Chromium stopped (exit status {self.proc.returncode})")
                continue
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise ChromiumError("Chromium closed its DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Send one command; return its result (events that arrive meanwhile are kept)."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read_message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise ChromiumError(f"Chromium refused {method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str, session: str) -> None:
        """Wait until the event ``method`` of ``session`` arrives."""
        while True:
            for event in self.events:
                if event.get("method") == method and event.get("sessionId") == session:
                    return
            self.events.append(self._read_message())


def print_pdf(executable: str, flags: Sequence[str], html: Path, pdf: Path, timeout: float) -> Path:
    """Print ``html`` to ``pdf`` with Chromium at ``executable`` (scripts disabled); raises ChromiumError
    when Chromium fails or takes longer than ``timeout`` seconds. Returns ``pdf``."""
    deadline = time.monotonic() + timeout
    to_chromium_r, to_chromium_w = os.pipe()
    from_chromium_r, from_chromium_w = os.pipe()
    # Chromium reads commands from descriptor 3 and writes replies to descriptor 4.
    high_r, high_w = os.dup(to_chromium_r), os.dup(from_chromium_w)

    def child_pipes() -> None:
        os.dup2(high_r, 3)
        os.dup2(high_w, 4)

    with tempfile.TemporaryDirectory(prefix="journeylab-chromium-") as profile:
        proc = subprocess.Popen(
            [executable, *flags, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=child_pipes, start_new_session=True)
        for fd in (to_chromium_r, from_chromium_w, high_r, high_w):
            os.close(fd)
        try:
            pipe = _Pipe(proc, to_chromium_w, from_chromium_r, deadline)
            target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            pipe.call("Emulation.setScriptExecutionDisabled", {"value": True}, session)
            pipe.call("Page.enable", {}, session)
            pipe.call("Page.navigate", {"url": Path(html).resolve().as_uri()}, session)
            pipe.wait_for("Page.loadEventFired", session)
            data = pipe.call("Page.printToPDF", PRINT_OPTIONS, session)["data"]
            Path(pdf).write_bytes(base64.b64decode(data))
            try:
                pipe.call("Browser.close")
            except ChromiumError:
                pass  # closing is best effort; the process is stopped below either way
        finally:
            for fd in (to_chromium_w, from_chromium_r):
                os.close(fd)
            _stop(proc)
    return Path(pdf)


def _stop(proc: subprocess.Popen) -> None:
    # Chromium runs helper processes (renderer, GPU, zygote) in its own session: stop them all.
    import signal

    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if proc.poll() is None:
        proc.wait()


__all__ = ["print_pdf", "ChromiumError", "PRINT_OPTIONS"]
