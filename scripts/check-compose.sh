#!/usr/bin/env bash
# Validate docker-compose.yml without a Docker engine (none runs on CI): `docker-compose config`
# from Debian's docker-compose package, installed here when missing (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker-compose >/dev/null; then
  echo "Installing Debian's docker-compose (the compose file validator)…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker-compose >/dev/null
fi
# The file refuses to start without RASA_TOKEN (a secret, from .env): a stand-in for the check.
RASA_TOKEN=only-for-the-check-not-a-secret \
  docker-compose --file docker-compose.yml --profile maintenance config --quiet
echo "docker-compose.yml: OK"
