package io.trafficviz.dev.stack;

import java.util.concurrent.TimeUnit;

/** Stopping child processes the same way everywhere: politely, then firmly, and always waiting for them to be gone. */
final class Processes {
    private Processes() {
    }

    /** SIGTERM, wait up to 10 s, then SIGKILL and wait again; keeps the thread's interrupt status. */
    static void terminate(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
