# syntax=docker/dockerfile:1
# The default course toolchain: C, C++, Python and Java, plus the tools a
# student expects in a terminal. Courses may name their own image instead;
# it needs /bin/sh and a glibc compatible with Debian bookworm (the agent is
# copied in at start, see agent.Dockerfile).
#   docker build -f deploy/docker/toolchain.Dockerfile -t classpod/toolchain:dev deploy/docker
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      build-essential gdb valgrind cmake \
      python3 python3-pip python3-venv \
      openjdk-17-jdk-headless \
      git ca-certificates bash-completion less nano vim-tiny procps time \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1000 student \
 && useradd --uid 1000 --gid 1000 --home-dir /workspace --no-create-home --shell /bin/bash student
ENV HOME=/tmp/home \
    LANG=C.UTF-8 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    JAVA_TOOL_OPTIONS=-XX:+UseSerialGC
USER 1000:1000
WORKDIR /workspace
CMD ["bash"]
