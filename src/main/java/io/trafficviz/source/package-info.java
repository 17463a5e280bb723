/**
 * Where access-log lines come from: {@link io.trafficviz.source.file.FileTailer} follows a file across rotations like a log
 * shipper, {@link io.trafficviz.source.file.OffsetStore} makes restarts resume exactly after the last delivered line, and
 * {@link io.trafficviz.source.replay.FileReader} reads a whole file once for replay. Every source hands its lines, as byte
 * {@link io.trafficviz.source.LineBatch}es, to the one door: a thread-safe {@link io.trafficviz.source.LineSink}.
 */
package io.trafficviz.source;
