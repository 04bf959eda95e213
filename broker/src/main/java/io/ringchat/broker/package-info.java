/**
 * The broker: its options ({@link io.ringchat.broker.BrokerConfig}), its command line, and {@link
 * io.ringchat.broker.Broker}, which builds the I/O threads, the ring and the room and stops them in
 * order. Called by the thread that starts or stops the broker (main, the shutdown hook, a test).
 */
package io.ringchat.broker;
