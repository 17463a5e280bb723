package io.trafficviz.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in any value of the YAML tree, replaced before any section reads it, so
 * every section (today's and later ones) takes its values from the environment the same way, as Compose and systemd
 * users expect. {@code $$} is a literal {@code $}. The references are resolved once, at load; only values are
 * replaced, never keys.
 *
 * <p>A value that is one whole reference takes the variable's type as YAML would read it ({@code maxBodyBytes:
 * ${MAX}} with {@code MAX=4096} is the number 4096, {@code reverseDns: ${RDNS:-false}} a boolean); a reference inside
 * a longer text stays text.
 */
final class EnvironmentReferences {
    /** {@code $$}, or {@code ${NAME}} / {@code ${NAME:-default}}, or a {@code ${} that is neither (a mistake). */
    private static final Pattern REFERENCE = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}|\\$\\{");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?[0-9]{1,18}");

    private EnvironmentReferences() {
    }

    /** Replaces the references in place; {@code environment} answers null for an unset variable. */
    static void resolve(JsonNode root, UnaryOperator<String> environment) {
        if (root != null && root.isContainerNode()) {
            walk(root, "", environment);
        }
    }

    private static void walk(JsonNode node, String key, UnaryOperator<String> environment) {
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                fields.add(it.next());
            }
            for (Map.Entry<String, JsonNode> field : fields) {
                String childKey = key.isEmpty() ? field.getKey() : key + "." + field.getKey();
                JsonNode replaced = replace(field.getValue(), childKey, environment);
                if (replaced != null) {
                    object.set(field.getKey(), replaced);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode replaced = replace(array.get(i), key + "[" + i + "]", environment);
                if (replaced != null) {
                    array.set(i, replaced);
                }
            }
        }
    }

    /** The node's new value, or null to keep it (containers are walked in place). */
    private static JsonNode replace(JsonNode value, String key, UnaryOperator<String> environment) {
        if (value.isContainerNode()) {
            walk(value, key, environment);
            return null;
        }
        if (!value.isTextual() || !value.textValue().contains("$")) {
            return null;
        }
        String text = value.textValue();
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int references = 0;
        boolean whole = false;
        while (m.find()) {
            String found = m.group();
            String replacement;
            if (found.equals("$$")) {
                replacement = "$";
            } else if (m.group(1) == null) {
                throw new ConfigException(key, "'${' starts an environment reference like ${NAME} or ${NAME:-default} "
                        + "(write $${ for a literal '${'; was '" + text + "')");
            } else {
                references++;
                whole = m.start() == 0 && m.end() == text.length();
                replacement = variable(m.group(1), m.group(3), key, environment);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        String result = out.toString();
        return references == 1 && whole ? typed(result) : TextNode.valueOf(result);
    }

    private static String variable(String name, String fallback, String key, UnaryOperator<String> environment) {
        String value = environment.apply(name);
        // As in Compose and the shell, ':-' also covers a variable that is set but empty.
        if (value == null || value.isEmpty()) {
            if (fallback != null) {
                return fallback;
            }
            throw new ConfigException(key, "environment variable " + name + " is " + (value == null ? "not set" : "empty")
                    + " (set it, or give a default: ${" + name + ":-value})");
        }
        return value.strip();
    }

    /** A whole-value reference reads as YAML would read the variable's text: a whole number, a boolean, or text. */
    private static JsonNode typed(String value) {
        if (WHOLE_NUMBER.matcher(value).matches()) {
            return LongNode.valueOf(Long.parseLong(value));
        }
        if (value.equals("true") || value.equals("false")) {
            return BooleanNode.valueOf(Boolean.parseBoolean(value));
        }
        return TextNode.valueOf(value);
    }
}
