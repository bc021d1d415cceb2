package dev.kubectlsidecar.cli.support;

import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * An option whose value is one of a fixed list (e.g. {@code -o yaml|json}); anything else is a usage error that
 * the command line's handler ({@code UsageErrors}) prints as
 * {@code invalid argument "xml" for "-o" flag: must be one of yaml, json}.
 */
public abstract class ChoiceConverter implements ITypeConverter<String> {
    private final List<String> choices;

    protected ChoiceConverter(String... choices) {
        this.choices = List.of(choices);
    }

    @Override
    public String convert(String value) {
        if (!choices.contains(value)) {
            throw new TypeConversionException("must be one of " + String.join(", ", choices));
        }
        return value;
    }
}
