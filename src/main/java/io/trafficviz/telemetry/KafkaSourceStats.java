package io.trafficviz.telemetry;

import java.util.List;

/**
 * The Kafka source's consumer at one moment: where it is in each partition and how far behind ({@code /metrics},
 * {@code /network_info}).
 *
 * @param state            {@code starting}, {@code waiting} (for a topic that does not exist yet), {@code consuming}
 *                         or {@code failing} (the brokers cannot be reached)
 * @param waitingFor       why it is waiting (the missing topics), or null
 * @param records          records read since start
 * @param malformedRecords records that gave no line: a payload that is not what {@code kafka.payload} says, or one
 *                         naming no configured proxy (lines that do not parse are counted per source, as for files)
 * @param skippedRecords   records read again after a restart whose lines the history store had already kept
 * @param lastError        the newest such record's reason (or the client's newest error), or null
 * @param partitions       each assigned partition, in topic and partition order
 */
public record KafkaSourceStats(String origin, String state, String waitingFor, long records, long malformedRecords,
                               long skippedRecords, String lastError, List<Partition> partitions) {
    public KafkaSourceStats {
        partitions = List.copyOf(partitions);
    }

    /**
     * @param position the next offset to be read
     * @param lag      records in the partition past {@code position}, or -1 before the consumer knows the end
     */
    public record Partition(String topic, int partition, long position, long lag) {
    }
}
