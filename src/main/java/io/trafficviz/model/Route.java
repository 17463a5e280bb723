package io.trafficviz.model;

/**
 * Who called whom for one request: the resolver's answer, the graph's input.
 *
 * @param target   the service that answered (or the proxy the request was forwarded to), null when the proxy
 *                 answered itself
 * @param outsider the caller reached a private proxy without being one of the callers it should trust
 */
public record Route(NodeId caller, NodeId proxy, NodeId target, boolean outsider) {
    public boolean answeredByProxy() {
        return target == null;
    }
}
