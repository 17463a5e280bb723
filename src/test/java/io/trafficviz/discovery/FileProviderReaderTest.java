package io.trafficviz.discovery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileProviderReaderTest {
    /** The private proxy of the concept: path prefixes to private services, by container name or IP. */
    static final String PRIVATE_PROXY_YAML = """
            # dynamic configuration of the private server proxy
            http:
              routers:
                private-communicating-service:
                  rule: "PathPrefix(`/communicating`)"
                  service: private-communicating-service
                  entryPoints:
                    - web
                private-non-communicating-service:
                  rule: "PathPrefix(`/non-communicating`)"
                  service: private-non-communicating-service
                  entryPoints: [web]
                  middlewares: [strip-prefix]
                dashboard:
                  rule: "PathPrefix(`/dashboard`)"
                  service: api@internal
              middlewares:
                strip-prefix:
                  stripPrefix:
                    prefixes: ["/non-communicating"]
              services:
                private-communicating-service:
                  loadBalancer:
                    servers:
                      - url: "http://private-communicating-service:80"
                private-non-communicating-service:
                  loadBalancer:
                    passHostHeader: true
                    servers:
                      - url: "http://172.25.0.4:80/"
                      - url: "http://172.25.0.5:80/"
            tcp:
              routers:
                postgres:
                  rule: "HostSNI(`*`)"
                  service: postgres
            """;

    static final String PUBLIC_PROXY_YAML = """
            http:
              routers:
                public-communicating-service:
                  rule: "Host(`public.localhost`)"
                  service: canary
              services:
                canary:
                  weighted:
                    services:
                      - name: public-communicating-service
                        weight: 9
                      - name: public-communicating-service-next@file
                        weight: 1
                shadowed:
                  mirroring:
                    service: public-communicating-service
                    mirrors:
                      - name: public-communicating-service-next
                        percent: 5
                public-communicating-service:
                  loadbalancer:          # Traefik accepts any case
                    servers:
                      - url: http://public-communicating-service
                public-communicating-service-next:
                  loadBalancer:
                    servers:
                      - url: "http://[fd00::7]:8080"
            """;

    @TempDir
    Path dir;

    @Test
    void readsADirectoryOfYamlAndJsonLikeTraefikDoes() throws Exception {
        Files.writeString(dir.resolve("private.yml"), PRIVATE_PROXY_YAML);
        Files.createDirectories(dir.resolve("public"));
        Files.writeString(dir.resolve("public/public.yaml"), PUBLIC_PROXY_YAML);
        Files.writeString(dir.resolve("extra.json"), """
                {"http": {"services": {"json-service": {"loadBalancer": {"servers": [{"url": "http://10.1.2.3"}]}}}}}
                """);
        Files.writeString(dir.resolve("notes.txt"), "not configuration: ignored");

        ProxyInventory inventory = new FileProviderReader(dir).read();

        assertThat(inventory.version()).isNull();
        assertThat(inventory.entryPoints()).isEmpty();
        assertThat(inventory.routers()).containsExactly(
                new Router("private-communicating-service@file", "PathPrefix(`/communicating`)",
                        "private-communicating-service@file", List.of("web"), null, "file"),
                new Router("private-non-communicating-service@file", "PathPrefix(`/non-communicating`)",
                        "private-non-communicating-service@file", List.of("web"), null, "file"),
                new Router("dashboard@file", "PathPrefix(`/dashboard`)", "api@internal", List.of(), null, "file"),
                new Router("public-communicating-service@file", "Host(`public.localhost`)", "canary@file",
                        List.of(), null, "file"));
        assertThat(inventory.services()).extracting(Service::name).containsExactly(
                "json-service@file", "private-communicating-service@file", "private-non-communicating-service@file",
                "canary@file", "shadowed@file", "public-communicating-service@file",
                "public-communicating-service-next@file");
        assertThat(inventory.service("private-communicating-service@file")).get().isEqualTo(new Service(
                "private-communicating-service@file", "loadbalancer", "file",
                List.of("http://private-communicating-service:80"), null, List.of()));
        assertThat(inventory.service("private-non-communicating-service@file")).get()
                .extracting(Service::serverUrls).isEqualTo(List.of("http://172.25.0.4:80/", "http://172.25.0.5:80/"));
        assertThat(inventory.service("canary@file")).get().extracting(Service::type, Service::children)
                .containsExactly("weighted", List.of("public-communicating-service@file",
                        "public-communicating-service-next@file"));
        assertThat(inventory.service("shadowed@file")).get().extracting(Service::type, Service::children)
                .containsExactly("mirroring", List.of("public-communicating-service@file",
                        "public-communicating-service-next@file"));
        assertThat(inventory.service("public-communicating-service@file")).get()
                .extracting(Service::type, Service::serverUrls)
                .containsExactly("loadbalancer", List.of("http://public-communicating-service"));
    }

    @Test
    void readsTheConfigurationRecordedWithRealTraefik() throws Exception {
        Path file = Path.of(getClass().getResource(FakeTraefikApi.FIXTURES + "dynamic-config.yml").toURI());

        ProxyInventory fromFile = new FileProviderReader(file).read();

        // What the real Traefik API reported for the same file, less what Traefik adds itself (@internal).
        ProxyInventory fromApi = apiInventoryWithout("internal");
        assertThat(fromFile.routers()).extracting(Router::name, Router::rule, Router::service)
                .containsExactlyInAnyOrderElementsOf(fromApi.routers().stream()
                        .map(r -> org.assertj.core.groups.Tuple.tuple(r.name(), r.rule(), r.service())).toList());
        assertThat(fromFile.services()).extracting(Service::name, Service::type, Service::serverUrls,
                Service::children).containsExactlyInAnyOrderElementsOf(fromApi.services().stream()
                .map(s -> org.assertj.core.groups.Tuple.tuple(s.name(), s.type(), s.serverUrls(), s.children()))
                .toList());
    }

    @Test
    void skipsTomlTemplatesHiddenAndBrokenFilesButKeepsTheRest() throws Exception {
        Files.writeString(dir.resolve("a.yml"), PRIVATE_PROXY_YAML);
        Files.writeString(dir.resolve("b.toml"), "[http.routers.toml-router]\nrule = \"Path(`/t`)\"\n");
        Files.writeString(dir.resolve("c.yml"), """
                http:
                  routers:
                  {{ range $i, $e := until 3 }}
                    router{{ $e }}:
                      rule: "Path(`/{{ $e }}`)"
                  {{ end }}
                """);
        Files.writeString(dir.resolve("d.yaml"), "http:\n  routers: [unclosed\n");
        Files.createDirectories(dir.resolve("..data"));
        Files.writeString(dir.resolve("..data/a.yml"), PRIVATE_PROXY_YAML.replace("private-", "duplicate-"));
        Files.writeString(dir.resolve("empty.yml"), "");

        FileProviderReader reader = new FileProviderReader(dir);
        ProxyInventory inventory = reader.read();

        assertThat(inventory.routers()).extracting(Router::name).containsExactly(
                "private-communicating-service@file", "private-non-communicating-service@file", "dashboard@file");
        // A second read must work the same (and not warn again; checked by eye in the log).
        assertThat(reader.read().routers()).hasSize(3);
    }

    @Test
    void firstDefinitionOfADuplicateNameWins() throws Exception {
        Files.writeString(dir.resolve("1.yml"), "http:\n  routers:\n    r:\n      rule: \"Path(`/first`)\"\n");
        Files.writeString(dir.resolve("2.yml"), "http:\n  routers:\n    r:\n      rule: \"Path(`/second`)\"\n");

        assertThat(new FileProviderReader(dir).read().routers()).extracting(Router::rule)
                .containsExactly("Path(`/first`)");
    }

    @Test
    void aDirectoryWithNothingUsableIsAnError() throws Exception {
        Files.writeString(dir.resolve("dynamic.toml"), "[http]\n");
        Files.writeString(dir.resolve("broken.yml"), "http: [\n");

        assertThatThrownBy(() -> new FileProviderReader(dir).read())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageContaining("no usable configuration file")
                .hasMessageContaining("dynamic.toml: TOML is not supported")
                .hasMessageContaining("broken.yml: not valid YAML");
    }

    @Test
    void anEmptyDirectoryIsAnEmptyInventory() throws Exception {
        ProxyInventory inventory = new FileProviderReader(dir).read();

        assertThat(inventory.routers()).isEmpty();
        assertThat(inventory.services()).isEmpty();
    }

    @Test
    void aSingleFileMustParse() throws IOException {
        Path file = Files.writeString(dir.resolve("traefik-dynamic.yml"), "http:\n  services: {oops\n");

        assertThatThrownBy(() -> new FileProviderReader(file).read())
                .isInstanceOf(DiscoveryException.class)
                .hasMessageStartingWith("file provider " + file + ": not valid YAML")
                .hasMessageContaining("line ");
        assertThatThrownBy(() -> new FileProviderReader(dir.resolve("missing.yml")).read())
                .hasMessageEndingWith("missing.yml: does not exist");
    }

    private static ProxyInventory apiInventoryWithout(String provider) throws Exception {
        try (FakeTraefikApi api = FakeTraefikApi.start()) {
            ProxyInventory all = new TraefikApiClient(api.url()).fetchInventory();
            return new ProxyInventory(all.version(),
                    all.routers().stream().filter(r -> !r.provider().equals(provider)).toList(),
                    all.services().stream().filter(s -> !s.provider().equals(provider)).toList(),
                    all.entryPoints(), all.fetchedAtMillis());
        }
    }
}
