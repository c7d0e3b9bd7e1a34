/**
 * The servers tests and benchmarks run against, on loopback only: {@link
 * dev.heartbeatstore.testsupport.servers.Sqld} installs and starts sqld processes, {@link
 * dev.heartbeatstore.testsupport.servers.TestSqld} and {@link dev.heartbeatstore.testsupport.servers.TestPostgres}
 * give the shared test servers, {@link dev.heartbeatstore.testsupport.servers.FreezingTcpProxy} freezes a
 * connection and {@link dev.heartbeatstore.testsupport.servers.JwtKeys} signs sqld's tokens. Not an API.
 * {@code Sqld}, {@code FreezingTcpProxy} and {@code JwtKeys} use the JDK alone, so that the benchmarks
 * can take this package without the test kit's dependencies.
 */
package dev.heartbeatstore.testsupport.servers;
