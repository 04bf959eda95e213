package io.ringchat.broker.ring;

import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Name;

/**
 * The detail of a positioned {@code JOIN} event: the name and what the join asks to be replayed.
 */
public record PositionedJoin(Name name, JoinPosition position) {}
