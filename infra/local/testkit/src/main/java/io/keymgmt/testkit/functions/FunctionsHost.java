package io.keymgmt.testkit.functions;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.keymgmt.testkit.functions.FunctionAppFolder.CustomHandler;
import io.keymgmt.testkit.functions.FunctionAppFolder.Function;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A <b>test double</b> of the Azure Functions host (the runtime behind {@code func start} and Azure
 * Functions): it starts a packaged function-app folder the way the host does and serves it over HTTP
 * on 127.0.0.1, so tests can drive the very folder that will be deployed. It is not the host and
 * shares no code with it; where the two differ, the real host is right.
 *
 * <h2>What it emulates</h2>
 * <ul>
 *   <li><b>App model.</b> Reads host.json and every {@code <FunctionName>/function.json} directly
 *       below the folder (honouring host.json's {@code functions} list and the
 *       {@code AzureWebJobs.<FunctionName>.Disabled} setting), and local.settings.json's
 *       {@code Values} as Core Tools does (the settings passed to {@link #start} win). The mode:
 *       a host.json {@code customHandler} section means a custom handler; otherwise
 *       {@code FUNCTIONS_WORKER_RUNTIME=java} or a {@code scriptFile} jar means the Java worker.</li>
 *   <li><b>HTTP routing.</b> The route is {@code extensions.http.routePrefix} (default
 *       {@code "api"}) joined with each httpTrigger's {@code route} (default: the function name);
 *       templates support literal segments (case-insensitive), {@code {name}}, {@code {name?}},
 *       {@code {name=default}}, constraints (ignored) and a trailing {@code {*name}} catch-all; the
 *       most specific template wins. The trigger's {@code methods} (case-insensitive; absent means
 *       every method) filter requests. No matching function or method, or a path under the host's
 *       reserved {@code /admin}, answers 404 with an empty body, as the host does.</li>
 *   <li><b>Custom handler.</b> Resolves {@code description.defaultExecutablePath} against the app
 *       folder (left to the PATH when no such file exists), expands {@code %NAME%} from the
 *       environment and app settings in it and in {@code arguments}, {@code defaultWorkerPath},
 *       {@code workerArguments} and {@code workingDirectory} (relative to the folder; empty means
 *       the folder), and starts {@code executable arguments... [defaultWorkerPath workerArguments...]}
 *       with this JVM's environment, the app settings and {@code FUNCTIONS_CUSTOMHANDLER_PORT},
 *       {@code FUNCTIONS_CUSTOMHANDLER_WORKER_ID}, {@code FUNCTIONS_HTTPWORKER_PORT},
 *       {@code FUNCTIONS_HTTPWORKER_ID} and {@code FUNCTIONS_APP_ROOT_PATH}. It waits for the port
 *       to accept connections (host.json {@code customHandler.port} if set, else a free one). With
 *       {@code enableProxyingHttpRequest} it forwards each matched request unchanged (method, full
 *       path including the prefix, raw query, headers, body) to
 *       {@code http://127.0.0.1:<port><path>}, adding {@code X-Azure-Functions-InvocationId},
 *       {@code X-Azure-Functions-HostVersion} and an {@code Azure-Functions-Host} User-Agent product,
 *       and relays the response.</li>
 *   <li><b>Non-HTTP triggers.</b> {@link #invoke} POSTs {@code {"Data": {...}, "Metadata": {...}}}
 *       to {@code /<FunctionName>} (Metadata gets the host's {@code sys} entry when absent) and
 *       parses {@code {"Outputs", "Logs", "ReturnValue"}}. Nothing fires on a schedule or polls a
 *       queue: the test decides when a timer or queue function runs.</li>
 *   <li><b>Java worker.</b> Runs the app in a child JVM (Quarkus keeps static state, so never in the
 *       test JVM) with classpath {@code <scriptFile jars>:<folder>/lib/*:<the worker's
 *       azure-functions-java-library, -core-library, -spi jars>:<the JavaWorkerDouble classes>}, the
 *       app folder as working directory, the settings as environment and {@code JAVA_OPTS} as JVM
 *       options. {@link JavaWorkerDouble} loads each function class, takes the
 *       {@code FunctionInstanceInjector} (at most one) and the {@code Middleware} chain from
 *       {@code ServiceLoader} before it reports ready (Quarkus's injector boots Quarkus in its
 *       constructor, so a failed boot fails {@link #start}), and runs every invocation through the
 *       chain, binding parameters as the worker does; see its javadoc.</li>
 *   <li>{@link #close} stops the child's whole process tree (a shell-script launcher's children
 *       too), gracefully and then forcibly, each bounded; a JVM shutdown hook closes hosts a test
 *       forgot.</li>
 * </ul>
 *
 * <h2>What it does not emulate</h2>
 * No auth levels, function keys or admin API (every function is anonymous; /admin is 404); no
 * scaling, instances, cold-start placement, restarts of a crashed worker, retries or
 * {@code functionTimeout} (only a per-request forwarding timeout); no extension bundles, real
 * trigger sources or output bindings (outputs are only returned by {@link #invoke}); no HTTPS,
 * HTTP/2, CORS, proxies or Application Insights. A custom handler sees Host
 * {@code 127.0.0.1:<its port>}, not the caller's Host. {@code enableProxyingHttpRequest: false}
 * (HTTP requests as JSON invocations) and host.json's deprecated {@code httpWorker} are rejected at
 * start. Route constraints are not checked.
 *
 * <h2>Sources</h2>
 * learn.microsoft.com: "Azure Functions custom handlers" (functions-custom-handlers: host.json
 * {@code customHandler}, {@code FUNCTIONS_CUSTOMHANDLER_PORT}, the 60 s start limit, request and
 * response payloads, {@code enableProxyingHttpRequest}), "Azure Functions HTTP trigger"
 * ({@code routePrefix}, {@code route}, {@code methods}) and the Java developer guide. The
 * azure-functions-host sources: {@code Workers/Http/Configuration/HttpWorkerOptionsSetup.cs},
 * {@code HttpWorkerDescription.cs} (executable and working directory resolution),
 * {@code HttpWorkerProcess.cs} and {@code HttpWorkerConstants.cs} (child environment, headers),
 * {@code DefaultHttpWorkerService.cs} (forwarding, invocation POST to {@code /<FunctionName>},
 * a non-2xx status failing the invocation) and the HTTP-to-RpcHttp conversion (lower-cased header
 * names, comma-joined values, empty query values dropped). The azure-functions-java-worker sources:
 * {@code JavaFunctionBroker}, {@code FunctionDefinition}, {@code ParameterResolver},
 * {@code CoreTypeResolver}, {@code ExecutionContextDataSource}, {@code RpcByteArrayDataSource}.
 *
 * <p>Start a custom handler with {@code FunctionsHost.start(folder, settings)}; a Java-worker folder
 * the same way (the mode comes from the folder). Use {@link #options()} for another start timeout,
 * request timeout, java executable or a clean environment.
 */
public final class FunctionsHost implements AutoCloseable {

    /** How the folder's functions run. */
    public enum Mode {
        /** host.json has a customHandler section: an executable serving HTTP. */
        CUSTOM_HANDLER,
        /** The Java worker: function classes in scriptFile jars, run by {@link JavaWorkerDouble}. */
        JAVA_WORKER
    }

    /** The custom handler's documented limit, used for both modes. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** The Consumption plan's default functionTimeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    /** What X-Azure-Functions-HostVersion and the User-Agent carry. */
    public static final String HOST_VERSION = "4.0.0-test-double";

    /** Headers by which the front tells the Java-worker child about a forwarded HTTP request. */
    private static final String WORKER_HEADER_PREFIX = JavaWorkerDouble.HEADER_PREFIX;

    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    private static final int OUTPUT_TAIL_LINES = 60;
    /** Request headers a proxy does not pass on, or that the JDK client sets itself. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "expect", "host",
            "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "http2-settings");
    private static final Set<String> RESPONSE_SKIPPED = Set.of("connection", "content-length", "date",
            "keep-alive", "transfer-encoding", ":status");
    private static final Pattern SETTING_REFERENCE = Pattern.compile("%([^%\\s]+)%");
    private static final Set<FunctionsHost> RUNNING = ConcurrentHashMap.newKeySet();
    private static Path workerJar;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(RUNNING).forEach(FunctionsHost::close), "functions-host-stop"));
    }

    /** How to start; {@link #start} with the defaults is {@code FunctionsHost.start(folder, settings)}. */
    public static final class Options {
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private boolean inheritEnvironment = true;
        private Path javaExecutable = Path.of(System.getProperty("java.home"), "bin", "java");

        private Options() {
        }

        /** How long the app may take to listen (custom handler) or to load and boot (Java worker). */
        public Options startTimeout(Duration timeout) {
            this.startTimeout = requirePositive(timeout);
            return this;
        }

        /** How long a forwarded request or invocation may take before the front gives up. */
        public Options requestTimeout(Duration timeout) {
            this.requestTimeout = requirePositive(timeout);
            return this;
        }

        /**
         * Whether the child inherits this JVM's environment (the default, as a host started from a
         * shell would); without it the child sees only the app settings and the host's variables.
         */
        public Options inheritEnvironment(boolean inherit) {
            this.inheritEnvironment = inherit;
            return this;
        }

        /** The java launcher for the Java worker's child JVM; default: this JVM's. */
        public Options javaExecutable(Path java) {
            this.javaExecutable = Objects.requireNonNull(java);
            return this;
        }

        public FunctionsHost start(Path appFolder, Map<String, String> appSettings) {
            return FunctionsHost.start(appFolder, appSettings, this);
        }

        private static Duration requirePositive(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            return timeout;
        }
    }

    private final FunctionAppFolder app;
    private final Mode mode;
    private final Map<String, String> settings;
    private final List<Function> functions;
    private final Options options;
    private final Path outputFile;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService executor;
    private final HttpClient client;
    private volatile Process process;
    private volatile int backendPort;
    private volatile HttpServer front;
    private volatile Path readyFile;

    private FunctionsHost(FunctionAppFolder app, Mode mode, Map<String, String> settings, List<Function> functions,
                          Options options, Path outputFile) {
        this.app = app;
        this.mode = mode;
        this.settings = settings;
        this.functions = functions;
        this.options = options;
        this.outputFile = outputFile;
        this.executor = Executors.newCachedThreadPool(daemonThreads("functions-host-" + app.folder.getFileName()));
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(executor)
                .build();
    }

    public static Options options() {
        return new Options();
    }

    /**
     * Starts {@code appFolder} as the host would, with {@code appSettings} as its app settings, and
     * returns once it serves requests.
     *
     * @throws IllegalArgumentException when the folder is not a function app the double can run
     * @throws IllegalStateException when the app does not start (the message carries the last lines
     *                               of what it printed)
     */
    public static FunctionsHost start(Path appFolder, Map<String, String> appSettings) {
        return options().start(appFolder, appSettings);
    }

    private static FunctionsHost start(Path appFolder, Map<String, String> appSettings, Options options) {
        FunctionAppFolder app = FunctionAppFolder.read(appFolder);
        Map<String, String> settings = new LinkedHashMap<>(app.localSettings);
        settings.putAll(appSettings == null ? Map.of() : appSettings);
        List<Function> functions = app.functions.stream().filter(f -> !isDisabled(f, settings)).toList();
        Mode mode = mode(app, settings);
        Path outputFile;
        try {
            Path dir = Files.createTempDirectory("functions-host-" + app.folder.getFileName() + "-");
            outputFile = Files.createFile(dir.resolve("output.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the output file", e);
        }
        FunctionsHost host = new FunctionsHost(app, mode, Map.copyOf(settings), functions, options, outputFile);
        RUNNING.add(host);
        try {
            if (mode == Mode.CUSTOM_HANDLER) {
                host.startCustomHandler();
            } else {
                host.startJavaWorker();
            }
            host.serveFront();
            host.note("serving " + host.address() + " (" + mode + ", functions " + host.functionNames() + ")");
            return host;
        } catch (RuntimeException | Error e) {
            host.close();
            throw e;
        }
    }

    private static Mode mode(FunctionAppFolder app, Map<String, String> settings) {
        if (app.customHandler != null) {
            return Mode.CUSTOM_HANDLER;
        }
        boolean jarScript = app.functions.stream()
                .anyMatch(f -> f.scriptFile() != null && f.scriptFile().toLowerCase(Locale.ROOT).endsWith(".jar"));
        if ("java".equalsIgnoreCase(settings.get("FUNCTIONS_WORKER_RUNTIME")) || jarScript) {
            return Mode.JAVA_WORKER;
        }
        throw new IllegalArgumentException("cannot tell how to run " + app.folder + ": host.json has no customHandler, "
                + "FUNCTIONS_WORKER_RUNTIME is " + settings.get("FUNCTIONS_WORKER_RUNTIME")
                + " and no function.json names a jar scriptFile");
    }

    private static boolean isDisabled(Function function, Map<String, String> settings) {
        String key = "AzureWebJobs." + function.name() + ".Disabled";
        return settings.entrySet().stream().anyMatch(e -> e.getKey().equalsIgnoreCase(key)
                && (e.getValue().equalsIgnoreCase("true") || e.getValue().equals("1")));
    }

    // ---------------------------------------------------------------- custom handler

    private void startCustomHandler() {
        CustomHandler handler = app.customHandler;
        if (!handler.enableProxyingHttpRequest() && functions.stream().anyMatch(Function::isHttp)) {
            throw new UnsupportedOperationException("host.json customHandler.enableProxyingHttpRequest is false: "
                    + "the double forwards HTTP requests only as a proxy, not as JSON invocations (" + app.folder + ")");
        }
        int port = handler.port() != null ? handler.port() : freePort();
        String workerId = UUID.randomUUID().toString();
        Map<String, String> environment = childEnvironment();
        environment.put("FUNCTIONS_CUSTOMHANDLER_PORT", Integer.toString(port));
        environment.put("FUNCTIONS_HTTPWORKER_PORT", Integer.toString(port));
        environment.put("FUNCTIONS_CUSTOMHANDLER_WORKER_ID", workerId);
        environment.put("FUNCTIONS_HTTPWORKER_ID", workerId);
        environment.put("FUNCTIONS_APP_ROOT_PATH", app.folder.toString());
        Map<String, String> lookup = expansionSource(environment);

        String executable = expand(handler.defaultExecutablePath(), lookup);
        if (!Path.of(executable).isAbsolute() && Files.exists(app.folder.resolve(executable))) {
            executable = app.folder.resolve(executable).normalize().toString();
        }
        String workingDirectory = handler.workingDirectory() == null ? "" : expand(handler.workingDirectory(), lookup);
        Path workDir = workingDirectory.isEmpty() ? app.folder : app.folder.resolve(workingDirectory).normalize();
        List<String> command = new ArrayList<>();
        command.add(executable);
        handler.arguments().forEach(a -> command.add(expand(a, lookup)));
        if (handler.defaultWorkerPath() != null && !handler.defaultWorkerPath().isEmpty()) {
            command.add(expand(handler.defaultWorkerPath(), lookup));
            handler.workerArguments().forEach(a -> command.add(expand(a, lookup)));
        }
        launch("custom handler", command, workDir, environment);
        awaitReady("custom handler " + command.get(0) + " to listen on 127.0.0.1:" + port, () -> isListening(port));
        backendPort = port;
    }

    // ---------------------------------------------------------------- Java worker

    private void startJavaWorker() {
        Set<Path> scriptJars = new LinkedHashSet<>();
        for (Function function : functions) {
            if (function.scriptFile() == null || function.entryPoint() == null) {
                throw new IllegalArgumentException("function " + function.name() + " of the Java app " + app.folder
                        + " has no scriptFile or entryPoint in its function.json");
            }
            Path jar = function.folder().resolve(function.scriptFile()).normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("function " + function.name() + "'s scriptFile does not exist: " + jar);
            }
            scriptJars.add(jar);
        }
        List<String> classpath = new ArrayList<>();
        scriptJars.forEach(jar -> classpath.add(jar.toString()));
        if (Files.isDirectory(app.folder.resolve("lib"))) {
            classpath.add(app.folder.resolve("lib") + File.separator + "*");
        }
        microsoftJars().forEach(jar -> classpath.add(jar.toString()));
        classpath.add(workerJar().toString());

        Map<String, String> environment = childEnvironment();
        readyFile = outputFile.resolveSibling("worker.ready");
        List<String> command = new ArrayList<>();
        command.add(options.javaExecutable.toString());
        String javaOpts = settings.get("JAVA_OPTS");
        if (javaOpts != null && !javaOpts.isBlank()) {
            command.addAll(Arrays.asList(javaOpts.trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", String.join(File.pathSeparator, classpath), JavaWorkerDouble.class.getName(),
                "--app", app.folder.toString(), "--ready-file", readyFile.toString(), "--exit-on-stdin-eof"));
        for (Function function : functions) {
            command.add("--function");
            command.add(function.name());
        }
        launch("Java worker", command, app.folder, environment);
        awaitReady("the Java worker to load " + functionNames(), () -> Files.isRegularFile(readyFile));
        try {
            backendPort = Integer.parseInt(Files.readString(readyFile).trim());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("unreadable Java worker ready file " + readyFile, e);
        }
    }

    /** The worker's jars the Java worker puts on an app's classpath, from this JVM's classpath. */
    static List<Path> microsoftJars() {
        return Stream.of(FunctionName.class, HttpRequestMessage.class, FunctionInstanceInjector.class)
                .map(FunctionsHost::codeSource).distinct().toList();
    }

    /**
     * A jar holding only {@link JavaWorkerDouble} and its nested classes, so that the child's
     * classpath has nothing of the testkit but them (and a stray dependency fails in tests).
     */
    static synchronized Path workerJar() {
        if (workerJar != null && Files.isRegularFile(workerJar)) {
            return workerJar;
        }
        try {
            Path dir = Files.createTempDirectory("functions-host-worker-");
            Path jar = dir.resolve("java-worker-double.jar");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                for (Class<?> type : JavaWorkerDouble.class.getNestMembers()) {
                    String entry = type.getName().replace('.', '/') + ".class";
                    try (InputStream in = JavaWorkerDouble.class.getClassLoader().getResourceAsStream(entry)) {
                        if (in == null) {
                            throw new IllegalStateException("cannot find " + entry + " on the testkit's classpath");
                        }
                        out.putNextEntry(new JarEntry(entry));
                        in.transferTo(out);
                        out.closeEntry();
                    }
                }
            }
            jar.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            workerJar = jar;
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Java worker double's jar", e);
        }
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("cannot tell which jar holds " + type.getName(), e);
        }
    }

    // ---------------------------------------------------------------- child process

    private Map<String, String> childEnvironment() {
        Map<String, String> environment = new LinkedHashMap<>();
        if (options.inheritEnvironment) {
            environment.putAll(System.getenv());
        }
        environment.putAll(settings);
        return environment;
    }

    private Map<String, String> expansionSource(Map<String, String> environment) {
        Map<String, String> lookup = new LinkedHashMap<>(System.getenv());
        lookup.putAll(environment);
        return lookup;
    }

    /** Expands {@code %NAME%} as Environment.ExpandEnvironmentVariables does: unknown names stay. */
    static String expand(String value, Map<String, String> variables) {
        Matcher matcher = SETTING_REFERENCE.matcher(value);
        StringBuilder expanded = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = variables.get(name);
            if (replacement == null) {
                replacement = variables.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue).findFirst().orElse(matcher.group());
            }
            matcher.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(expanded);
        return expanded.toString();
    }

    private void launch(String what, List<String> command, Path workDir, Map<String, String> environment) {
        note("starting " + what + ": " + String.join(" ", command) + " (in " + workDir + ")");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()));
        builder.environment().clear();
        builder.environment().putAll(environment);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + what + " " + command.get(0) + " in " + workDir + ": "
                    + e.getMessage(), e);
        }
    }

    private void awaitReady(String what, BooleanSupplier ready) {
        Instant deadline = Instant.now().plus(options.startTimeout);
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw startFailure("the app exited with status " + process.exitValue() + " while waiting for " + what);
            }
            if (Instant.now().isAfter(deadline)) {
                throw startFailure("timed out after " + options.startTimeout + " waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw startFailure("interrupted while waiting for " + what);
            }
        }
    }

    private IllegalStateException startFailure(String reason) {
        stopProcessTree();
        return new IllegalStateException("FunctionsHost could not start " + app.folder + ": " + reason
                + System.lineSeparator() + "last lines of its output (" + outputFile + "):" + System.lineSeparator()
                + outputTail(OUTPUT_TAIL_LINES));
    }

    private static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 250);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void stopProcessTree() {
        Process child = process;
        if (child == null) {
            return;
        }
        // Taken first: once the launcher dies its children are re-parented and out of reach.
        List<ProcessHandle> tree = new ArrayList<>(child.descendants().toList());
        tree.add(child.toHandle());
        tree.forEach(ProcessHandle::destroy);
        awaitExit(tree, STOP_GRACE);
        List<ProcessHandle> stubborn = tree.stream().filter(ProcessHandle::isAlive).toList();
        if (!stubborn.isEmpty()) {
            note("killing " + stubborn.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(", "))
                    + " after " + STOP_GRACE);
            stubborn.forEach(ProcessHandle::destroyForcibly);
            awaitExit(stubborn, KILL_WAIT);
        }
    }

    private static void awaitExit(List<ProcessHandle> processes, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        for (ProcessHandle handle : processes) {
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                return;
            }
            try {
                handle.onExit().get(left, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // timed out or failed: the caller checks isAlive()
            }
        }
    }

    // ---------------------------------------------------------------- front

    private void serveFront() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
            front = server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the host's HTTP endpoint", e);
        }
    }

    record Match(Function function, Map<String, String> routeValues) {
    }

    /** The function the host would route {@code method rawPath} to. */
    Optional<Match> route(String method, String rawPath) {
        if (RouteTemplate.isAdminPath(rawPath)) {
            return Optional.empty();
        }
        return functions.stream()
                .filter(Function::isHttp)
                .filter(f -> f.allows(method))
                .sorted((a, b) -> {
                    int byRoute = a.route().compareTo(b.route());
                    return byRoute != 0 ? byRoute : a.name().compareToIgnoreCase(b.name());
                })
                .flatMap(f -> f.route().match(rawPath).map(values -> new Match(f, values)).stream())
                .findFirst();
    }

    private void handle(HttpExchange exchange) {
        try {
            URI requestUri = exchange.getRequestURI();
            String method = exchange.getRequestMethod();
            byte[] body = exchange.getRequestBody().readAllBytes();
            Optional<Match> match = route(method, requestUri.getRawPath());
            if (match.isEmpty()) {
                respond(exchange, 404, new byte[0]);
                return;
            }
            forward(exchange, method, requestUri, body, match.get());
        } catch (Exception e) {
            note("request " + exchange.getRequestMethod() + " " + exchange.getRequestURI() + " failed: " + e);
            try {
                exchange.getResponseHeaders().clear();
                respond(exchange, 500, new byte[0]);
            } catch (IOException | RuntimeException ignored) {
                // the response had started; the client sees a broken response
            }
        } finally {
            exchange.close();
        }
    }

    private void forward(HttpExchange exchange, String method, URI requestUri, byte[] body, Match match)
            throws IOException, InterruptedException {
        String pathAndQuery = requestUri.getRawPath()
                + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery());
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backendPort + pathAndQuery))
                .timeout(options.requestTimeout)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        String userAgent = null;
        for (Map.Entry<String, List<String>> header : exchange.getRequestHeaders().entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (HOP_BY_HOP.contains(name) || name.startsWith(WORKER_HEADER_PREFIX)) {
                continue;
            }
            if (name.equals("user-agent")) {
                userAgent = String.join(", ", header.getValue());
                continue;
            }
            for (String value : header.getValue()) {
                addHeader(request, header.getKey(), value);
            }
        }
        String invocationId = UUID.randomUUID().toString();
        if (mode == Mode.CUSTOM_HANDLER) {
            addHostHeaders(request, invocationId, userAgent);
        } else {
            if (userAgent != null) {
                addHeader(request, "User-Agent", userAgent);
            }
            String host = exchange.getRequestHeaders().getFirst("Host");
            host = host == null ? "127.0.0.1:" + front.getAddress().getPort() : host;
            addHeader(request, JavaWorkerDouble.FUNCTION_HEADER, match.function().name());
            addHeader(request, JavaWorkerDouble.URL_HEADER, "http://" + host + pathAndQuery);
            addHeader(request, JavaWorkerDouble.HOST_HEADER, host);
            addHeader(request, JavaWorkerDouble.INVOCATION_HEADER, invocationId);
            addHeader(request, JavaWorkerDouble.ROUTE_HEADER, formEncode(match.routeValues()));
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        Headers headers = exchange.getResponseHeaders();
        response.headers().map().forEach((name, values) -> {
            if (!RESPONSE_SKIPPED.contains(name.toLowerCase(Locale.ROOT))) {
                headers.put(name, new ArrayList<>(values));
            }
        });
        respond(exchange, response.statusCode(), method.equalsIgnoreCase("HEAD") ? new byte[0] : response.body());
    }

    private static void addHostHeaders(HttpRequest.Builder request, String invocationId, String userAgent) {
        request.header("X-Azure-Functions-HostVersion", HOST_VERSION);
        request.header("X-Azure-Functions-InvocationId", invocationId);
        String product = "Azure-Functions-Host/" + HOST_VERSION;
        request.header("User-Agent", userAgent == null || userAgent.isBlank() ? product : userAgent + " " + product);
    }

    private void addHeader(HttpRequest.Builder request, String name, String value) {
        try {
            request.header(name, value);
        } catch (IllegalArgumentException e) {
            note("not forwarding header " + name + ": " + e.getMessage());
        }
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    private static String formEncode(Map<String, String> values) {
        return values.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    // ---------------------------------------------------------------- public API

    /** The host's HTTP endpoint, {@code http://127.0.0.1:<port>/}; routes start with the route prefix. */
    public URI address() {
        return URI.create("http://127.0.0.1:" + front.getAddress().getPort() + "/");
    }

    public Mode mode() {
        return mode;
    }

    /** extensions.http.routePrefix as host.json sets it, or "api". */
    public String routePrefix() {
        return app.routePrefix;
    }

    /** The functions the host loaded (disabled ones left out), by name. */
    public List<String> functionNames() {
        return functions.stream().map(Function::name).toList();
    }

    /** Whether the app's process still runs. */
    public boolean isAlive() {
        Process child = process;
        return child != null && child.isAlive();
    }

    /** The app's process id (the custom handler's executable or the Java worker's JVM). */
    public long pid() {
        return process.pid();
    }

    /** Where the app's stdout and stderr go, with the double's own notes prefixed "[functions-host]". */
    public Path outputFile() {
        return outputFile;
    }

    /** Everything the app printed so far, for failure messages. */
    public String output() {
        try {
            return new String(Files.readAllBytes(outputFile), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + outputFile + ": " + e.getMessage() + ")";
        }
    }

    /** The last {@code lines} lines of {@link #output()}. */
    public String outputTail(int lines) {
        List<String> all = output().lines().toList();
        return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /**
     * Runs a non-HTTP function (timer, queue...) once, as the host would when its trigger fires:
     * {@code data} maps binding names to values (for a custom handler: what {@code Data} carries,
     * e.g. {@code {"myTimer": {"IsPastDue": false, ...}}}), {@code metadata} is the trigger metadata
     * (e.g. a queue message's {@code DequeueCount}). A Java-worker function receives these bound to
     * its parameters by name (see {@link JavaWorkerDouble}).
     *
     * @throws IllegalArgumentException when no such function is loaded or it is HTTP-triggered
     */
    public InvocationResult invoke(String functionName, Map<String, Object> data, Map<String, Object> metadata) {
        Function function = functions.stream().filter(f -> f.name().equalsIgnoreCase(functionName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no function " + functionName + " is loaded; loaded: "
                        + functionNames()));
        if (function.isHttp()) {
            throw new IllegalArgumentException("function " + function.name() + " is HTTP-triggered: send it a request at "
                    + address());
        }
        Map<String, Object> meta = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
        meta.putIfAbsent("sys", Map.of("MethodName", function.name(), "UtcNow", Instant.now().toString(),
                "RandGuid", UUID.randomUUID().toString()));
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("Data", data == null ? Map.of() : data);
        payload.put("Metadata", meta);
        String invocationId = UUID.randomUUID().toString();
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + backendPort + "/" + function.name()))
                    .timeout(options.requestTimeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(FunctionAppFolder.JSON.writeValueAsBytes(payload)));
            if (mode == Mode.CUSTOM_HANDLER) {
                addHostHeaders(request, invocationId, null);
            } else {
                request.header(JavaWorkerDouble.INVOCATION_HEADER, invocationId);
            }
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            note("invoked " + function.name() + " (" + invocationId + "): " + response.statusCode());
            return parseInvocation(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("invoking " + function.name() + " failed; last output:" + System.lineSeparator()
                    + outputTail(OUTPUT_TAIL_LINES), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while invoking " + function.name(), e);
        }
    }

    private static InvocationResult parseInvocation(int status, String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : FunctionAppFolder.JSON.readTree(body);
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.isObject()) {
            return new InvocationResult(status, body, Map.of(), List.of(), null);
        }
        JsonNode outputs = FunctionAppFolder.field(json, "Outputs");
        JsonNode logs = FunctionAppFolder.field(json, "Logs");
        JsonNode returnValue = FunctionAppFolder.field(json, "ReturnValue");
        Map<String, Object> outputMap = outputs == null || !outputs.isObject() ? Map.of()
                : FunctionAppFolder.JSON.convertValue(outputs, new TypeReference<LinkedHashMap<String, Object>>() { });
        List<String> logList = new ArrayList<>();
        if (logs != null && logs.isArray()) {
            logs.forEach(l -> logList.add(l.isTextual() ? l.asText() : l.toString()));
        }
        Object value = returnValue == null || returnValue.isNull() ? null
                : FunctionAppFolder.JSON.convertValue(returnValue, Object.class);
        return new InvocationResult(status, body, outputMap, logList, value);
    }

    /** Stops serving, then stops the app's process tree: gracefully, then forcibly; each wait bounded. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            HttpServer server = front;
            if (server != null) {
                server.stop(0);
            }
            stopProcessTree();
            Process child = process;
            if (child != null && !child.isAlive()) {
                note("the app exited with status " + child.exitValue());
            }
        } finally {
            executor.shutdownNow();
            Path ready = readyFile;
            if (ready != null) {
                try {
                    Files.deleteIfExists(ready);
                } catch (IOException ignored) {
                    // a temp file
                }
            }
            RUNNING.remove(this);
        }
    }

    @Override
    public String toString() {
        return "FunctionsHost[" + app.folder + ", " + mode + (front == null ? "" : ", " + address()) + "]";
    }

    private void note(String line) {
        try {
            Files.writeString(outputFile, "[functions-host] " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // diagnostics only
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
