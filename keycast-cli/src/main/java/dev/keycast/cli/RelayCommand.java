package dev.keycast.cli;

import dev.keycast.cli.internal.Signals;
import dev.keycast.nip46.RelayException;
import dev.keycast.nip46.relay.DevRelay;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code keycast relay}: the NIP-01 dev relay on its own, until SIGTERM/SIGINT. */
@Command(
    name = "relay",
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    description = {
      "Runs the small NIP-01 dev relay (verifies events; ephemeral kinds such as NIP-46's 24133 are only broadcast).",
      "For development and tests, not for production."
    })
public final class RelayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "Address to bind.")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "${env:KEYCAST_DEV_RELAY_PORT:-7777}",
      description = "Port; 0 picks a free one (env KEYCAST_DEV_RELAY_PORT).")
  int port;

  final CountDownLatch stop = new CountDownLatch(1);

  /** Creates the command. */
  public RelayCommand() {}

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new UsageException("--port must be 0 to 65535");
    }
    Signals.onTermOrInt(stop::countDown);
    DevRelay relay;
    try {
      relay = DevRelay.start(host, port);
    } catch (RelayException e) {
      throw new UsageException(
          "cannot bind the dev relay to "
              + host
              + ":"
              + port
              + " (port in use?): choose another with --port",
          e);
    }
    try (relay) {
      PrintWriter out = spec.commandLine().getOut();
      out.println("dev relay listening on " + relay.url() + " (stop with Ctrl-C)");
      out.flush();
      stop.await();
    }
    return ExitCodes.OK;
  }
}
