package io.keymgmt.testkit.functions;

import static io.keymgmt.testkit.functions.Fixtures.echo;
import static io.keymgmt.testkit.functions.Fixtures.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FunctionsHost running custom-handler folders whose handler is a shell script starting a JDK echo server. */
class CustomHandlerFunctionsHostTest {

    /** Echoes the request one {@code key=value} a line, and answers the invocations of Tick and Fail. */
    private static final String ECHO_HANDLER = """
            import com.sun.net.httpserver.HttpServer;
            import java.net.InetSocketAddress;
            import java.nio.charset.StandardCharsets;
                        import java.nio.file.Path;
            import java.util.Base64;
            import java.util.Locale;

            public class EchoHandler {
                public static void main(String[] args) throws Exception {
                    int port = Integer.parseInt(System.getenv("FUNCTIONS_CUSTOMHANDLER_PORT"));
                    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
                    server.createContext("/", exchange -> {
                        byte[] body = exchange.getRequestBody().readAllBytes();
                        String path = exchange.getRequestURI().getRawPath();
                        boolean invocation = exchange.getRequestHeaders().containsKey("X-Azure-Functions-InvocationId")
                                && "POST".equals(exchange.getRequestMethod())
                                && "application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"));
                        int status = 200;
                        String type = "text/plain; charset=utf-8";
                        String answer;
                        if (invocation && path.equals("/Tick")) {
                            type = "application/json";
                            answer = "{\\"Outputs\\":{\\"out\\":\\"tock\\"},\\"Logs\\":[\\"tick received\\"],\\"ReturnValue\\":"
                                    + new String(body, StandardCharsets.UTF_8) + "}";
                        } else if (invocation && path.equals("/Fail")) {
                            status = 500;
                            answer = "failed on purpose";
                        } else {
                            StringBuilder out = new StringBuilder();
                            out.append("method=").append(exchange.getRequestMethod()).append('\\n');
                            out.append("path=").append(path).append('\\n');
                            out.append("query=").append(exchange.getRequestURI().getRawQuery()).append('\\n');
                            exchange.getRequestHeaders().forEach((name, values) -> out.append("header.")
                                    .append(name.toLowerCase(Locale.ROOT)).append('=').append(String.join(",", values)).append('\\n'));
                            out.append("body=").append(Base64.getEncoder().encodeToString(body)).append('\\n');
                            out.append("pid=").append(ProcessHandle.current().pid()).append('\\n');
                            out.append("cwd=").append(Path.of("").toAbsolutePath()).append('\\n');
                            out.append("args=").append(String.join(" ", args)).append('\\n');
                            for (String name : new String[] {"GREETING", "FROM_LOCAL", "OVERRIDDEN", "FUNCTIONS_CUSTOMHANDLER_PORT",
                                    "FUNCTIONS_APP_ROOT_PATH"}) {
                                out.append("env.").append(name).append('=').append(System.getenv(name)).append('\\n');
                            }
                            exchange.getResponseHeaders().add("X-Echo", "yes");
                            answer = out.toString();
                        }
                        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                        exchange.getResponseHeaders().set("Content-Type", type);
                        boolean head = exchange.getRequestMethod().equals("HEAD");
                        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
                        if (!head) {
                            exchange.getResponseBody().write(bytes);
                        }
                        exchange.close();
                    });
                    server.start();
                    System.out.println("echo handler listening on 127.0.0.1:" + port);
                }
            }
            """;

    private static final String HTTP_FUNCTION = """
            {"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous",
                          "methods":%s,"route":"%s"},
                         {"type":"http","direction":"out","name":"res"}]}
            """;

    @TempDir
    static Path temp;
    private static Path classes;
    private static Path emptyPrefixApp;
    private static FunctionsHost emptyPrefix;
    private static FunctionsHost apiPrefix;

