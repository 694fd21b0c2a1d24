#!/usr/bin/env bash
# Builds the Classpod grader VM image (qcow2) from Debian's packages: Debian 12
# by debootstrap with Debian's kernel, cloud-init and the packages of
# packages.txt (debian-rootfs.sh), then the grader worker bundled from this
# repository, a Node binary, the systemd units of systemd/ and the files of
# rootfs/, on a disk that boots by itself (syslinux on a small FAT partition,
# ext4 root labelled classpod-root). No loop devices, no VM boot, no network
# but Debian's mirror.
#
# Needs root and the Debian packages debootstrap, qemu-utils, dosfstools,
# mtools, syslinux, syslinux-common (and e2fsprogs, fdisk, util-linux); npm ci
# in the repository (tsc, esbuild); Node >= 20.
#
# Usage: vm-images/build.sh [--cache DIR] [--out FILE] [--compress] [--container-disk]
#   --cache DIR       reuse: the Debian system is kept in DIR by a hash of
#                     debian-rootfs.sh, packages.txt and the mirrors, the image
#                     by a hash of everything that goes into it; a build whose
#                     inputs are unchanged does nothing. The image is
#                     DIR/classpod-grader-KEY.qcow2 (the two newest are kept).
#   --out FILE        the image (default vm-images/build/classpod-grader.qcow2;
#                     with --cache, a copy of the cached image)
#   --compress        compress the qcow2 (smaller, slower to build)
#   --container-disk  also write a Containerfile beside the image for a
#                     KubeVirt containerDisk
# The last line on standard output is the image's path; progress goes to
# standard error.
# Environment:
#   DEBIAN_MIRROR           Debian mirror (default: the one apt uses here, read
#                           from /etc/apt/sources.list*, else deb.debian.org)
#   DEBIAN_SECURITY_MIRROR  security mirror (default likewise)
#   NODE_BINARY             Node binary for the image (default: the `node` on PATH)
#   DISK_SIZE               disk size, e.g. 6G (default 6G; cloud-init grows the
#                           root partition to a larger disk)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
DISK_SIZE=${DISK_SIZE:-6G}
BOOT_MIB=192

cache=''
out=''
compress=false
container_disk=false
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache=${2:?--cache needs a folder}; shift ;;
    --out) out=${2:?--out needs a file}; shift ;;
    --compress) compress=true ;;
    --container-disk) container_disk=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

log() { echo "build.sh: $*" >&2; }
die() { echo "build.sh: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is missing; install the Debian package $2"; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap, chroot, file ownership in the image)"
need debootstrap debootstrap
need qemu-img qemu-utils
need mkfs.ext4 e2fsprogs
need mkfs.fat dosfstools
need mcopy mtools
need syslinux syslinux
need sfdisk fdisk
need flock util-linux
MBR_BIN=/usr/lib/syslinux/mbr/mbr.bin
[ -f "$MBR_BIN" ] || die "$MBR_BIN is missing; install the Debian package syslinux-common"
NODE_BINARY=$(readlink -f "${NODE_BINARY:-$(command -v node || true)}")
[ -x "$NODE_BINARY" ] || die "no Node binary (install Node >= 20 or set NODE_BINARY)"
node_major=$("$NODE_BINARY" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || die "the grader needs Node >= 20; $NODE_BINARY is $("$NODE_BINARY" --version)"

# The first http(s) mirror apt uses here for a suite, from one-line and deb822 sources.
apt_mirror() {
  local suite=$1 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    case "$f" in
      *.sources)
        awk -v s="$suite" 'BEGIN { RS = ""; FS = "\n" }
          { uris = ""; suites = ""; types = ""
            for (i = 1; i <= NF; i++) {
              if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); uris = $i }
              if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/, "", $i); suites = " " $i " " }
              if ($i ~ /^Types:/) types = $i }
            if (types ~ /[ :]deb( |$)/ && index(suites, " " s " ")) { split(uris, u, " "); print u[1] } }' "$f" ;;
      *)
        awk -v s="$suite" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i + 1) == s) print $i }' "$f" ;;
    esac
  done | grep -E '^https?://' | head -n1 || true
}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-$(apt_mirror bookworm)}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-$(apt_mirror bookworm-security)}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
export DEBIAN_MIRROR DEBIAN_SECURITY_MIRROR

