/**
 * The load generator ({@code ringchat-client load}): members that join, send at a fixed rate or as
 * fast as a window allows, and check every sender's order and gaps, against ringchat (TCP or
 * WebSocket) or Redis pub/sub.
 *
 * <p>Threads, both ways. <em>In:</em> the main thread builds the run ({@link
 * io.ringchat.client.load.LoadRun}) and moves it through its phases by writing {@link
 * io.ringchat.client.load.RunControl}'s volatile phase; each connection is confined to its event
 * loop ({@link io.ringchat.client.load.LoadConnection}, its framing and its loop's {@link
 * io.ringchat.client.load.LoopStats}), and its loop's timers pace the sends. <em>Out:</em> when the
 * run ends, a task on each loop hands its statistics over to the main thread (the task queue makes
 * them visible there), which merges them into the {@link io.ringchat.client.load.LoadReport}.
 * Nothing blocks a loop: writes never wait for the broker, so a stalled broker shows as latency.
 */
package io.ringchat.client.load;
