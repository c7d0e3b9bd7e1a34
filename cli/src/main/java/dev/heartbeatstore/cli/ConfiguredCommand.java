package dev.heartbeatstore.cli;

import dev.heartbeatstore.HeartbeatStoreConfig;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that reads the contract §3 environment, with the connection flags on top. */
abstract class ConfiguredCommand implements Callable<Integer>, HeartbeatCli.EnvironmentAware {

  @Spec
  CommandSpec spec;

  @Mixin
  ConnectionOptions connection;

  private Map<String, String> env;

  @Override
  public final void environment(Map<String, String> env) {
    this.env = env;
  }

  final Map<String, String> env() {
    return env;
  }

  /** The environment with the flags applied, ready to adjust before {@code build()}. */
  final HeartbeatStoreConfig.Builder settings() {
    return connection.builder(env);
  }

  final PrintWriter out() {
    return spec.commandLine().getOut();
  }

  final PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
