/** JMH benchmarks; each runs on the JMH harness threads described in its class javadoc. */
package io.ringchat.bench;
