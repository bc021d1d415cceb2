package dev.kubectlsidecar.cli.cluster;

/** Counted phrases in English: {@code 1 pod}, {@code 2 pods}; {@code 1 pod has}, {@code 2 pods have}. */
final class Plural {
    private Plural() {
    }

    /** The count and the noun, with an {@code s} unless the count is 1. */
    static String of(long count, String noun) {
        return count + " " + (count == 1 ? noun : noun + "s");
    }

    /** The count and whichever phrase agrees with it. */
    static String of(long count, String one, String many) {
        return count + " " + (count == 1 ? one : many);
    }
}
