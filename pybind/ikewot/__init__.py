"""ikewot: certificate trust without a CA in IPsec, from Python.

The compiled core (``ikewot._ikewot``, private) provides identities and certificates, the trust
store (SQLite or in memory), collections (sign, encrypt, verify, import, enable/disable,
conditions) and, when the build has them, the probe and the in-process simulation
(``ikewot.simulate``). ``ikewot.analysis`` is
pure Python (networkx, pandas, matplotlib) and works without the compiled module, so simulation
runs can be analysed on any machine.

Every error ikewot raises is an ``ikewot.Error``; see ``ikewot.error_codes()`` for which core
error code becomes which subclass.
"""

from __future__ import annotations

import os  # noqa: F401  (annotations)
from typing import TYPE_CHECKING, Any, Callable  # noqa: F401

if TYPE_CHECKING:
    from ikewot.analysis import Run
    from ikewot.simulation import Progress

__version__ = "0.1.0"

try:
    from ikewot._ikewot import (  # noqa: F401  (re-exported API)
        AuthenticationError,
        Certificate,
        Collection,
        CryptoError,
        Decision,
        Error,
        Identity,
        InvalidArgumentError,
        IoError,
        LimitError,
        MalformedError,
        NotFoundError,
        Policy,
        PrivateKey,
        StateError,
        TrustStore,
        UnsupportedError,
        canonical_identity,
        check_collection,
        encode_collection,
        error_codes,
        format_fingerprint,
        identification_from_fingerprint,
        key_types,
        make_self_signed,
        normalize_identification,
        parse_signed_entry,
        probe,
        seal_collection,
        sign_entry,
        verify_entry,
    )
    from ikewot import _ikewot as _native

    _NATIVE_IMPORT_ERROR: ImportError | None = None
except ImportError as _error:  # the analysis subpackage still works
    _native = None
    _NATIVE_IMPORT_ERROR = _error


def native_available() -> bool:
    """True when the compiled module loaded (False on an analysis-only install)."""
    return _native is not None


def probe_available() -> bool:
    """True when this build can probe peers over real sockets (needs the UDP driver)."""
    return _native is not None and hasattr(_native, "probe")


def simulation_available() -> bool:
    """True when this build can run scenarios in-process (built with ns-3)."""
    return _native is not None and hasattr(_native, "_simulate")


def simulate(scenario: str, *, out: str | os.PathLike[str], seed: int = 1, run: int = 1,
             progress: Callable[[Progress], None] | None = None, **params: Any) -> Run:
    """Runs a scenario in this process and returns its run (``ikewot.simulation.simulate``):
    ``run.events`` is a pandas DataFrame, ``run.trust_graph()`` a networkx DiGraph."""
    from ikewot import simulation

    return simulation.simulate(scenario, out=out, seed=seed, run=run, progress=progress,
                               **params)


def __getattr__(name: str):
    # Only reached for names not defined above: say why instead of a bare AttributeError.
    if _native is None and not name.startswith("__"):
        raise AttributeError(
            f"ikewot.{name} needs the compiled module ikewot._ikewot, which did not load "
            f"({_NATIVE_IMPORT_ERROR}); ikewot.analysis works without it")
    raise AttributeError(f"module 'ikewot' has no attribute {name!r}")


def trust_events_frame(store):
    """A store's event log (``TrustStore.events()``) as a pandas DataFrame with a UTC ``time``."""
    import pandas as pd

    frame = pd.DataFrame(store.events())
    if not frame.empty and "at" in frame.columns:
        frame["time"] = pd.to_datetime(frame["at"], utc=True)
    return frame
