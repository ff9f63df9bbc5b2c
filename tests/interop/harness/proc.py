"""Running commands and owning background processes.

Every background process is started in its own session so that it and its children (charon's
threads, pluto's helpers, dumpcap under tshark) can be ended together by process group. A
`ProcessGroup` ends what it started, in reverse order, when its `with` block exits.
"""

import os
import signal
import subprocess
import time


class HarnessError(Exception):
    """A step of a case failed; the message says which and why."""


def run(cmd, *, check=True, timeout=60, env=None, input_text=None, cwd=None):
    """Runs cmd (a list) and returns the CompletedProcess with text stdout/stderr."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env,
                              input=input_text, cwd=cwd)
    except subprocess.TimeoutExpired as exc:
        raise HarnessError(f"timed out after {timeout}s: {' '.join(cmd)}") from exc
    except FileNotFoundError as exc:
        raise HarnessError(f"not found: {cmd[0]}") from exc
    if check and done.returncode != 0:
        raise HarnessError(f"exit {done.returncode}: {' '.join(cmd)}\n"
                           f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done


def wait_for(predicate, timeout, what, interval=0.05):
    """Polls predicate() until it is true; raises HarnessError naming `what` after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise HarnessError(f"timed out after {timeout}s waiting for {what}")


class Background:
    """One background process with its output in a log file."""

    def __init__(self, name, cmd, log_path, env=None):
        self.name = name
        self.cmd = cmd
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self._log,
                                      stderr=subprocess.STDOUT, env=env,
                                      start_new_session=True)

    def alive(self):
        return self.popen.poll() is None

    def log_text(self):
        if not self._log.closed:
            self._log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, grace=5.0):
        """Signals the process group, waits, then kills what is left. Returns the exit code."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        # Whatever survived in the group (helpers that outlived their parent) goes too.
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.popen.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        self._log.close()
        return self.popen.returncode


class ProcessGroup:
    """The background processes of one case; all stopped, newest first, on exit."""

    def __init__(self):
        self._procs = []

    def start(self, name, cmd, log_path, env=None):
        proc = Background(name, cmd, log_path, env)
        self._procs.append(proc)
        return proc

    def stop_all(self):
        while self._procs:
            self._procs.pop().stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop_all()
        return False
