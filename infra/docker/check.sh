#!/usr/bin/env bash
# Checks the Docker set-up without a Docker engine (none runs on the build machines):
#   1. `docker compose config` validates docker-compose.yml (schema, anchors, depends_on, builds);
#   2. every services/<name>/ has a Dockerfile, docker-compose.yml builds a service from it, and the
#      seven Dockerfiles are the same file but for the service's name and port;
#   3. every Dockerfile passes BuildKit's own parser and build checks (lint/, a small Go program).
# It does not build or start an image. Not part of `./mz test`: it needs the Compose CLI, which is
# fetched once (below) when none is installed.
#
#   bash infra/docker/check.sh
#
# The Compose CLI used: `docker compose` (the plugin) when present, else `docker-compose` on PATH
# when it is v2 or newer, else Docker Compose built from source through the Go module proxy (Go 1.26
# on PATH) into .cache/docker-compose/ (ignored by git). `go install .../cmd@version` refuses the
# module (its go.mod has exclude directives), hence the download and build in a copy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

COMPOSE_VERSION="v5.6.0" # the newest release whose go.mod accepts Go 1.26.8 (v5 is Compose v2's successor)
CACHE="$ROOT/.cache/docker-compose"

compose_cli() {
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
    return
  fi
  if command -v docker-compose >/dev/null 2>&1 && docker-compose version --short 2>/dev/null | grep -Eq '^v?([2-9]|[1-9][0-9])\.'; then
    echo "docker-compose"
    return
  fi
  local bin="$CACHE/bin/docker-compose"
  if [ ! -x "$bin" ] || [ "$("$bin" version --short 2>/dev/null)" != "${COMPOSE_VERSION#v}" ]; then
    command -v go >/dev/null 2>&1 || {
      echo "check.sh: no Docker Compose v2+ and no Go to build it (Go 1.26: https://go.dev/dl/)" >&2
      exit 1
    }
    echo "check.sh: building Docker Compose $COMPOSE_VERSION from the Go module proxy into .cache/docker-compose (once, ~1-2 min) ..." >&2
    local dir
    dir="$(GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod download -json "github.com/docker/compose/v5@$COMPOSE_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
    [ -n "$dir" ] || { echo "check.sh: go mod download of docker/compose $COMPOSE_VERSION failed" >&2; exit 1; }
    rm -rf "$CACHE/src" && mkdir -p "$CACHE/bin" && cp -r "$dir" "$CACHE/src" && chmod -R u+w "$CACHE/src"
    (cd "$CACHE/src" && GOTOOLCHAIN=local CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$COMPOSE_VERSION" -o "$bin" ./cmd) >&2
  fi
  echo "$bin"
}

CLI="$(compose_cli)"
echo "compose: $($CLI version)"

# 1. The compose file.
$CLI -f docker-compose.yml config --quiet
echo "ok: docker-compose.yml is valid ($CLI -f docker-compose.yml config)"

# 2. One Dockerfile per service, built by compose, all alike.
config="$($CLI -f docker-compose.yml config --format json)"
reference=""
for dir in services/*/; do
  name="$(basename "$dir")"
  file="services/$name/Dockerfile"
  [ -f "$file" ] || { echo "check.sh: $file is missing" >&2; exit 1; }
  node -e '
    const [config, name, file] = process.argv.slice(1);
    const service = JSON.parse(config).services[name];
    if (!service) throw new Error(`docker-compose.yml has no service ${name}`);
    if (service.build?.dockerfile !== file) throw new Error(`${name} is not built from ${file} (${service.build?.dockerfile})`);
  ' "$config" "$name" "$file"
  port="$(sed -n 's/^EXPOSE \([0-9]*\)$/\1/p' "$file")"
  normalised="$(sed -e "s#$name#<name>#g" -e "s#\b$port\b#<port>#g" -e '2d' "$file")" # line 2: the title
  if [ -z "$reference" ]; then
    reference="$normalised" first="$file"
  elif [ "$normalised" != "$reference" ]; then
    echo "check.sh: $file differs from $first in more than the name and port:" >&2
    diff <(echo "$reference") <(echo "$normalised") >&2 || true
    exit 1
  fi
done
echo "ok: $(ls services/*/Dockerfile | wc -l) service Dockerfiles, each built by docker-compose.yml, alike but for name and port"

# 3. BuildKit's parser and build checks, built once from infra/docker/lint into .cache/docker-compose/lint.
lint="$CACHE/lint/dockerfile-lint"
if [ ! -x "$lint" ] || [ infra/docker/lint/main.go -nt "$lint" ] || [ infra/docker/lint/go.mod -nt "$lint" ]; then
  echo "check.sh: building infra/docker/lint (BuildKit's Dockerfile front end) into .cache/docker-compose/lint ..." >&2
  rm -rf "$CACHE/lint" && mkdir -p "$CACHE/lint" && cp infra/docker/lint/main.go infra/docker/lint/go.mod "$CACHE/lint/"
  (cd "$CACHE/lint" && GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0 go build -o dockerfile-lint .) >&2
fi
"$lint" services/*/Dockerfile infra/docker/*.Dockerfile
echo "ok: the Dockerfiles pass BuildKit's parser and build checks"
