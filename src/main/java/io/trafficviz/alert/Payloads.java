package io.trafficviz.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * An alert as each kind of sink reads it. Summaries carry what logs said (service names, addresses): JSON escapes
 * them; Slack's markup characters are escaped and Discord is told to ping nobody, so a crafted name cannot mention
 * {@code @everyone} or forge a link.
 */
final class Payloads {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Discord refuses a message past 2,000 characters. */
    private static final int DISCORD_MAX = 2_000;

    private Payloads() {
    }

    /** The trafficviz page with the alert's node or caller selected (view-state.js's {@code sel}), or null. */
    static String link(String pageUrl, Alert a) {
        if (pageUrl == null) {
            return null;
        }
        String selected = a.nodeId() != null ? a.nodeId() : a.fromId();
        return selected == null ? pageUrl : pageUrl + "?sel=" + URLEncoder.encode(selected, StandardCharsets.UTF_8);
    }

    static String headline(Alert a) {
        return "[" + a.status().toUpperCase(java.util.Locale.ROOT) + ":" + a.severity().key() + "] " + a.rule();
    }

    /** The generic webhook: the alert as a JSON object. */
    static byte[] webhook(Alert a, String pageUrl) {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", a.status());
        o.put("rule", a.rule());
        o.put("kind", a.kind().key());
        o.put("severity", a.severity().key());
        o.put("summary", a.summary());
        ObjectNode labels = o.putObject("labels");
        a.labels().forEach(labels::put);
        o.put("startsAt", Instant.ofEpochMilli(a.startsAt()).toString());
        if (a.endsAt() != 0) {
            o.put("endsAt", Instant.ofEpochMilli(a.endsAt()).toString());
        } else {
            o.putNull("endsAt");
        }
        o.put("caller", a.fromId());
        o.put("target", a.toId());
        o.put("node", a.nodeId());
        o.put("generatorURL", link(pageUrl, a));
        return bytes(o);
    }

    /** Slack's incoming webhook (Mattermost and Rocket.Chat read it too). */
    static byte[] slack(Alert a, String pageUrl) {
        String text = headline(a) + ": " + slackEscape(a.summary());
        String link = link(pageUrl, a);
        if (link != null) {
            text += " <" + slackEscape(link) + "|open the graph>";
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("text", text);
        return bytes(o);
    }

    /** Discord's webhook: mentions off, within its length limit. */
    static byte[] discord(Alert a, String pageUrl) {
        String link = link(pageUrl, a);
        String text = headline(a) + ": " + a.summary() + (link == null ? "" : " " + link);
        if (text.length() > DISCORD_MAX) {
            text = text.substring(0, DISCORD_MAX - 1) + "…";
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("content", text);
        o.putObject("allowed_mentions").putArray("parse");
        return bytes(o);
    }

    /** ntfy: the summary as the body; title, priority, tags and click link as headers (config text only). */
    static byte[] ntfyBody(Alert a) {
        return a.summary().getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> ntfyHeaders(Alert a, String pageUrl) {
        String priority = !a.firing() ? "2" : switch (a.severity()) {
            case CRITICAL -> "5";
            case WARNING -> "4";
            case INFO -> "3";
        };
        String link = link(pageUrl, a);
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("Title", headline(a));
        h.put("Priority", priority);
        h.put("Tags", a.firing() ? "rotating_light" : "white_check_mark");
        if (link != null) {
            h.put("Click", link);
        }
        return h;
    }

    /**
     * Alertmanager's {@code POST /api/v2/alerts}: a firing alert is valid for {@code validMillis} (told again well
     * before), a resolved one ends when it resolved.
     */
    static byte[] alertmanager(Alert a, String pageUrl, long now, long validMillis) {
        ArrayNode list = JSON.createArrayNode();
        ObjectNode o = list.addObject();
        ObjectNode labels = o.putObject("labels");
        a.labels().forEach(labels::put);
        ObjectNode annotations = o.putObject("annotations");
        annotations.put("summary", a.summary());
        o.put("startsAt", Instant.ofEpochMilli(a.startsAt()).toString());
        o.put("endsAt", Instant.ofEpochMilli(a.firing() ? now + validMillis : a.endsAt()).toString());
        String link = link(pageUrl, a);
        if (link != null) {
            o.put("generatorURL", link);
        }
        return bytes(list);
    }

    private static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
