package io.keymgmt.testkit.functions;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatus;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.OutputBinding;
import com.microsoft.azure.functions.internal.spi.middleware.Middleware;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareChain;
import com.microsoft.azure.functions.internal.spi.middleware.MiddlewareContext;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The Java-worker half of the {@code FunctionsHost} test double: the main class of the child JVM
 * that runs a Java function app, on the app's own classpath. It therefore depends only on the JDK
 * and the three jars the real Azure Functions Java worker supplies (azure-functions-java-library,
 * -core-library, -spi): no other testkit class, no library. Its helpers are nested classes, which
 * {@code FunctionsHost} packs alone into the jar it puts on the child's classpath, so a stray
 * dependency fails the tests instead of hiding.
 *
 * <p>Like the real worker (azure-functions-java-worker: {@code JavaFunctionBroker},
 * {@code FunctionDefinition}, {@code ParameterResolver}, {@code CoreTypeResolver},
 * {@code ExecutionContextDataSource}, {@code RpcByteArrayDataSource}) it
 * <ul>
 *   <li>loads each function's entryPoint class without initializing it and takes its one public
 *       method of that name declared by that class (several overloads are an error);</li>
 *   <li>loads the {@link Middleware}s and at most one {@link FunctionInstanceInjector} through
 *       {@link ServiceLoader} (none: a new instance per invocation through the no-argument
 *       constructor), before it reports ready, so Quarkus's injector boots Quarkus at start;</li>
 *   <li>runs every invocation as the chain of those middlewares ending in the function, with one
 *       {@link MiddlewareContext} that is also the function's {@link ExecutionContext}; the function
 *       runs with the app's class loader as context class loader, its parameters bound first and its
 *       instance taken from the injector after;</li>
 *   <li>binds a parameter by the {@code name} of its {@code com.microsoft.azure.functions.annotation}
 *       annotation (a middleware's {@code updateParameterValue} first, then the trigger's data,
 *       then the trigger metadata), else by {@code @BindingName} (trigger metadata: for HTTP the
 *       route values and query parameters), else by type ({@link ExecutionContext}, an
 *       {@link HttpRequestMessage}); an {@link OutputBinding} parameter collects an output;</li>
 *   <li>gives an HTTP function the request as the host converts it: the URL as the caller sent it,
 *       header names lower-cased with repeated values comma-joined, query parameters decoded and
 *       comma-joined with empty values dropped, and the body converted to the declared type: for
 *       {@code HttpRequestMessage<Optional<T>>} empty when there is no body, else {@code byte[]}
 *       (or {@code Byte[]}) as is, {@code String} decoded as UTF-8, {@code Object}: {@code byte[]}
 *       for {@code "dataType": "binary"}, else a String.</li>
 * </ul>
 *
 * <p>The response of an HTTP function is its return value (or its {@code http} output binding):
 * an {@link HttpResponseMessage} (or its Builder) with status, headers and body; a body of
 * {@code byte[]} goes out as is, a String as UTF-8, a Map, Collection, number or boolean as JSON,
 * anything else as its toString (the real worker uses Gson for objects). {@code null} answers 204.
 * A function that throws answers 500 with an empty body, as the host does, and prints its stack
 * trace to the output.
 *
 * <p>A non-HTTP invocation arrives as the custom-handler request {@code POST /<FunctionName>} with
 * {@code {"Data": {...}, "Metadata": {...}}} and is answered with
 * {@code {"Outputs": {...}, "Logs": [...], "ReturnValue": ...}} (500 with the error when the
 * function throws). Values bind to String (JSON text for objects, so a timer's {@code {"IsPastDue":
 * false, ...}} arrives as the worker's JSON String), {@code byte[]}, primitives and their boxes,
 * {@code Optional}, Map and List; POJOs are not deserialized. A forwarded HTTP request carries the
 * {@code x-functions-double-*} headers below, which the function does not see.
 *
 * <p>Arguments: {@code --app <folder> --ready-file <path> [--port <n>] [--exit-on-stdin-eof]
 * (--function <name>)...}. It binds 127.0.0.1 ({@code --port}, default 0: any free port) and, once
 * loaded, writes the port to the ready file.
 */
public final class JavaWorkerDouble {

