package io.trafficviz.discovery;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

import static io.trafficviz.discovery.ServiceShapes.field;
import static io.trafficviz.discovery.ServiceShapes.strings;
import static io.trafficviz.discovery.ServiceShapes.text;

/**
 * Turns the elements of Traefik API list documents into model records. Unknown fields are ignored and missing ones
 * become null/empty, so a newer or older Traefik still yields what it can; an element without a name is skipped,
 * because nothing could refer to it.
 */
final class ApiDocuments {
    private ApiDocuments() {
    }

    /** An element of {@code /api/http/routers}. */
    static Optional<Router> router(JsonNode element) {
        String name = text(field(element, "name"));
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String provider = providerOf(element, name);
        // "entryPoints" is what the router was configured with; when it was left out Traefik attaches the router
        // to every default entry point and only "using" says which.
        var entryPoints = strings(field(element, "entryPoints"));
        if (entryPoints.isEmpty()) {
            entryPoints = strings(field(element, "using"));
        }
        return Optional.of(new Router(name, text(field(element, "rule")),
                ProxyInventory.qualify(text(field(element, "service")), provider), entryPoints,
                text(field(element, "status")), provider));
    }

    /** An element of {@code /api/http/services}. */
    static Optional<Service> service(JsonNode element) {
        String name = text(field(element, "name"));
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String provider = providerOf(element, name);
        return Optional.of(new Service(name, ServiceShapes.typeOf(element), provider,
                ServiceShapes.serverUrls(element), text(field(element, "status")),
                ServiceShapes.children(element, provider)));
    }

    /** An element of {@code /api/entrypoints}. */
    static Optional<EntryPoint> entryPoint(JsonNode element) {
        String name = text(field(element, "name"));
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new EntryPoint(name, text(field(element, "address"))));
    }

    /** {@code /api/version} answers {@code {"Version": "3.4.1", "Codename": ..., "startDate": ...}}. */
    static String version(JsonNode document) {
        return text(field(document, "Version"));
    }

    /** {@code /api/overview}'s {@code http.<kind>.total}, or -1 when absent. */
    static int overviewTotal(JsonNode overview, String kind) {
        JsonNode total = field(field(field(overview, "http"), kind), "total");
        return total.isNumber() ? total.asInt() : -1;
    }

    private static String providerOf(JsonNode element, String name) {
        String provider = text(field(element, "provider"));
        return provider != null && !provider.isBlank() ? provider : ProxyInventory.providerOf(name);
    }
}
