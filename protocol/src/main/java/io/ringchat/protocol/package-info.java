/**
 * The ringchat wire protocol, version 1: what the broker, the client and any other program share.
 *
 * <p>Everything here is stateless or confined to one Netty channel, so it may be called from any
 * thread: {@link io.ringchat.protocol.LineFrameDecoder} on a channel's event loop, the validators
 * and encoders from wherever a frame is read or built.
 */
package io.ringchat.protocol;
