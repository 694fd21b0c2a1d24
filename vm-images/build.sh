#!/usr/bin/env bash
# Builds the Classpod grader VM image: Debian 12's official generic cloud
# image, booted once under QEMU with user-data.yaml (isolate, Node 20, the
# grader worker and its systemd units), sealed for reuse and compacted into
# build/classpod-grader.qcow2. Optionally wraps it as a KubeVirt containerDisk.
#
# Needs (Debian packages): qemu-utils, qemu-system-x86, cloud-image-utils,
# cloud-init (for make-mime and schema), curl, nodejs/npm (the repository's
# own toolchain). Network: Debian's cloud image server and the package
# repositories user-data.yaml names.
#
# Usage: vm-images/build.sh [--seed-only] [--container-disk]
#   --seed-only       build the grader package and the cloud-init seed, boot nothing
#   --container-disk  also write build/Containerfile for a KubeVirt containerDisk
# Environment:
#   DEBIAN_IMAGE_URL  base image (default: Debian 12 genericcloud amd64, latest)
#   DISK_SIZE         size of the built image (default 8G)
#   MEMORY_MB, CPUS   build VM size (default 4096, 2)
#   BUILD_TIMEOUT     seconds to wait for the build boot to power off (default 3600)
#   OUT               output folder (default vm-images/build)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
OUT=${OUT:-$HERE/build}
DEBIAN_IMAGE_URL=${DEBIAN_IMAGE_URL:-https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2}
DISK_SIZE=${DISK_SIZE:-8G}
MEMORY_MB=${MEMORY_MB:-4096}
CPUS=${CPUS:-2}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-3600}

seed_only=false
container_disk=false
for arg in "$@"; do
  case "$arg" in
    --seed-only) seed_only=true ;;
    --container-disk) container_disk=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "build.sh: unknown option $arg (try --help)" >&2; exit 2 ;;
  esac
done

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "build.sh: $1 is missing; install the Debian package $2" >&2; exit 1; }
}
need cloud-init cloud-init
need cloud-localds cloud-image-utils
need node nodejs
need npm npm
if ! $seed_only; then
  need curl curl
  need qemu-img qemu-utils
  need qemu-system-x86_64 qemu-system-x86
fi

mkdir -p "$OUT"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "build.sh: checking user-data.yaml"
cloud-init schema --config-file "$HERE/user-data.yaml"

# 1. The grader worker as one self-contained npm package (esbuild bundle).
echo "build.sh: packaging the grader worker"
bin_dir="$ROOT/node_modules/.bin"
[ -x "$bin_dir/tsc" ] && [ -x "$bin_dir/esbuild" ] || { echo "build.sh: run npm ci in $ROOT first" >&2; exit 1; }
(cd "$ROOT" && "$bin_dir/tsc" -b grader)
bin=$(node -p "(require('$ROOT/grader/package.json').bin || {})['classpod-grader'] || ''")
if [ -z "$bin" ] || [ ! -f "$ROOT/grader/$bin" ]; then
  echo "build.sh: grader/package.json names no existing classpod-grader command (bin: '$bin')" >&2
  exit 1
fi
stage="$work/classpod-grader"
mkdir -p "$stage"
version=$(node -p "require('$ROOT/grader/package.json').version")
banner=()
if ! head -c2 "$ROOT/grader/$bin" | grep -q '#!'; then banner=(--banner:js='#!/usr/bin/env node'); fi
(cd "$ROOT" && "$bin_dir/esbuild" "grader/$bin" --bundle --platform=node --target=node20 \
  --external:bufferutil --external:utf-8-validate "${banner[@]}" \
  --outfile="$stage/classpod-grader.cjs")
chmod 0755 "$stage/classpod-grader.cjs"
cat > "$stage/package.json" <<JSON
{ "name": "classpod-grader", "version": "$version", "private": true, "license": "MIT",
  "bin": { "classpod-grader": "classpod-grader.cjs" }, "engines": { "node": ">=20" } }
JSON
(cd "$work" && npm pack ./classpod-grader --silent >/dev/null)
mv "$work/classpod-grader-$version.tgz" "$OUT/classpod-grader.tgz"

