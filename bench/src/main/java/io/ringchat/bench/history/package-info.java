/** Tools for {@code bench/history.sh}: a member that joins with a replay, and history's memory. */
package io.ringchat.bench.history;
