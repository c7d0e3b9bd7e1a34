/**
 * The contract kit, for backend authors and the project's own tests: {@link
 * dev.heartbeatstore.testsupport.HeartbeatStoreContract}, which a backend's test extends, runs one class
 * per topic of contract §2 over the shared fixture of {@link dev.heartbeatstore.testsupport.ContractSupport}
 * and a {@link dev.heartbeatstore.testsupport.TestClock}. Supported for tests only; it may change in any
 * release. The servers the tests run against are in {@code dev.heartbeatstore.testsupport.servers}.
 */
package dev.heartbeatstore.testsupport;
