package io.keymgmt.testkit.functions;

import static io.keymgmt.testkit.functions.Fixtures.echo;
import static io.keymgmt.testkit.functions.Fixtures.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FunctionsHost running a Java-worker folder laid out as quarkus-azure-functions-http writes it
 * (runner jar with a manifest Class-Path into lib/, function.json with scriptFile and entryPoint),
 * whose jar registers a FunctionInstanceInjector and a Middleware through META-INF/services as
 * Quarkus does, so the double's ServiceLoader path is the one Quarkus takes.
 */
class JavaWorkerFunctionsHostTest {

    private static final String LIB = """
            package fixturelib;

            public final class FixtureLib {
                public static String greeting() {
                    return "hello from lib";
                }
            }
            """;

    /** Like QuarkusAzureFunctionsMiddleware: functions fail outside the "request context" it opens. */
    private static final String MIDDLEWARE = """
            package fixture;

            import com.microsoft.azure.functions.internal.spi.middleware.Middleware;
            import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareChain;
            import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareContext;

            public class FixtureMiddleware implements Middleware {
                private static final ThreadLocal<String> SEEN = new ThreadLocal<>();

                public static void requireActive() {
                    if (SEEN.get() == null) {
                        throw new IllegalStateException("request context not active");
                    }
                }

                public static String seen() {
                    return SEEN.get();
                }

                @Override
                public void invoke(MiddlewareContext context, MiddlewareChain chain) throws Exception {
                    String queueParameter = context.getParameterName("QueueTrigger");
                    Object message = queueParameter == null ? null : context.getParameterValue(queueParameter);
                    if ("rewrite-me".equals(message)) {
                        context.updateParameterValue(queueParameter, "rewritten");
                    }
                    SEEN.set(String.valueOf(message));
                    try {
                        chain.doNext(context);
                    } finally {
                        SEEN.remove();
                    }
                }
            }
            """;

    /** Like QuarkusAzureFunctionsInjector: "boots" in its constructor, builds the function instances. */
    private static final String INJECTOR = """
            package fixture;

            import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;

            public class FixtureInjector implements FunctionInstanceInjector {
                public FixtureInjector() {
                    if ("true".equals(System.getenv("FIXTURE_FAIL_BOOT"))) {
                        throw new IllegalStateException("quarkus-like boot failure");
                    }
                    System.out.println("fixture injector booted");
                }

                @Override
                public <T> T getInstance(Class<T> type) throws Exception {
                    if (type == EchoFunction.class) {
                        return type.cast(new EchoFunction("injector"));
                    }
                    return type.getDeclaredConstructor().newInstance();
                }
            }
            """;

