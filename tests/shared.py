"""Where the shared reference material is: ../shared beside the repository, else /work/shared, or $SHARED_DIR."""

import os
from pathlib import Path

_CANDIDATES = [Path(__file__).resolve().parents[2] / "shared", Path("/work/shared")]
SHARED = Path(os.environ["SHARED_DIR"]) if os.environ.get("SHARED_DIR") else next(
    (p for p in _CANDIDATES if (p / "seeds").is_dir()), _CANDIDATES[0]
)
SEEDS = SHARED / "seeds"
DATA = SHARED / "data"
