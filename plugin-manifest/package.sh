#!/bin/sh
# Builds the krew release archive of kubectl-sidecar, byte for byte the same from the same jar, and writes its
# sha256 into sidecar.yaml (every platform shares the one archive: it is a JVM program).
#
#   sh plugin-manifest/package.sh [--jar PATH] [--out DIR] [--keep-manifest]
#
#   --jar PATH        package this jar (default: cli/target/kubectl-sidecar.jar, built with the Maven wrapper if missing)
#   --out DIR         write the archive into DIR (default: plugin-manifest/dist)
#   --keep-manifest   leave sidecar.yaml as it is (to compare its sha256 with a fresh build)
#
# Needs GNU tar, gzip and sha256sum. The archive holds kubectl-sidecar (the launcher), kubectl-sidecar.jar and
# LICENSE; entry order, times, owners and modes are fixed and gzip stores no name or time, so only the jar's
# bytes decide the archive's (the root pom fixes the jar's entry times with project.build.outputTimestamp).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
manifest="$here/sidecar.yaml"
jar=""
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
    --out) [ $# -ge 2 ] || fail "--out needs a directory"; out=$2; shift 2 ;;
    --keep-manifest) update_manifest=no; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (try --help)" ;;
  esac
done

for tool in tar gzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not on PATH"
done
tar --version 2>/dev/null | grep -q 'GNU tar' || fail "GNU tar is required (its --sort, --mtime and --owner make the archive reproducible)"

version=$(sed -n 's/^  version: *"\{0,1\}\(v[^"]*\)"\{0,1\} *$/\1/p' "$manifest")
[ -n "$version" ] || fail "$manifest: no spec.version (like 'v0.1.0') found"

if [ -z "$jar" ]; then
  jar="$repo/cli/target/kubectl-sidecar.jar"
  if [ ! -f "$jar" ]; then
    echo "package.sh: building $jar (./mvnw package -pl cli -am)" >&2
    (cd "$repo" && ./mvnw -q -B -DskipTests package -pl cli -am) || fail "the Maven build failed"
  fi
fi
[ -f "$jar" ] || fail "$jar: no such jar"

stage=$(mktemp -d "${TMPDIR:-/tmp}/kubectl-sidecar-package.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
cp "$here/kubectl-sidecar" "$stage/kubectl-sidecar"
cp "$jar" "$stage/kubectl-sidecar.jar"
cp "$repo/LICENSE" "$stage/LICENSE"
chmod 755 "$stage/kubectl-sidecar"
chmod 644 "$stage/kubectl-sidecar.jar" "$stage/LICENSE"

mkdir -p "$out"
archive="$out/kubectl-sidecar-$version.tar.gz"
tar --create --format=gnu --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner \
  --directory "$stage" kubectl-sidecar kubectl-sidecar.jar LICENSE | gzip -9 -n > "$archive.tmp"
mv -f "$archive.tmp" "$archive"
sha=$(sha256sum "$archive" | cut -d ' ' -f 1)

if [ "$update_manifest" = yes ]; then
  sed "s/^\( *sha256: *\).*\$/\1\"$sha\"/" "$manifest" > "$stage/sidecar.yaml"
  cat "$stage/sidecar.yaml" > "$manifest"
fi
echo "$sha  $archive"