work=$(mktemp -d "${TMPDIR:-/tmp}/classpod-vm-build.XXXXXX")
# A build stopped in debian-rootfs.sh may leave /proc mounted in its folder: never delete across it.
remove_tree() {
  findmnt -rn -o TARGET | awk -v d="$1/" 'index($0, d) == 1' | sort -r | while read -r m; do umount -l "$m" || true; done
  rm -rf --one-file-system "$1"
}
trap 'remove_tree "$work"' EXIT
trap 'exit 143' TERM INT

# 1. The grader worker as one file (esbuild bundle: ws, yaml and the protocol inside).
log "bundling the grader worker"
bin_dir="$ROOT/node_modules/.bin"
[ -x "$bin_dir/tsc" ] && [ -x "$bin_dir/esbuild" ] || die "run npm ci in the repository first"
(cd "$ROOT" && "$bin_dir/tsc" -b grader)
bin=$(node -p "(require('$ROOT/grader/package.json').bin || {})['classpod-grader'] || ''")
[ -n "$bin" ] && [ -f "$ROOT/grader/$bin" ] || die "grader/package.json names no existing classpod-grader command (bin: '$bin')"
banner=()
head -c2 "$ROOT/grader/$bin" | grep -q '#!' || banner=(--banner:js='#!/usr/bin/env node')
bundle="$work/classpod-grader.cjs"
(cd "$ROOT" && "$bin_dir/esbuild" "grader/$bin" --bundle --platform=node --target=node20 --log-level=warning \
  --external:bufferutil --external:utf-8-validate "${banner[@]}" --outfile="$bundle")

# 2. Cache keys: the Debian system, and the whole image.
hash_files() { sha256sum "$@" | cut -d' ' -f1 | sha256sum | cut -d' ' -f1; }
hash_tree() { (cd "$1" && find . \( -type f -o -type l \) -printf '%p %m %l\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1; }
base_key=$( { hash_files "$HERE/debian-rootfs.sh" "$HERE/packages.txt"; echo "$DEBIAN_MIRROR $DEBIAN_SECURITY_MIRROR"; } | sha256sum | cut -c1-16)
image_key=$( { echo "$base_key $BOOT_MIB $DISK_SIZE $compress"; hash_files "$0" "$bundle" "$NODE_BINARY"; hash_tree "$HERE/systemd"; hash_tree "$HERE/rootfs"; } | sha256sum | cut -c1-16)

if [ -n "$cache" ]; then
  mkdir -p "$cache"
  cache=$(cd "$cache" && pwd)
  exec 9>"$cache/.lock"
  flock 9   # one build at a time per cache; a second one waits and then reuses
  image="$cache/classpod-grader-$image_key.qcow2"
else
  image=${out:-$HERE/build/classpod-grader.qcow2}
fi

finish() {
  if [ -n "$out" ] && [ "$out" != "$image" ]; then mkdir -p "$(dirname "$out")"; cp --sparse=always "$image" "$out"; image=$out; fi
  if $container_disk; then
    cat > "$(dirname "$image")/Containerfile" <<DOCKER
# KubeVirt containerDisk: the image under /disk, owned by the qemu user (107).
FROM scratch
ADD --chown=107:107 $(basename "$image") /disk/
DOCKER
    log "wrote $(dirname "$image")/Containerfile"
  fi
  echo "$image"
}

if [ -n "$cache" ] && [ -f "$image" ]; then
  log "cached image $image is up to date (key $image_key)"
  touch "$image"
  finish
  exit 0
fi

# 3. The Debian system (cached by its own key: a change to the worker does not download Debian again).
if [ -n "$cache" ]; then
  base="$cache/rootfs-$base_key"
  if [ ! -f "$base/.classpod-rootfs-complete" ]; then
    remove_tree "$base"
    remove_tree "$base.partial"
    "$HERE/debian-rootfs.sh" "$base.partial"
    touch "$base.partial/.classpod-rootfs-complete"
    mv "$base.partial" "$base"
  else
    log "reusing the Debian system $base"
  fi
  touch "$base"
  rootfs="$work/rootfs"
  log "copying the Debian system"
  cp -a "$base" "$rootfs"
  rm -f "$rootfs/.classpod-rootfs-complete"
else
  rootfs="$work/rootfs"
  "$HERE/debian-rootfs.sh" "$rootfs"
fi

# 4. The Classpod parts.
log "adding the grader worker, Node $("$NODE_BINARY" --version) and the units"
install -D -m 0755 "$NODE_BINARY" "$rootfs/usr/local/bin/node"
install -D -m 0755 "$bundle" "$rootfs/usr/local/lib/classpod-grader/classpod-grader.cjs"
ln -sfn ../lib/classpod-grader/classpod-grader.cjs "$rootfs/usr/local/bin/classpod-grader"
cp -r "$HERE/systemd/." "$rootfs/etc/systemd/system/"
cp -r "$HERE/rootfs/." "$rootfs/"
# A grader times programs: no package downloads or upgrades in the background.
ln -sfn /dev/null "$rootfs/etc/systemd/system/apt-daily.timer"
ln -sfn /dev/null "$rootfs/etc/systemd/system/apt-daily-upgrade.timer"
mkdir -p "$rootfs/etc/classpod"
grader_version=$(node -p "require('$ROOT/grader/package.json').version")
printf 'CLASSPOD_IMAGE_KEY=%s\nCLASSPOD_GRADER_VERSION=%s\nNODE_VERSION=%s\n' "$image_key" "$grader_version" "$("$NODE_BINARY" --version)" > "$rootfs/etc/classpod/image"
# The parts work on the image's own libraries and units.
usage=$(chroot "$rootfs" /usr/local/bin/classpod-grader --help 2>&1 || true)
case "$usage" in *"usage: classpod-grader"*) ;; *) die "the worker does not run in the image: $usage" ;; esac
if command -v systemd-analyze >/dev/null 2>&1; then
  verify=$(systemd-analyze verify --root="$rootfs" classpod-grader@local.service classpod-grader@isolate.service 2>&1 \
    | grep -v -e 'isolate-cg-keeper' -e 'isolate-check-environment' -e 'isolate.service' || true)
  [ -z "$verify" ] || die "systemd-analyze verify: $verify"
