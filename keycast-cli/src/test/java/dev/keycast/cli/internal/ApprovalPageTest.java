package dev.keycast.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApprovalPageTest {
  @Test
  void esc_markupQuotesAndControlCharacters() {
    assertThat(ApprovalPage.esc("<img src=x onerror=\"a('b')\">&"))
        .isEqualTo("&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;");
    assertThat(ApprovalPage.esc("line\nnext\u0007\u001b[31m"))
        .isEqualTo("line\nnext&#xFFFD;&#xFFFD;[31m");
    assertThat(ApprovalPage.esc(null)).isEmpty();
  }
}
