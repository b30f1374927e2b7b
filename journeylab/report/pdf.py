"""Print a report page to PDF with headless Chromium: scripts off, no network, a bounded time.

Chromium's ``--print-to-pdf`` switch cannot turn scripts off (``--blink-settings=scriptEnabled=false``
makes it print nothing), and a page script can stall it until a timeout. So journeylab drives Chromium
through the DevTools protocol over a pipe (``--remote-debugging-pipe``: no port, nothing for another
process to reach): it disables script execution for the tab before the page is opened
(``Emulation.setScriptExecutionDisabled``), opens the page, waits for its load event and prints it
(``Page.printToPDF``), each step within what is left of ``timeout`` seconds. The report page itself
carries no script and a Content-Security-Policy that forbids them (journeylab.report.run), so this is the
second of two locks.

The PDF is A4 with Chromium's page footer (the report's title and "page X of Y", journeylab.report.layout);
the page's print rules are in the report template. :func:`capture` takes screenshots of a page the same
way (scripts off), as printed or as on a screen of a given size, for the tests and for previews.
"""
from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence

from journeylab.errors import JourneylabError

MM = 1 / 25.4  # inches
# A4 (210 x 297 mm) with the margins of the report template's @page rule (mm); the footer (page numbers) sits in
# the bottom margin.
MARGINS_MM = {"top": 18, "bottom": 20, "left": 16, "right": 16}
PRINT_OPTIONS = {"printBackground": True, "displayHeaderFooter": False, "preferCSSPageSize": True,
                 "paperWidth": 8.27, "paperHeight": 11.69, "marginTop": MARGINS_MM["top"] * MM,
                 "marginBottom": MARGINS_MM["bottom"] * MM, "marginLeft": MARGINS_MM["left"] * MM,
                 "marginRight": MARGINS_MM["right"] * MM,
                 # bookmarks from the headings (a PDF reader's side panel), tags for screen readers
                 "generateDocumentOutline": True, "generateTaggedPDF": True}
# What one printed page holds, in CSS pixels (96 per inch): the A4 sheet less its margins (178 x 259 mm).
PAGE_WIDTH_PX = round((210 - MARGINS_MM["left"] - MARGINS_MM["right"]) * MM * 96)
PAGE_HEIGHT_PX = round((297 - MARGINS_MM["top"] - MARGINS_MM["bottom"]) * MM * 96)


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


@contextmanager
def _open_page(executable: str, flags: Sequence[str], html: Path, timeout: float,
               before_load: Sequence[tuple[str, dict[str, Any]]] = ()) -> Iterator[tuple[_Pipe, str]]:
    """Start Chromium at ``executable``, open ``html`` in a tab with scripts disabled (after the DevTools calls
    ``before_load``, e.g. a screen size) and wait for its load event; yield the pipe and the tab's session.
    Chromium's processes are stopped afterwards; every step must end before ``timeout`` seconds have passed."""
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
            for method, params in before_load:
                pipe.call(method, params, session)
            pipe.call("Page.enable", {}, session)
            pipe.call("Page.navigate", {"url": Path(html).resolve().as_uri()}, session)
            pipe.wait_for("Page.loadEventFired", session)
            yield pipe, session
            try:
                pipe.call("Browser.close")
            except ChromiumError:
                pass  # closing is best effort; the process is stopped below either way
        finally:
            for fd in (to_chromium_w, from_chromium_r):
                os.close(fd)
            _stop(proc)


def print_pdf(executable: str, flags: Sequence[str], html: Path, pdf: Path, timeout: float,
              options: dict[str, Any] | None = None) -> Path:
    """Print ``html`` to ``pdf`` with Chromium at ``executable`` (scripts disabled); raises ChromiumError
    when Chromium fails or takes longer than ``timeout`` seconds. ``options`` are added to PRINT_OPTIONS
    (``Page.printToPDF``'s parameters, e.g. a footerTemplate). Returns ``pdf``."""
    with _open_page(executable, flags, html, timeout) as (pipe, session):
        data = pipe.call("Page.printToPDF", {**PRINT_OPTIONS, **(options or {})}, session)["data"]
        Path(pdf).write_bytes(base64.b64decode(data))
    return Path(pdf)


def capture(executable: str, flags: Sequence[str], html: Path, shots: Sequence[tuple[str | None, Path]],
            timeout: float, *, width: int = PAGE_WIDTH_PX, height: int = PAGE_HEIGHT_PX, media: str = "print",
            mobile: bool = False) -> dict[str, float]:
    """PNG screenshots of ``html`` as laid out for ``media`` ("print" or "screen") in a window ``width`` x
    ``height`` CSS pixels (default: what one printed A4 page holds), scripts disabled like :func:`print_pdf`.

    Each shot is (CSS selector, PNG path): ``height`` pixels from the top of the first element the selector
    finds (ChromiumError when there is none), or from the top of the page for ``None``. Returns the
    size of the laid-out page (``width``, ``height`` in CSS pixels): a page wider than the window scrolls
    sideways."""
    before = [("Emulation.setDeviceMetricsOverride",
               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}),
              ("Emulation.setEmulatedMedia", {"media": media})]
    with _open_page(executable, flags, html, timeout, before) as (pipe, session):
        root = pipe.call("DOM.getDocument", {"depth": 0}, session)["root"]["nodeId"]
        for selector, png in shots:
            top = 0.0
            if selector is not None:
                node = pipe.call("DOM.querySelector", {"nodeId": root, "selector": selector}, session)["nodeId"]
                if not node:
                    raise ChromiumError(f"no element {selector!r} on the page to take a screenshot of")
                top = pipe.call("DOM.getBoxModel", {"nodeId": node}, session)["model"]["border"][1]
            clip = {"x": 0, "y": top, "width": width, "height": height, "scale": 1}
            data = pipe.call("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True},
                             session)["data"]
            Path(png).write_bytes(base64.b64decode(data))
        size = pipe.call("Page.getLayoutMetrics", {}, session)["cssContentSize"]
    return {"width": size["width"], "height": size["height"]}


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


__all__ = ["print_pdf", "capture", "ChromiumError", "PRINT_OPTIONS"]
