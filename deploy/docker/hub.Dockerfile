# syntax=docker/dockerfile:1
# The Classpod hub (course server). Build from the repository root:
#   docker build -f deploy/docker/hub.Dockerfile -t classpod/hub:dev .
ARG NODE_IMAGE=node:20-bookworm

FROM ${NODE_IMAGE} AS build
WORKDIR /src
# Manifests first, so dependency layers are reused when only sources change.
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY observability/package.json observability/
COPY test-support/package.json test-support/
COPY protocol/package.json protocol/
COPY sync/package.json sync/
COPY grader/package.json grader/
COPY agent/package.json agent/
COPY hub/package.json hub/
COPY extension/package.json extension/
RUN npm ci --workspace @classpod/hub --include-workspace-root
COPY observability observability
COPY protocol protocol
COPY sync sync
COPY grader grader
COPY hub hub
RUN npx tsc -b hub \
 && npm prune --omit=dev --workspace @classpod/hub --include-workspace-root

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    CLASSPOD_DATA_DIR=/var/lib/classpod \
    CLASSPOD_LISTEN=0.0.0.0:8080
RUN groupadd --gid 10001 classpod \
 && useradd --uid 10001 --gid 10001 --home-dir /var/lib/classpod --no-create-home classpod \
 && install -d -o 10001 -g 10001 /var/lib/classpod
WORKDIR /opt/classpod
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/observability/package.json observability/
COPY --from=build /src/observability/dist observability/dist
COPY --from=build /src/protocol/package.json protocol/
COPY --from=build /src/protocol/dist protocol/dist
COPY --from=build /src/sync/package.json sync/
COPY --from=build /src/sync/dist sync/dist
COPY --from=build /src/grader/package.json grader/
COPY --from=build /src/grader/dist grader/dist
COPY --from=build /src/hub/package.json hub/
COPY --from=build /src/hub/dist hub/dist
RUN ln -s /opt/classpod/node_modules/.bin/classpod-hub /usr/local/bin/classpod-hub
USER 10001:10001
EXPOSE 8080
VOLUME ["/var/lib/classpod"]
ENTRYPOINT ["classpod-hub"]
CMD ["serve"]
