"""The ikewot command line as the harness drives it.

The harness asks the binary what it can do (`ikewot --help`, `ikewot COMMAND --help`) before a
case runs: a case that needs a command or option the binary does not have is reported as
"not run: ikewot lacks ..." instead of failing or, worse, passing.
"""

import json
import os
import re
import shutil
import time

from harness.proc import HarnessError, run


class Missing(Exception):
    """The ikewot binary lacks a command or option a case needs (message: what)."""


class Outcome:
    """One finished ikewot command: exit code, output, parsed JSON (if any), wall time."""

    def __init__(self, argv, done, seconds):
        self.argv = argv
        self.rc = done.returncode
        self.stdout = done.stdout
        self.stderr = done.stderr
        self.seconds = seconds
        self.json = None
        text = done.stdout.strip()
        if text.startswith("{") or text.startswith("["):
            try:
                self.json = json.loads(text)
            except ValueError:
                # JSON lines: one object per line (several targets).
                try:
                    self.json = [json.loads(line) for line in text.splitlines() if line.strip()]
                except ValueError:
                    self.json = None

    def first(self):
        """The first result object: the JSON itself, or the first of a list / 'results'."""
        data = self.json
        if isinstance(data, dict) and isinstance(data.get("results"), list):
            data = data["results"]
        if isinstance(data, list):
            data = data[0] if data else None
        return data if isinstance(data, dict) else None

    def describe(self):
        return (f"$ {' '.join(self.argv)}\nexit {self.rc} after {self.seconds:.2f}s\n"
                f"--- stdout\n{self.stdout}--- stderr\n{self.stderr}")


class Ikewot:
    def __init__(self, binary):
        if not binary or not os.access(binary, os.X_OK):
            raise HarnessError(f"ikewot binary not executable: {binary}")
        self.binary = os.path.abspath(binary)
        top = run([self.binary, "--help"], check=False).stdout
        self.commands = set(re.findall(r"^\s{2}([a-z][a-z0-9-]*)\s", top, re.M))
        self._help = {}

    def help(self, command):
        if command not in self._help:
            done = run([self.binary, command, "--help"], check=False)
            self._help[command] = done.stdout + done.stderr
        return self._help[command]

    def require(self, command, *options):
        """Raises Missing unless `ikewot command` exists and its --help names every option."""
        if command not in self.commands:
            raise Missing(f"ikewot lacks `{command}`")
        text = self.help(command)
        for opt in options:
            if not re.search(re.escape(opt) + r"(?![a-z-])", text):
                raise Missing(f"ikewot lacks `{command} {opt}`")

    # ------------------------------------------------------------------ identity
    def make_identity(self, home, name, key="ecdsa-p256"):
        """A fresh home with an identity; returns (cert.pem path, `id show --json`)."""
        self.require("id")
        run([self.binary, "id", "init", "--name", name, "--key", key, "--san", f"dns:{name}",
             "--home", home])
        shown = json.loads(run([self.binary, "id", "show", "--json", "--home", home]).stdout)
        return os.path.join(home, "identity", "cert.pem"), shown

    @staticmethod
    def copy_home(src, dst):
        shutil.copytree(src, dst)
        os.chmod(dst, 0o700)
        return dst

    # ------------------------------------------------------------------ commands
    def run_in(self, host, argv, timeout=60, log_path=None):
        """Runs `ikewot argv...` in host's namespace and returns an Outcome."""
        full = host.cmd(self.binary, *argv)
        start = time.monotonic()
        done = run(full, check=False, timeout=timeout)
        outcome = Outcome([self.binary, *argv], done, time.monotonic() - start)
        if log_path:
            with open(log_path, "a") as f:
                f.write(outcome.describe() + "\n")
        return outcome

    def start_in(self, procs, host, argv, log_path, name):
        """Starts a long-running `ikewot argv...` (serve, connect --tunnel) in the background."""
        return procs.start(name, host.cmd(self.binary, *argv), log_path)
