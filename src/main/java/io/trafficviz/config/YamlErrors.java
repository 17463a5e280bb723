package io.trafficviz.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads YAML into a tree and turns the YAML library's errors into one line naming the place: SnakeYAML's messages
 * span several lines with a caret drawing, and a repeated key would otherwise be dropped silently (the last one won).
 */
final class YamlErrors {
    /** Duplicate keys are an error: with two {@code listen:} lines, which one did the operator mean? */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Pattern MARK = Pattern.compile("line (\\d+), column (\\d+)");
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'");

    private YamlErrors() {
    }

    static JsonNode read(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw oneLine(e);
        }
    }

    private static ConfigException oneLine(JsonProcessingException e) {
        String original = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        Matcher duplicate = DUPLICATE.matcher(original);
        if (duplicate.matches()) {
            String key = keyPath(e, duplicate.group(1));
            return new ConfigException(key, "appears twice" + at(e) + "; keep one");
        }
        // SnakeYAML: "problem\n in 'reader', line 2, column 1:\n    <the line>\n    ^\n..."; keep the problem lines
        // and the last mark (where the problem is), drop the drawings.
        List<String> problems = new ArrayList<>();
        String lastMark = null;
        for (String line : original.split("\\R")) {
            Matcher mark = MARK.matcher(line);
            if (line.startsWith(" in ") && mark.find()) {
                lastMark = "line " + mark.group(1) + ", column " + mark.group(2);
            } else if (!line.isBlank() && !line.startsWith(" ") && !problems.contains(line.strip())) {
                problems.add(line.strip());
            }
        }
        String where = lastMark != null ? " (" + lastMark + ")" : at(e);
        return new ConfigException("config is not valid YAML: " + String.join("; ", problems) + where, e);
    }

    private static String at(JsonProcessingException e) {
        return e.getLocation() == null || e.getLocation().getLineNr() < 1 ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    /** The parser's position as the loader spells keys ({@code servers[0].proxies[1].name}), or the bare name. */
    private static String keyPath(JsonProcessingException e, String field) {
        if (!(e.getProcessor() instanceof JsonParser parser) || parser.getParsingContext() == null) {
            return field;
        }
        StringBuilder key = new StringBuilder();
        for (String part : parser.getParsingContext().pathAsPointer().toString().split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.chars().allMatch(Character::isDigit)) {
                key.append('[').append(part).append(']');
            } else {
                key.append(key.length() == 0 ? "" : ".").append(part.replace("~1", "/").replace("~0", "~"));
            }
        }
        return key.length() == 0 ? field : key.toString();
    }
}
