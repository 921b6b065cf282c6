"""Where the shared reference material is: $SHARED_DIR, else ../shared beside the repository."""

import os
from pathlib import Path

SHARED = Path(os.environ.get("SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
