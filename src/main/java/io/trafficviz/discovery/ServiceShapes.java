package io.trafficviz.discovery;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the parts of a Traefik service definition that discovery needs. The API and the file provider describe a
 * service with the same sub-objects ({@code loadBalancer}, {@code weighted}, {@code mirroring}, {@code failover},
 * {@code highestRandomWeight}), so both readers share this.
 *
 * <p>Keys are looked up case-insensitively: Traefik's file provider accepts {@code loadbalancer} as well as
 * {@code loadBalancer}.
 */
final class ServiceShapes {
    /** Service kinds in the order Traefik's Go struct declares them; the API's {@code type} is the lower-cased key. */
    private static final List<String> KINDS =
            List.of("loadBalancer", "weighted", "mirroring", "failover", "highestRandomWeight");

    private ServiceShapes() {
    }

    /** The lower-cased kind key present in the definition, or {@link Service#TYPE_UNKNOWN}. */
    static String typeOf(JsonNode service) {
        String declared = text(field(service, "type"));
        if (declared != null && !declared.isBlank()) {
            return declared.toLowerCase(java.util.Locale.ROOT);
        }
        for (String kind : KINDS) {
            if (field(service, kind).isObject()) {
                return kind.toLowerCase(java.util.Locale.ROOT);
            }
        }
        return Service.TYPE_UNKNOWN;
    }

    /**
     * Server URLs of a load balancer: {@code loadBalancer.servers[].url}, then any URL that only appears as a key of
     * the API's {@code serverStatus} map (so a server is not lost if one of the two is missing).
     */
    static List<String> serverUrls(JsonNode service) {
        Set<String> urls = new LinkedHashSet<>();
        for (JsonNode server : elements(field(field(service, "loadBalancer"), "servers"))) {
            String url = text(field(server, "url"));
            if (url != null && !url.isBlank()) {
                urls.add(url.trim());
            }
        }
        JsonNode serverStatus = field(service, "serverStatus");
        if (serverStatus.isObject()) {
            serverStatus.fieldNames().forEachRemaining(urls::add);
        }
        return List.copyOf(urls);
    }

    /** Qualified names of the services a weighted/mirroring/failover/HRW service forwards to. */
    static List<String> children(JsonNode service, String provider) {
        Set<String> names = new LinkedHashSet<>();
        for (String listKind : List.of("weighted", "highestRandomWeight")) {
            for (JsonNode child : elements(field(field(service, listKind), "services"))) {
                addQualified(names, text(field(child, "name")), provider);
            }
        }
        JsonNode mirroring = field(service, "mirroring");
        addQualified(names, text(field(mirroring, "service")), provider);
        for (JsonNode mirror : elements(field(mirroring, "mirrors"))) {
            addQualified(names, text(field(mirror, "name")), provider);
        }
        JsonNode failover = field(service, "failover");
        addQualified(names, text(field(failover, "service")), provider);
        addQualified(names, text(field(failover, "fallback")), provider);
        return List.copyOf(names);
    }

    private static void addQualified(Set<String> names, String name, String provider) {
        if (name != null && !name.isBlank()) {
            names.add(ProxyInventory.qualify(name.trim(), provider));
        }
    }

    /** The field named {@code name}, matched exactly first and then ignoring case; a missing node otherwise. */
    static JsonNode field(JsonNode object, String name) {
        if (object == null || !object.isObject()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        JsonNode exact = object.get(name);
        if (exact != null) {
            return exact;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** A scalar's text, or null for a missing, null or structured node. */
    static String text(JsonNode node) {
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /** The elements of an array node; nothing for anything else. */
    static List<JsonNode> elements(JsonNode node) {
        List<JsonNode> out = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(out::add);
        }
        return out;
    }

    /** The texts of an array of strings (a lone string counts as a one-element list, as YAML users write it). */
    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                String value = text(element);
                if (value != null && !value.isBlank()) {
                    out.add(value.trim());
                }
            }
        } else {
            String value = text(node);
            if (value != null && !value.isBlank()) {
                out.add(value.trim());
            }
        }
        return out;
    }
}
