/**
 * The HTTP port's routes: the chat page (served from the jar's resources), {@code /healthz}, {@code
 * /metrics} and the check that admits a {@code /ws} upgrade ({@link
 * io.ringchat.broker.web.OriginPolicy}); the upgrade itself, and everything after it, is the I/O
 * side's ({@code broker.net}).
 *
 * <p>Threads: the router runs on each HTTP connection's I/O event loop and keeps no state; a {@code
 * /metrics} answer is produced on the metrics thread ({@link
 * io.ringchat.broker.web.MetricsEndpoint}) and written from there (Netty hands the write to the
 * connection's loop). Everything else here is immutable after start-up.
 */
package io.ringchat.broker.web;
