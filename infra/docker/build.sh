#!/usr/bin/env bash
# The build steps every image of the platform shares: services/<name>/Dockerfile and
# infra/docker/topics.Dockerfile run them inside the image, from the repository root (the build
# context, filtered by ../../.dockerignore). See ../README.md, "Docker".
#
#   build.sh workspace          pnpm (the version in package.json "packageManager", through corepack),
#                               pnpm install --frozen-lockfile, then turbo builds every deployable
#   build.sh deploy <name> <out> @minzheng/<name> with its production dependencies only, into <out>
#
# `workspace` is the same step in every Dockerfile (same instruction, same context), so BuildKit runs
# it once for all images of a `docker compose build` and takes it from its cache afterwards.
set -euo pipefail

export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 TURBO_NO_UPDATE_NOTIFIER=1
# The pnpm store sits in a BuildKit cache mount (see the Dockerfiles): downloads survive rebuilds.
STORE="${PNPM_STORE_DIR:-/pnpm/store}"

case "${1:-}" in
  workspace)
    corepack enable pnpm # pnpm then runs the exact version pinned in package.json
    pnpm --version
    pnpm install --frozen-lockfile --store-dir "$STORE" --reporter=append-only
    # Every service and the topic tool (local-infra), with what they depend on (turbo's ^build).
    pnpm turbo run build --filter='./services/*' --filter=@minzheng/local-infra --output-logs=errors-only
    ;;
  deploy)
    name="${2:?usage: build.sh deploy <name> <out>}"
    out="${3:?usage: build.sh deploy <name> <out>}"
    # --legacy: the workspace does not set inject-workspace-packages (pnpm 10's default deploy needs it).
    # The workspace packages come in as their published files ("files": dist); the kafkajs patch is applied.
    pnpm deploy --legacy --filter="@minzheng/$name" --prod --store-dir "$STORE" --reporter=append-only "$out"
    # The deployed package is its folder as is: drop what does not run.
    rm -rf "$out/src" "$out/bench" "$out/.turbo" "$out"/tsconfig*.json "$out"/*.tsbuildinfo "$out/Dockerfile"
    # A service's image checks its own readiness (HEALTHCHECK in services/<name>/Dockerfile).
    if [ -d "services/$name" ]; then cp infra/docker/healthcheck.mjs "$out/docker-healthcheck.mjs"; fi
    ;;
  *)
    sed -n '6,8p' "$0" >&2
    exit 2
    ;;
esac
