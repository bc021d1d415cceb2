# The agent's JVM flags and malloc settings as its Deployment sets them, for scripts that run the agent outside a
# cluster. Source it; it reads cli/.../manifests/40-deployment.yaml relative to $repo.
#   deployment_flags   the container command's options between "java" and "-jar", on one line
#   deployment_env     its environment variables that act on the JVM process itself (NAME=VALUE, one a line)
deployment_manifest=$repo/cli/src/main/resources/dev/kubectlsidecar/cli/manifests/40-deployment.yaml

deployment_flags() {
  python3 - "$deployment_manifest" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
command = re.search(r"command: \[(.*?)\]", text, re.S).group(1)
words = re.findall(r'"([^"]*)"', command)
print(" ".join(words[1:words.index("-jar")]))
PY
}

deployment_env() {
  python3 - "$deployment_manifest" <<'PY'
import re, sys
for name, value in re.findall(r'- name: (\w+)\n\s+value: "?([^"\n]*)"?', open(sys.argv[1]).read()):
    if name == "MALLOC_ARENA_MAX":
        print(f"{name}={value}")
PY
}
