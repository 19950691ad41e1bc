package dev.keycast.nip46.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SignerErrorTest {

  @Test
  void outcome_everyErrorHasItsOwn_andEveryErrorOutcomeBelongsToAnError() {
    Set<ResponseOutcome> carried =
        Arrays.stream(SignerError.values())
            .map(SignerError::outcome)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(ResponseOutcome.class)));
    assertThat(carried).hasSize(SignerError.values().length);
    assertThat(EnumSet.complementOf(EnumSet.copyOf(carried)))
        .containsExactlyInAnyOrder(
            ResponseOutcome.OK, ResponseOutcome.AUTH_URL, ResponseOutcome.OTHER_ERROR);
  }

  @Test
  void ofError_wireTextOfEachError_itsOutcome_otherStringsOtherError() {
    for (SignerError e : SignerError.values()) {
      assertThat(ResponseOutcome.ofError(e.wireText())).isEqualTo(e.outcome());
    }
    assertThat(ResponseOutcome.ofError("custom handler text"))
        .isEqualTo(ResponseOutcome.OTHER_ERROR);
  }
}
