#!/usr/bin/env bash
# Install what is missing (tools/install.sh, a no-op when up to date), then run the test suite.
# Extra arguments go to pytest, e.g. `tools/test.sh tests/data -x`.
set -euo pipefail
main_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "${main_root}"
bash tools/install.sh
tools/venv/bin/python tools/check_install.py || true
# the linter (ruff.toml), where it is installed
if [ -x tools/venv/bin/ruff ]; then
    tools/venv/bin/ruff check .
else
    echo "tools/test.sh: tools/venv/bin/ruff not installed: lint skipped (configuration: ruff.toml)" >&2
fi
exec tools/venv/bin/python -m pytest -q -ra "${@:-tests}"
