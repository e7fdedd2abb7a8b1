#!/usr/bin/env bash
# Print the path of a Python 3.10 interpreter (Rasa 3.6 needs Python < 3.11), or explain and fail.
# Looks at $PYTHON, pyenv's versions folder, then python3.10 on PATH.
set -euo pipefail
is_310() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for dir in "$pyenv_root"/versions/3.10.* /root/.pyenv/versions/3.10.*; do
  [ -x "$dir/bin/python" ] && candidates+=("$dir/bin/python")
done
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
for python in "${candidates[@]}"; do
  if is_310 "$python"; then echo "$python"; exit 0; fi
done
echo "error: Python 3.10 not found (Rasa 3.6 needs Python < 3.11)." >&2
echo "Install it (e.g. 'pyenv install 3.10') or set PYTHON=/path/to/python3.10." >&2
exit 1
