package io.keymgmt.testkit.functions;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A function app folder as the Functions host reads it: host.json, local.settings.json (as Core
 * Tools does) and every {@code <FunctionName>/function.json} directly below the folder.
 */
final class FunctionAppFolder {

    /** The host's default when host.json sets no extensions.http.routePrefix. */
    static final String DEFAULT_ROUTE_PREFIX = "api";

    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    record Binding(String type, String direction, String name, JsonNode raw) {

        boolean isTrigger() {
            return type.toLowerCase(Locale.ROOT).endsWith("trigger");
        }

        boolean isHttpTrigger() {
            return type.equalsIgnoreCase("httpTrigger");
        }
    }

    /**
     * One function. {@code route} and {@code methods} are set for an HTTP-triggered function only;
     * an empty {@code methods} set means every method.
     */
    record Function(String name, Path folder, List<Binding> bindings, String scriptFile, String entryPoint,
                    RouteTemplate route, Set<String> methods) {

        boolean isHttp() {
            return route != null;
        }

        boolean allows(String method) {
            return methods.isEmpty() || methods.contains(method.toUpperCase(Locale.ROOT));
        }

        Binding trigger() {
            return bindings.stream().filter(Binding::isTrigger).findFirst().orElse(null);
        }
    }

    /** host.json's customHandler section, with paths still as written. */
    record CustomHandler(String defaultExecutablePath, String workingDirectory, List<String> arguments,
                         String defaultWorkerPath, List<String> workerArguments, boolean enableProxyingHttpRequest,
                         Integer port) {
    }

    final Path folder;
    final JsonNode hostJson;
    final String routePrefix;
    final Map<String, String> localSettings;
    final CustomHandler customHandler;
    final List<Function> functions;

    private FunctionAppFolder(Path folder, JsonNode hostJson, String routePrefix, Map<String, String> localSettings,
                              CustomHandler customHandler, List<Function> functions) {
        this.folder = folder;
        this.hostJson = hostJson;
        this.routePrefix = routePrefix;
        this.localSettings = localSettings;
        this.customHandler = customHandler;
        this.functions = functions;
    }

    static FunctionAppFolder read(Path appFolder) {
        Path folder = appFolder.toAbsolutePath().normalize();
        Path hostFile = folder.resolve("host.json");
        if (!Files.isRegularFile(hostFile)) {
            throw new IllegalArgumentException("not a function app folder (no host.json): " + folder);
        }
        JsonNode host = readJson(hostFile);
        JsonNode prefixNode = path(host, "extensions", "http", "routePrefix");
        String routePrefix = prefixNode == null || prefixNode.isNull() ? DEFAULT_ROUTE_PREFIX : prefixNode.asText();

        Map<String, String> localSettings = new LinkedHashMap<>();
        Path localSettingsFile = folder.resolve("local.settings.json");
        if (Files.isRegularFile(localSettingsFile)) {
            JsonNode values = field(readJson(localSettingsFile), "Values");
            if (values != null) {
                values.fields().forEachRemaining(e -> localSettings.put(e.getKey(), e.getValue().asText()));
            }
        }

        if (field(host, "httpWorker") != null && field(host, "customHandler") == null) {
            throw new IllegalArgumentException("host.json's deprecated httpWorker section is not emulated; use customHandler: "
                    + hostFile);
        }
        CustomHandler customHandler = customHandler(field(host, "customHandler"), hostFile);

        Set<String> only = new LinkedHashSet<>();
        JsonNode listed = field(host, "functions");
        if (listed != null && listed.isArray()) {
            listed.forEach(n -> only.add(n.asText().toLowerCase(Locale.ROOT)));
        }
        List<Function> functions = new ArrayList<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path dir : children.sorted().toList()) {
                Path functionJson = dir.resolve("function.json");
                String name = dir.getFileName().toString();
                if (Files.isRegularFile(functionJson)
                        && (only.isEmpty() || only.contains(name.toLowerCase(Locale.ROOT)))) {
                    functions.add(function(name, dir, readJson(functionJson), routePrefix, functionJson));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        return new FunctionAppFolder(folder, host, routePrefix, Map.copyOf(localSettings), customHandler,
                List.copyOf(functions));
    }

    private static CustomHandler customHandler(JsonNode section, Path hostFile) {
        if (section == null) {
            return null;
        }
        JsonNode description = field(section, "description");
        if (description == null || text(description, "defaultExecutablePath") == null) {
            throw new IllegalArgumentException("host.json customHandler has no description.defaultExecutablePath: " + hostFile);
        }
        JsonNode proxying = field(section, "enableProxyingHttpRequest");
        JsonNode port = field(section, "port");
        return new CustomHandler(text(description, "defaultExecutablePath"), text(description, "workingDirectory"),
                strings(field(description, "arguments")), text(description, "defaultWorkerPath"),
                strings(field(description, "workerArguments")), proxying != null && proxying.asBoolean(),
                port == null || port.isNull() ? null : port.asInt());
    }

    private static Function function(String name, Path dir, JsonNode json, String routePrefix, Path file) {
        List<Binding> bindings = new ArrayList<>();
        JsonNode list = field(json, "bindings");
        if (list != null && list.isArray()) {
            for (JsonNode b : list) {
                bindings.add(new Binding(nonNull(text(b, "type")), nonNull(text(b, "direction")).toLowerCase(Locale.ROOT),
                        nonNull(text(b, "name")), b));
            }
        }
        RouteTemplate route = null;
        Set<String> methods = Set.of();
        for (Binding b : bindings) {
            if (b.isHttpTrigger() && b.direction().equals("in")) {
                String template = text(b.raw(), "route");
                try {
                    route = RouteTemplate.of(routePrefix, template == null ? name : template);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(e.getMessage() + " (in " + file + ")", e);
                }
                Set<String> allowed = new LinkedHashSet<>();
                for (String m : strings(field(b.raw(), "methods"))) {
                    allowed.add(m.toUpperCase(Locale.ROOT));
                }
                methods = Set.copyOf(allowed);
                break;
            }
        }
        return new Function(name, dir, List.copyOf(bindings), text(json, "scriptFile"), text(json, "entryPoint"),
                route, methods);
    }

    static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A property by name, ignoring case as the host's configuration binding does. */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String candidate = names.next();
            if (candidate.equalsIgnoreCase(name)) {
                return node.get(candidate);
            }
        }
        return null;
    }

    private static JsonNode path(JsonNode node, String... names) {
        JsonNode current = node;
        for (String name : names) {
            current = field(current, name);
        }
        return current;
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(n -> values.add(n.asText()));
        }
        return List.copyOf(values);
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
