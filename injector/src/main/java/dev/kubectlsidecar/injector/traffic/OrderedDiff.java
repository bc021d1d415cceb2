package dev.kubectlsidecar.injector.traffic;

import java.util.List;

/** A longest common subsequence of two lists, so a rule out of place shows up as missing and as extra. */
final class OrderedDiff {
    private OrderedDiff() {
    }

    /** {@code [0][i]}: whether {@code left[i]} is in the common subsequence; {@code [1][j]} likewise for right. */
    static boolean[][] common(List<String> left, List<String> right) {
        int[][] length = new int[left.size() + 1][right.size() + 1];
        for (int i = left.size() - 1; i >= 0; i--) {
            for (int j = right.size() - 1; j >= 0; j--) {
                length[i][j] = left.get(i).equals(right.get(j))
                        ? length[i + 1][j + 1] + 1 : Math.max(length[i + 1][j], length[i][j + 1]);
            }
        }
        boolean[][] inCommon = {new boolean[left.size()], new boolean[right.size()]};
        int i = 0;
        int j = 0;
        while (i < left.size() && j < right.size()) {
            if (left.get(i).equals(right.get(j))) {
                inCommon[0][i++] = true;
                inCommon[1][j++] = true;
            } else if (length[i + 1][j] >= length[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return inCommon;
    }
}
