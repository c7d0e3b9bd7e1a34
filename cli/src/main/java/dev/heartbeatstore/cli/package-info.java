/**
 * The {@code heartbeat} command line. Supported as a command (its options and exit codes); its classes
 * are not an API and may change in any release.
 */
package dev.heartbeatstore.cli;
