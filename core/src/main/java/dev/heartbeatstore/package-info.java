/**
 * Public API: what an application uses. {@link dev.heartbeatstore.HeartbeatStores} opens a
 * {@link dev.heartbeatstore.HeartbeatStore} from the environment (contract §3) or from a
 * {@link dev.heartbeatstore.HeartbeatStoreConfig}; its repositories store and read heartbeats and monitors
 * and throw the exceptions of this package. Supported: changes follow semantic versioning.
 */
package dev.heartbeatstore;
