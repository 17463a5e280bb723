package io.trafficviz.history;

/** What ingest's side hands the writer, in order: requests, and how far each source had been read after them. */
sealed interface Queued permits HistoryRow, Queued.Offset {
    /**
     * {@code origin} had been read up to {@code state} (its reader's own record, as text) once every request before
     * this in the queue was handed over.
     */
    record Offset(String origin, String state) implements Queued {
    }
}
