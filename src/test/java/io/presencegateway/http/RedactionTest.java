package io.presencegateway.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
  @Test
  void credentialValuesAreMaskedWhateverTheSpellingOfTheirName() {
    assertThat(Redaction.query("access_token=abc&ids=1")).isEqualTo("access_token=***&ids=1");
    assertThat(Redaction.query("ids=1&access%5Ftoken=abc")).isEqualTo("ids=1&access%5Ftoken=***");
    assertThat(Redaction.query("access%255Ftoken=abc")).as("encoded twice").isEqualTo("access%255Ftoken=***");
    assertThat(Redaction.query("%41CCESS_TOKEN=abc;x=1")).isEqualTo("%41CCESS_TOKEN=***;x=1");
    assertThat(Redaction.query("x=1;api_key=abc")).isEqualTo("x=1;api_key=***");
    assertThat(Redaction.query("client_secret=a&password=b&sig=c&apikey=d")).isEqualTo("client_secret=***&password=***&sig=***&apikey=***");
    assertThat(Redaction.query("%ZZ=abc&y=2")).as("a name that cannot be decoded").isEqualTo("%ZZ=***&y=2");
    assertThat(Redaction.query("ids=a,b&statuses=call&lastEventId=1-0")).isEqualTo("ids=a,b&statuses=call&lastEventId=1-0");
  }

  @Test
  void urlsQuotedInFreeTextAreMaskedToo() {
    assertThat(Redaction.text("invalid hex byte 'ZZ' at index 16 of '/v1/presence/stream?access_token=abc&x=%ZZ'"))
        .isEqualTo("invalid hex byte 'ZZ' at index 16 of '/v1/presence/stream?access_token=***&x=%ZZ'");
    assertThat(Redaction.text("GET http://h/p?token=abc failed")).isEqualTo("GET http://h/p?token=*** failed");
    assertThat(Redaction.text(null)).isNull();
  }

  @Test
  void loggedFailuresKeepTheirStackButNotTheirSecrets() {
    IllegalArgumentException e = new IllegalArgumentException("bad '/x?access_token=abc'", new IllegalStateException("at ?api_key=def"));
    Throwable r = ErrorMapper.redacted(e);
    assertThat(r.getMessage()).isEqualTo("java.lang.IllegalArgumentException: bad '/x?access_token=***'");
    assertThat(r.getCause().getMessage()).isEqualTo("java.lang.IllegalStateException: at ?api_key=***");
    assertThat(r.getStackTrace()).isEqualTo(e.getStackTrace());
  }
}
