package io.trafficviz.discovery;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AddressIndexTest {

    private static Service lb(String name, String... urls) {
        return new Service(name, Service.TYPE_LOAD_BALANCER, "file", List.of(urls), null, List.of());
    }

    @Test
    void extractsTheHostOfServerUrls() {
        assertThat(AddressIndex.hostOf("http://private-communicating-service:80")).contains("private-communicating-service");
        assertThat(AddressIndex.hostOf("http://172.25.0.3:80/")).contains("172.25.0.3");
        assertThat(AddressIndex.hostOf("http://public-communicating-service")).contains("public-communicating-service");
        assertThat(AddressIndex.hostOf("http://[fd00::7]:8080/base?x=1")).contains("fd00::7");
        assertThat(AddressIndex.hostOf("h2c://user:pw@Backend_1:9000")).contains("backend_1");
        assertThat(AddressIndex.hostOf("10.0.0.1:8080")).contains("10.0.0.1");
        assertThat(AddressIndex.hostOf("http://")).isEmpty();
        assertThat(AddressIndex.hostOf(null)).isEmpty();
    }

    @Test
    void normalizesAddressesTheWayGoPrintsThem() {
        assertThat(AddressIndex.normalizeAddress("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(AddressIndex.normalizeAddress("[::1]")).isEqualTo("::1");
        assertThat(AddressIndex.normalizeAddress("FD00:0:0:0:0:0:0:7")).isEqualTo("fd00::7");
        assertThat(AddressIndex.normalizeAddress("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(AddressIndex.normalizeAddress("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(AddressIndex.normalizeAddress("::ffff:172.25.0.3")).isEqualTo("172.25.0.3");
        assertThat(AddressIndex.normalizeAddress("172.25.0.3")).isEqualTo("172.25.0.3");
        assertThat(AddressIndex.normalizeAddress("Private-Service")).isEqualTo("private-service");

        assertThat(AddressIndex.isIpLiteral("256.1.1.1")).isFalse();
        assertThat(AddressIndex.isIpLiteral("cafe")).isFalse();
        assertThat(AddressIndex.isIpLiteral("::1")).isTrue();
    }

    @Test
    void resolvesDnsNamesAndReportsTheOnesThatDoNotResolve() {
        AddressIndex index = AddressIndex.build(List.of(
                lb("local@file", "http://localhost:9001"),
                lb("literal@file", "http://172.25.0.4:80/", "http://[0:0:0:0:0:0:0:1]:9003"),
                lb("ghost@file", "http://no-such-service.invalid:80")), AddressIndex.SYSTEM_RESOLVER);

        // The caller's port is ephemeral: any port, or none, matches.
        assertThat(index.serviceAt("127.0.0.1")).contains("local@file");
        assertThat(index.serviceAt("127.0.0.1:54321")).contains("local@file");
        assertThat(index.serviceAt("localhost:80")).contains("local@file");
        assertThat(index.serviceAt("172.25.0.4:34028")).contains("literal@file");
        assertThat(index.serviceAt("::1")).contains("literal@file");
        assertThat(index.serviceAt("[::1]:40000")).contains("literal@file");
        assertThat(index.serviceAt("172.25.0.99")).isEmpty();
        assertThat(index.serviceAt("no-such-service.invalid")).contains("ghost@file");
        assertThat(index.unresolvableHosts()).containsExactly("no-such-service.invalid");
    }

    @Test
    void resolvesEachHostOnceAndTheFirstServiceKeepsASharedAddress() {
        List<String> lookups = new ArrayList<>();
        AddressIndex.HostResolver resolver = host -> {
            lookups.add(host);
            if (host.equals("api")) {
                return List.of(InetAddress.getByName("172.25.0.3"), InetAddress.getByName("fd00::3"));
            }
            throw new UnknownHostException(host);
        };

        AddressIndex index = AddressIndex.build(List.of(
                lb("api@docker", "http://api:80"),
                lb("api-metrics@docker", "http://api:9090", "http://gone:1"),
                lb("sidecar@docker", "http://172.25.0.3:8081"),
                new Service("split@docker", "weighted", "docker", List.of(), null, List.of("api@docker"))),
                resolver);

        assertThat(lookups).containsExactly("api", "gone");
        assertThat(index.serviceByAddress()).containsEntry("172.25.0.3", "api@docker")
                .containsEntry("fd00::3", "api@docker").containsEntry("api", "api@docker")
                .containsEntry("gone", "api-metrics@docker");
        assertThat(index.unresolvableHosts()).containsExactly("gone");
    }

    @Test
    void anInventoryWithoutServersGivesAnEmptyIndex() {
        AddressIndex index = AddressIndex.build(new ProxyInventory("v3", List.of(), List.of(), List.of(), 0));

        assertThat(index.serviceByAddress()).isEmpty();
        assertThat(index.serviceAt(null)).isEmpty();
        assertThat(AddressIndex.EMPTY.unresolvableHosts()).isEmpty();
    }
}
