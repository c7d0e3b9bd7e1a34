/**
 * Public API of the Spring Boot starter: the auto-configuration, its {@code heartbeat.store.*}
 * properties and the health indicator. Supported. (The Spring Boot test kit's classes share this
 * package; they are test code, not API.)
 */
package dev.heartbeatstore.spring;
