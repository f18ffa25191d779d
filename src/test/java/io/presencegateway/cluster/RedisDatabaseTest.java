package io.presencegateway.cluster;

import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The database index of REDIS_URL is honoured end to end: a gateway in a child JVM, configured by
 * environment like a real one, keeps its state, event log and lease in that database. (The tests rely
 * on it: on a developer's own server they use one database and empty only that one.)
 */
class RedisDatabaseTest {

  @Test
  void aGatewayProcessKeepsEverythingInTheDatabaseItsRedisUrlNames() throws Exception {
    try (ClusterFixture cluster = new ClusterFixture()) {
      TestRedis redis = cluster.redis;
      assertThat(redis.url()).endsWith("/" + TestRedis.DATABASE);
      cluster.gatewayProcess();
      Await.until("the child's baseline in database " + TestRedis.DATABASE, Duration.ofSeconds(20),
          () -> redis.command(Request.cmd(Command.HLEN).arg("{pg}:state")).toInteger() == ClusterFixture.PEOPLE);

      cluster.webex.setStatus(cluster.webex.ids().get(0), "call");

      Await.until("the child's event in database " + TestRedis.DATABASE, Duration.ofSeconds(20),
          () -> redis.command(Request.cmd(Command.XLEN).arg("{pg}:events")).toInteger() == 1);
      assertThat(redis.valueOf("{pg}:lease:poller")).as("the child's lease").isNotNull();
    }
  }
}
