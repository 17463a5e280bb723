package io.trafficviz.model;

import java.util.Locale;

public enum NodeKind {
    PROXY, GATEWAY, SERVICE, EXTERNAL, UNRECOGNISED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
