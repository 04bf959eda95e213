/**
 * The room: membership, names and fan-out, as a deterministic state machine over connection ids.
 *
 * <p>Threads, both ways. <em>In:</em> one thread only, the room thread (the ring's consumer in the
 * broker, the test thread in unit tests), calls {@link io.ringchat.broker.room.Room}'s typed
 * methods; every class here is confined to it (asserted). <em>Out:</em> the room calls nothing but
 * its {@link io.ringchat.broker.room.Outbound}, on the same thread; whatever crosses to another
 * thread (the write batches) is the outbound's business. Nothing here knows about sockets, rings or
 * Netty channels; frames are Netty buffers so that each is built once and shared by reference.
 */
package io.ringchat.broker.room;
