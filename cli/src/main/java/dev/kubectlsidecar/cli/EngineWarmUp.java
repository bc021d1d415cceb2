package dev.kubectlsidecar.cli;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.manifest.ManifestSource;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Loads and initialises the engine's classes on a second core while the main thread starts picocli: a cold
 * {@code inject} spends most of its time loading classes (Jackson's parsers and generators, SnakeYAML, the
 * embedded config, the renderer), and that work does not depend on the arguments. The embedded default config parsed here is the one
 * the command then uses ({@link ConfigLoader#embeddedDefault} parses it once). Nothing here can change or fail a
 * run: it works on its own small pod and discards the result. The command waits for it ({@link #awaitDone}) before
 * it runs, so the two threads never initialise the engine's classes at the same time (class initialisers that
 * refer to each other could otherwise deadlock).
 */
final class EngineWarmUp {
    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: warm-up
            spec:
              containers:
                - name: app
                  image: app
                  ports:
                    - containerPort: 8080
            """;

    private static volatile Thread running;

    private EngineWarmUp() {
    }

    static void begin() {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return; // on one core it would only compete with the real work
        }
        if (System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
            return; // a native image has its classes initialised ahead of time: nothing to load
        }
        Thread thread = new Thread(EngineWarmUp::run, "engine-warm-up");
        thread.setDaemon(true);
        running = thread;
        thread.start();
    }

    /** Returns once the warm-up, if one was begun, has finished. */
    static void awaitDone() {
        Thread thread = running;
        if (thread == null) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running = null;
    }

    private static void run() {
        try {
            ManifestSource manifest = ManifestSource.read("warm-up", POD);
            ObjectNode pod = (ObjectNode) manifest.documents().get(0).tree();
            InjectionEngine engine = new InjectionEngine(ConfigLoader.embeddedDefault());
            manifest.write(List.of(engine.inject(pod, PodRequest.offline("default")).pod()));
        } catch (RuntimeException | LinkageError ignored) {
            // The command itself reports whatever is wrong, with its own input's name.
        }
    }
}
