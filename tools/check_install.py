#!/usr/bin/env python3
"""Print every component's version and whether it works (same as ``mmpt-check-install``)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mmpt.bin.check_install import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
