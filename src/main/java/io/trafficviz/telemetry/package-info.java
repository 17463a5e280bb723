/**
 * What the stages report about themselves, as immutable records: taken by their owner (under its own lock where it
 * has one) and rendered elsewhere ({@code /metrics}, {@code /network_info}). Records only; this package imports
 * nothing from {@code io.trafficviz}.
 */
package io.trafficviz.telemetry;
