package dev.kubectlsidecar.e2e;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point one way (docs/architecture.md, "Modules"): injector ← cli, injector ← agent, injector ←
 * testkit; no package of the production code depends, even indirectly, on a package that depends on it.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar")) // the modules' test-jars
                .importPackages("dev.kubectlsidecar");
    }

    @Test
    void everyModuleIsOnTheClasspath() {
        for (String module : new String[] {"injector", "cli", "agent", "testkit"}) {
            org.assertj.core.api.Assertions.assertThat(production.containPackage("dev.kubectlsidecar." + module))
                    .as(module).isTrue();
        }
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("dev.kubectlsidecar.(**)").should().beFreeOfCycles().check(production);
    }

    @Test
    void theEngineDependsOnNoCommandAgentOrTestkit() {
        noClasses().that().resideInAPackage("dev.kubectlsidecar.injector..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.kubectlsidecar.cli..", "dev.kubectlsidecar.agent..", "dev.kubectlsidecar.testkit..")
                .check(production);
    }

    @Test
    void theCliAndTheAgentDoNotKnowEachOtherOrTheTestkit() {
        noClasses().that().resideInAPackage("dev.kubectlsidecar.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kubectlsidecar.agent..", "dev.kubectlsidecar.testkit..")
                .check(production);
        noClasses().that().resideInAPackage("dev.kubectlsidecar.agent..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kubectlsidecar.cli..", "dev.kubectlsidecar.testkit..")
                .check(production);
        noClasses().that().resideInAPackage("dev.kubectlsidecar.testkit..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.kubectlsidecar.cli..", "dev.kubectlsidecar.agent..")
                .check(production);
    }
}
