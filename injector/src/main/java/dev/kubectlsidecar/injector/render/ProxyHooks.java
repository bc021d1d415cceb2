package dev.kubectlsidecar.injector.render;

import dev.kubectlsidecar.injector.json.Json;
import dev.kubectlsidecar.injector.config.ProxyFlavor;
import dev.kubectlsidecar.injector.config.ProxyLifecycle;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * How the proxy starts before the app and stops after it: the {@code startupProbe} of a native sidecar (the
 * kubelet starts the app containers once it passes), the {@code postStart} hook of a classic one (the kubelet starts
 * the next container once it returns), and the {@code preStop} hook that drains.
 *
 * <p>The {@code envoy} profile's hooks talk to Envoy's admin API on 127.0.0.1:{@value EnvoyBootstrap#ADMIN_PORT}
 * with bash alone: Envoy's image ({@code distribution/docker/Dockerfile-envoy} in envoyproxy/envoy, stage
 * {@code envoy}) is Ubuntu with only {@code ca-certificates} and {@code tzdata} added, so it has bash and coreutils
 * but neither curl nor wget; bash's {@code /dev/tcp} makes the HTTP requests. The {@code istio} profile uses
 * pilot-agent's own commands, as Istio's injection template does.
 */
final class ProxyHooks {
    /** Istio's: checked every second for up to ten minutes. */
    static final int STARTUP_PERIOD_SECONDS = 1;
    static final int STARTUP_FAILURE_THRESHOLD = 600;
    /** pilot-agent wait's own default; Istio's template passes --timeoutSeconds only for another value. */
    private static final int PILOT_AGENT_WAIT_DEFAULT = 60;
    private static final int ISTIO_DEBUG_PORT = 15020;

    /**
     * One HTTP/1.1 request to Envoy's admin API: {@code req METHOD PATH} succeeds on a 200 and leaves the body in
     * {@code $body}. Reads are bounded (2 s) so a stuck admin cannot hang a hook beyond its timeout.
     */
    private static final String REQUEST = """
            req() {
              exec 3<>/dev/tcp/127.0.0.1/%d || return 1
              printf '%%s %%s HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\nContent-Length: 0\\r\\n\\r\\n' "$1" "$2" >&3
              IFS=' ' read -r -t 2 _ code _ <&3 || { exec 3<&-; return 1; }
              body=
              while IFS= read -r -t 2 line <&3; do body="$body${line%%$'\\r'}"$'\\n'; done
              exec 3<&-
              [ "$code" = 200 ]
            }
            """.formatted(EnvoyBootstrap.ADMIN_PORT);

    /**
     * Waits until Envoy's {@code /ready} answers 200, polling twice a second; fails after the timeout. bash's
     * {@code SECONDS} counts whole seconds from a start that may lie up to a second back, hence the extra second:
     * the hook never gives up early.
     */
    private static final String WAIT = """
            %s
            end=$((SECONDS + %d + 1))
            until req GET /ready 2>/dev/null; do
              if [ "$SECONDS" -ge "$end" ]; then echo "istio-proxy: Envoy not ready after %d s" >&2; exit 1; fi
              sleep 0.5
            done
            """;

    /**
     * Drains the inbound listeners (new inbound connections are refused; the outbound listener keeps serving the
     * app), waits until no downstream connection is left or the drain period ends, then asks Envoy to quit. The
     * period may end up to a second early ({@code SECONDS}), never late: the grace period must cover it.
     */
    private static final String DRAIN = """
            %s
            req POST '/drain_listeners?inboundonly&graceful' 2>/dev/null
            end=$((SECONDS + %d))
            while [ "$SECONDS" -lt "$end" ]; do
              if req GET '/stats?filter=server.total_connections' 2>/dev/null \\
                && [ "${body#*server.total_connections: }" = "0"$'\\n' ]; then break; fi
              sleep 1
            done
            req POST /quitquitquit 2>/dev/null
            exit 0
            """;

    private ProxyHooks() {
    }

    /** The {@code bash -c} script of the classic sidecar's {@code postStart} hook in the {@code envoy} profile. */
    static String envoyWaitScript(int timeoutSeconds) {
        return WAIT.formatted(REQUEST.stripTrailing(), timeoutSeconds, timeoutSeconds);
    }

    /** The {@code bash -c} script of the {@code preStop} hook in the {@code envoy} profile. */
    static String envoyDrainScript(int drainSeconds) {
        return DRAIN.formatted(REQUEST.stripTrailing(), drainSeconds);
    }

    /** Envoy's own flags for the drain: the period, and every connection told at once (as pilot-agent runs it). */
    static void envoyDrainArgs(ArrayNode args, ProxyLifecycle lifecycle) {
        args.add("--drain-time-s").add(Integer.toString(lifecycle.terminationDrainSeconds()))
                .add("--drain-strategy").add("immediate");
    }

    /**
     * Adds the hooks and probe this proxy needs. Classic sidecars in the {@code istio} profile get no
     * {@code preStop}: pilot-agent drains on SIGTERM for {@code terminationDrainDuration}; like native ones they get
     * the {@code startupProbe}, which holds back their liveness and readiness probes (Istio's template, both).
     */
    static void apply(ObjectNode proxy, ProxyFlavor flavor, ProxyLifecycle lifecycle, boolean nativeSidecar) {
        ObjectNode hooks = Json.object();
        if (!nativeSidecar && lifecycle.holdApplicationUntilProxyStarts()) {
            hooks.set("postStart", exec(flavor == ProxyFlavor.ISTIO
                    ? istioWait(lifecycle.holdTimeoutSeconds())
                    : bash(envoyWaitScript(lifecycle.holdTimeoutSeconds()))));
        }
        if (flavor == ProxyFlavor.ENVOY) {
            hooks.set("preStop", exec(bash(envoyDrainScript(lifecycle.terminationDrainSeconds()))));
        } else if (nativeSidecar) {
            hooks.set("preStop", exec(Json.array().add("pilot-agent").add("request")
                    .add("--debug-port=" + ISTIO_DEBUG_PORT).add("POST").add("drain")));
        }
        if (!hooks.isEmpty()) {
            proxy.set("lifecycle", hooks);
        }
        if (nativeSidecar || flavor == ProxyFlavor.ISTIO) {
            ObjectNode probe = Json.object();
            probe.put("failureThreshold", STARTUP_FAILURE_THRESHOLD);
            probe.putObject("httpGet").put("path", EnvoyBootstrap.HEALTH_PATH).put("port", EnvoyBootstrap.HEALTH_PORT);
            probe.put("periodSeconds", STARTUP_PERIOD_SECONDS).put("timeoutSeconds", 3);
            proxy.set("startupProbe", probe);
        }
    }

    private static ArrayNode istioWait(int timeoutSeconds) {
        ArrayNode command = Json.array().add("pilot-agent").add("wait");
        if (timeoutSeconds != PILOT_AGENT_WAIT_DEFAULT) {
            command.add("--timeoutSeconds").add(Integer.toString(timeoutSeconds));
        }
        return command;
    }

    private static ArrayNode bash(String script) {
        return Json.array().add("bash").add("-c").add(script);
    }

    private static ObjectNode exec(ArrayNode command) {
        ObjectNode handler = Json.object();
        handler.putObject("exec").set("command", command);
        return handler;
    }
}
