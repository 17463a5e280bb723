package io.trafficviz.app;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A Java agent for {@link WorkerDeathIT}: in the serve process, it waits for a trigger file naming a thread (by the
 * start of its name) and kills that thread with an Error (ThreadDeath), as an OutOfMemoryError landing on it would:
 * the one real way to make a worker die without changing the product for the test.
 */
public final class WorkerKillerAgent {
    private WorkerKillerAgent() {
    }

    public static void premain(String trigger) {
        Thread watcher = new Thread(() -> {
            Path file = Path.of(trigger);
            try {
                while (!Files.exists(file)) {
                    Thread.sleep(50);
                }
                Thread.sleep(50); // the writer's line is complete
                String prefix = Files.readString(file).trim();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.getName().startsWith(prefix)) {
                        stop(t);
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "worker-killer");
        watcher.setDaemon(true);
        watcher.start();
    }

    @SuppressWarnings({"deprecation", "removal"})
    private static void stop(Thread t) {
        t.stop();
    }
}
