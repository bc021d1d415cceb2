package dev.kubectlsidecar.injector.manifest;

import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Writes JSON values as YAML (block or flow) or JSON text in a file's {@link SourceLayout}: what injection inserts
 * into a manifest as written, and JSON output as kubectl prints it ({@code "key": value}). Strings are written plain
 * only when every YAML reader (YAML 1.1 as kubectl's, 1.2) reads them back as the same string; multi-line text as a
 * literal block where it can be, else double-quoted.
 */
final class NodeText {
    /** Plain scalars a YAML 1.1 or 1.2 reader would take for something other than a string. */
    private static final Pattern NOT_A_STRING = Pattern.compile(
            "~|null|Null|NULL|[yYnN]|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|<<|="
                    + "|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)"
                    + "|[-+]?([0-9][0-9_]*)?(\\.[0-9_]*)?([eE][-+]?[0-9]+)?" // decimal, octal 0777, float, 1e5
                    + "|[-+]?0[xXoObB][0-9a-fA-F_]+" // hex, octal 0o17, binary
                    + "|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?" // sexagesimal (YAML 1.1)
                    + "|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?"); // timestamp
    private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`";

    private final SourceLayout layout;
    private final String nl;

    NodeText(SourceLayout layout) {
        this.layout = layout;
        this.nl = layout.newline();
    }

    // ---- YAML, block style ------------------------------------------------------------------------------------

    /** {@code key: value} for a block mapping whose keys stand at {@code column}; no line break at the end. */
    String entry(String key, JsonNode value, int column) {
        StringBuilder out = new StringBuilder();
        out.append(scalar(key, false)).append(':');
        afterKey(value, column, out);
        return out.toString();
    }

    /** What follows {@code key:} for a value under a key at {@code column}: " scalar", or the block on new lines. */
    String afterKey(JsonNode value, int column) {
        StringBuilder out = new StringBuilder();
        afterKey(value, column, out);
        return out.toString();
    }

    private void afterKey(JsonNode value, int column, StringBuilder out) {
        if (value.isObject() && !value.isEmpty()) {
            out.append(nl);
            entries(value, column + layout.indent(), false, out);
        } else if (value.isArray() && !value.isEmpty()) {
            out.append(nl);
            items(value, column + layout.sequenceIndent(), false, out);
        } else {
            out.append(' ');
            inline(value, column + layout.indent(), out);
        }
    }

    /** {@code - value} for a block sequence whose dashes stand at {@code column}; no line break at the end. */
    String item(JsonNode value, int column) {
        StringBuilder out = new StringBuilder();
        item(value, column, out);
        return out.toString();
    }

    private void item(JsonNode value, int column, StringBuilder out) {
        out.append('-').append(SourceLayout.spaces(layout.dashGap() - 1));
        int content = column + layout.dashGap();
        if (value.isObject() && !value.isEmpty()) {
            entries(value, content, true, out);
        } else if (value.isArray() && !value.isEmpty()) {
            items(value, content, true, out);
        } else {
            inline(value, content, out);
        }
    }

    /** The entries of a non-empty object at {@code column}, the first one not indented when it follows a dash. */
    void entries(JsonNode object, int column, boolean firstInline, StringBuilder out) {
        boolean first = true;
        for (Map.Entry<String, JsonNode> property : object.properties()) {
            if (!first) {
                out.append(nl);
            }
            if (!first || !firstInline) {
                out.append(SourceLayout.spaces(column));
            }
            out.append(scalar(property.getKey(), false)).append(':');
            afterKey(property.getValue(), column, out);
            first = false;
        }
    }

    private void items(JsonNode array, int column, boolean firstInline, StringBuilder out) {
        boolean first = true;
        for (JsonNode element : array) {
            if (!first) {
                out.append(nl);
            }
            if (!first || !firstInline) {
                out.append(SourceLayout.spaces(column));
            }
            item(element, column, out);
            first = false;
        }
    }

    /** A scalar, an empty collection, or a literal block whose lines go at {@code blockColumn}. */
    private void inline(JsonNode value, int blockColumn, StringBuilder out) {
        if (value.isString() && literal(value.stringValue())) {
            literalBlock(value.stringValue(), blockColumn, out);
        } else {
            flow(value, out);
        }
    }

    /** Whether {@code text} reads back exactly from a literal block scalar. */
    static boolean literal(String text) {
        if (text.indexOf('\n') < 0 || text.startsWith(" ") || text.startsWith("\n") || text.startsWith("\t")) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' && c != '\n' && c != '\t' || c == '\u007f' || c == '\u0085' || c == '\u2028' || c == '\u2029'
                    || c == '\uFEFF' || Character.isSurrogate(c) && !validSurrogate(text, i)) {
                return false;
            }
        }
        return true;
    }

    private void literalBlock(String text, int column, StringBuilder out) {
        String chomp = text.endsWith("\n\n") ? "+" : text.endsWith("\n") ? "" : "-";
        out.append('|').append(chomp);
        String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String indent = SourceLayout.spaces(column);
        int from = 0;
        while (true) {
            int newline = body.indexOf('\n', from);
            String line = newline < 0 ? body.substring(from) : body.substring(from, newline);
            out.append(nl);
            if (!line.isEmpty()) {
                out.append(indent).append(line);
            }
            if (newline < 0) {
                return;
            }
            from = newline + 1;
        }
    }

    // ---- YAML, flow style -------------------------------------------------------------------------------------

    /** The value on one line in YAML's flow style: {@code {name: a, ports: [80]}}. */
    String flow(JsonNode value) {
        StringBuilder out = new StringBuilder();
        flow(value, out);
        return out.toString();
    }

    private void flow(JsonNode value, StringBuilder out) {
        if (value.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> properties = value.properties().iterator();
            while (properties.hasNext()) {
                Map.Entry<String, JsonNode> property = properties.next();
                out.append(scalar(property.getKey(), true)).append(": ");
                flow(property.getValue(), out);
                if (properties.hasNext()) {
                    out.append(", ");
                }
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                flow(value.get(i), out);
            }
            out.append(']');
        } else if (value.isString()) {
            out.append(scalar(value.stringValue(), true));
        } else if (value.isBinary()) {
            out.append("!!binary ").append(Base64.getEncoder().encodeToString(value.binaryValue()));
        } else {
            out.append(scalarText(value));
        }
    }

    /**
     * A number, boolean or null as text, without {@code JsonNode.toString()}: that builds an ObjectMapper, which a
     * cold {@code inject} cannot afford (see {@code JsonText}).
     */
    static String scalarText(JsonNode value) {
        if (value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        if (value.isFloat()) {
            return Float.toString(value.floatValue());
        }
        if (value.isDouble()) {
            return Double.toString(value.doubleValue());
        }
        if (value.isNumber()) {
            return value.numberValue().toString();
        }
        throw new IllegalArgumentException("not a scalar: " + value.getNodeType());
    }

    /** A string as a plain scalar when that reads back as the same string, else double-quoted. */
    static String scalar(String text, boolean inFlow) {
        return plain(text, inFlow) ? text : doubleQuoted(text);
    }

    static boolean plain(String text, boolean inFlow) {
        if (text.isEmpty() || INDICATORS.indexOf(text.charAt(0)) >= 0 && !dashWord(text)
                || Character.isWhitespace(text.charAt(0)) || Character.isWhitespace(text.charAt(text.length() - 1))
                || text.endsWith(":") || text.contains(": ") || text.contains(" #") || text.contains(":\t")
                || text.contains("\t#") || NOT_A_STRING.matcher(text).matches()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c == '\u007f' || c >= '\u0080' && c <= '\u009f' || c == '\u2028' || c == '\u2029'
                    || c == '\uFEFF' || Character.isSurrogate(c) || inFlow && ",[]{}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** "--since", "-v": a dash that starts a word, not a sequence entry or a document marker. */
    private static boolean dashWord(String text) {
        return text.charAt(0) == '-' && text.length() > 1 && text.charAt(1) != ' ' && !text.startsWith("---");
    }

    /** A double-quoted scalar; its escapes are also JSON's, so this is a JSON string too. */
    static String doubleQuoted(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < ' ' || c == '\u007f' || c >= '\u0080' && c <= '\u009f' || c == '\u2028' || c == '\u2029'
                            || c == '\uFEFF' || Character.isSurrogate(c) && !validSurrogate(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static boolean validSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    // ---- JSON ---------------------------------------------------------------------------------------------------

    /**
     * JSON as kubectl prints it: {@code "key": value}, one member or element per line indented by the layout's
     * width below {@code column}, {@code {}} and {@code []} when empty.
     */
    String json(JsonNode value, int column) {
        StringBuilder out = new StringBuilder();
        json(value, column, out);
        return out.toString();
    }

    private void json(JsonNode value, int column, StringBuilder out) {
        if (value.isObject() && !value.isEmpty()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> properties = value.properties().iterator();
            while (properties.hasNext()) {
                Map.Entry<String, JsonNode> property = properties.next();
                out.append(nl).append(SourceLayout.spaces(column + layout.indent()))
                        .append(doubleQuoted(property.getKey())).append(": ");
                json(property.getValue(), column + layout.indent(), out);
                if (properties.hasNext()) {
                    out.append(',');
                }
            }
            out.append(nl).append(SourceLayout.spaces(column)).append('}');
        } else if (value.isArray() && !value.isEmpty()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                out.append(nl).append(SourceLayout.spaces(column + layout.indent()));
                json(value.get(i), column + layout.indent(), out);
                if (i + 1 < value.size()) {
                    out.append(',');
                }
            }
            out.append(nl).append(SourceLayout.spaces(column)).append(']');
        } else {
            compactJson(value, out);
        }
    }

    /** JSON on one line, without spaces. */
    static void compactJson(JsonNode value, StringBuilder out) {
        if (value.isObject()) {
            out.append('{');
            Iterator<Map.Entry<String, JsonNode>> properties = value.properties().iterator();
            while (properties.hasNext()) {
                Map.Entry<String, JsonNode> property = properties.next();
                out.append(doubleQuoted(property.getKey())).append(':');
                compactJson(property.getValue(), out);
                if (properties.hasNext()) {
                    out.append(',');
                }
            }
            out.append('}');
        } else if (value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                compactJson(value.get(i), out);
            }
            out.append(']');
        } else if (value.isString()) {
            out.append(doubleQuoted(value.stringValue()));
        } else if (value.isBinary()) {
            out.append('"').append(Base64.getEncoder().encodeToString(value.binaryValue())).append('"');
        } else if (value.isNumber() && !Double.isFinite(value.doubleValue())) {
            throw new IllegalArgumentException("JSON has no " + value.doubleValue());
        } else {
            out.append(scalarText(value));
        }
    }
}
