/**
 * The clustered room's fault-schedule test ({@code scripts/cluster-faults.sh}): three member
 * processes, clients on every broker, a nemesis that kills, stops, pauses and cuts members off on a
 * seeded schedule, liveness probes after each heal, and a checker of what every client saw.
 *
 * <p>Threads: the run's thread drives the members and the nemesis; each client connection reads on
 * a thread of its own; one ticker thread makes the senders send at their fixed rate.
 */
package io.ringchat.bench.faults;