# 2. The cloud-init seed: user-data.yaml plus a build-only part that ships the
#    worker package, seals the image at shutdown and powers off.
echo "build.sh: writing the cloud-init seed"
cat > "$work/build-part.yaml" <<YAML
#cloud-config
merge_how:
  - name: list
    settings: [append]
  - name: dict
    settings: [no_replace, recurse_list]
write_files:
  - path: /opt/classpod/classpod-grader.tgz
    encoding: b64
    permissions: "0644"
    content: $(base64 -w0 "$OUT/classpod-grader.tgz")
  - path: /etc/systemd/system/classpod-image-seal.service
    permissions: "0644"
    content: |
      [Unit]
      Description=Forget this boot's identity so every VM from the image is new
      [Service]
      Type=oneshot
      RemainAfterExit=yes
      ExecStart=/bin/true
      ExecStop=/usr/bin/cloud-init clean --logs --seed --machine-id
      ExecStop=/bin/rm -f /etc/systemd/system/classpod-image-seal.service
runcmd:
  - [systemctl, start, classpod-image-seal.service]
power_state:
  mode: poweroff
  message: Classpod grader image built
  timeout: 60
YAML
cloud-init schema --config-file "$work/build-part.yaml"
cloud-init devel make-mime \
  -a "$HERE/user-data.yaml:cloud-config" \
  -a "$work/build-part.yaml:cloud-config" > "$work/user-data.mime"
printf 'instance-id: classpod-grader-build-%s\nlocal-hostname: classpod-grader-build\n' "$(date +%s)" > "$work/meta-data"
cloud-localds "$OUT/seed.iso" "$work/user-data.mime" "$work/meta-data"
echo "build.sh: wrote $OUT/classpod-grader.tgz and $OUT/seed.iso"
if $seed_only; then exit 0; fi

# 3. Debian's cloud image, checked against the published SHA512SUMS.
base="$OUT/$(basename "$DEBIAN_IMAGE_URL")"
if [ ! -f "$base" ]; then
  echo "build.sh: downloading $DEBIAN_IMAGE_URL"
  curl -fL --retry 3 -o "$base.part" "$DEBIAN_IMAGE_URL"
  mv "$base.part" "$base"
fi
curl -fsSL "$(dirname "$DEBIAN_IMAGE_URL")/SHA512SUMS" -o "$work/SHA512SUMS"
(cd "$OUT" && grep " $(basename "$base")\$" "$work/SHA512SUMS" | sha512sum -c -)

# 4. Boot once; user-data installs everything, then the VM powers off.
disk="$work/build.qcow2"
qemu-img create -q -f qcow2 -F qcow2 -b "$base" "$disk" "$DISK_SIZE"
accel=tcg
if [ -w /dev/kvm ]; then accel=kvm; fi
echo "build.sh: booting the build VM (accel $accel, log $OUT/build-console.log)"
timeout "$BUILD_TIMEOUT" qemu-system-x86_64 \
  -machine q35,accel=$accel -cpu max -smp "$CPUS" -m "$MEMORY_MB" \
  -nographic -serial "file:$OUT/build-console.log" -monitor none \
  -drive "file=$disk,if=virtio,format=qcow2" \
  -drive "file=$OUT/seed.iso,if=virtio,format=raw,readonly=on" \
  -netdev user,id=net0 -device virtio-net-pci,netdev=net0
if ! grep -q 'Classpod grader image built' "$OUT/build-console.log"; then
  echo "build.sh: the build VM stopped before cloud-init finished; see $OUT/build-console.log" >&2
  exit 1
fi

# 5. Flatten and compress.
qemu-img convert -q -c -O qcow2 "$disk" "$OUT/classpod-grader.qcow2"
echo "build.sh: wrote $OUT/classpod-grader.qcow2"

if $container_disk; then
  cat > "$OUT/Containerfile" <<'DOCKER'
# KubeVirt containerDisk: the image under /disk, owned by the qemu user (107).
FROM scratch
ADD --chown=107:107 classpod-grader.qcow2 /disk/
DOCKER
  echo "build.sh: wrote $OUT/Containerfile (docker build -t classpod/grader-vm:TAG $OUT)"
fi
