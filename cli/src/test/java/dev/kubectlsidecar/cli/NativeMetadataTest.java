package dev.kubectlsidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgGroupSpec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The native image's reflection metadata for picocli is what picocli's annotation processor wrote at compile time;
 * {@link Main} adds its subcommands in code, so this checks that the processor saw every class the command tree
 * reflects on (commands, their superclasses, mixins and argument groups). A class missing here would fail only in a
 * native image, with "no constructor" or an option that never binds.
 */
class NativeMetadataTest {
    private static final String PICOCLI_METADATA = "/META-INF/native-image/picocli-generated/dev.kubectlsidecar/cli/reflect-config.json";

    @Test
    void picocliMetadataCoversEveryClassOfTheCommandTree() throws IOException {
        Set<String> registered = registeredClasses();
        List<String> reflected = new ArrayList<>();
        collect(Main.commandLine().getCommandSpec(), reflected);
        assertThat(reflected).as("the command tree's own classes").contains(Main.class.getName(),
                InjectCommand.class.getName(), "dev.kubectlsidecar.cli.cluster.StatusCommand");
        assertThat(registered).containsAll(reflected);
    }

    @Test
    void theProjectsResourcesAreIncluded() throws IOException {
        for (String module : List.of("cli", "injector")) {
            String resource = "/META-INF/native-image/dev.kubectlsidecar/" + module + "/reachability-metadata.json";
            try (InputStream in = NativeMetadataTest.class.getResourceAsStream(resource)) {
                assertThat(in).as(resource).isNotNull();
                assertThat(JsonMapper.shared().readTree(in).path("resources").toString())
                        .contains("dev/kubectlsidecar/" + module + "/**");
            }
        }
    }

    private static Set<String> registeredClasses() throws IOException {
        try (InputStream in = NativeMetadataTest.class.getResourceAsStream(PICOCLI_METADATA)) {
            assertThat(in).as(PICOCLI_METADATA + " (picocli-codegen's annotation processor, cli/pom.xml)").isNotNull();
            Set<String> names = new HashSet<>();
            for (JsonNode entry : JsonMapper.shared().readTree(in)) {
                names.add(entry.path("name").asString());
            }
            return names;
        }
    }

    /** The project's classes picocli reflects on for this command and those under it. */
    private static void collect(CommandSpec spec, List<String> classes) {
        Object user = spec.userObject();
        if (user != null) {
            for (Class<?> type = user.getClass(); type != null && type.getName().startsWith("dev.kubectlsidecar."); type = type.getSuperclass()) {
                classes.add(type.getName());
            }
        }
        spec.mixins().values().forEach(mixin -> collect(mixin, classes));
        spec.args().forEach(arg -> {
            for (CommandLine.ITypeConverter<?> converter : arg.converters()) {
                ours(converter.getClass(), classes); // instantiated by reflection
            }
        });
        for (ArgGroupSpec group : spec.argGroups()) {
            collectGroup(group, classes);
        }
        for (CommandLine sub : spec.subcommands().values()) {
            collect(sub.getCommandSpec(), classes);
        }
    }

    private static void collectGroup(ArgGroupSpec group, List<String> classes) {
        ours(group.typeInfo().getType(), classes);
        group.subgroups().forEach(sub -> collectGroup(sub, classes));
    }

    private static void ours(Class<?> type, List<String> classes) {
        if (type.getName().startsWith("dev.kubectlsidecar.")) {
            classes.add(type.getName());
        }
    }
}