    @BeforeAll
    static void startHosts() {
        classes = Fixtures.compile(temp.resolve("classes"), List.of(), Map.of("EchoHandler", ECHO_HANDLER));

        // The product's layout: prefix "", a catch-all HTTP function, a timer and a queue function.
        emptyPrefixApp = temp.resolve("empty-prefix-app");
        Fixtures.write(emptyPrefixApp.resolve("host.json"), """
                {"version":"2.0",
                 "customHandler":{"description":{"defaultExecutablePath":"handler","workingDirectory":"work",
                                                 "arguments":["--greeting","%GREETING%","%NOT_A_SETTING%"]},
                                  "enableProxyingHttpRequest":true},
                 "extensions":{"http":{"routePrefix":""}},
                 "extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.*, 5.0.0)"}}
                """);
        Fixtures.write(emptyPrefixApp.resolve("local.settings.json"), """
                {"IsEncrypted":false,"Values":{"FUNCTIONS_WORKER_RUNTIME":"custom","FROM_LOCAL":"local value",
                                               "OVERRIDDEN":"from local.settings.json"}}
                """);
        Fixtures.write(emptyPrefixApp.resolve("work/.keep"), "");
        // Not exec: the launcher stays the parent of the JVM, as many launch scripts do.
        Fixtures.executable(emptyPrefixApp.resolve("handler"), """
                #!/bin/sh
                echo "handler script pid $$ starting"
                "%s" -cp "%s" EchoHandler "$@"
                """.formatted(Fixtures.java(), classes));
        Fixtures.write(emptyPrefixApp.resolve("Proxy/function.json"),
                HTTP_FUNCTION.formatted("[\"get\",\"post\",\"put\",\"delete\"]", "{*path}"));
        Fixtures.write(emptyPrefixApp.resolve("Tick/function.json"), """
                {"bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 */5 * * * *"}]}
                """);
        Fixtures.write(emptyPrefixApp.resolve("Fail/function.json"), """
                {"bindings":[{"type":"queueTrigger","direction":"in","name":"msg","queueName":"q","connection":"Storage"}]}
                """);
        emptyPrefix = FunctionsHost.options().startTimeout(Duration.ofSeconds(30)).start(emptyPrefixApp,
                Map.of("GREETING", "hello-from-settings", "OVERRIDDEN", "from the test"));

        // No extensions section: the host's default prefix "api".
        Path apiApp = temp.resolve("api-prefix-app");
        Fixtures.write(apiApp.resolve("host.json"), """
                {"version":"2.0",
                 // comments and trailing commas, as the host tolerates them
                 "customHandler":{"description":{"defaultExecutablePath":"handler","workingDirectory":"","arguments":[],},
                                  "enableProxyingHttpRequest":true}}
                """);
        Fixtures.executable(apiApp.resolve("handler"), """
                #!/bin/sh
                exec "%s" -cp "%s" EchoHandler
                """.formatted(Fixtures.java(), classes));
        Fixtures.write(apiApp.resolve("Keys/function.json"), HTTP_FUNCTION.formatted("[\"get\"]", "keys/{name}"));
        Fixtures.write(apiApp.resolve("Items/function.json"), HTTP_FUNCTION.formatted("[\"GET\",\"POST\"]", "items/{*rest}"));
        Fixtures.write(apiApp.resolve("ItemsLatest/function.json"), HTTP_FUNCTION.formatted("[\"get\"]", "items/latest"));
        Fixtures.write(apiApp.resolve("Health/function.json"), """
                {"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous"},
                             {"type":"http","direction":"out","name":"res"}]}
                """);
        Fixtures.write(apiApp.resolve("Secret/function.json"), HTTP_FUNCTION.formatted("[\"get\"]", "secret"));
        apiPrefix = FunctionsHost.options().startTimeout(Duration.ofSeconds(30))
                .start(apiApp, Map.of("AzureWebJobs.Secret.Disabled", "true"));
    }

