#!/usr/bin/env bash
# Builds the bumpbot container image: a static, version-stamped binary
# (CGO_ENABLED=0, -trimpath) and the build machine's CA certificates,
# copied FROM scratch by the Dockerfile. Uses docker or podman where they
# run, buildah otherwise (vfs storage, chroot isolation: no daemon needed).
# Usage: scripts/build-image.sh [TAG]   (default bumpbot:dev)
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-bumpbot:dev}
ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
CGO_ENABLED=0 go build -trimpath -buildvcs=true -ldflags "-s -w -X main.stamp=$version" -o "$ctx/bumpbot" ./cmd/bumpbot
cp /etc/ssl/certs/ca-certificates.crt "$ctx/"
cp Dockerfile "$ctx/"
if docker info >/dev/null 2>&1; then
  docker build -t "$tag" "$ctx"
elif command -v podman >/dev/null && podman info >/dev/null 2>&1; then
  podman build -t "$tag" "$ctx"
else
  buildah --storage-driver vfs bud --isolation chroot -t "$tag" "$ctx"
fi
echo "built $tag ($version)"
