#!/usr/bin/env bash
# The grader VM's Debian system as a folder: a minbase debootstrap of Debian 12
# from Debian's own mirror, the packages of packages.txt, the worker's system
# user, networkd and resolved enabled, and nothing left of the build (package
# lists, downloads, machine id). build.sh caches the result by a hash of this
# script, packages.txt and the mirrors, and adds the Classpod parts on top.
#
# Usage: vm-images/debian-rootfs.sh ROOTFS   (as root; ROOTFS must not exist)
# Environment: DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR (see build.sh --help).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOTFS=${1:?usage: debian-rootfs.sh ROOTFS}
SUITE=bookworm
: "${DEBIAN_MIRROR:?DEBIAN_MIRROR is not set}"
: "${DEBIAN_SECURITY_MIRROR:?DEBIAN_SECURITY_MIRROR is not set}"

[ "$(id -u)" -eq 0 ] || { echo "debian-rootfs.sh: must run as root (debootstrap, chroot)" >&2; exit 1; }
[ ! -e "$ROOTFS" ] || { echo "debian-rootfs.sh: $ROOTFS already exists" >&2; exit 1; }
mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$HERE/packages.txt")

log() { echo "debian-rootfs.sh: $*" >&2; }

proc_mounted=false
cleanup() {
  rm -f "${steplog:-}"
  if $proc_mounted; then umount "$ROOTFS/proc" 2>/dev/null || umount -l "$ROOTFS/proc" || true; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# Each step's output goes to a log that is shown only when the step fails.
steplog=$(mktemp)
step() {
  if ! "$@" > "$steplog" 2>&1; then
    tail -n 40 "$steplog" >&2
    echo "debian-rootfs.sh: failed: $*" >&2
    exit 1
  fi
}

log "debootstrap $SUITE (minbase) from $DEBIAN_MIRROR"
step debootstrap --variant=minbase --components=main "$SUITE" "$ROOTFS" "$DEBIAN_MIRROR"

# Point releases and security updates, as apt on a Debian cloud image has them.
rm -f "$ROOTFS/etc/apt/sources.list"
cat > "$ROOTFS/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $DEBIAN_SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF

# A VM image needs no manuals or translations; keep the licences.
cat > "$ROOTFS/etc/dpkg/dpkg.cfg.d/01-classpod-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-include=/usr/share/locale/locale.alias
EOF
# Only while building: no fsync per file, and no service starts in the chroot.
echo force-unsafe-io > "$ROOTFS/etc/dpkg/dpkg.cfg.d/99-classpod-build-unsafe-io"
printf '#!/bin/sh\nexit 101\n' > "$ROOTFS/usr/sbin/policy-rc.d"
chmod 0755 "$ROOTFS/usr/sbin/policy-rc.d"

mount -t proc proc "$ROOTFS/proc"
proc_mounted=true
in_root() { chroot "$ROOTFS" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"; }

log "installing ${#packages[@]} packages: ${packages[*]}"
step in_root apt-get update
step in_root apt-get install -y --no-install-recommends "${packages[@]}"

# The worker's system user (the isolate sandbox runs it unprivileged).
in_root useradd --system --home-dir /var/lib/classpod-grader --no-create-home --shell /usr/sbin/nologin classpod-grader
step in_root systemctl enable systemd-networkd.service systemd-resolved.service

umount "$ROOTFS/proc"
proc_mounted=false

# Nothing of the build stays: package lists and downloads, the build-only
# settings, the host's resolver, this machine's identity.
rm -f "$ROOTFS/usr/sbin/policy-rc.d" "$ROOTFS/etc/dpkg/dpkg.cfg.d/99-classpod-build-unsafe-io"
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb
rm -rf "$ROOTFS"/var/log/apt/* "$ROOTFS"/var/log/dpkg.log "$ROOTFS"/var/log/alternatives.log "$ROOTFS"/tmp/* "$ROOTFS"/var/tmp/*
ln -sfn ../run/systemd/resolve/stub-resolv.conf "$ROOTFS/etc/resolv.conf"
: > "$ROOTFS/etc/machine-id"
rm -f "$ROOTFS/var/lib/dbus/machine-id"
log "done: $(du -sh "$ROOTFS" | cut -f1)"