    @AfterAll
    static void stopHosts() {
        for (FunctionsHost host : new FunctionsHost[] {emptyPrefix, apiPrefix}) {
            if (host != null) {
                host.close();
            }
        }
    }

    private static URI at(FunctionsHost host, String pathAndQuery) {
        return host.address().resolve(pathAndQuery);
    }

    @Test
    void forwardsGetWithItsPathAndQueryUnchanged() {
        HttpResponse<byte[]> response = send(at(emptyPrefix, "/v1/secret/metadata/app%20one?list=true"), "GET", null,
                "User-Agent", "vault-cli/1.0");
        Map<String, String> echo = echo(response);

        assertEquals(200, response.statusCode(), emptyPrefix.output());
        assertEquals("GET", echo.get("method"));
        assertEquals("/v1/secret/metadata/app%20one", echo.get("path"));
        assertEquals("list=true", echo.get("query"));
        assertEquals("yes", response.headers().firstValue("X-Echo").orElse(null), "response headers are relayed");
        assertFalse(echo.getOrDefault("header.x-azure-functions-invocationid", "").isEmpty());
        assertEquals(FunctionsHost.HOST_VERSION, echo.get("header.x-azure-functions-hostversion"));
        assertEquals("vault-cli/1.0 Azure-Functions-Host/" + FunctionsHost.HOST_VERSION, echo.get("header.user-agent"));
        assertEquals(FunctionsHost.Mode.CUSTOM_HANDLER, emptyPrefix.mode());
        assertEquals("", emptyPrefix.routePrefix());
    }

    @Test
    void forwardsDelete() {
        HttpResponse<byte[]> response = send(at(emptyPrefix, "/v1/secret/data/app"), "DELETE", null);

        assertEquals(200, response.statusCode());
        assertEquals("DELETE", echo(response).get("method"));
        assertEquals("/v1/secret/data/app", echo(response).get("path"));
    }

    @Test
    void passesRequestBodyAndHeadersThrough() {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        HttpResponse<byte[]> response = send(at(emptyPrefix, "/v1/transit/encrypt/k"), "PUT", body,
                "X-Vault-Token", "s.token", "Content-Type", "application/octet-stream", "X-Multi", "a");
        Map<String, String> echo = echo(response);

        assertEquals("PUT", echo.get("method"));
        assertEquals(Base64.getEncoder().encodeToString(body), echo.get("body"));
        assertEquals("s.token", echo.get("header.x-vault-token"));
        assertEquals("application/octet-stream", echo.get("header.content-type"));
        assertEquals("256", echo.get("header.content-length"));
    }

    @Test
    void answers404WithEmptyBodyForAMethodNoFunctionAccepts() {
        HttpResponse<byte[]> response = send(at(emptyPrefix, "/v1/secret/data/app"), "PATCH", "{}".getBytes());

        assertEquals(404, response.statusCode());
        assertEquals(0, response.body().length);
    }

    @Test
    void startsTheHandlerAsTheHostDoes() {
        Map<String, String> echo = echo(send(at(emptyPrefix, "/whoami"), "GET", null));

        assertEquals("--greeting hello-from-settings %NOT_A_SETTING%", echo.get("args"), "settings expand, unknowns stay");
        assertEquals(emptyPrefixApp.resolve("work").toAbsolutePath().normalize().toString(), echo.get("cwd"));
        assertEquals("hello-from-settings", echo.get("env.GREETING"));
        assertEquals("local value", echo.get("env.FROM_LOCAL"));
        assertEquals("from the test", echo.get("env.OVERRIDDEN"));
        assertEquals(emptyPrefixApp.toAbsolutePath().normalize().toString(), echo.get("env.FUNCTIONS_APP_ROOT_PATH"));
        int handlerPort = Integer.parseInt(echo.get("env.FUNCTIONS_CUSTOMHANDLER_PORT"));
        assertNotEquals(emptyPrefix.address().getPort(), handlerPort);
        assertTrue(emptyPrefix.output().contains("echo handler listening on 127.0.0.1:" + handlerPort), emptyPrefix.output());
    }

