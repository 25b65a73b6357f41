package io.keymgmt.emulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** Plain REST against the emulator, for what the SDK hides: status lines, headers, exact error bodies. */
final class RestCalls {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "api-version=7.4";

    record Reply(int status, java.net.http.HttpHeaders headers, String text) {
        JsonNode json() {
            try {
                return text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + text, e);
            }
        }

        String errorCode() {
            return json().path("error").path("code").asText();
        }

        String errorMessage() {
            return json().path("error").path("message").asText();
        }

        String innerCode() {
            return json().path("error").path("innererror").path("code").asText();
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient client;

    RestCalls(KeyVaultEmulator emulator) {
        this.client = HttpClient.newBuilder().sslContext(SdkClients.trusting(emulator.caCertificatePem()))
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    Reply send(String method, URI uri, String bearerToken, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return send(request.build());
    }

    Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new AssertionError("request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A vault URL plus path, with api-version 7.4 unless the path already has a query. */
    static URI at(URI vault, String pathAndQuery) {
        return URI.create(vault + pathAndQuery + (pathAndQuery.contains("?") ? "" : "?" + API));
    }
}
