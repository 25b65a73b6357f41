package io.keymgmt.http.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.engine.Parameters;
import io.keymgmt.http.config.KeymgmtConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a request body into the raw values the engine reads, within the configured size. Only the
 * JSON is decoded here; what each value means, and whether it is valid, is the engine's to decide.
 * The tree model is walked by hand, so decoding needs no reflection (native images).
 */
@ApplicationScoped
public class RequestBodies {

    private static final ObjectMapper JSON = new ObjectMapper();
    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32).build());
    }

    @Inject
    KeymgmtConfig config;

    public Parameters parse(byte[] body) {
        int limit = config.api().maxBodyBytes();
        if (body != null && body.length > limit) {
            throw new BadRequestException(413, "request body of " + body.length + " bytes is larger than the "
                    + limit + " bytes this API accepts");
        }
        if (body == null || body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
            return Parameters.none();
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("failed to parse JSON input: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("failed to read the request body");
        }
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Parameters.none();
        }
        if (!(node instanceof ObjectNode object)) {
            throw new BadRequestException("the request body must be a JSON object");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            values.put(field.getKey(), value(field.getValue()));
        }
        return Parameters.of(values);
    }

    private static Object value(JsonNode node) {
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isArray()) {
            List<Object> items = new ArrayList<>();
            node.forEach(item -> items.add(value(item)));
            return items;
        }
        if (node.isObject()) {
            Map<String, Object> fields = new LinkedHashMap<>();
            node.fields().forEachRemaining(f -> fields.put(f.getKey(), value(f.getValue())));
            return fields;
        }
        return null;
    }
}
