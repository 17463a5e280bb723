package io.trafficviz.discovery;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProxyInventoryTest {
    @Test
    void namesAreQualifiedAndStrippedLikeTraefikDoes() {
        assertThat(ProxyInventory.bareName("api@internal")).isEqualTo("api");
        assertThat(ProxyInventory.bareName("whoami")).isEqualTo("whoami");
        assertThat(ProxyInventory.bareName(null)).isNull();
        assertThat(ProxyInventory.providerOf("whoami@docker")).isEqualTo("docker");
        assertThat(ProxyInventory.providerOf("whoami")).isNull();
        assertThat(ProxyInventory.qualify("split", "file")).isEqualTo("split@file");
        assertThat(ProxyInventory.qualify("api@internal", "file")).isEqualTo("api@internal");
        assertThat(ProxyInventory.qualify(null, "file")).isNull();
    }

    @Test
    void isImmutableAndComparableWithoutItsFetchTime() {
        List<Router> routers = new ArrayList<>(List.of(new Router("r@file", null, "s@file", null, null, "file")));
        ProxyInventory first = new ProxyInventory("v3", routers, null, null, 1);
        routers.clear();

        assertThat(first.routers()).hasSize(1);
        assertThat(first.services()).isEmpty();
        assertThat(first.routers().get(0).entryPoints()).isEmpty();
        assertThatThrownBy(() -> first.routers().add(null)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(first.sameContentAs(new ProxyInventory("v3", first.routers(), List.of(), List.of(), 2))).isTrue();
        assertThat(first.sameContentAs(new ProxyInventory("v3", List.of(), List.of(), List.of(), 1))).isFalse();
        assertThat(first.sameContentAs(null)).isFalse();
    }
}
