package io.keymgmt.byok;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * JSON for tests, read with azure-json: already a dependency of this module (so no new one), and an
 * implementation independent of the blob's own strict reader, which is what the checks need.
 * Objects come back as maps in document order, arrays as lists, strings and numbers as themselves.
 */
public final class TestJson {

    private TestJson() {
    }

    public static Map<String, Object> parseObject(byte[] json) {
        try (JsonReader reader = JsonProviders.createReader(json)) {
            reader.nextToken();
            return asObject(reader.readUntyped());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON file from the test classpath, e.g. {@code /wycheproof/aes_kwp_test.json}. */
    public static Map<String, Object> resource(String name) {
        try (InputStream in = TestJson.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("test resource " + name + " is missing");
            }
            return parseObject(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object value) {
        if (!(value instanceof Map)) {
            throw new IllegalStateException("expected a JSON object, got " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object value) {
        if (!(value instanceof List)) {
            throw new IllegalStateException("expected a JSON array, got " + value);
        }
        return (List<Object>) value;
    }
}
