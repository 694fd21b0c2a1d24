#!/usr/bin/env bash
# Makes the NoCloud seed (a disk labelled cidata) that turns the image of
# build.sh into one deployment's grader VM: user-data.yaml with this
# deployment's settings filled in, the worker's token, and any parts of your
# own (an ssh key, a test harness), merged by cloud-init. Without
# --token-file the worker reads its token from the disk with serial
# CLASSPODTOKEN (KubeVirt's Secret disk), and --print with no --part prints
# plain cloud-config: the user data of kubevirt/grader-pool.yaml.
#
# Needs the Debian packages cloud-init (make-mime) and cloud-image-utils
# (cloud-localds).
#
# Usage: vm-images/seed.sh --hub wss://HUB/v1/grader [--token-file FILE] --out SEED.img
#                          [--sandbox isolate|local] [--concurrency N]
#                          [--instance-id ID] [--part FILE]... [--print]
#   --hub          the hub's grader endpoint (ws:// or wss://, path /v1/grader)
#   --token-file   file holding a hub token with the grader scope
#                  (`classpod-hub tokens issue --grader`); it goes into the
#                  seed (default: read from the CLASSPODTOKEN disk)
#   --sandbox      isolate (default) or local
#   --concurrency  jobs graded at once (default 2; at most one per vCPU)
#   --instance-id  cloud-init instance id (default: a new random one; a new id
#                  makes cloud-init run the first-boot steps again)
#   --part FILE    one more cloud-config part, merged after the others (lists
#                  appended, e.g. write_files, runcmd); repeatable
#   --print        print the multipart user-data instead of writing a seed
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
hub='' token_file='' out='' sandbox=isolate concurrency=2 instance_id='' print=false
parts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --hub) hub=${2-}; shift ;;
    --token-file) token_file=${2-}; shift ;;
    --out) out=${2-}; shift ;;
    --sandbox) sandbox=${2-}; shift ;;
    --concurrency) concurrency=${2-}; shift ;;
    --instance-id) instance_id=${2-}; shift ;;
    --part) parts+=("${2-}"); shift ;;
    --print) print=true ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "seed.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

usage() { echo "seed.sh: $*" >&2; exit 2; }
[[ "$hub" =~ ^wss?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/v1/grader$ ]] ||
  usage "--hub must be the hub's grader endpoint, ws(s)://HOST[:PORT]/v1/grader (got '$hub')"
token=''
if [ -n "$token_file" ]; then
  [ -r "$token_file" ] || usage "cannot read the token file $token_file"
  token=$(tr -d '[:space:]' < "$token_file")
  [[ "$token" =~ ^[A-Za-z0-9_-]{16,256}$ ]] || usage "$token_file does not hold a hub token (letters, digits, - and _)"
fi
[[ "$sandbox" =~ ^(isolate|local)$ ]] || usage "--sandbox must be isolate or local (got '$sandbox')"
[[ "$concurrency" =~ ^[1-9][0-9]{0,2}$ ]] || usage "--concurrency must be a whole number from 1 (got '$concurrency')"
[[ -z "$instance_id" || "$instance_id" =~ ^[A-Za-z0-9._-]{1,64}$ ]] || usage "--instance-id may hold letters, digits, '.', '_' and '-'"
$print || [ -n "$out" ] || usage "--out is required (or --print)"
for p in ${parts[@]+"${parts[@]}"}; do [ -r "$p" ] || usage "cannot read the part $p"; done
command -v cloud-init >/dev/null 2>&1 || { echo "seed.sh: cloud-init is missing; install the Debian package cloud-init" >&2; exit 1; }
$print || command -v cloud-localds >/dev/null 2>&1 || { echo "seed.sh: cloud-localds is missing; install the Debian package cloud-image-utils" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
token_path=/etc/classpod/grader-token

# user-data.yaml with each setting's line replaced; every key must be there exactly once.
settings=("CLASSPOD_HUB_URL=$hub" "CLASSPOD_GRADER_SANDBOX=$sandbox" "CLASSPOD_GRADER_CONCURRENCY=$concurrency")
[ -z "$token" ] || settings+=("CLASSPOD_GRADER_TOKEN_FILE=$token_path")
cp "$HERE/user-data.yaml" "$work/user-data.yaml"
for setting in "${settings[@]}"; do
  key=${setting%%=*}
  count=$(grep -cE "^[[:space:]]+$key=" "$work/user-data.yaml" || true)
  [ "$count" -eq 1 ] || { echo "seed.sh: user-data.yaml sets $key $count times, not once" >&2; exit 1; }
  SETTING=$setting awk -v key="$key" '
    $0 ~ "^[[:space:]]+" key "=" { match($0, /^[[:space:]]+/); print substr($0, 1, RLENGTH) ENVIRON["SETTING"]; next } { print }' \
    "$work/user-data.yaml" > "$work/user-data.next"
  mv "$work/user-data.next" "$work/user-data.yaml"
done

# The token, readable by root and the worker's group only.
[ -z "$token" ] || cat > "$work/token.yaml" <<EOF
#cloud-config
merge_how:
  - name: list
    settings: [append]
  - name: dict
    settings: [no_replace, recurse_list]
write_files:
  - path: $token_path
    owner: root:classpod-grader
    permissions: "0640"
    content: "$token"
EOF

all_parts=("$work/user-data.yaml")
[ -z "$token" ] || all_parts+=("$work/token.yaml")
for p in ${parts[@]+"${parts[@]}"}; do all_parts+=("$p"); done
mime_args=()
for f in "${all_parts[@]}"; do
  cloud-init schema --config-file "$f" >/dev/null || { echo "seed.sh: $f is not a valid cloud-config" >&2; exit 1; }
  mime_args+=(-a "$f:cloud-config")
done
if [ ${#all_parts[@]} -eq 1 ]; then
  cp "$work/user-data.yaml" "$work/user-data"
else
  cloud-init devel make-mime "${mime_args[@]}" > "$work/user-data"
fi
if $print; then cat "$work/user-data"; exit 0; fi

instance_id=${instance_id:-classpod-grader-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')}
printf 'instance-id: %s\nlocal-hostname: classpod-grader\n' "$instance_id" > "$work/meta-data"
cloud-localds "$out" "$work/user-data" "$work/meta-data"
echo "seed.sh: wrote $out (instance $instance_id, hub $hub, sandbox $sandbox, concurrency $concurrency)" >&2
