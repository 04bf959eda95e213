/**
 * The command-line client: interactive chat at a terminal, piped chat, one-shot {@code --send},
 * reconnecting after a lost connection.
 *
 * <p>Threads, both ways. <em>In:</em> the main thread reads the user's input ({@link
 * io.ringchat.client.InteractiveChat} through JLine, {@link io.ringchat.client.PipedChat} from
 * stdin) and calls the session's commands; each {@link io.ringchat.client.ChatConnection} has a
 * Netty event loop of its own, which parses the broker's lines and hands them to the session.
 * <em>Out:</em> sending may be done from any thread (Netty queues the write onto the loop);
 * incoming lines reach the terminal through JLine's {@code printAbove}, which is safe from the
 * loop, or through a {@link io.ringchat.client.PlainScreen} that synchronizes. A lost connection is
 * reported on its loop and handled on a thread of the {@link io.ringchat.client.Reconnector}'s own,
 * and the process ends on a thread of {@link io.ringchat.client.Exit}'s own, because the main
 * thread may be blocked reading input. The fields two threads share are volatile (the session's
 * connection and pending reply, the reconnector's state).
 */
package io.ringchat.client;