    @Test
    void routesUnderTheDefaultApiPrefix() {
        assertEquals("api", apiPrefix.routePrefix());
        HttpResponse<byte[]> key = send(at(apiPrefix, "/api/keys/k1?version=2"), "GET", null);
        assertEquals(200, key.statusCode(), apiPrefix.output());
        assertEquals("/api/keys/k1", echo(key).get("path"), "the handler sees the path with its prefix");
        assertEquals("version=2", echo(key).get("query"));

        assertEquals(404, send(at(apiPrefix, "/keys/k1"), "GET", null).statusCode(), "no prefix");
        assertEquals(404, send(at(apiPrefix, "/api/keys/k1"), "POST", new byte[0]).statusCode(), "GET only");
        assertEquals(404, send(at(apiPrefix, "/api/keys"), "GET", null).statusCode(), "{name} needs a segment");
        assertEquals(404, send(at(apiPrefix, "/api/keys/a/b"), "GET", null).statusCode(), "{name} is one segment");
        assertEquals(404, send(at(apiPrefix, "/api"), "GET", null).statusCode());
        assertEquals(404, send(at(apiPrefix, "/admin/host/status"), "GET", null).statusCode(), "reserved by the host");
        assertEquals(200, send(at(apiPrefix, "/api/HEALTH/"), "PATCH", new byte[0]).statusCode(),
                "no methods list means every method; literals ignore case; a trailing slash is fine");
        assertEquals(200, send(at(apiPrefix, "/api/items"), "POST", new byte[0]).statusCode(), "a catch-all matches nothing");
    }

    @Test
    void picksTheMostSpecificRouteThatAcceptsTheMethod() {
        assertEquals("ItemsLatest", apiPrefix.route("GET", "/api/items/latest").orElseThrow().function().name());
        assertEquals("Items", apiPrefix.route("POST", "/api/items/latest").orElseThrow().function().name());
        FunctionsHost.Match rest = apiPrefix.route("GET", "/api/items/a/b%2Fc").orElseThrow();
        assertEquals("Items", rest.function().name());
        assertEquals(Map.of("rest", "a/b/c"), rest.routeValues());
        assertEquals(Map.of("name", "k 1"), apiPrefix.route("get", "/api/keys/k%201").orElseThrow().routeValues());
    }

    @Test
    void leavesDisabledFunctionsOut() {
        assertFalse(apiPrefix.functionNames().contains("Secret"), apiPrefix.functionNames().toString());
        assertEquals(404, send(at(apiPrefix, "/api/secret"), "GET", null).statusCode());
    }

    @Test
    void invokesATimerFunctionWithDataAndMetadata() {
        InvocationResult result = emptyPrefix.invoke("Tick", Map.of("timer", Map.of("IsPastDue", false)), Map.of());

        assertEquals(200, result.statusCode(), emptyPrefix.output());
        assertTrue(result.succeeded());
        assertEquals(Map.of("out", "tock"), result.outputs());
        assertEquals(List.of("tick received"), result.logs());
        @SuppressWarnings("unchecked")
        Map<String, Object> request = (Map<String, Object>) result.returnValue();
        assertEquals(Map.of("timer", Map.of("IsPastDue", false)), request.get("Data"));
        @SuppressWarnings("unchecked")
        Map<String, Object> sys = (Map<String, Object>) ((Map<String, Object>) request.get("Metadata")).get("sys");
        assertEquals("Tick", sys.get("MethodName"));
    }

    @Test
    void reportsAFailedInvocation() {
        InvocationResult result = emptyPrefix.invoke("Fail", Map.of("msg", "\"hello\""), Map.of("DequeueCount", 1));

        assertEquals(500, result.statusCode());
        assertFalse(result.succeeded());
        assertEquals("failed on purpose", result.body());
    }

