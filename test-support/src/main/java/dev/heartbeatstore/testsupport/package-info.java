/**
 * Test support for backend authors and the project's own tests: the fixtures (a test clock, the test
 * environment) the contract kit and the backends' tests share. Supported for tests only; it may change
 * in any release.
 */
package dev.heartbeatstore.testsupport;