    static final String HEADER_PREFIX = "x-functions-double-";
    /** Which function the host routed a forwarded HTTP request to; its absence means an invocation. */
    static final String FUNCTION_HEADER = HEADER_PREFIX + "function";
    /** The URL as the caller sent it to the host. */
    static final String URL_HEADER = HEADER_PREFIX + "url";
    /** The caller's Host header. */
    static final String HOST_HEADER = HEADER_PREFIX + "host";
    /** The route values, form-encoded. */
    static final String ROUTE_HEADER = HEADER_PREFIX + "route-params";
    static final String INVOCATION_HEADER = HEADER_PREFIX + "invocation-id";

    private final Path appFolder;
    private final ClassLoader appLoader = JavaWorkerDouble.class.getClassLoader();
    private final Map<String, LoadedFunction> functions = new LinkedHashMap<>();
    private final List<Middleware> middlewares = new ArrayList<>();
    private FunctionInstanceInjector injector;

    private JavaWorkerDouble(Path appFolder) {
        this.appFolder = appFolder;
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable failure) {
            System.err.println("JavaWorkerDouble: cannot start: " + failure);
            failure.printStackTrace();
            System.err.flush();
            // Quarkus may have started non-daemon threads before the failure.
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        Path app = null;
        Path readyFile = null;
        int port = 0;
        boolean exitOnStdinEof = false;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--app" -> app = Path.of(args[++i]);
                case "--ready-file" -> readyFile = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--function" -> names.add(args[++i]);
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (app == null || readyFile == null) {
            throw new IllegalArgumentException("usage: JavaWorkerDouble --app <folder> --ready-file <path> "
                    + "[--port <n>] [--exit-on-stdin-eof] (--function <name>)...");
        }
        if (exitOnStdinEof) {
            Thread watchdog = new Thread(JavaWorkerDouble::exitWhenStdinCloses, "java-worker-double-stdin");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        JavaWorkerDouble worker = new JavaWorkerDouble(app);
        if (!names.isEmpty()) {
            worker.loadServices();
        }
        for (String name : names) {
            worker.load(name);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
        server.createContext("/", worker::handle);
        AtomicInteger threads = new AtomicInteger();
        server.setExecutor(Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "java-worker-double-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
        int bound = server.getAddress().getPort();
        Path partial = readyFile.resolveSibling(readyFile.getFileName() + ".partial");
        Files.writeString(partial, Integer.toString(bound));
        Files.move(partial, readyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("JavaWorkerDouble: listening on 127.0.0.1:" + bound + " with functions " + names);
        System.out.flush();
    }

    /** Leaves no orphan when the host's JVM dies without closing us: its end of our stdin closes. */
    private static void exitWhenStdinCloses() {
        try {
            while (System.in.read() != -1) {
                // ignore input
            }
        } catch (IOException ignored) {
            // treated as closed
        }
        System.err.println("JavaWorkerDouble: stdin closed (the host went away); exiting");
        System.exit(0);
    }

    // ---------------------------------------------------------------- loading

    private record Binding(String type, String direction, String name, String dataType) {

        boolean isTrigger() {
            return type.toLowerCase(Locale.ROOT).endsWith("trigger");
        }
    }

    private record LoadedFunction(String name, List<Binding> bindings, Class<?> type, Method method) {

        Binding trigger() {
            return bindings.stream().filter(Binding::isTrigger).findFirst().orElse(null);
        }

        boolean isHttp() {
            Binding trigger = trigger();
            return trigger != null && trigger.type().equalsIgnoreCase("httpTrigger");
        }

        /** The http output binding's name: "$return" or an OutputBinding parameter's. */
        String httpOutput() {
            return bindings.stream()
                    .filter(b -> b.type().equalsIgnoreCase("http") && !b.direction().equalsIgnoreCase("in"))
                    .map(Binding::name).findFirst().orElse("$return");
        }
    }

    private void loadServices() {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(appLoader);
        try {
            for (Middleware middleware : ServiceLoader.load(Middleware.class)) {
                middlewares.add(middleware);
                System.out.println("JavaWorkerDouble: middleware " + middleware.getClass().getName());
            }
            Iterator<FunctionInstanceInjector> injectors = ServiceLoader.load(FunctionInstanceInjector.class).iterator();
            if (injectors.hasNext()) {
                injector = injectors.next();
                if (injectors.hasNext()) {
                    throw new IllegalStateException("the app has more than one FunctionInstanceInjector: "
                            + injector.getClass().getName() + ", " + injectors.next().getClass().getName());
                }
                System.out.println("JavaWorkerDouble: function instance injector " + injector.getClass().getName());
            } else {
                injector = new NewInstanceInjector();
                System.out.println("JavaWorkerDouble: no function instance injector; a new instance per invocation");
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The worker's fallback when the app registers no injector. */
    private static final class NewInstanceInjector implements FunctionInstanceInjector {
        @Override
        public <T> T getInstance(Class<T> functionClass) throws Exception {
            return functionClass.getDeclaredConstructor().newInstance();
        }
    }

    @SuppressWarnings("unchecked")
    private void load(String name) throws Exception {
        Path file = appFolder.resolve(name).resolve("function.json");
        Object parsed = Json.parse(Files.readString(file));
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new IllegalArgumentException(file + " is not a JSON object");
        }
        String entryPoint = (String) json.get("entryPoint");
        int dot = entryPoint == null ? -1 : entryPoint.lastIndexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException(file + " has no entryPoint of the form package.Class.method");
        }
        List<Binding> bindings = new ArrayList<>();
        Object list = json.get("bindings");
        if (list instanceof List<?> entries) {
            for (Object entry : entries) {
                Map<String, Object> b = (Map<String, Object>) entry;
                bindings.add(new Binding(String.valueOf(b.getOrDefault("type", "")),
                        String.valueOf(b.getOrDefault("direction", "")), String.valueOf(b.getOrDefault("name", "")),
                        b.get("dataType") == null ? null : String.valueOf(b.get("dataType"))));
            }
        }
        String className = entryPoint.substring(0, dot);
        String methodName = entryPoint.substring(dot + 1);
        Class<?> type = Class.forName(className, false, appLoader);
        List<Method> candidates = new ArrayList<>();
        for (Method method : type.getMethods()) {
            if (method.getDeclaringClass().getName().equals(className) && method.getName().equals(methodName)) {
                candidates.add(method);
            }
        }
        if (candidates.isEmpty()) {
            throw new NoSuchMethodException("there is no public method " + methodName + " in " + className
                    + " (entryPoint of " + name + ")");
        }
        if (candidates.size() > 1) {
            throw new UnsupportedOperationException("found more than one method " + methodName + " in " + className
                    + " (entryPoint of " + name + ")");
        }
        functions.put(name.toLowerCase(Locale.ROOT), new LoadedFunction(name, List.copyOf(bindings), type, candidates.get(0)));
        System.out.println("JavaWorkerDouble: loaded " + name + " -> " + entryPoint);
    }

    // ---------------------------------------------------------------- requests

    private void handle(HttpExchange exchange) {
        try {
            String functionName = exchange.getRequestHeaders().getFirst(FUNCTION_HEADER);
            if (functionName != null) {
                handleHttp(exchange, functionName);
            } else {
                handleInvocation(exchange);
            }
        } catch (Throwable failure) {
            System.err.println("JavaWorkerDouble: " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + " failed: " + failure);
            failure.printStackTrace();
            try {
                exchange.getResponseHeaders().clear();
                exchange.sendResponseHeaders(500, -1);
            } catch (IOException | RuntimeException ignored) {
                // the response had started
            }
        } finally {
            exchange.close();
        }
    }

    private LoadedFunction function(String name) {
        LoadedFunction function = functions.get(name.toLowerCase(Locale.ROOT));
        if (function == null) {
            throw new IllegalArgumentException("no function " + name + " is loaded; loaded: " + functions.keySet());
        }
        return function;
    }

    private void handleHttp(HttpExchange exchange, String functionName) throws Exception {
        LoadedFunction function = function(functionName);
        byte[] body = exchange.getRequestBody().readAllBytes();
        Headers received = exchange.getRequestHeaders();
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : received.entrySet()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (!name.startsWith(HEADER_PREFIX) && !name.equals("host")) {
                headers.merge(name, String.join(",", header.getValue()), (a, b) -> a + "," + b);
            }
        }
        String host = received.getFirst(HOST_HEADER) != null ? received.getFirst(HOST_HEADER) : received.getFirst("Host");
        if (host != null) {
            headers.put("host", host);
        }
        String url = received.getFirst(URL_HEADER);
        URI uri = URI.create(url != null ? url : "http://" + host + exchange.getRequestURI());
        Map<String, String> query = parseForm(uri.getRawQuery());
        Map<String, Object> metadata = new LinkedHashMap<>(query);
        metadata.putAll(parseForm(received.getFirst(ROUTE_HEADER)));
        metadata.put("Query", query);
        metadata.put("Headers", headers);
        Binding trigger = function.trigger();
        boolean binary = trigger != null && "binary".equalsIgnoreCase(trigger.dataType());
        Request request = new Request(uri, HttpMethod.value(exchange.getRequestMethod()),
                Collections.unmodifiableMap(headers), Collections.unmodifiableMap(query), body, binary, null);
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put(trigger == null ? "req" : trigger.name(), request);
        Invocation invocation = new Invocation(function, invocationId(received), inputs, metadata, request);
        try {
            runChain(invocation);
        } catch (Throwable failure) {
            System.err.println("JavaWorkerDouble: function " + function.name() + " (invocation "
                    + invocation.getInvocationId() + ") failed: " + failure);
            failure.printStackTrace();
            exchange.sendResponseHeaders(500, -1);
            return;
        }
        String output = function.httpOutput();
        Object result = output.equals("$return") ? invocation.returnValue
                : invocation.outputs.containsKey(output) ? invocation.outputs.get(output).getValue()
                : invocation.returnValue;
        writeHttpResult(exchange, result);
    }

    private static String invocationId(Headers headers) {
        String id = headers.getFirst(INVOCATION_HEADER);
        return id != null ? id : UUID.randomUUID().toString();
    }

    private static void writeHttpResult(HttpExchange exchange, Object result) throws IOException {
        if (result instanceof HttpResponseMessage.Builder builder) {
            result = builder.build();
        }
        int status;
        byte[] body;
        Headers headers = exchange.getResponseHeaders();
        if (result == null) {
            status = 204;
            body = new byte[0];
        } else if (result instanceof Response response) {
            status = response.getStatusCode();
            for (String[] header : response.headers) {
                String name = header[0].toLowerCase(Locale.ROOT);
                if (!name.equals("content-length") && !name.equals("transfer-encoding")) {
                    headers.add(header[0], header[1]);
                }
            }
            body = bytes(response.getBody());
        } else if (result instanceof HttpResponseMessage response) {
            status = response.getStatusCode();
            String contentType = response.getHeader("Content-Type");
            if (contentType != null) {
                headers.add("Content-Type", contentType);
            }
            body = bytes(response.getBody());
        } else {
            status = 200;
            body = bytes(result);
        }
        boolean noBody = body.length == 0 || exchange.getRequestMethod().equalsIgnoreCase("HEAD")
                || status == 204 || status == 304;
        exchange.sendResponseHeaders(status, noBody ? -1 : body.length);
        if (!noBody) {
            exchange.getResponseBody().write(body);
        }
    }

    private static byte[] bytes(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] raw) {
            return raw;
        }
        if (body instanceof Byte[] boxed) {
            byte[] raw = new byte[boxed.length];
            for (int i = 0; i < boxed.length; i++) {
                raw[i] = boxed[i];
            }
            return raw;
        }
        if (body instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (body instanceof Map || body instanceof Collection || body instanceof Number || body instanceof Boolean) {
            return Json.write(body).getBytes(StandardCharsets.UTF_8);
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private void handleInvocation(HttpExchange exchange) throws Exception {
        String path = exchange.getRequestURI().getRawPath();
        String name = URLDecoder.decode(path.startsWith("/") ? path.substring(1) : path, StandardCharsets.UTF_8);
        LoadedFunction function = functions.get(name.toLowerCase(Locale.ROOT));
        if (function == null) {
            respond(exchange, 404, "text/plain; charset=utf-8", "no function " + name + " is loaded");
            return;
        }
        String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Object parsed = text.isBlank() ? Map.of() : Json.parse(text);
        Map<String, Object> payload = parsed instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        Map<String, Object> data = payload.get("Data") instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of();
        Map<String, Object> metadata = payload.get("Metadata") instanceof Map<?, ?> map
                ? (Map<String, Object>) map : Map.of();
        Invocation invocation = new Invocation(function, invocationId(exchange.getRequestHeaders()), data, metadata, null);
        try {
            runChain(invocation);
        } catch (Throwable failure) {
            System.err.println("JavaWorkerDouble: function " + function.name() + " (invocation "
                    + invocation.getInvocationId() + ") failed: " + failure);
            failure.printStackTrace();
            respond(exchange, 500, "text/plain; charset=utf-8", "function " + function.name() + " failed: " + failure);
            return;
        }
        Map<String, Object> outputs = new LinkedHashMap<>();
        invocation.outputs.forEach((key, value) -> outputs.put(key, value.getValue()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("Outputs", outputs);
        answer.put("Logs", new ArrayList<>(invocation.logs));
        answer.put("ReturnValue", invocation.returnValue);
        respond(exchange, 200, "application/json", Json.write(answer));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Decodes a query string (or our form-encoded route values): '+' is a space, empty values dropped. */
    private static Map<String, String> parseForm(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            if (!value.isEmpty()) {
                values.merge(key, value, (a, b) -> a + "," + b);
            }
        }
        return values;
    }

    // ---------------------------------------------------------------- invocation

    private void runChain(Invocation invocation) throws Exception {
        new Chain(0).doNext(invocation);
    }

    private final class Chain implements MiddlewareChain {
        private final int index;

        Chain(int index) {
            this.index = index;
        }

        @Override
        public void doNext(MiddlewareContext context) throws Exception {
            if (index < middlewares.size()) {
                middlewares.get(index).invoke(context, new Chain(index + 1));
            } else {
                execute((Invocation) context);
            }
        }
    }

    private void execute(Invocation invocation) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(appLoader);
        try {
            Method method = invocation.function.method();
            Parameter[] parameters = method.getParameters();
            Object[] arguments = new Object[parameters.length];
            for (int i = 0; i < parameters.length; i++) {
                arguments[i] = bind(parameters[i], invocation);
            }
            Object instance = Modifier.isStatic(method.getModifiers()) ? null
                    : injector.getInstance(invocation.function.type());
            Object result;
            try {
                result = method.invoke(instance, arguments);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception exception) {
                    throw exception;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw e;
            }
            if (method.getReturnType() != void.class) {
                invocation.updateReturnValue(result);
            }
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private Object bind(Parameter parameter, Invocation invocation) {
        Type type = parameter.getParameterizedType();
        Class<?> raw = rawClass(type);
        String name = annotationName(parameter);
        String bindingName = bindingNameAnnotation(parameter);
        String where = "parameter " + parameter.getName() + " (" + type.getTypeName() + ") of function "
                + invocation.function.name();
        if (OutputBinding.class.isAssignableFrom(raw)) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(where + " is an OutputBinding without a binding annotation name");
            }
            Output output = new Output();
            invocation.outputs.put(name, output);
            return output;
        }
        if (name != null && !name.isEmpty()) {
            if (invocation.overrides.containsKey(name)) {
                return convert(invocation.overrides.get(name), type, where);
            }
            Object input = invocation.inputs.get(name);
            if (input instanceof Request request) {
                if (!HttpRequestMessage.class.isAssignableFrom(raw)) {
                    throw new IllegalArgumentException(where + " binds the HTTP trigger but is not an HttpRequestMessage");
                }
                return request.typed(type, where);
            }
            if (invocation.inputs.containsKey(name)) {
                return convert(input, type, where);
            }
            Object meta = metadata(invocation, name);
            if (meta != null) {
                return convert(meta, type, where);
            }
            throw new IllegalArgumentException(where + ": the invocation has no data named '" + name + "'; it has "
                    + invocation.inputs.keySet());
        }
        if (bindingName != null && !bindingName.isEmpty()) {
            Object meta = metadata(invocation, bindingName);
            if (meta == null) {
                throw new IllegalArgumentException(where + ": the trigger metadata has no '" + bindingName + "'; it has "
                        + invocation.metadata.keySet());
            }
            return convert(meta, type, where);
        }
        if (ExecutionContext.class.isAssignableFrom(raw) && raw.isAssignableFrom(Invocation.class)) {
            return invocation;
        }
        if (HttpRequestMessage.class.isAssignableFrom(raw) && invocation.http != null) {
            return invocation.http.typed(type, where);
        }
        throw new IllegalArgumentException("cannot bind " + where
                + ": no binding annotation with a name, no @BindingName, and not an ExecutionContext or HttpRequestMessage");
    }

    private static Object metadata(Invocation invocation, String name) {
        Object exact = invocation.metadata.get(name);
        if (exact != null) {
            return exact;
        }
        return invocation.metadata.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The binding name of a parameter, as CoreTypeResolver.getAnnotationName finds it. */
    private static String annotationName(Parameter parameter) {
        for (Annotation annotation : parameter.getAnnotations()) {
            Class<? extends Annotation> type = annotation.annotationType();
            boolean library = type.getName().startsWith("com.microsoft.azure.functions.annotation.");
            boolean custom = false;
            for (Annotation meta : type.getAnnotations()) {
                custom |= meta.annotationType().getName().equals("com.microsoft.azure.functions.annotation.CustomBinding");
            }
            if (library || custom) {
                String name = nameOf(annotation, "name");
                if (name != null) {
                    return name;
                }
            }
        }
        return null;
    }

    private static String bindingNameAnnotation(Parameter parameter) {
        for (Annotation annotation : parameter.getAnnotations()) {
            if (annotation.annotationType().getName().equals("com.microsoft.azure.functions.annotation.BindingName")) {
                return nameOf(annotation, "value");
            }
        }
        return null;
    }

    private static String nameOf(Annotation annotation, String attribute) {
        try {
            Object value = annotation.annotationType().getMethod(attribute).invoke(annotation);
            return value instanceof String text ? text : null;
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- conversions

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p) {
            return rawClass(p.getRawType());
        }
        if (type instanceof GenericArrayType g) {
            return rawClass(g.getGenericComponentType()).arrayType();
        }
        if (type instanceof WildcardType w) {
            return rawClass(w.getUpperBounds()[0]);
        }
        if (type instanceof TypeVariable<?> v) {
            return rawClass(v.getBounds()[0]);
        }
        return Object.class;
    }

    static Type typeArgument(Type type) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > 0
                ? p.getActualTypeArguments()[0] : Object.class;
    }

    /** Converts trigger data or metadata (JSON values, or what a middleware set) to a parameter's type. */
    static Object convert(Object value, Type target, String where) {
        Class<?> raw = rawClass(target);
        if (raw == Optional.class) {
            return value instanceof Optional<?> ? value : Optional.ofNullable(convert(value, typeArgument(target), where));
        }
        if (value == null) {
            if (raw.isPrimitive()) {
                throw new IllegalArgumentException(where + ": no value for a primitive");
            }
            return null;
        }
        if (raw.isInstance(value)) {
            return value;
        }
        if (raw == String.class) {
            return Json.write(value);
        }
        if (raw == byte[].class) {
            return (value instanceof String text ? text : Json.write(value)).getBytes(StandardCharsets.UTF_8);
        }
        if (raw == int.class || raw == Integer.class) {
            return number(value, where).intValue();
        }
        if (raw == long.class || raw == Long.class) {
            return number(value, where).longValue();
        }
        if (raw == short.class || raw == Short.class) {
            return number(value, where).shortValue();
        }
        if (raw == double.class || raw == Double.class) {
            return number(value, where).doubleValue();
        }
        if (raw == float.class || raw == Float.class) {
            return number(value, where).floatValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return value instanceof Boolean b ? b : Boolean.parseBoolean(String.valueOf(value));
        }
        if (value instanceof String text && (raw == Map.class || raw == List.class || raw == Collection.class)) {
            Object parsed = Json.parse(text);
            if (raw.isInstance(parsed)) {
                return parsed;
            }
        }
        throw new IllegalArgumentException(where + ": the Java worker double cannot bind a " + value.getClass().getName()
                + " to " + target.getTypeName() + " (it binds String, byte[], primitives and their boxes, Optional, "
                + "Map and List; it does not deserialize POJOs)");
    }

    private static BigDecimal number(Object value, String where) {
        try {
            return value instanceof Number n ? new BigDecimal(n.toString()) : new BigDecimal(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": '" + value + "' is not a number", e);
        }
    }

    // ---------------------------------------------------------------- the worker's objects

    /** The invocation's MiddlewareContext, which is also the function's ExecutionContext. */
    private static final class Invocation implements MiddlewareContext {
        final LoadedFunction function;
        final String invocationId;
        final Map<String, Object> inputs;
        final Map<String, Object> metadata;
        final Request http;
        final Map<String, Object> overrides = new LinkedHashMap<>();
        final Map<String, Output> outputs = new LinkedHashMap<>();
        final List<String> logs = Collections.synchronizedList(new ArrayList<>());
        final Logger logger;
        Object returnValue;

        Invocation(LoadedFunction function, String invocationId, Map<String, Object> inputs, Map<String, Object> metadata,
                   Request http) {
            this.function = function;
            this.invocationId = invocationId;
            this.inputs = inputs;
            this.metadata = metadata;
            this.http = http;
            this.logger = Logger.getAnonymousLogger();
            logger.setUseParentHandlers(false);
            logger.addHandler(new RecordingHandler(function.name(), logs));
        }

        @Override
        public Logger getLogger() {
            return logger;
        }

        @Override
        public String getInvocationId() {
            return invocationId;
        }

        @Override
        public String getFunctionName() {
            return function.name();
        }

        @Override
        public String getParameterName(String annotationSimpleClassName) {
            for (Parameter parameter : function.method().getParameters()) {
                for (Annotation annotation : parameter.getAnnotations()) {
                    if (annotation.annotationType().getSimpleName().equals(annotationSimpleClassName)) {
                        return annotationName(parameter);
                    }
                }
            }
            return null;
        }

        /** As the worker: the trigger data that arrived as a string, by binding name. */
        @Override
        public Object getParameterValue(String name) {
            Object value = inputs.get(name);
            return value instanceof String ? value : null;
        }

        @Override
        public void updateParameterValue(String name, Object value) {
            overrides.put(name, value);
        }

        @Override
        public Object getReturnValue() {
            return returnValue;
        }

        @Override
        public void updateReturnValue(Object value) {
            this.returnValue = value;
        }
    }

    /** Records the function's log lines for the invocation's Logs and prints them to the output. */
    private static final class RecordingHandler extends Handler {
        private final String functionName;
        private final List<String> logs;
        private final SimpleFormatter formatter = new SimpleFormatter();

        RecordingHandler(String functionName, List<String> logs) {
            this.functionName = functionName;
            this.logs = logs;
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            String message = formatter.formatMessage(record);
            logs.add(message);
            System.err.println("[" + functionName + "] " + record.getLevel() + " " + message);
            if (record.getThrown() != null) {
                record.getThrown().printStackTrace();
            }
        }

        @Override
        public void flush() {
            System.err.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    private static final class Output implements OutputBinding<Object> {
        private volatile Object value;

        @Override
        public Object getValue() {
            return value;
        }

        @Override
        public void setValue(Object value) {
            this.value = value;
        }
    }

    /** The HTTP request as the worker hands it over; {@code body} typed for the parameter on demand. */
    private static final class Request implements HttpRequestMessage<Object> {
        private final URI uri;
        private final HttpMethod method;
        private final Map<String, String> headers;
        private final Map<String, String> query;
        private final byte[] body;
        private final boolean binary;
        private final Object typedBody;

        Request(URI uri, HttpMethod method, Map<String, String> headers, Map<String, String> query, byte[] body,
                boolean binary, Object typedBody) {
            this.uri = uri;
            this.method = method;
            this.headers = headers;
            this.query = query;
            this.body = body;
            this.binary = binary;
            this.typedBody = typedBody;
        }

        /** This request with its body converted to what {@code HttpRequestMessage<T>} declares. */
        Request typed(Type declared, String where) {
            Type bodyType = typeArgument(declared);
            Object typed;
            if (rawClass(bodyType) == Optional.class) {
                typed = body.length == 0 ? Optional.empty() : Optional.of(body(typeArgument(bodyType), where));
            } else {
                typed = body.length == 0 ? null : body(bodyType, where);
            }
            return new Request(uri, method, headers, query, body, binary, typed);
        }

        private Object body(Type type, String where) {
            Class<?> raw = rawClass(type);
            if (raw == byte[].class) {
                return body.clone();
            }
            if (raw == Byte[].class) {
                Byte[] boxed = new Byte[body.length];
                for (int i = 0; i < body.length; i++) {
                    boxed[i] = body[i];
                }
                return boxed;
            }
            if (raw == String.class) {
                return new String(body, StandardCharsets.UTF_8);
            }
            if (raw == Object.class) {
                return binary ? body.clone() : new String(body, StandardCharsets.UTF_8);
            }
            return convert(new String(body, StandardCharsets.UTF_8), type, where);
        }

        @Override
        public URI getUri() {
            return uri;
        }

        @Override
        public HttpMethod getHttpMethod() {
            return method;
        }

        @Override
        public Map<String, String> getHeaders() {
            return headers;
        }

        @Override
        public Map<String, String> getQueryParameters() {
            return query;
        }

        @Override
        public Object getBody() {
            return typedBody;
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatus status) {
            return new ResponseBuilder().status(status);
        }

        @Override
        public HttpResponseMessage.Builder createResponseBuilder(HttpStatusType status) {
            return new ResponseBuilder().status(status);
        }
    }

    private static final class ResponseBuilder implements HttpResponseMessage.Builder {
        private HttpStatusType status = HttpStatus.OK;
        private final List<String[]> headers = new ArrayList<>();
        private Object body;

        @Override
        public HttpResponseMessage.Builder status(HttpStatusType status) {
            this.status = status;
            return this;
        }

        @Override
        public HttpResponseMessage.Builder header(String key, String value) {
            headers.add(new String[] {key, value});
            return this;
        }

        @Override
        public HttpResponseMessage.Builder body(Object body) {
            this.body = body;
            return this;
        }

        @Override
        public HttpResponseMessage build() {
            return new Response(status, List.copyOf(headers), body);
        }
    }

    private static final class Response implements HttpResponseMessage {
        private final HttpStatusType status;
        private final List<String[]> headers;
        private final Object body;

        Response(HttpStatusType status, List<String[]> headers, Object body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        @Override
        public HttpStatusType getStatus() {
            return status;
        }

        @Override
        public String getHeader(String key) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(key)).map(h -> h[1]).findFirst().orElse(null);
        }

        @Override
        public Object getBody() {
            return body;
        }
    }

    /** Just enough JSON for function.json and the invocation payloads, since no library may be used here. */
    static final class Json {
        private final String text;
        private int at;

        private Json(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            Json parser = new Json(text);
            parser.skipSpace();
            Object value = parser.value();
            parser.skipSpace();
            if (parser.at != text.length()) {
                throw parser.error("unexpected text after the value");
            }
            return value;
        }

        private Object value() {
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++;
            skipSpace();
            if (peek() == '}') {
                at++;
                return map;
            }
            while (true) {
                skipSpace();
                if (peek() != '"') {
                    throw error("expected a property name");
                }
                String key = string();
                skipSpace();
                expect(':');
                skipSpace();
                map.put(key, value());
                skipSpace();
                char next = peek();
                at++;
                if (next == '}') {
                    return map;
                }
                if (next != ',') {
                    throw error("expected , or }");
                }
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++;
            skipSpace();
            if (peek() == ']') {
                at++;
                return list;
            }
            while (true) {
                skipSpace();
                list.add(value());
                skipSpace();
                char next = peek();
                at++;
                if (next == ']') {
                    return list;
                }
                if (next != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            at++;
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> out.append(escaped);
                }
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("unexpected token");
            }
            at += word.length();
            return value;
        }

        private Number number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
            String number = text.substring(start, at);
            if (number.isEmpty()) {
                throw error("unexpected character");
            }
            if (number.contains(".") || number.contains("e") || number.contains("E")) {
                return Double.parseDouble(number);
            }
            BigInteger integer = new BigInteger(number);
            return integer.bitLength() < 64 ? (Number) integer.longValue() : integer;
        }

        private char peek() {
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            return text.charAt(at);
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected " + c);
            }
            at++;
        }

        private void skipSpace() {
            while (at < text.length()) {
                char c = text.charAt(at);
                if (Character.isWhitespace(c)) {
                    at++;
                } else if (text.startsWith("//", at)) {
                    int end = text.indexOf('\n', at);
                    at = end < 0 ? text.length() : end + 1;
                } else if (text.startsWith("/*", at)) {
                    int end = text.indexOf("*/", at + 2);
                    at = end < 0 ? text.length() : end + 2;
                } else {
                    return;
                }
            }
        }

        private IllegalArgumentException error(String message) {
            return new IllegalArgumentException("invalid JSON at offset " + at + ": " + message);
        }

        static String write(Object value) {
            StringBuilder out = new StringBuilder();
            write(value, out);
            return out.toString();
        }

        private static void write(Object value, StringBuilder out) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof String text) {
                quote(text, out);
            } else if (value instanceof Double d && (d.isNaN() || d.isInfinite())
                    || value instanceof Float f && (f.isNaN() || f.isInfinite())) {
                out.append("null");
            } else if (value instanceof Number || value instanceof Boolean) {
                out.append(value);
            } else if (value instanceof Optional<?> optional) {
                write(optional.orElse(null), out);
            } else if (value instanceof byte[] bytes) {
                quote(Base64.getEncoder().encodeToString(bytes), out);
            } else if (value instanceof Map<?, ?> map) {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    quote(String.valueOf(entry.getKey()), out);
                    out.append(':');
                    write(entry.getValue(), out);
                }
                out.append('}');
            } else if (value instanceof Iterable<?> iterable) {
                out.append('[');
                boolean first = true;
                for (Object element : iterable) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(element, out);
                }
                out.append(']');
            } else if (value instanceof Object[] array) {
                write(Arrays.asList(array), out);
            } else {
                quote(value.toString(), out);
            }
        }

        private static void quote(String text, StringBuilder out) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
