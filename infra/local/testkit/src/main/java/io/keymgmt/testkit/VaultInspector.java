package io.keymgmt.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * Reads keys out of an emulated vault with plain Key Vault REST calls (api-version 7.4) and a
 * reader's bearer token: an observer independent of the Azure SDK the product uses.
 */
public final class VaultInspector {

    /** One key version as the vault holds it. */
    public record AzureKeyVersion(String kid, String version, String keyType, boolean enabled, List<String> keyOperations,
            BigInteger modulus, BigInteger publicExponent, Map<String, String> tags) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final String token;
    private final Function<String, URI> vaults;

    VaultInspector(SSLContext ssl, String token, Function<String, URI> vaults) {
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        this.token = token;
        this.vaults = vaults;
    }

    /** Every version of {@code keyName}, in the vault's listing order; empty if it holds no such live key. */
    public List<AzureKeyVersion> versions(String vault, String keyName) {
        JsonNode list = get(vault, "/keys/" + keyName + "/versions");
        if (list == null) {
            return List.of();
        }
        List<AzureKeyVersion> versions = new ArrayList<>();
        for (JsonNode item : list.path("value")) {
            String kid = item.path("kid").asText();
            String version = kid.substring(kid.lastIndexOf('/') + 1);
            versions.add(version(vault, keyName, version).orElseThrow());
        }
        return versions;
    }

    public Optional<AzureKeyVersion> version(String vault, String keyName, String version) {
        JsonNode bundle = get(vault, "/keys/" + keyName + "/" + version);
        if (bundle == null) {
            return Optional.empty();
        }
        JsonNode key = bundle.path("key");
        List<String> ops = new ArrayList<>();
        key.path("key_ops").forEach(op -> ops.add(op.asText()));
        Map<String, String> tags = new TreeMap<>();
        bundle.path("tags").fields().forEachRemaining(e -> tags.put(e.getKey(), e.getValue().asText()));
        return Optional.of(new AzureKeyVersion(key.path("kid").asText(), version, key.path("kty").asText(),
                bundle.path("attributes").path("enabled").asBoolean(), ops, unsigned(key.path("n").asText()),
                unsigned(key.path("e").asText()), tags));
    }

    /** Whether {@code keyName} sits in the vault's soft-deleted keys. */
    public boolean isSoftDeleted(String vault, String keyName) {
        return get(vault, "/deletedkeys/" + keyName) != null;
    }

    private JsonNode get(String vault, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(vaults.apply(vault) + path + "?api-version=7.4"))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404) {
                return null;
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " on " + vault + " answered " + response.statusCode()
                        + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static BigInteger unsigned(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }
}