    private static final String ECHO = """
            package fixture;

            import com.microsoft.azure.functions.ExecutionContext;
            import com.microsoft.azure.functions.HttpMethod;
            import com.microsoft.azure.functions.HttpRequestMessage;
            import com.microsoft.azure.functions.HttpResponseMessage;
            import com.microsoft.azure.functions.HttpStatus;
            import com.microsoft.azure.functions.annotation.AuthorizationLevel;
            import com.microsoft.azure.functions.annotation.FunctionName;
            import com.microsoft.azure.functions.annotation.HttpTrigger;
            import java.nio.charset.StandardCharsets;
            import java.nio.file.Path;
            import java.util.Base64;
            import java.util.Optional;
            import java.util.TreeMap;

            public class EchoFunction {
                private final String origin;

                public EchoFunction(String origin) {
                    this.origin = origin;
                }

                @FunctionName("Echo")
                public HttpResponseMessage run(
                        @HttpTrigger(name = "req", dataType = "binary", route = "{*path}",
                                methods = {HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE},
                                authLevel = AuthorizationLevel.ANONYMOUS)
                        HttpRequestMessage<Optional<byte[]>> request,
                        ExecutionContext context) {
                    FixtureMiddleware.requireActive();
                    StringBuilder out = new StringBuilder();
                    out.append("method=").append(request.getHttpMethod().name()).append('\\n');
                    out.append("uri=").append(request.getUri()).append('\\n');
                    out.append("path=").append(request.getUri().getRawPath()).append('\\n');
                    out.append("rawQuery=").append(request.getUri().getRawQuery()).append('\\n');
                    new TreeMap<>(request.getQueryParameters()).forEach((k, v) -> out.append("query.").append(k).append('=').append(v).append('\\n'));
                    new TreeMap<>(request.getHeaders()).forEach((k, v) -> out.append("header.").append(k).append('=').append(v).append('\\n'));
                    out.append("body=").append(request.getBody().map(b -> Base64.getEncoder().encodeToString(b)).orElse("<none>")).append('\\n');
                    out.append("origin=").append(origin).append('\\n');
                    out.append("function=").append(context.getFunctionName()).append('\\n');
                    out.append("invocationId=").append(context.getInvocationId()).append('\\n');
                    out.append("greeting=").append(fixturelib.FixtureLib.greeting()).append('\\n');
                    out.append("env.GREETING=").append(System.getenv("GREETING")).append('\\n');
                    out.append("cwd=").append(Path.of("").toAbsolutePath()).append('\\n');
                    out.append("tccl=").append(Thread.currentThread().getContextClassLoader() == EchoFunction.class.getClassLoader() ? "app" : "other").append('\\n');
                    context.getLogger().info("echoed " + request.getHttpMethod());
                    return request.createResponseBuilder(HttpStatus.OK)
                            .header("Content-Type", "text/plain; charset=utf-8")
                            .header("X-Echo", "yes")
                            .body(out.toString().getBytes(StandardCharsets.UTF_8))
                            .build();
                }
            }
            """;

    /** The signature Quarkus's Function.run has: Optional<String> body from a binary trigger. */
    private static final String STRINGS = """
            package fixture;

            import com.microsoft.azure.functions.ExecutionContext;
            import com.microsoft.azure.functions.HttpMethod;
            import com.microsoft.azure.functions.HttpRequestMessage;
            import com.microsoft.azure.functions.HttpResponseMessage;
            import com.microsoft.azure.functions.HttpStatus;
            import com.microsoft.azure.functions.annotation.AuthorizationLevel;
            import com.microsoft.azure.functions.annotation.BindingName;
            import com.microsoft.azure.functions.annotation.FunctionName;
            import com.microsoft.azure.functions.annotation.HttpTrigger;
            import java.util.Optional;

            public class StringFunction {
                @FunctionName("Strings")
                public HttpResponseMessage run(
                        @HttpTrigger(name = "req", dataType = "binary", route = "strings/{name}", methods = {HttpMethod.POST},
                                authLevel = AuthorizationLevel.ANONYMOUS)
                        HttpRequestMessage<Optional<String>> request,
                        @BindingName("name") String name,
                        final ExecutionContext context) {
                    FixtureMiddleware.requireActive();
                    return request.createResponseBuilder(HttpStatus.CREATED)
                            .header("Location", "/strings/" + name)
                            .body("name=" + name + ";body=" + request.getBody().orElse("<none>"))
                            .build();
                }

                @FunctionName("Boom")
                public HttpResponseMessage boom(
                        @HttpTrigger(name = "req", route = "boom", methods = {HttpMethod.GET}) HttpRequestMessage<Optional<String>> request) {
                    throw new IllegalStateException("boom on purpose");
                }
            }
            """;

