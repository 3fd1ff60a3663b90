"""Where the recorded real API traffic lives (read-only, shared by all checkouts)."""

import os
from pathlib import Path

_BESIDE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "fixtures"
FIXTURES_DIR = (
    _BESIDE_CHECKOUT if _BESIDE_CHECKOUT.is_dir() else Path(os.environ.get("SAASYNC_SHARED_FIXTURES", _BESIDE_CHECKOUT))
)
