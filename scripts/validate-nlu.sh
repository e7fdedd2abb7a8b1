#!/usr/bin/env bash
# `rasa data validate`, failing on any warning except the one an NLU-only project always gets:
# "intent … is not used in any story or rule" (Rasa does NLU only here; bot/ holds the dialogue).
set -euo pipefail
cd "$(dirname "$0")/../rasa_project"
output=$(../.venv/bin/rasa data validate --quiet 2>&1)
problems=$(grep -E "UserWarning|Error|error" <<<"$output" | grep -v "is not used in any story or rule" || true)
if [ -n "$problems" ]; then
  echo "$problems" >&2
  exit 1
fi
echo "rasa data validate: OK"
