package io.trafficviz.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaConfigTest {
    static final String SERVERS = "servers:\n  - name: a\n    proxies:\n      - name: p\n";

    static TrafficvizConfig parse(String kafka) {
        return ConfigLoader.parse(SERVERS + "kafka:\n" + kafka, Path.of("."));
    }

    @Test
    void noSectionIsNoKafkaSource() {
        assertThat(ConfigLoader.parse(SERVERS, Path.of(".")).kafka()).isNull();
    }

    @Test
    void defaults() {
        KafkaConfig k = parse("  bootstrapServers: k:9092\n  topics: [t]\n").kafka();
        assertThat(k.groupId()).isEqualTo("trafficviz");
        assertThat(k.payload()).isEqualTo("lines");
        assertThat(k.startAt()).isEqualTo("latest");
        assertThat(k.properties()).isEmpty();
    }

    @Test
    void topicsOrAPatternNotBoth() {
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n")).hasMessageContaining("kafka.topics")
                .hasMessageContaining("topicPattern");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: [t]\n  topicPattern: 't.*'\n"))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topicPattern: '(unclosed'\n"))
                .hasMessageContaining("kafka.topicPattern");
    }

    @Test
    void everyMistakeNamesItsKey() {
        assertThatThrownBy(() -> parse("  topics: [t]\n")).hasMessageContaining("kafka.bootstrapServers");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: [t]\n  payload: avro\n"))
                .hasMessageContaining("kafka.payload");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: ['bad topic']\n"))
                .hasMessageContaining("kafka.topics[0]");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: [t]\n  topic: x\n"))
                .hasMessageContaining("kafka.topic").hasMessageContaining("unknown key");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: [t]\n  startAt: middle\n"))
                .hasMessageContaining("kafka.startAt");
    }

    @Test
    void clientPropertiesPassThroughButNotTheOnesTrafficvizOwns() {
        KafkaConfig k = parse("  bootstrapServers: k:9092\n  topics: [t]\n  properties:\n"
                + "    security.protocol: SSL\n    max.poll.records: 1000\n").kafka();
        assertThat(k.properties()).containsEntry("security.protocol", "SSL").containsEntry("max.poll.records", "1000");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: [t]\n  properties:\n"
                + "    enable.auto.commit: true\n")).hasMessageContaining("kafka.properties.enable.auto.commit");
        assertThatThrownBy(() -> parse("  bootstrapServers: k:9092\n  topics: [t]\n  properties:\n"
                + "    sasl.jaas.config: ${TRAFFICVIZ_SURELY_UNSET_VARIABLE}\n"))
                .hasMessageContaining("TRAFFICVIZ_SURELY_UNSET_VARIABLE is not set");
    }
}
