package dev.kubectlsidecar.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (set by the build), or "dev" when run from classes. */
public final class VersionProvider implements IVersionProvider {
    public static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String[] getVersion() {
        return new String[] {"kubectl-sidecar " + version()};
    }
}
