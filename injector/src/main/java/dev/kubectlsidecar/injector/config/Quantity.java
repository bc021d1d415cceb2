package dev.kubectlsidecar.injector.config;

import java.util.regex.Pattern;

/** Kubernetes resource quantities ({@code 100m}, {@code 1.5Gi}, {@code 2e3}); non-negative, as requests must be. */
public final class Quantity {
    public static final String ALLOWED = "a Kubernetes quantity such as 100m, 0.5, 128Mi or 1Gi";

    private static final Pattern QUANTITY =
            Pattern.compile("\\+?(\\d+(\\.\\d*)?|\\.\\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\\d{1,3})?");

    private Quantity() {
    }

    public static boolean isValid(String value) {
        return value != null && value.length() <= 64 && QUANTITY.matcher(value).matches();
    }
}
