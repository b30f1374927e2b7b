"""The kernel a report's notebooks run in: one per report run, not one per notebook.

Starting a kernel and importing pandas, seaborn and journeylab in it took 3-5 s of a notebook's time,
six times per report (a third of the demo report's notebook time). ``report_kernels()`` starts one kernel
per notebook folder and hands it to Papermill's ``journeylab`` engine (papermill's engine registry), which
runs each notebook in it as Papermill's own nbclient engine does, then clears what the notebook left:
IPython's ``%reset -f`` (every name the notebook defined, its outputs' history) and its open figures.
Imported modules stay, which is the point; notebooks still hold all their own state, so each one also
runs alone (the tests run each with nbval in a fresh kernel).

The kernel itself (``ReportKernelManager``):

- Its sockets are files (IPC) in a private folder instead of TCP ports on localhost: a report's data
  (the shop's tables travel between notebook and kernel) is not sent over an unencrypted local network
  connection, and the kernel has nothing to warn about ("Kernel is running over TCP without
  encryption"). Jupyter's default IPC path is "kernel-ipc" in the working directory, which two kernels
  started there at once (a batch, parallel tests) would share.
- No interrupt before the shutdown request: jupyter_client sends one, and a kernel busy finishing its
  last reply on a loaded machine logs "KeyboardInterrupt caught in kernel" to the report's stderr.
- Its own stderr (the kernel's log, not a notebook's output, which travels as messages) goes to a file in
  that private folder, not to the terminal of ``journeylab report``: a kernel shut down while it still
  publishes its status logs a zmq traceback ("Socket operation on non-socket") on a loaded machine, which
  is no news for a client or an agency. The log is passed on to the logger ``journeylab.report.kernel``
  (DEBUG) when the kernel is gone, so an analyst who wants it enables that logger.
- OpenBLAS in one thread (unless the environment says otherwise): a report's linear algebra is on 2-6
  parameters, where OpenBLAS's worker threads only spin. Beside other kernels or test workers, the demo's
  bootstrap refits took about twice as long with its default threads (benchmarks/blas_threads.py).
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args
from traitlets import default

_log = logging.getLogger(__name__)
ENGINE = "journeylab"
KERNEL = "python3"
# what a notebook leaves in the shared kernel: its names, its outputs' history, its figures
_CLEAR = "%reset -f\nimport gc as _gc, matplotlib.pyplot as _plt\n_plt.close('all'); _gc.collect()\ndel _gc, _plt"


class ReportKernelManager(AsyncKernelManager):
    """Jupyter's kernel manager with private IPC sockets, no interrupt at shutdown and one BLAS thread."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        self._socket_dir = tempfile.mkdtemp(prefix="journeylab-kernel-")  # mode 0700: this user's only
        return os.path.join(self._socket_dir, "kernel")

    async def _async_pre_start_kernel(self, **kw: Any):
        env = dict(kw.get("env") or os.environ)
        env.setdefault("OPENBLAS_NUM_THREADS", "1")
        self.ip  # noqa: B018 (the default makes the private folder the log goes into)
        if "stderr" not in kw and getattr(self, "_socket_dir", None):
            self._log_file = open(os.path.join(self._socket_dir, "kernel.log"), "wb")  # noqa: SIM115 (closed at cleanup)
            kw["stderr"] = self._log_file
        return await super()._async_pre_start_kernel(**{**kw, "env": env})

    async def _async_interrupt_kernel(self) -> None:
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart and getattr(self, "_socket_dir", None):
            log = getattr(self, "_log_file", None)
            if log is not None:
                log.close()
                text = Path(log.name).read_text(encoding="utf-8", errors="replace").strip()
                if text:
                    _log.debug("kernel log:\n%s", text)
            shutil.rmtree(self._socket_dir, ignore_errors=True)


class SharedKernelEngine(NBClientEngine):
    """Papermill's nbclient engine on a kernel the caller owns (``km=``): the kernel outlives the notebook,
    which is cleared afterwards (module docstring). Without ``km`` it is Papermill's engine."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        # as papermill.engines.NBClientEngine.execute_managed_notebook, keeping the client to clear after it
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(nb_man, **merge_kwargs(
            safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
            startup_timeout=start_timeout, kernel_name=kernel_name, log=logger, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file))
        try:
            return client.execute()
        finally:
            if not client.owns_km and client.kc is not None:
                _clear(client)


def _clear(client: PapermillNotebookClient) -> None:
    kc = client.kc
    try:
        if run_sync(client.km.is_alive)():
            run_sync(kc.execute_interactive)(_CLEAR, silent=True, store_history=False, timeout=60,
                                             output_hook=lambda msg: None)
    finally:
        kc.stop_channels()
        client.kc = None


papermill_engines.register(ENGINE, SharedKernelEngine)


@contextlib.contextmanager
def report_kernels() -> Iterator["KernelPool"]:
    """Kernels for one report run, one per notebook folder, shut down on leaving (also after a failure)."""
    pool = KernelPool()
    try:
        yield pool
    finally:
        pool.shutdown()


class KernelPool:
    """``kernel(folder)``: the run's kernel for notebooks in ``folder`` (a kernel's working folder is where
    it started); started by the first notebook that uses it."""

    def __init__(self) -> None:
        self._kernels: dict[Path, ReportKernelManager] = {}

    def kernel(self, folder: Path) -> ReportKernelManager:
        key = Path(folder).resolve()
        if key not in self._kernels:
            self._kernels[key] = ReportKernelManager(kernel_name=KERNEL)
        return self._kernels[key]

    def shutdown(self) -> None:
        for km in self._kernels.values():
            if km.has_kernel:
                with contextlib.suppress(Exception):  # a kernel that died already: nothing to stop
                    run_sync(km.shutdown_kernel)(now=False)
        self._kernels.clear()
