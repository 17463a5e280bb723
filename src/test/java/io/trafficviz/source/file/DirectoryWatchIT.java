package io.trafficviz.source.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared directory watch: news reaches who waits for it; a directory busy with other files' writes rests. */
class DirectoryWatchIT {
    @TempDir
    Path dir;

    /** A tailer subscribes after every quiet gap, each time under a new key: what is counted per key must go. */
    @Test
    void subscribingAgainAndAgainLeavesNothingBehind() throws Exception {
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            DirectoryWatch watch = new DirectoryWatch(service, Duration.ofSeconds(2).toNanos());
            Path log = Files.createFile(dir.resolve("access.log"));
            for (int i = 0; i < 20; i++) {
                AtomicInteger news = new AtomicInteger();
                DirectoryWatch.Subscription subscription = watch.subscribe(dir, name -> news.incrementAndGet() > 0);
                Files.writeString(log, "line " + i + "\n", StandardOpenOption.APPEND);
                Await.until("news of line " + i, () -> news.get() > 0);
                subscription.close();
            }
            Await.until("no key counted (have " + watch.countedKeys() + ")", () -> watch.countedKeys() == 0);
        }
    }

    @Test
    void aDirectoryBusyWithWritesNobodyWaitsForIsLeftToPollingForAWhile() throws Exception {
        try (WatchService service = FileSystems.getDefault().newWatchService()) {
            DirectoryWatch watch = new DirectoryWatch(service, Duration.ofSeconds(2).toNanos());
            Path quiet = Files.createFile(dir.resolve("quiet.log"));
            Path busy = Files.createFile(dir.resolve("busy.log"));
            AtomicInteger news = new AtomicInteger();
            DirectoryWatch.Subscription subscription = watch.subscribe(dir, name -> {
                boolean mine = name != null && name.equals(quiet.getFileName());
                if (mine) {
                    news.incrementAndGet();
                }
                return mine;
            });

            Files.writeString(quiet, "a line\n");
            Await.until("news of the quiet file", () -> news.get() > 0);

            // Writes paced so that the kernel does not merge their events: > 500 a second that concern nobody.
            byte[] line = "another file's line\n".getBytes(StandardCharsets.US_ASCII);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            try (FileOutputStream out = new FileOutputStream(busy.toFile(), true)) {
                while (subscription.isValid() && System.nanoTime() < deadline) {
                    out.write(line);
                    Thread.sleep(0, 200_000);
                }
            }
            assertThat(subscription.isValid()).as("subscription after 5 s of a busy neighbour").isFalse();
            assertThatThrownBy(() -> watch.subscribe(dir, name -> true))
                    .isInstanceOf(IOException.class).hasMessageContaining("busy with other files' writes");

            Thread.sleep(2_100);
            DirectoryWatch.Subscription again = watch.subscribe(dir, name -> true);
            assertThat(again.isValid()).isTrue();
            again.close();
            assertThat(again.isValid()).as("the last subscriber gone, the directory is no longer watched").isFalse();
        }
    }
}
