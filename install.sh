#!/usr/bin/env sh
# Installs the kubectl-sidecar plugin: builds it with the Maven wrapper when needed, copies the jar and a launcher,
# and makes a class-data-sharing archive so the CLI starts fast. Non-interactive; safe to run twice.
#
#   ./install.sh [--prefix DIR]      install under DIR (default: $HOME/.local)
#   ./install.sh --native            install the GraalVM native image instead (./mvnw -Pnative, ~6-10 min on 2 cores);
#                                    automatic when GRAALVM_HOME is set, found through GRAALVM_HOME or native-image on PATH
#   ./install.sh --jvm               the JVM launcher even when GRAALVM_HOME is set
#   ./install.sh --uninstall [--prefix DIR]

# The script's steps: parse the options, check Java, build (build_jar), install the files (install_jar), then the
# launcher and the completer. The native image (--native) has its own build_native and install_native, picked where
# build_jar and install_jar are called; it needs no launcher and no caches.
set -eu

prefix="${HOME}/.local"
action=install
flavour=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --native) flavour=native; shift ;;
    --jvm) flavour=jvm; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,/^$/p' "$0" | sed -n 's/^# \{0,1\}//p'; exit 0 ;;
    *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done

repo=$(cd "$(dirname "$0")" && pwd)
# The launcher and the completer name their files by absolute path: they run from anywhere.
case "$prefix" in /*) ;; *) prefix="$(pwd)/$prefix" ;; esac
bin="$prefix/bin"
lib="$prefix/lib/kubectl-sidecar"
jar="$repo/cli/target/kubectl-sidecar.jar"

if [ "$action" = uninstall ]; then
  rm -f "$bin/kubectl-sidecar" "$bin/kubectl_complete-sidecar"
  rm -rf "$lib"
  echo "Removed kubectl-sidecar from $prefix."
  exit 0
fi

if ! command -v java >/dev/null 2>&1; then
  echo "install.sh: Java 17 or newer is required and 'java' is not on PATH." >&2
  echo "  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless   macOS: brew install openjdk@17" >&2
  exit 1
fi
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\)[."].*/\1/p' | head -n 1)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ]; then
  echo "install.sh: Java 17 or newer is required; found: $(java -version 2>&1 | head -n 1)" >&2
  exit 1
fi

# The native-image toolchain: $GRAALVM_HOME/bin/native-image, else native-image on PATH (its GraalVM home).
graalvm_home=""
if [ -n "${GRAALVM_HOME:-}" ] && [ -x "$GRAALVM_HOME/bin/native-image" ]; then
  graalvm_home="$GRAALVM_HOME"
elif native_image=$(command -v native-image 2>/dev/null) && [ -n "$native_image" ]; then
  graalvm_home=$(cd "$(dirname "$(readlink -f "$native_image")")/.." && pwd)
fi
case "$flavour" in
  native)
    if [ -z "$graalvm_home" ]; then
      echo "install.sh: --native needs GraalVM's native-image, and there is none:" >&2
      if [ -n "${GRAALVM_HOME:-}" ]; then echo "  GRAALVM_HOME=$GRAALVM_HOME has no bin/native-image, and native-image is not on PATH." >&2
      else echo "  GRAALVM_HOME is not set and native-image is not on PATH." >&2; fi
      echo "  Install a GraalVM for JDK 25 (https://www.graalvm.org/downloads/) and set GRAALVM_HOME to it," >&2
      echo "  or run ./install.sh without --native for the JVM launcher (Java 17+ only)." >&2
      exit 1
    fi ;;
  auto)
    flavour=jvm
    if [ -n "${GRAALVM_HOME:-}" ]; then
      if [ -n "$graalvm_home" ] && [ "$graalvm_home" = "$GRAALVM_HOME" ]; then
        flavour=native
      else
        echo "install.sh: GRAALVM_HOME=$GRAALVM_HOME has no bin/native-image; installing the JVM launcher." >&2
      fi
    fi ;;
esac

# build_jar: builds the CLI jar and only what it needs (-pl cli -am: not the agent, the test harness or the
# benchmarks) when the jar is missing or older than any source or build file. Prints a line per module and a count
# of downloads as Maven goes (a first build downloads ~150 MB), and Maven's errors; the whole log on failure.
build_jar() {
  if [ -f "$jar" ] && [ -z "$(find "$repo/pom.xml" "$repo"/*/pom.xml "$repo"/injector/src "$repo"/cli/src -newer "$jar" -type f 2>/dev/null | head -n 1)" ]; then
    echo "Using the jar built already: $jar"
    return 0
  fi
  echo "Building the plugin: ./mvnw -B -pl cli -am -DskipTests package"
  build_log=$(mktemp)
  build_status=$(mktemp)
  echo 1 > "$build_status"
  { (cd "$repo" && ./mvnw -B -pl cli -am -DskipTests package) 2>&1; echo $? > "$build_status"; } | tee "$build_log" | awk '
    /^\[INFO\] Building / { sub(/^\[INFO\] /, ""); sub(/ +\[[0-9]+\/[0-9]+\]$/, ""); print "  " $0; fflush(); next }
    /^Downloaded from / { downloads++; if (downloads % 25 == 0) { print "  downloaded " downloads " files"; fflush() } next }
    /^\[ERROR\]/ { print; fflush() }'
  if [ "$(cat "$build_status")" != 0 ]; then
    echo "install.sh: the build failed; its whole log: $build_log" >&2
    rm -f "$build_status"
    exit 1
  fi
  rm -f "$build_log" "$build_status"
  echo "  built $jar"
}

