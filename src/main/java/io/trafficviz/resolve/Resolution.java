package io.trafficviz.resolve;

import io.trafficviz.graph.Node;

/**
 * Who called whom for one request.
 *
 * @param target   the service that answered, or null when the proxy answered itself
 * @param outsider the caller reached a private proxy without being one of the callers it should trust
 */
public record Resolution(Node client, Node proxy, Node target, boolean outsider) {
    public boolean answeredByProxy() {
        return target == null;
    }
}