    private static final String BACKGROUND = """
            package fixture;

            import com.microsoft.azure.functions.ExecutionContext;
            import com.microsoft.azure.functions.OutputBinding;
            import com.microsoft.azure.functions.annotation.BindingName;
            import com.microsoft.azure.functions.annotation.FunctionName;
            import com.microsoft.azure.functions.annotation.QueueOutput;
            import com.microsoft.azure.functions.annotation.QueueTrigger;
            import com.microsoft.azure.functions.annotation.TimerTrigger;

            public class Background {
                @FunctionName("Tick")
                public void tick(@TimerTrigger(name = "timer", schedule = "0 */5 * * * *") String timerInfo, ExecutionContext context) {
                    FixtureMiddleware.requireActive();
                    context.getLogger().info("tick " + timerInfo);
                }

                @FunctionName("Work")
                public String work(
                        @QueueTrigger(name = "message", queueName = "work", connection = "Storage") String message,
                        @BindingName("DequeueCount") long dequeueCount,
                        @BindingName("Id") String id,
                        @QueueOutput(name = "done", queueName = "done", connection = "Storage") OutputBinding<String> done,
                        ExecutionContext context) {
                    if (message.equals("poison")) {
                        throw new IllegalArgumentException("poison message");
                    }
                    done.setValue(message.toUpperCase() + "#" + dequeueCount);
                    context.getLogger().info("worked on " + id);
                    return "middleware saw " + FixtureMiddleware.seen();
                }
            }
            """;

    private static final String HTTP_FUNCTION = """
            {
              "scriptFile" : "../fixture-app-runner.jar",
              "entryPoint" : "%s",
              "bindings" : [ {
                "type" : "httpTrigger", "direction" : "in", "name" : "req", "route" : "%s",
                "methods" : %s, "dataType" : "binary", "authLevel" : "ANONYMOUS"
              }, { "type" : "http", "direction" : "out", "name" : "$return" } ]
            }
            """;

    @TempDir
    static Path temp;
    private static Path app;
    private static FunctionsHost host;

    @BeforeAll
    static void start() {
        List<Path> microsoft = FunctionsHost.microsoftJars();
        Path libClasses = Fixtures.compile(temp.resolve("lib-classes"), List.of(), Map.of("fixturelib.FixtureLib", LIB));
        app = temp.resolve("fixture-app");
        Path libJar = Fixtures.jar(app.resolve("lib/fixturelib.fixture-lib-1.0.jar"), libClasses, Map.of(), null);
        List<Path> classpath = new ArrayList<>(microsoft);
        classpath.add(libJar);
        Path classes = Fixtures.compile(temp.resolve("app-classes"), classpath, Map.of(
                "fixture.FixtureMiddleware", MIDDLEWARE, "fixture.FixtureInjector", INJECTOR,
                "fixture.EchoFunction", ECHO, "fixture.StringFunction", STRINGS, "fixture.Background", BACKGROUND));
        Fixtures.jar(app.resolve("fixture-app-runner.jar"), classes, Map.of(
                        "META-INF/services/com.microsoft.azure.functions.internal.spi.middleware.Middleware",
                        "fixture.FixtureMiddleware\n",
                        "META-INF/services/com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector",
                        "fixture.FixtureInjector\n"),
                "lib/fixturelib.fixture-lib-1.0.jar");
        Fixtures.write(app.resolve("host.json"), """
                {"version":"2.0","extensions":{"http":{"routePrefix":""}},"extensionBundle":{"id":"Microsoft.Azure.Functions.ExtensionBundle","version":"[4.*, 5.0.0)"}}
                """);
        Fixtures.write(app.resolve("local.settings.json"), """
                { "IsEncrypted": false, "Values": { "FUNCTIONS_WORKER_RUNTIME": "java" } }
                """);
        Fixtures.write(app.resolve("Echo/function.json"),
                HTTP_FUNCTION.formatted("fixture.EchoFunction.run", "{*path}", "[ \"GET\", \"POST\", \"DELETE\" ]"));
        Fixtures.write(app.resolve("Strings/function.json"),
                HTTP_FUNCTION.formatted("fixture.StringFunction.run", "strings/{name}", "[ \"POST\" ]"));
        Fixtures.write(app.resolve("Boom/function.json"),
                HTTP_FUNCTION.formatted("fixture.StringFunction.boom", "boom", "[ \"GET\" ]"));
        Fixtures.write(app.resolve("Tick/function.json"), """
                {"scriptFile":"../fixture-app-runner.jar","entryPoint":"fixture.Background.tick",
                 "bindings":[{"type":"timerTrigger","direction":"in","name":"timer","schedule":"0 */5 * * * *"}]}
                """);
        Fixtures.write(app.resolve("Work/function.json"), """
                {"scriptFile":"../fixture-app-runner.jar","entryPoint":"fixture.Background.work",
                 "bindings":[{"type":"queueTrigger","direction":"in","name":"message","queueName":"work","connection":"Storage"},
                             {"type":"queue","direction":"out","name":"done","queueName":"done","connection":"Storage"}]}
                """);
        host = FunctionsHost.options().startTimeout(Duration.ofSeconds(60)).start(app, Map.of("GREETING", "hi"));
    }

