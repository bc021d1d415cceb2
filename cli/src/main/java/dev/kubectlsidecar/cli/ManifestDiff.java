package dev.kubectlsidecar.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import java.util.Arrays;
import java.util.List;

/** A unified diff (3 lines of context) between a manifest as read and as it would be written. */
final class ManifestDiff {
    private ManifestDiff() {
    }

    static String unified(String name, String before, String after) {
        List<String> original = Arrays.asList(before.split("\n", -1));
        List<String> revised = Arrays.asList(after.split("\n", -1));
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff("a/" + name, "b/" + name, original,
                DiffUtils.diff(original, revised), 3);
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
