package io.keymgmt.http.hosting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.http.routes.FunctionApp;
import io.keymgmt.http.rotation.RotationFunctions;
import io.keymgmt.http.rotation.RotationQueue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes a function app as an Azure Functions custom handler: host.json (customHandler, routePrefix ""),
 * one folder with a function.json per Azure Function, and the executable the host starts. The
 * executable is the app's native image where one was built; otherwise a small launcher that runs the
 * same app on a JVM, so the same folder runs (and is tested) where no GraalVM is installed.
 *
 * <p>Layout (facts: learn.microsoft.com functions-custom-handlers; ../shared/docs/functions-facts.md):
 * <pre>
 * host.json                 customHandler.description.defaultExecutablePath = handler
 * local.settings.json       FUNCTIONS_WORKER_RUNTIME = custom, for `func start`
 * VaultApi/function.json    the HTTP trigger (methods from the app's routes), proxied as is; or, for the
 *                           rotation app, RotationTimer/ and RotationQueue/, invoked by POST /<name>
 * handler                   the native executable, or the JVM launcher
 * quarkus-app/              the JVM build, only with the launcher
 * </pre>
 */
public final class CustomHandlerFolder {

    /** The executable's name in the folder, as host.json names it. */
    public static final String EXECUTABLE = "handler";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CustomHandlerFolder() {
    }

    /**
     * @param build the app's build directory (its module's target/): a native
     *     {@code keymgmt-<id>-runner} executable there, or the JVM build in {@code quarkus-app/}
     * @param folder the custom-handler folder to (re)create
     * @return whether the executable is a native image (false: the JVM launcher)
     */
    public static boolean write(FunctionApp app, Path build, Path folder) {
        try {
            delete(folder);
            Files.createDirectories(folder);
            write(folder.resolve("host.json"), hostJson(app));
            write(folder.resolve("local.settings.json"), localSettings(app));
            for (var function : functions(app).entrySet()) {
                write(Files.createDirectories(folder.resolve(function.getKey())).resolve("function.json"),
                        function.getValue());
            }
            Path executable = folder.resolve(EXECUTABLE);
            boolean nativeImage = nativeExecutable(build, app) != null;
            if (nativeImage) {
                Files.copy(nativeExecutable(build, app), executable, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Path jvmBuild = build.resolve("quarkus-app");
                if (!Files.isRegularFile(jvmBuild.resolve("quarkus-run.jar"))) {
                    throw new IllegalStateException("no build of " + app.appName() + " in " + build
                            + ": neither a native " + app.appName() + "-runner nor quarkus-app/quarkus-run.jar");
                }
                copyTree(jvmBuild, folder.resolve("quarkus-app"));
                Files.writeString(executable, jvmLauncher(app), StandardCharsets.UTF_8);
            }
            Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
            return nativeImage;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the custom-handler folder " + folder, e);
        }
    }

    /** Each Azure Function of the app, by name, with its function.json. */
    static java.util.Map<String, ObjectNode> functions(FunctionApp app) {
        java.util.Map<String, ObjectNode> functions = new java.util.LinkedHashMap<>();
        if (app == FunctionApp.ROTATION) {
            functions.put(RotationFunctions.TIMER, timerFunctionJson());
            functions.put(RotationFunctions.QUEUE, queueFunctionJson());
        } else {
            functions.put(HttpFunction.NAME, httpFunctionJson(app));
        }
        return functions;
    }

    static ObjectNode hostJson(FunctionApp app) {
        ObjectNode host = JSON.createObjectNode();
        host.put("version", "2.0");
        ObjectNode handler = host.putObject("customHandler");
        ObjectNode description = handler.putObject("description");
        description.put("defaultExecutablePath", EXECUTABLE);
        description.put("workingDirectory", "");
        description.putArray("arguments");
        ObjectNode extensions = host.putObject("extensions");
        if (app == FunctionApp.ROTATION) {
            // Timer and queue invocations arrive as POST /<FunctionName>; nothing is proxied.
            queues(extensions);
        } else {
            // Every function of these apps is HTTP-only, so the host forwards requests unchanged.
            handler.put("enableProxyingHttpRequest", true);
            extensions.putObject("http").put("routePrefix", "");
        }
        ObjectNode bundle = host.putObject("extensionBundle");
        bundle.put("id", "Microsoft.Azure.Functions.ExtensionBundle");
        bundle.put("version", "[4.*, 5.0.0)");
        return host;
    }

    static ObjectNode httpFunctionJson(FunctionApp app) {
        ObjectNode function = JSON.createObjectNode();
        var bindings = function.putArray("bindings");
        ObjectNode trigger = bindings.addObject();
        trigger.put("type", "httpTrigger");
        trigger.put("direction", "in");
        trigger.put("name", "req");
        // The app authenticates every call itself (X-Vault-Token); a function key would break Vault clients.
        trigger.put("authLevel", "anonymous");
        var methods = trigger.putArray("methods");
        HttpFunction.methods(app).forEach(methods::add);
        trigger.put("route", HttpFunction.ROUTE);
        ObjectNode out = bindings.addObject();
        out.put("type", "http");
        out.put("direction", "out");
        out.put("name", "res");
        return function;
    }

    /**
     * The queue trigger's settings, said explicitly because the worker and the local runtime rely on
     * them: five tries before the poison queue, Base64 messages, 30 s between tries.
     */
    static void queues(ObjectNode extensions) {
        ObjectNode queues = extensions.putObject("queues");
        queues.put("maxDequeueCount", RotationQueue.MAX_DEQUEUE_COUNT);
        queues.put("messageEncoding", "base64");
        queues.put("visibilityTimeout", "00:00:30");
    }

    static ObjectNode timerFunctionJson() {
        ObjectNode function = JSON.createObjectNode();
        ObjectNode trigger = function.putArray("bindings").addObject();
        trigger.put("type", "timerTrigger");
        trigger.put("direction", "in");
        trigger.put("name", "timer");
        trigger.put("schedule", RotationFunctions.SCHEDULE_SETTING);
        // Firing on every start (and scale-out) would queue everything due again; the schedule suffices.
        trigger.put("runOnStartup", false);
        trigger.put("useMonitor", true);
        return function;
    }

    static ObjectNode queueFunctionJson() {
        ObjectNode function = JSON.createObjectNode();
        ObjectNode trigger = function.putArray("bindings").addObject();
        trigger.put("type", "queueTrigger");
        trigger.put("direction", "in");
        trigger.put("name", "message");
        trigger.put("queueName", RotationQueue.NAME);
        trigger.put("connection", RotationFunctions.QUEUE_CONNECTION);
        return function;
    }

    private static ObjectNode localSettings(FunctionApp app) {
        ObjectNode settings = JSON.createObjectNode();
        settings.put("IsEncrypted", false);
        ObjectNode values = settings.putObject("Values");
        values.put("FUNCTIONS_WORKER_RUNTIME", "custom");
        if (app == FunctionApp.ROTATION) {
            // Every five minutes unless the deployment says otherwise; the host needs a value to index the timer.
            values.put("KEYMGMT_ROTATION_SCHEDULE", "0 */5 * * * *");
            values.put(RotationFunctions.QUEUE_CONNECTION, "UseDevelopmentStorage=true");
        }
        return settings;
    }

    private static String jvmLauncher(FunctionApp app) {
        return """
                #!/bin/sh
                # %s as a custom handler on a JVM: the stand-in for its native executable where none was
                # built (native-build/build-native.sh builds one). Needs Java 17 or newer: JAVA_HOME or java on
                # the PATH. The app listens on FUNCTIONS_CUSTOMHANDLER_PORT, which the Functions host sets.
                here="$(cd "$(dirname "$0")" && pwd)"
                if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
                exec "$java" ${KEYMGMT_JAVA_OPTS:-} -jar "$here/quarkus-app/quarkus-run.jar" "$@"
                """.formatted(app.appName());
    }

    private static Path nativeExecutable(Path build, FunctionApp app) throws IOException {
        Path runner = build.resolve(app.appName() + "-runner");
        return Files.isRegularFile(runner) && Files.isExecutable(runner) ? runner : null;
    }

    private static void write(Path file, ObjectNode json) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * Writes the folders: {@code <out>/keymgmt-<id>/} for each {@code <id>=<build directory>} argument.
     * native-build's Maven build runs it after the four apps' Quarkus builds.
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: CustomHandlerFolder <output folder> <app id>=<its build directory>...");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            FunctionApp app = FunctionApp.fromId(args[i].substring(0, eq));
            Path folder = out.resolve(app.appName());
            boolean nativeImage = write(app, Path.of(args[i].substring(eq + 1)), folder);
            System.out.println(app.appName() + ": " + folder + (nativeImage ? " (native executable)"
                    : " (JVM launcher: no native executable was built)"));
        }
    }
}
