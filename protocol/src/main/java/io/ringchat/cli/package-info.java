/**
 * The pieces both programs' command lines share: the usage-error handler, {@code --version}, the
 * socket transport, and converters for durations and named choices. Used on the main thread while a
 * program starts.
 */
package io.ringchat.cli;