    @AfterAll
    static void stop() {
        if (host != null) {
            host.close();
        }
    }

    private static URI at(String pathAndQuery) {
        return host.address().resolve(pathAndQuery);
    }

    @Test
    void runsTheFunctionThroughTheMiddlewareWithTheInjectorsInstance() {
        HttpResponse<byte[]> response = send(at("/v1/secret/data/app?list=true&x=1&x=2&empty="), "GET", null,
                "X-Vault-Token", "s.token");
        Map<String, String> echo = echo(response);

        assertEquals(200, response.statusCode(), host.output());
        assertEquals("yes", response.headers().firstValue("X-Echo").orElse(null));
        assertEquals("text/plain; charset=utf-8", response.headers().firstValue("Content-Type").orElse(null));
        assertEquals("GET", echo.get("method"));
        assertEquals("http://127.0.0.1:" + host.address().getPort() + "/v1/secret/data/app?list=true&x=1&x=2&empty=",
                echo.get("uri"), "the URL as the caller sent it");
        assertEquals("/v1/secret/data/app", echo.get("path"));
        assertEquals("true", echo.get("query.list"));
        assertEquals("1,2", echo.get("query.x"), "repeated values comma-joined");
        assertFalse(echo.containsKey("query.empty"), "empty values dropped");
        assertEquals("s.token", echo.get("header.x-vault-token"), "header names lower-cased");
        assertEquals("127.0.0.1:" + host.address().getPort(), echo.get("header.host"));
        assertTrue(echo.keySet().stream().noneMatch(k -> k.startsWith("header.x-functions-double")), echo.toString());
        assertEquals("<none>", echo.get("body"));
        assertEquals("injector", echo.get("origin"), "the instance came from the app's FunctionInstanceInjector");
        assertEquals("Echo", echo.get("function"));
        assertFalse(echo.get("invocationId").isBlank());
        assertEquals("hello from lib", echo.get("greeting"), "lib/ is on the classpath");
        assertEquals("hi", echo.get("env.GREETING"), "app settings are the environment");
        assertEquals(app.toAbsolutePath().normalize().toString(), echo.get("cwd"));
        assertEquals("app", echo.get("tccl"));
        assertEquals(FunctionsHost.Mode.JAVA_WORKER, host.mode());
    }

    @Test
    void passesABinaryBodyAsBytes() {
        byte[] body = new byte[256];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        Map<String, String> echo = echo(send(at("/v1/transit/encrypt/k"), "POST", body,
                "Content-Type", "application/octet-stream"));

        assertEquals("POST", echo.get("method"));
        assertEquals(Base64.getEncoder().encodeToString(body), echo.get("body"));
        assertEquals("application/octet-stream", echo.get("header.content-type"));
    }

    @Test
    void forwardsDelete() {
        HttpResponse<byte[]> response = send(at("/v1/secret/metadata/app"), "DELETE", null);
        assertEquals(200, response.statusCode());
        assertEquals("DELETE", echo(response).get("method"));
    }

    @Test
    void bindsAnOptionalStringBodyAndARouteValue() {
        HttpResponse<byte[]> created = send(at("/strings/alpha"), "POST", "päyload".getBytes(StandardCharsets.UTF_8));
        assertEquals(201, created.statusCode(), host.output());
        assertEquals("/strings/alpha", created.headers().firstValue("Location").orElse(null));
        assertEquals("name=alpha;body=päyload", Fixtures.text(created));

        assertEquals("name=beta;body=<none>", Fixtures.text(send(at("/strings/beta"), "POST", null)));
    }