# install_jar: copies the jar under the prefix (whole or not at all), in place of a native image installed before.
install_jar() {
  mkdir -p "$bin" "$lib"
  rm -rf "$lib/kubectl-sidecar" "$lib/lib"
  tmp="$lib/.kubectl-sidecar.jar.$$"
  cp "$jar" "$tmp" && mv -f "$tmp" "$lib/kubectl-sidecar.jar"
}

# build_native: builds cli/target/kubectl-sidecar with the toolchain found above when it is missing or older than
# any source or build file.
build_native() {
  if [ -f "$image" ] && [ -z "$(find "$repo/pom.xml" "$repo"/*/pom.xml "$repo"/injector/src "$repo"/cli/src -newer "$image" -type f 2>/dev/null | head -n 1)" ]; then
    echo "Using the native image built already: $image"
    return 0
  fi
  echo "Building the native image with $graalvm_home/bin/native-image: ./mvnw -B -Pnative -pl cli -am -DskipTests package"
  echo "  (6-10 minutes and ~6 GB of memory on 2 cores)"
  (cd "$repo" && GRAALVM_HOME="$graalvm_home" ./mvnw -q -B -Pnative -pl cli -am -DskipTests package) || {
    echo "install.sh: the native build failed (see above); ./install.sh --jvm installs the JVM launcher" >&2
    exit 1
  }
  echo "  built $image"
}

# install_native: the image under the prefix (whole or not at all) with the JDK libraries it links, if any, in lib/
# beside it (rpath $ORIGIN/lib), and bin/kubectl-sidecar a link to it; the jar and caches of a JVM install go.
install_native() {
  mkdir -p "$bin" "$lib"
  rm -f "$lib"/kubectl-sidecar.jar "$lib"/kubectl-sidecar*.jsa "$lib"/kubectl-sidecar*.aot
  rm -rf "$lib/lib"
  if [ -d "$repo/cli/target/lib" ]; then
    cp -R "$repo/cli/target/lib" "$lib/lib"
  fi
  cp "$image" "$lib/.kubectl-sidecar.$$" && mv -f "$lib/.kubectl-sidecar.$$" "$lib/kubectl-sidecar"
  rm -f "$bin/kubectl-sidecar.$$"
  ln -s "$lib/kubectl-sidecar" "$bin/kubectl-sidecar.$$"
  mv -f "$bin/kubectl-sidecar.$$" "$bin/kubectl-sidecar"
}

launcher="$bin/kubectl-sidecar"
if [ "$flavour" = native ]; then
  image="$repo/cli/target/kubectl-sidecar"
  build_native
  install_native
  installed="$lib/kubectl-sidecar (native image)"
else
build_jar
install_jar
echo "Making the start-up caches (two training runs of the CLI)…"

# Start-up caches of the classes a run loads, made here once: on Java >= 25 AOT caches (classes loaded and linked
# ahead of time), on older JVMs static AppCDS archives. Two of them, because the JVM relocates a cache as it maps
# it, at a cost that grows with its size (~0.5 ms per MB): a small one trained on an offline `inject` for the
# commands that run without a cluster, and a full one whose training run also reads a kubeconfig and tries its
# cluster (a closed port on this machine), so that the cluster commands' classes are cached too: fabric8 loads
# some 2 500 model classes to read a kubeconfig, a third of `status -A`'s CPU without the cache.
rm -f "$lib"/kubectl-sidecar*.jsa "$lib"/kubectl-sidecar*.aot
training_kubeconfig=$(mktemp)
cat > "$training_kubeconfig" <<'KUBECONFIG'
apiVersion: v1
kind: Config
clusters: [{name: training, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: training, user: {token: training}}]
contexts: [{name: training, context: {cluster: training, user: training}}]
current-context: training
KUBECONFIG
# On two cores one JIT thread instead of two: the command and its engine warm-up (EngineWarmUp) each keep a core,
# ~10 % faster `inject` there. More cores have room for the JVM's default compiler threads.
jit_flags=""
[ "$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 4)" -le 2 ] && jit_flags="-XX:CICompilerCount=1"
jvm_flags="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

