/**
 * The hand-off from the I/O threads to the room: a multi-producer Disruptor ring with one consumer.
 *
 * <p>Threads, both ways. <em>In:</em> any I/O thread publishes with {@link
 * io.ringchat.broker.ring.RoomInbox#tryPublish}, which never waits (a full ring returns false); the
 * event's fields are plain, made visible to the consumer by the ring's sequence publication. <em>
 * Out:</em> the room thread, the ring's single consumer, runs {@link
 * io.ringchat.broker.ring.RoomConsumer}, which turns each event into a call on the room and
 * releases the event's buffers on that thread once the room has copied what it needs. When the ring
 * is empty the room thread spins a few microseconds and then parks ({@link
 * io.ringchat.broker.ring.SpinThenParkWaitStrategy}): no CPU while the room is quiet. An I/O thread
 * that finds it parked wakes it once per loop iteration, by a task on its own loop after its reads
 * ({@link io.ringchat.broker.ring.RoomInbox#deferWakeupsTo}), not at each event.
 */
package io.ringchat.broker.ring;