fi

# 5. The disk: MBR with syslinux, FAT boot partition (kernel, initramfs), ext4 root.
kernel=$(find "$rootfs/boot" -name 'vmlinuz-*' | sort -V | tail -n1)
initrd=$(find "$rootfs/boot" -name 'initrd.img-*' | sort -V | tail -n1)
[ -n "$kernel" ] && [ -n "$initrd" ] || die "no kernel or initramfs in the Debian system"
disk_mib=$(( $(numfmt --from=iec "$DISK_SIZE") / 1048576 ))
root_start_mib=$((1 + BOOT_MIB))
[ "$disk_mib" -gt $((root_start_mib + 2048)) ] || die "DISK_SIZE $DISK_SIZE is too small"
raw="$work/disk.raw"
log "writing the disk ($DISK_SIZE, kernel $(basename "$kernel"))"
truncate -s "${disk_mib}M" "$raw"
sfdisk -q "$raw" <<EOF
label: dos
start=2048, size=$((BOOT_MIB * 2048)), type=6, bootable
start=$((root_start_mib * 2048)), type=83
EOF
dd if="$MBR_BIN" of="$raw" bs=440 count=1 conv=notrunc status=none
mkfs.fat -F 16 -n CPBOOT --offset 2048 "$raw" $((BOOT_MIB * 1024)) >/dev/null 2>&1
cat > "$work/syslinux.cfg" <<'EOF'
DEFAULT classpod
PROMPT 0
TIMEOUT 0
LABEL classpod
  LINUX /vmlinuz
  INITRD /initrd.img
  APPEND root=LABEL=classpod-root ro console=tty0 console=ttyS0,115200n8
EOF
export MTOOLS_SKIP_CHECK=1
mcopy -i "$raw@@1M" "$kernel" ::/vmlinuz
mcopy -i "$raw@@1M" "$initrd" ::/initrd.img
mcopy -i "$raw@@1M" "$work/syslinux.cfg" ::/syslinux.cfg
syslinux --offset 1048576 --install "$raw"
mkfs.ext4 -q -L classpod-root -E offset=$((root_start_mib * 1048576)) -d "$rootfs" "$raw" "$((disk_mib - root_start_mib))M"
remove_tree "$rootfs"

# 6. qcow2, written beside its final name and renamed, so nothing half-made is ever found.
mkdir -p "$(dirname "$image")"
convert=(-O qcow2)
$compress && convert+=(-c)
qemu-img convert "${convert[@]}" "$raw" "$image.partial"
mv "$image.partial" "$image"
log "wrote $image ($(du -h "$image" | cut -f1) on disk)"

if [ -n "$cache" ]; then
  # Keep the two newest images and Debian systems.
  ls -1t "$cache"/classpod-grader-*.qcow2 2>/dev/null | tail -n +3 | xargs -r rm -f
  ls -1td "$cache"/rootfs-* 2>/dev/null | grep -v '\.partial$' | tail -n +3 | xargs -r rm -rf
fi
finish
