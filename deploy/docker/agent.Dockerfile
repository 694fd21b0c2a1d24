# syntax=docker/dockerfile:1
# The Classpod agent, packaged to run inside any course toolchain image.
# Build from the repository root:
#   docker build -f deploy/docker/agent.Dockerfile -t classpod/agent:dev .
#
# Everything lives under /opt/classpod, Node itself included: a workspace pod
# copies that folder into a shared emptyDir with an init container, and the
# toolchain container runs /opt/classpod/bin/classpod-agent. Both images are
# Debian bookworm, so node and node-pty's native module load in either.
ARG NODE_IMAGE=node:20-bookworm

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY observability/package.json observability/
COPY test-support/package.json test-support/
COPY protocol/package.json protocol/
COPY sync/package.json sync/
COPY grader/package.json grader/
COPY agent/package.json agent/
COPY hub/package.json hub/
COPY extension/package.json extension/
RUN npm ci --workspace @classpod/agent --include-workspace-root
COPY observability observability
COPY protocol protocol
COPY sync sync
COPY grader grader
COPY agent agent
RUN npx tsc -b agent \
 && npm prune --omit=dev --workspace @classpod/agent --include-workspace-root
RUN mkdir -p /opt/classpod/bin /opt/classpod/app \
 && cp /usr/local/bin/node /opt/classpod/bin/node \
 && cp -a package.json node_modules /opt/classpod/app/ \
 && for p in observability protocol sync grader agent; do \
      mkdir -p /opt/classpod/app/$p && cp -a $p/package.json $p/dist /opt/classpod/app/$p/; \
    done \
 && printf '#!/bin/sh\nexec /opt/classpod/bin/node --max-semi-space-size=1 --expose-gc /opt/classpod/app/agent/dist/src/cli/agent.js "$@"\n' \
      > /opt/classpod/bin/classpod-agent \
 && chmod 0755 /opt/classpod/bin/classpod-agent

FROM debian:bookworm-slim
COPY --from=build /opt/classpod /opt/classpod
ENV PATH=/opt/classpod/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 1000:1000
EXPOSE 7070
ENTRYPOINT ["/opt/classpod/bin/classpod-agent"]
CMD ["--root", "/workspace", "--listen", "0.0.0.0:7070", "--token-file", "/var/run/classpod/agent-token"]
