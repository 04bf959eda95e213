/**
 * A small property-testing engine: generators draw every random decision from one recorded stream
 * of choices ({@link io.ringchat.protocol.testing.property.Choices}), so a failing case replays
 * from its seed and shrinks by shortening and lowering that stream, whatever the generators built
 * from it (the design of Hypothesis's internal shrinking). Tests call {@link
 * io.ringchat.protocol.testing.property.PropertyCheck#forAll} from ordinary JUnit tests.
 */
package io.ringchat.protocol.testing.property;