# make_cache NAME TRAINING-ARGS...: makes $lib/NAME.aot or $lib/NAME.jsa from a training run of the CLI with these
# arguments; prints its file name, or nothing when it could not be made.
make_cache() {
  name="$1"; shift
  if [ "$java_major" -ge 25 ]; then
    cache="$lib/$name.aot"
    # Some JDK 25 builds crash while archiving linked classes (an empty cache is left); without class linking the
    # cache still holds the loaded classes.
    for linking in -XX:+AOTClassLinking -XX:-AOTClassLinking; do
      java $jvm_flags "$linking" -XX:AOTCacheOutput="$cache" -Xlog:aot=off -Xlog:cds=off \
        -jar "$lib/kubectl-sidecar.jar" "$@" >/dev/null 2>&1 || rm -f "$cache"
      rm -f "$cache.config" "$lib"/hs_err_pid*.log ./hs_err_pid*.log
      [ -s "$cache" ] && break
      rm -f "$cache"
    done
    [ -s "$cache" ] && echo "$name.aot"
  else
    cache="$lib/$name.jsa"
    classes="$lib/.$name.classes"
    # A static archive (the classes a training run loads, then -Xshare:dump): unlike a dynamic one it also holds
    # picocli's classes, whose Java 5 class-file version a dynamic archive cannot store (~12 % less CPU per run).
    { java $jvm_flags -XX:DumpLoadedClassList="$classes" -jar "$lib/kubectl-sidecar.jar" "$@" &&
      java -XX:+UseSerialGC -Xshare:dump -XX:SharedClassListFile="$classes" -XX:SharedArchiveFile="$cache" \
        -cp "$lib/kubectl-sidecar.jar"; } >/dev/null 2>&1 || rm -f "$cache"
    rm -f "$classes"
    [ -s "$cache" ] && echo "$name.jsa"
  fi
  return 0
}
offline_cache=$(make_cache kubectl-sidecar-offline inject --offline -f "$repo/examples/shop.yaml")
cluster_cache=$(make_cache kubectl-sidecar inject -f "$repo/examples/shop.yaml" --kubeconfig "$training_kubeconfig")
rm -f "$training_kubeconfig"
if [ "$java_major" -ge 25 ]; then
  cache_option='${cache:+"-XX:AOTCache=$lib/$cache" -Xlog:aot=off -Xlog:cds=off}'
else
  cache_option='${cache:+-Xshare:auto "-XX:SharedArchiveFile=$lib/$cache" -Xlog:cds=off}'
fi
# $lib as a single-quoted shell word, whatever the prefix holds.
quoted_lib="'$(printf '%s' "$lib" | sed "s/'/'\\\\''/g")'"

cat > "$launcher.$$" <<LAUNCHER
#!/usr/bin/env sh
# kubectl-sidecar launcher, written by install.sh. C1 only and the serial GC: a CLI run is short.
lib=$quoted_lib
case "\$*" in
  # The top-level help is a text the jar carries (TopLevelHelp): mapping the class cache costs it more than it saves.
  ""|-h|--help|help) exec java $jvm_flags -jar "\$lib/kubectl-sidecar.jar" "\$@" ;;
esac
# The small cache when the command will not read a kubeconfig (EngineOptions: inject and iptables consult the
# cluster when one exists, unless told --offline or given --config); a wrong guess costs time, never a result.
kubeconfig_exists() {
  [ -n "\${KUBECONFIG:-}" ] || { [ -f "\$HOME/.kube/config" ]; return; }
  file=; set -f; old_ifs=\$IFS; IFS=:
  for file in \$KUBECONFIG; do [ -f "\$file" ] && break; file=; done
  IFS=\$old_ifs; set +f
  [ -n "\$file" ]
}
offline=${offline_cache:-$cluster_cache}
cache=$cluster_cache
case "\$1" in
  uninject) cache=\$offline ;;
  inject|iptables)
    case " \$* " in
      *" --offline "*|*" --config "*|*" --config="*) cache=\$offline ;;
      *" --kubeconfig"*) ;;
      *) kubeconfig_exists || cache=\$offline ;;
    esac ;;
esac
exec java $jvm_flags $jit_flags $cache_option -jar "\$lib/kubectl-sidecar.jar" "\$@"
LAUNCHER
chmod 755 "$launcher.$$"
mv -f "$launcher.$$" "$launcher"
installed="$lib/kubectl-sidecar.jar"
[ -z "$offline_cache$cluster_cache" ] || installed="$installed (+ start-up caches: $offline_cache $cluster_cache)"
fi

# kubectl >= 1.26 asks kubectl_complete-<plugin> for completions of `kubectl sidecar …`.
completer="$bin/kubectl_complete-sidecar"
printf '#!/usr/bin/env sh\nexec %s/kubectl-sidecar __complete "$@"\n' "$(printf '%s' "$bin" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")" > "$completer.$$"
chmod 755 "$completer.$$"
mv -f "$completer.$$" "$completer"

echo "Installed kubectl-sidecar into $prefix:"
echo "  $launcher"
echo "  $completer (shell completion through kubectl)"
echo "  $installed"
case ":${PATH}:" in
  *":$bin:"*) ;;
  *) echo ""
     echo "$bin is not on your PATH; add it so kubectl finds the plugin:"
     echo "  export PATH=\"$bin:\$PATH\"" ;;
esac
echo ""
echo "Try it:  $launcher inject -f $repo/examples/shop.yaml"
