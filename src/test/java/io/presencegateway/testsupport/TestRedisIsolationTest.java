package io.presencegateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With REDIS_URL the tests run on someone's own server: they use one database and empty only that.
 * A server this JVM started stands in for the developer's (its databases 0 and 3 hold "their" data).
 */
class TestRedisIsolationTest {
  private final Vertx vertx = Vertx.vertx();
  private TestRedis server;

  @BeforeEach
  void setUp() {
    server = TestRedis.restartable();
    server.clean();
  }

  @AfterEach
  void tearDown() {
    send(0, Request.cmd(Command.FLUSHDB));
    send(3, Request.cmd(Command.FLUSHDB));
    server.clean();
    result(vertx.close());
  }

  @Test
  void givenARedisUrlTheTestsEmptyTheirOwnDatabaseAndNothingElse() {
    send(0, Request.cmd(Command.SET).arg("{pg}:state").arg("the developer's own gateway"));
    send(3, Request.cmd(Command.SET).arg("cache:1").arg("some other app"));
    TestRedis asIfRedisUrl = TestRedis.find(TestRedis.withDatabase(server.url(), 0), null);

    assertThat(asIfRedisUrl.url()).as("the URL's database is replaced").endsWith("/" + TestRedis.DATABASE);
    asIfRedisUrl.clean();
    asIfRedisUrl.command(Request.cmd(Command.SET).arg("{pg}:lease:fence").arg("7")); // a test's own data
    asIfRedisUrl.clean();

    assertThat(asIfRedisUrl.valueOf("{pg}:lease:fence")).as("the tests' database was emptied").isNull();
    assertThat(send(0, Request.cmd(Command.GET).arg("{pg}:state"))).as("database 0 untouched").hasToString("the developer's own gateway");
    assertThat(send(3, Request.cmd(Command.GET).arg("cache:1"))).as("database 3 untouched").hasToString("some other app");
  }

  @Test
  void aDatabaseHoldingSomeoneElsesKeysIsNotEmptied() {
    send(TestRedis.DATABASE, Request.cmd(Command.SET).arg("orders:42").arg("not the tests'"));
    TestRedis asIfRedisUrl = TestRedis.find(TestRedis.withDatabase(server.url(), 0), null);

    assertThatThrownBy(asIfRedisUrl::clean).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("REDIS_TEST_DB").hasMessageContaining("database " + TestRedis.DATABASE);
    assertThat(asIfRedisUrl.valueOf("orders:42")).isEqualTo("not the tests'");
  }

  @Test
  void urlsKeepCredentialsButMessagesDoNot() {
    String url = TestRedis.withDatabase("rediss://user:s3cret@redis.example:6380/2?timeout=5", 9);
    assertThat(url).isEqualTo("rediss://user:s3cret@redis.example:6380/9?timeout=5");
    assertThat(TestRedis.redacted(url)).doesNotContain("s3cret").isEqualTo("rediss://***@redis.example:6380/9?timeout=5");
  }

  private Response send(int database, Request request) {
    Redis client = Redis.createClient(vertx, TestRedis.withDatabase(server.url(), database));
    try {
      return result(client.send(request));
    } finally {
      client.close();
    }
  }
}
