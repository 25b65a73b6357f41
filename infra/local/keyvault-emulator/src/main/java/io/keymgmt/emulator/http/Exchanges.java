package io.keymgmt.emulator.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * The few things every endpoint of the emulator does with a {@link HttpExchange}: read a bounded
 * body, decode query strings and forms, and answer with JSON.
 */
public final class Exchanges {

    /** One mapper for the whole emulator: thread-safe once configured, and only its tree model is used. */
    public static final ObjectMapper JSON = new ObjectMapper();

    private Exchanges() {
    }

    /**
     * Reads the whole request body, refusing more than {@code limit} bytes so that a runaway client
     * cannot exhaust the emulator's memory.
     */
    public static byte[] readBody(HttpExchange exchange, int limit) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (out.size() + n > limit) {
                    throw new BodyTooLargeException(limit);
                }
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** Decoded query parameters of the request; the first occurrence of a name wins. */
    public static Map<String, String> queryParameters(HttpExchange exchange) {
        return decodePairs(exchange.getRequestURI().getRawQuery());
    }

    /** Decodes {@code application/x-www-form-urlencoded} content; the first occurrence of a name wins. */
    public static Map<String, String> decodePairs(String encoded) {
        if (encoded == null || encoded.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            values.putIfAbsent(name, value);
        }
        return values;
    }

    public static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        sendJson(exchange, status, body, Collections.emptyMap());
    }

    public static void sendJson(HttpExchange exchange, int status, JsonNode body, Map<String, String> headers)
            throws IOException {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IOException("could not render a JSON reply", e);
        }
        headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A reply without content, such as purge's 204. */
    public static void sendEmpty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    /** The request body was larger than the endpoint accepts. */
    public static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        public BodyTooLargeException(int limit) {
            super("the request body is larger than " + limit + " bytes, the most this endpoint accepts");
        }
    }
}
