#!/usr/bin/env bash
# Install matchflow into ./.venv (or the active virtualenv) with the CPU build of torch.
#   ./install.sh            runtime + test dependencies
#   MATCHFLOW_TORCH=skip    keep the torch already installed (e.g. a CUDA build on a GPU host)
set -euo pipefail
cd "$(dirname "$0")"

if [ -z "${VIRTUAL_ENV:-}" ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  PY=.venv/bin/python
else
  PY="$VIRTUAL_ENV/bin/python"
fi

"$PY" -m pip install --quiet --upgrade pip
if [ "${MATCHFLOW_TORCH:-cpu}" != "skip" ]; then
  # The CPU wheel; an unpinned torch would pull a multi-GB CUDA build.
  "$PY" -m pip install --quiet "torch==2.13.0" \
    || "$PY" -m pip install --quiet "torch==2.13.0" --index-url https://download.pytorch.org/whl/cpu
fi
"$PY" -m pip install --quiet -e ".[test]"
echo "matchflow installed: $("$PY" -m matchflow --version)"
echo "next: $(dirname "$PY")/matchflow demo"
