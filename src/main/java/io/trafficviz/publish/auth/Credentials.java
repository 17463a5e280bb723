package io.trafficviz.publish.auth;

/** What a request offers to prove who sent it, read the same way from an HTTP request and a WebSocket upgrade. */
interface Credentials {
    /** The peer's address: the proxy's when there is one in front. */
    String remoteAddress();

    String header(String name);

    String cookie(String name);
}