    @Test
    void routesByMethodThenByTemplate() {
        // Strings takes only POST, so a GET falls through to the catch-all Echo.
        assertEquals("Echo", echo(send(at("/strings/alpha"), "GET", null)).get("function"));
        HttpResponse<byte[]> patch = send(at("/strings/alpha"), "PATCH", new byte[] {1});
        assertEquals(404, patch.statusCode());
        assertEquals(0, patch.body().length);
    }

    @Test
    void answers500WithEmptyBodyWhenTheFunctionThrows() {
        HttpResponse<byte[]> response = send(at("/boom"), "GET", null);

        assertEquals(500, response.statusCode());
        assertEquals(0, response.body().length);
        assertTrue(host.output().contains("boom on purpose"), host.output());
    }

    @Test
    void invokesATimerFunctionWithItsInfoAsJsonText() {
        InvocationResult result = host.invoke("Tick",
                Map.of("timer", Map.of("Schedule", Map.of("AdjustForDST", true), "IsPastDue", false)), Map.of());

        assertEquals(200, result.statusCode(), host.output());
        assertEquals(1, result.logs().size(), result.toString());
        assertTrue(result.logs().get(0).startsWith("tick {"), result.logs().toString());
        assertTrue(result.logs().get(0).contains("\"IsPastDue\":false"), result.logs().toString());
        assertEquals(null, result.returnValue());
    }

    @Test
    void invokesAQueueFunctionBindingMetadataByNameAndCollectingOutputs() {
        InvocationResult result = host.invoke("Work", Map.of("message", "hello"), Map.of("DequeueCount", 2, "Id", "m-1"));

        assertEquals(200, result.statusCode(), host.output());
        assertEquals(Map.of("done", "HELLO#2"), result.outputs());
        assertEquals(List.of("worked on m-1"), result.logs());
        assertEquals("middleware saw hello", result.returnValue(), "the middleware read the message by parameter name");
    }

    @Test
    void letsAMiddlewareReplaceAParameterValue() {
        InvocationResult result = host.invoke("Work", Map.of("message", "rewrite-me"), Map.of("DequeueCount", "1", "Id", "m-2"));

        assertEquals(Map.of("done", "REWRITTEN#1"), result.outputs(), host.output());
    }

    @Test
    void reportsAFailedInvocation() {
        InvocationResult result = host.invoke("Work", Map.of("message", "poison"), Map.of("DequeueCount", 5, "Id", "m-3"));

        assertFalse(result.succeeded());
        assertEquals(500, result.statusCode());
        assertTrue(result.body().contains("poison message"), result.body());
    }

    @Test
    void bootsTheInjectorOnceBeforeReportingReady() {
        send(at("/one"), "GET", null);
        send(at("/two"), "GET", null);
        String output = host.output();

        int booted = output.indexOf("fixture injector booted");
        assertTrue(booted >= 0, output);
        assertEquals(booted, output.lastIndexOf("fixture injector booted"), "booted once: " + output);
        assertTrue(booted < output.indexOf("JavaWorkerDouble: listening"), output);
    }

    @Test
    void failsToStartWhenTheInjectorCannotBoot() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> FunctionsHost.options().startTimeout(Duration.ofSeconds(60)).start(app, Map.of("FIXTURE_FAIL_BOOT", "true")));

        assertTrue(failure.getMessage().contains("exited with status 1"), failure.getMessage());
        assertTrue(failure.getMessage().contains("quarkus-like boot failure"), failure.getMessage());
    }

    @Test
    void givesTheChildOnlyTheWorkerDoublesOwnClasses() throws IOException {
        try (JarFile jar = new JarFile(FunctionsHost.workerJar().toFile())) {
            List<String> entries = jar.stream().map(JarEntry::getName).toList();
            assertFalse(entries.isEmpty());
            assertTrue(entries.stream().allMatch(e -> e.startsWith("io/keymgmt/testkit/functions/JavaWorkerDouble")),
                    entries.toString());
        }
        assertEquals(3, FunctionsHost.microsoftJars().size(), FunctionsHost.microsoftJars().toString());
    }
}
