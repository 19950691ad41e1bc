package dev.keycast.nip46.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Socket options of the dev relay that the end-to-end latency depends on (bench/e2e/throughput.sh).
 */
class DevRelaySocketOptionsTest {
  @Test
  void start_acceptedConnections_tcpNoDelay() {
    try (DevRelay relay = DevRelay.start("127.0.0.1", 0)) {
      assertThat(relay.tcpNoDelay()).isTrue();
    }
  }
}