    @Test
    void refusesToInvokeUnknownOrHttpFunctions() {
        assertThrows(IllegalArgumentException.class, () -> emptyPrefix.invoke("Nope", Map.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> emptyPrefix.invoke("Proxy", Map.of(), Map.of()));
    }

    @Test
    void closeStopsTheWholeProcessTree() {
        FunctionsHost host = FunctionsHost.start(emptyPrefixApp, Map.of("GREETING", "x"));
        long launcher;
        long server;
        try {
            launcher = host.pid();
            server = Long.parseLong(echo(send(at(host, "/pid"), "GET", null)).get("pid"));
            assertNotEquals(launcher, server, "the JVM is the script's child");
        } finally {
            host.close();
        }
        assertTrue(Fixtures.gone(launcher, Duration.ofSeconds(5)), "the launcher script is gone");
        assertTrue(Fixtures.gone(server, Duration.ofSeconds(5)), "the handler JVM is gone");
        assertFalse(host.isAlive());
        host.close();
    }

    @Test
    void failsFastWhenTheHandlerNeverOpensItsPort() {
        Path app = temp.resolve("never-listens");
        Fixtures.write(app.resolve("host.json"), """
                {"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"handler"},
                                                  "enableProxyingHttpRequest":true}}
                """);
        Fixtures.executable(app.resolve("handler"), """
                #!/bin/sh
                echo "slow handler pid $$ is booting forever"
                exec sleep 600
                """);
        Fixtures.write(app.resolve("Proxy/function.json"), HTTP_FUNCTION.formatted("[\"get\"]", "{*path}"));

        long started = System.nanoTime();
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> FunctionsHost.options().startTimeout(Duration.ofSeconds(2)).start(app, Map.of()));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
        assertTrue(failure.getMessage().contains("timed out after PT2S"), failure.getMessage());
        assertTrue(failure.getMessage().contains("is booting forever"), failure.getMessage());
        assertTrue(Fixtures.gone(Fixtures.pidIn(failure.getMessage()), Duration.ofSeconds(5)), "the handler was stopped");
    }

    @Test
    void reportsAHandlerThatExitsAtStart() {
        Path app = temp.resolve("exits");
        Fixtures.write(app.resolve("host.json"), """
                {"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"handler"},
                                                  "enableProxyingHttpRequest":true}}
                """);
        Fixtures.executable(app.resolve("handler"), """
                #!/bin/sh
                echo "cannot start: missing configuration" >&2
                exit 3
                """);

        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> FunctionsHost.options().startTimeout(Duration.ofSeconds(20)).start(app, Map.of()));

        assertTrue(failure.getMessage().contains("exited with status 3"), failure.getMessage());
        assertTrue(failure.getMessage().contains("cannot start: missing configuration"), failure.getMessage());
    }

    @Test
    void rejectsWhatItDoesNotEmulate() throws Exception {
        Path app = temp.resolve("not-proxying");
        Fixtures.write(app.resolve("host.json"), """
                {"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"handler"}}}
                """);
        Fixtures.write(app.resolve("Proxy/function.json"), HTTP_FUNCTION.formatted("[\"get\"]", "{*path}"));
        assertThrows(UnsupportedOperationException.class, () -> FunctionsHost.start(app, Map.of()));

        Path notAnApp = Files.createDirectories(temp.resolve("not-an-app"));
        assertThrows(IllegalArgumentException.class, () -> FunctionsHost.start(notAnApp, Map.of()));

        Path unknownRuntime = temp.resolve("unknown-runtime");
        Fixtures.write(unknownRuntime.resolve("host.json"), "{\"version\":\"2.0\"}");
        assertThrows(IllegalArgumentException.class, () -> FunctionsHost.start(unknownRuntime, Map.of()));
    }
}
