package io.keymgmt.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request body read the way Vault reads one: JSON, with Vault's weak typing, because the vault CLI
 * sends every {@code k=v} as a string ({@code "min_enabled_version":"2"}) and Terraform sends native
 * types. Parameters the endpoint does not know are reported back as warnings, as Vault does.
 */
public final class VaultParams {

    private static final ObjectMapper JSON = new ObjectMapper();
    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    private final ObjectNode body;
    private final Set<String> read = new LinkedHashSet<>();

    private VaultParams(ObjectNode body) {
        this.body = body;
    }

    public static VaultParams parse(byte[] raw) {
        if (raw == null || raw.length == 0 || new String(raw, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new VaultParams(JSON.createObjectNode());
        }
        JsonNode node;
        try {
            node = JSON.readTree(raw);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("failed to parse JSON input: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadRequestException("failed to read the request body");
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return new VaultParams(JSON.createObjectNode());
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequestException("the request body must be a JSON object");
        }
        return new VaultParams(object);
    }

    public Optional<String> string(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isTextual() || v.isNumber() || v.isBoolean()) {
            return Optional.of(v.asText());
        }
        throw new BadRequestException(name + " must be a string");
    }

    public Optional<Integer> integer(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) {
            return Optional.of(v.intValue());
        }
        if (v.isTextual()) {
            try {
                return Optional.of(Integer.parseInt(v.textValue().trim()));
            } catch (NumberFormatException ignored) {
                // Reported below.
            }
        }
        throw new BadRequestException(name + " must be an integer, got " + v);
    }

    public Optional<Boolean> bool(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isBoolean()) {
            return Optional.of(v.booleanValue());
        }
        if (v.isTextual()) {
            // Go's strconv.ParseBool, which Vault uses for string input.
            switch (v.textValue().trim()) {
                case "1", "t", "T", "true", "TRUE", "True" -> {
                    return Optional.of(true);
                }
                case "0", "f", "F", "false", "FALSE", "False" -> {
                    return Optional.of(false);
                }
                default -> {
                    // Reported below.
                }
            }
        }
        if (v.isIntegralNumber() && (v.intValue() == 0 || v.intValue() == 1)) {
            return Optional.of(v.intValue() == 1);
        }
        throw new BadRequestException(name + " must be a boolean (true or false), got " + v);
    }

    /** A list given as a JSON array of strings or as one comma-separated string. */
    public Optional<List<String>> commaList(String name) {
        JsonNode v = take(name);
        if (v == null) {
            return Optional.empty();
        }
        List<String> items = new ArrayList<>();
        if (v.isTextual()) {
            for (String part : v.textValue().split(",")) {
                if (!part.isBlank()) {
                    items.add(part.trim());
                }
            }
        } else if (v.isArray()) {
            for (JsonNode item : v) {
                if (!item.isTextual()) {
                    throw new BadRequestException(name + " must be a list of strings, got " + v);
                }
                for (String part : item.textValue().split(",")) {
                    if (!part.isBlank()) {
                        items.add(part.trim());
                    }
                }
            }
        } else {
            throw new BadRequestException(name + " must be a string or a list of strings, got " + v.getNodeType()
                    .toString().toLowerCase(Locale.ROOT));
        }
        return Optional.of(items);
    }

    /**
     * Key-value pairs given as a JSON object of strings or as a list of {@code "k=v"} strings (what the
     * vault CLI sends for repeated {@code credentials=k=v}).
     */
    public Optional<Map<String, String>> keyValuePairs(String name) {
        JsonNode v = take(name);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        if (v.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw new BadRequestException(name + "." + e.getKey() + " must be a string");
                }
                put(pairs, name, e.getKey(), e.getValue().textValue());
            }
        } else if (v.isArray() || v.isTextual()) {
            Iterable<JsonNode> items = v.isArray() ? v : List.of(v);
            for (JsonNode item : items) {
                if (!item.isTextual() || item.textValue().indexOf('=') < 1) {
                    throw new BadRequestException(name + " must be an object or a list of \"key=value\" strings");
                }
                String text = item.textValue();
                int eq = text.indexOf('=');
                put(pairs, name, text.substring(0, eq), text.substring(eq + 1));
            }
        } else {
            throw new BadRequestException(name + " must be an object or a list of \"key=value\" strings");
        }
        return Optional.of(pairs);
    }

    /** Vault's warning for parameters the endpoint does not take, or none. */
    public List<String> warnings() {
        Set<String> unknown = new TreeSet<>();
        body.fieldNames().forEachRemaining(unknown::add);
        unknown.removeAll(read);
        if (unknown.isEmpty()) {
            return List.of();
        }
        return List.of("Endpoint ignored these unrecognized parameters: " + unknown);
    }

    private static void put(Map<String, String> pairs, String name, String key, String value) {
        if (pairs.put(key, value) != null) {
            throw new BadRequestException(name + " gives " + key + " twice");
        }
    }

    private JsonNode take(String name) {
        read.add(name);
        JsonNode v = body.get(name);
        return v == null || v.isNull() ? null : v;
    }
}
