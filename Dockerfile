# Presence Gateway: build with the same Maven command as the README, run on a JRE 17 as a non-root
# user. Configuration comes from the environment (every setting in docs/CONFIGURATION.md).
#   docker build -t presence-gateway .
#   docker run -p 8080:8080 presence-gateway                       # simulator, memory store
#   docker run -p 8080:8080 -e SOURCE=webex -e WEBEX_TOKEN=... -e REDIS_URL=redis://redis:6379 presence-gateway
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -ntp -q dependency:go-offline || true
COPY src src
COPY webroot webroot
RUN mvn -B -ntp -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system gateway && useradd --system --gid gateway --home-dir /app --shell /usr/sbin/nologin gateway
WORKDIR /app
COPY --from=build /src/target/presence-gateway.jar /app/presence-gateway.jar
COPY config.json /app/config.json
USER gateway
ENV HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
# curl is not in the JRE image; bash's /dev/tcp is enough for a liveness probe
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${HTTP_PORT} && printf "GET /health/live HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
# exec form: the JVM is PID 1 and gets SIGTERM directly (docker stop), so the graceful shutdown runs;
# give it SHUTDOWN_TIMEOUT_MS plus a margin: docker stop -t 25
ENTRYPOINT ["java", "-jar", "/app/presence-gateway.jar"]
