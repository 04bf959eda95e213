/**
 * The I/O side: Netty pipelines that frame, check and publish what connections send, and the write
 * path that carries the room's output to their sockets.
 *
 * <p>Threads, both ways. <em>In:</em> each connection's handlers run on its own I/O event loop
 * (Netty's guarantee), and so do the per-loop parts they share ({@link
 * io.ringchat.broker.net.ConnectionTable}, join deadlines, the ring publisher: asserted); they hand
 * requests to the room only through the ring. <em>Out:</em> the room thread calls {@link
 * io.ringchat.broker.net.EventLoopOutbound}, which fills one write batch per loop and hands it over
 * with the loop's {@code execute} (Netty's task queue makes the batch's plain fields visible to the
 * loop); the loop writes it, turning each connection id back into its connection, and returns the
 * batch through a one-to-one queue. The only state both sides touch is each lane's two volatile
 * flags ({@link io.ringchat.broker.net.OutputLane}).
 */
package io.ringchat.broker.net;
