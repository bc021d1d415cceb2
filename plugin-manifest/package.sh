#!/bin/sh
# Builds the release archives of kubectl-sidecar, byte for byte the same from the same input.
#
#   sh plugin-manifest/package.sh --native BINARY --platform OS/ARCH [--out DIR] [--keep-manifest]
#   sh plugin-manifest/package.sh [--jar PATH] [--out DIR]
#
#   --native BINARY   package this native image (default for linux/amd64 here: cli/target/kubectl-sidecar, built
#                     with ./mvnw -Pnative when missing) as kubectl-sidecar-VERSION-OS-ARCH.tar.gz, the krew archive of
#                     that platform, and write its sha256 into that platform's entry of sidecar.yaml
#   --platform OS/ARCH  linux/amd64 (default), linux/arm64, darwin/amd64, darwin/arm64 or windows/amd64
#   --jar PATH        package the JVM build instead (default: cli/target/kubectl-sidecar.jar): the launcher, the jar and
#                     LICENSE as kubectl-sidecar-VERSION.tar.gz, for machines with Java 17+ (not in the krew manifest)
#   --out DIR         write the archive into DIR (default: plugin-manifest/dist)
#   --keep-manifest   leave sidecar.yaml as it is (to compare its sha256 with a fresh build)
#
# Needs GNU tar, gzip and sha256sum. Entry order, times, owners and modes are fixed and gzip stores no name or time,
# so only the packaged files' bytes decide the archive's (the root pom fixes the jar's entry times with
# project.build.outputTimestamp). A native archive holds kubectl-sidecar (kubectl-sidecar.exe on Windows), lib/ when
# the image links JDK libraries beside it (the development toolchain does; an official GraalVM does not), and LICENSE.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
manifest="$here/sidecar.yaml"
mode=jvm
jar=""
binary=""
platform=linux/amd64
out="$here/dist"
update_manifest=yes
# 2026-01-01T00:00:00Z, the root pom's project.build.outputTimestamp.
epoch=1767225600

fail() {
  echo "package.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --jar) [ $# -ge 2 ] || fail "--jar needs a path"; jar=$2; shift 2 ;;
    --native)
      mode=native
      case "${2:-}" in ""|--*) shift ;; *) binary=$2; shift 2 ;; esac ;;
    --platform) [ $# -ge 2 ] || fail "--platform needs OS/ARCH"; platform=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || fail "--out needs a directory"; out=$2; shift 2 ;;
    --keep-manifest) update_manifest=no; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (try --help)" ;;
  esac
done

for tool in tar gzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on PATH"
done
tar --version 2>/dev/null | grep -q 'GNU tar' || fail "GNU tar is required (its --sort, --mtime and --owner make the archive reproducible)"

version=$(sed -n 's/^  version: *"\{0,1\}\(v[^"]*\)"\{0,1\} *$/\1/p' "$manifest")
[ -n "$version" ] || fail "$manifest: no spec.version (like 'v0.1.0') found"

stage=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-sidecar-package.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
mkdir -p "$out"

# archive NAME FILE...: NAME.tar.gz in $out from these files of $stage; prints its path.
archive() {
  name=$1; shift
  tar --create --format=gnu --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
    --directory "$stage" "$@" | gzip -9 -n > "$out/$name.tmp"
  mv -f "$out/$name.tmp" "$out/$name"
  printf '%s\n' "$out/$name"
}

if [ "$mode" = jvm ]; then
  if [ -z "$jar" ]; then
    jar="$repo/cli/target/kubectl-sidecar.jar"
    if [ ! -f "$jar" ]; then
      echo "package.sh: building $jar (./mvnw package -pl cli -am)" >&2
      (cd "$repo" && ./mvnw -q -B -DskipTests package -pl cli -am) || fail "the Maven build failed"
    fi
  fi
  [ -f "$jar" ] || fail "$jar: no such jar"
  cp "$here/kubectl-sidecar" "$stage/kubectl-sidecar"
  cp "$jar" "$stage/kubectl-sidecar.jar"
  cp "$repo/LICENSE" "$stage/LICENSE"
  chmod 755 "$stage/kubectl-sidecar"
  chmod 644 "$stage/kubectl-sidecar.jar" "$stage/LICENSE"
  path=$(archive "kubectl-sidecar-$version.tar.gz" kubectl-sidecar kubectl-sidecar.jar LICENSE)
  echo "$(sha256sum "$path" | cut -d ' ' -f 1)  $path"
  exit 0
fi

case "$platform" in
  linux/amd64|linux/arm64|darwin/amd64|darwin/arm64) exe=kubectl-sidecar ;;
  windows/amd64) exe=kubectl-sidecar.exe ;;
  *) fail "--platform $platform: one of linux/amd64, linux/arm64, darwin/amd64, darwin/arm64, windows/amd64" ;;
esac
if [ -z "$binary" ]; then
  [ "$platform" = linux/amd64 ] || fail "--native needs the $platform binary's path (built by .github/workflows/native.yml)"
  binary="$repo/cli/target/kubectl-sidecar"
  if [ ! -f "$binary" ]; then
    echo "package.sh: building $binary (./mvnw -Pnative package -pl cli -am; needs GRAALVM_HOME)" >&2
    (cd "$repo" && ./mvnw -q -B -Pnative -DskipTests package -pl cli -am) || fail "the native build failed"
  fi
fi
[ -f "$binary" ] || fail "$binary: no such file"
cp "$binary" "$stage/$exe"
cp "$repo/LICENSE" "$stage/LICENSE"
chmod 755 "$stage/$exe"
chmod 644 "$stage/LICENSE"
files="$exe LICENSE"
# The development toolchain's image finds the JDK libraries it links in lib/ beside it (rpath $ORIGIN/lib).
libs=$(dirname "$binary")/lib
if [ -d "$libs" ]; then
  mkdir "$stage/lib"
  cp "$libs"/* "$stage/lib/"
  chmod 644 "$stage"/lib/*
  files="$files lib"
fi
name="kubectl-sidecar-$version-$(echo "$platform" | tr / -).tar.gz"
# shellcheck disable=SC2086 # $files holds plain names
path=$(archive "$name" $files)
sha=$(sha256sum "$path" | cut -d ' ' -f 1)

if [ "$update_manifest" = yes ]; then
  # The sha256 of the one platform entry whose uri ends with this archive's name.
  awk -v name="/$name" -v sha="$sha" '
    /^ *uri: / { n = length(name); mine = (substr($2, length($2) - n + 1) == name) }
    mine && /^ *sha256: / { sub(/sha256: .*/, "sha256: \"" sha "\""); mine = 0; found = 1 }
    { print }
    END { if (!found) exit 3 }' "$manifest" > "$stage/sidecar.yaml" || fail "$manifest: no platform entry with a uri ending in /$name"
  cat "$stage/sidecar.yaml" > "$manifest"
fi
echo "$sha  $path"
