package dev.keycast.nip46.bunker.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keycast.nip46.bunker.Bunker;
import dev.keycast.nip46.store.KeycastDatabase;
import org.junit.jupiter.api.Test;

/**
 * One exception type per misuse (issue 11): a builder whose required part was never set throws
 * {@link IllegalStateException} naming the part, whichever builder it is; a null argument to a
 * setter stays a {@link NullPointerException}.
 */
class MissingBuilderPartsTest {

  @Test
  void bunker_withoutStores_illegalState() {
    assertThatThrownBy(() -> Bunker.builder().relays(java.util.List.of("ws://127.0.0.1:1")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("database(...) or stores(...)");
  }

  @Test
  void database_withoutKeyEncryption_illegalState() {
    assertThatThrownBy(() -> KeycastDatabase.builder("jdbc:sqlite::memory:").open())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("keyEncryption is required");
  }

  @Test
  void pipeline_withoutParts_illegalStateNamingThePart() {
    assertThatThrownBy(() -> Pipeline.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageEndingWith(" is required");
  }

  @Test
  void setter_nullArgument_nullPointer() {
    assertThatThrownBy(() -> Bunker.builder().relays(null))
        .isInstanceOf(NullPointerException.class);
  }
}
