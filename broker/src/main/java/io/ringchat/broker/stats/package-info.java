/**
 * The broker's counters. Written from every thread (I/O threads through {@code LongAdder}s, the
 * room thread as the single writer of its own counters), read by the stats printer's thread and, as
 * Prometheus metrics ({@link io.ringchat.broker.stats.BrokerMetrics}), by the metrics thread at
 * scrape time.
 */
package io.ringchat.broker.stats;
