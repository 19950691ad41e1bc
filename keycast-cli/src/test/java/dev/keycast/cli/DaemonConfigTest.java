package dev.keycast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DaemonConfigTest {
  private static final Path HOME = Path.of("keycast-home");

  /** Every required value set, as serve sets them by default. */
  private static DaemonConfig.Builder complete() {
    return DaemonConfig.builder()
        .home(HOME)
        .jdbcUrl("jdbc:sqlite:" + HOME.resolve("keycast.db"))
        .masterKeyFile(HOME.resolve("master.key"))
        .devRelayPort(7777)
        .httpHost("127.0.0.1")
        .httpPort(3000)
        .workers(64)
        .cryptoThreads(2)
        .queueCapacity(1024)
        .overflowCapacity(16384)
        .clientBurst(20)
        .clientRatePerSecond(10)
        .shutdownDeadline(Duration.ofSeconds(10));
  }

  @Test
  void build_complete_keepsEveryValueAndDefaultsTheOptionalOnes() {
    DaemonConfig c = complete().build();
    assertThat(c.home()).isEqualTo(HOME);
    assertThat(c.devRelayPort()).isEqualTo(7777);
    assertThat(c.httpPort()).isEqualTo(3000);
    assertThat(c.workers()).isEqualTo(64);
    assertThat(c.cryptoThreads()).isEqualTo(2);
    assertThat(c.queueCapacity()).isEqualTo(1024);
    assertThat(c.overflowCapacity()).isEqualTo(16384);
    assertThat(c.refusalThreads()).isEqualTo(1);
    assertThat(c.refusalRate()).isEqualTo(3000);
    assertThat(c.clientBurst()).isEqualTo(20);
    assertThat(c.clientRatePerSecond()).isEqualTo(10.0);
    assertThat(c.shutdownDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.dev()).isFalse();
    assertThat(c.relays()).isEmpty();
    assertThat(c.devRelayHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void publicUrl_absoluteHttpUrlWithoutTrailingSlash_elseAUsageError() {
    assertThat(complete().build().publicUrl()).isNull();
    assertThat(complete().publicUrl("https://signer.example.com/").build().publicUrl())
        .isEqualTo("https://signer.example.com");
    assertThat(complete().publicUrl("http://10.0.0.2:3000/keycast").build().publicUrl())
        .isEqualTo("http://10.0.0.2:3000/keycast");
    for (String bad :
        List.of("signer.example.com", "ftp://x.example", "https://x.example/?a=1", "http://")) {
      assertThatThrownBy(() -> DaemonConfig.builder().publicUrl(bad))
          .as(bad)
          .isInstanceOf(UsageException.class)
          .hasMessageContaining("--public-url");
    }
  }

  @Test
  void relays_copied_laterChangesToTheListDoNotShow() {
    List<String> relays = new ArrayList<>(List.of("ws://127.0.0.1:7777"));
    DaemonConfig c = complete().relays(relays).build();
    relays.add("ws://127.0.0.1:7778");
    assertThat(c.relays()).containsExactly("ws://127.0.0.1:7777");
  }

  @Test
  void build_requiredValueMissing_throwsNamingIt() {
    assertThatThrownBy(() -> DaemonConfig.builder().home(HOME).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("jdbcUrl was not set");
  }

  @Test
  void setter_twice_throws() {
    assertThatThrownBy(() -> complete().workers(8))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("workers was already set");
  }

  @Test
  void setters_outOfRange_throwUsageExceptionNamingTheOption() {
    assertThatThrownBy(() -> DaemonConfig.builder().httpPort(65536))
        .isInstanceOf(UsageException.class)
        .hasMessage("ports must be 0 to 65535");
    assertThatThrownBy(() -> DaemonConfig.builder().devRelayPort(-1))
        .isInstanceOf(UsageException.class)
        .hasMessage("ports must be 0 to 65535");
    assertThatThrownBy(() -> DaemonConfig.builder().shutdownDeadline(Duration.ofSeconds(-1)))
        .isInstanceOf(UsageException.class)
        .hasMessage("--shutdown-timeout must be >= 0");
    assertThatThrownBy(() -> DaemonConfig.builder().queueCapacity(0))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--queue-capacity");
    assertThatThrownBy(() -> DaemonConfig.builder().clientRatePerSecond(Double.NaN))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("--client-rate-limit");
  }
}
