# syntax=docker/dockerfile:1
# The one-shot topic set-up of docker-compose.yml: applies the topic declaration
# (packages/event-bus/src/topics.ts) to KAFKA_BROKERS with the same command as `./mz infra topics`,
# then exits. Idempotent: topics that exist are left as they are (partitions only ever raised).
#   docker build -f infra/docker/topics.Dockerfile -t minzheng-topics .
#   docker run --rm -e KAFKA_BROKERS=host:9092 minzheng-topics

FROM node:24-trixie-slim AS build
WORKDIR /repo
COPY . .
RUN --mount=type=cache,id=minzheng-pnpm-store,target=/pnpm/store bash infra/docker/build.sh workspace
RUN --mount=type=cache,id=minzheng-pnpm-store,target=/pnpm/store bash infra/docker/build.sh deploy local-infra /out
# The CLI finds its root by the workspace file (packages/local-infra/src/config.ts); `topics` with a
# broker named reads nothing there, so an empty marker is enough.
RUN touch /out/pnpm-workspace.yaml

FROM node:24-trixie-slim
ENV NODE_ENV=production NODE_OPTIONS=--disable-warning=TimeoutNegativeWarning
WORKDIR /app
COPY --from=build /out ./
USER node
CMD ["node", "bin/infra.js", "topics"]
