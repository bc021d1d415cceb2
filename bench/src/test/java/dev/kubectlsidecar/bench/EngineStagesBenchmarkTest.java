package dev.kubectlsidecar.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kubectlsidecar.injector.InjectionEngine;
import dev.kubectlsidecar.injector.PodInjection;
import dev.kubectlsidecar.injector.PodRequest;
import dev.kubectlsidecar.injector.config.ConfigLoader;
import dev.kubectlsidecar.injector.patch.JsonPatches;
import dev.kubectlsidecar.injector.render.SidecarRenderer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stages, put together, are what the engine does: otherwise their timings would explain nothing. */
class EngineStagesBenchmarkTest {
    private final EngineStagesBenchmark stages = new EngineStagesBenchmark();
    private PodInjection engineResult;

    @BeforeEach
    void setUp() {
        stages.setUp();
        engineResult = new InjectionEngine(ConfigLoader.embeddedDefault()).inject(TypicalPod.tree(), PodRequest.offline("shop"));
    }

    @Test
    void renderedPartsAreTheEngines() {
        assertThat(stages.renderSidecarParts()).isEqualTo(engineResult.parts());
        assertThat(stages.resolveOptions().warnings()).isEqualTo(engineResult.warnings());
    }

    @Test
    void addingThePartsGivesTheEnginesPod() {
        assertThat(stages.addSidecarToPod()).isEqualTo(engineResult.pod());
    }

    @Test
    void copyIsTheUntouchedPodAndDiffIsThePatchToTheInjectedOne() {
        assertThat(stages.copyPod()).isEqualTo(TypicalPod.tree());
        assertThat(JsonPatches.apply(stages.diff(), TypicalPod.tree())).isEqualTo(engineResult.pod());
    }

    @Test
    void templateHashIsTheOneOnTheInjectedPod() {
        assertThat(stages.templateHash())
                .isEqualTo(engineResult.pod().path("metadata").path("annotations").path(SidecarRenderer.TEMPLATE_HASH).asString());
    }
}
