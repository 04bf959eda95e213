package io.ringchat.broker.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {

  @Test
  void shouldAllowThePagesOwnOriginByDefault() {
    OriginPolicy self = OriginPolicy.parse("self");
    assertThat(self.allows("http://chat.example.org:7880", "chat.example.org:7880")).isTrue();
    assertThat(self.allows("https://Chat.Example.org", "chat.example.org:443")).isTrue();
    assertThat(self.allows("http://evil.example", "chat.example.org:7880")).isFalse();
    assertThat(self.allows("http://chat.example.org:7881", "chat.example.org:7880")).isFalse();
    assertThat(self.allows("null", "chat.example.org:7880")).as("a sandboxed page").isFalse();
    assertThat(self.allows("http://chat.example.org:7880", null)).isFalse();
    assertThat(self.allows(null, "chat.example.org:7880")).as("not a browser").isTrue();
  }

  @Test
  void shouldAllowListedOriginsAndAnyWithAStar() {
    OriginPolicy listed = OriginPolicy.parse("https://a.example, http://b.example:8080");
    assertThat(listed.allows("https://a.example:443", "x")).isTrue();
    assertThat(listed.allows("http://b.example:8080", "x")).isTrue();
    assertThat(listed.allows("http://b.example", "b.example")).as("self not listed").isFalse();
    assertThat(OriginPolicy.parse("*").allows("http://anything.example", "x")).isTrue();
    assertThat(OriginPolicy.parse("self,https://a.example").allows("http://h:1", "h:1")).isTrue();
  }

  @Test
  void shouldRefuseWhatIsNotAnOriginInOneLine() {
    assertThatThrownBy(() -> OriginPolicy.parse("chat.example.org"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--allowed-origins takes self, * or origins such as https://chat.example.org, got"
                + " 'chat.example.org'");
    assertThatThrownBy(() -> OriginPolicy.parse("https://a.example/path"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
