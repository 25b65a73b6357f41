package io.keymgmt.http.hosting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.annotation.ServiceInterface;
import com.azure.json.JsonSerializable;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Keeps the native-image registrations in META-INF/native-image/io.keymgmt/keymgmt-vault-api true to
 * the Azure SDK jars on the class path. The SDK's REST layer builds a java.lang.reflect.Proxy of every
 * {@code @ServiceInterface} and reads its annotations reflectively, and it deserializes responses by
 * calling each model's static {@code fromJson} reflectively; a native image knows none of that unless
 * told. When an SDK version changes, this test fails and writes the expected files to target/ to copy.
 */
class NativeRegistrationsTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String REGISTRATIONS = "META-INF/native-image/io.keymgmt/keymgmt-vault-api/";
    /** The SDK libraries the engine calls at run time (whose jar holds each of these classes). */
    private static final List<Class<?>> SDK_LIBRARIES = List.of(
            com.azure.core.http.HttpClient.class,
            com.azure.data.tables.TableClient.class,
            com.azure.security.keyvault.keys.KeyClient.class,
            com.azure.identity.ManagedIdentityCredential.class,
            com.azure.storage.queue.QueueClient.class,
            com.azure.storage.common.StorageSharedKeyCredential.class,
            com.microsoft.aad.msal4j.ConfidentialClientApplication.class);

    @Test
    void proxiesAndReflectionCoverEveryServiceInterfaceAndJsonModelOfTheSdk() throws Exception {
        TreeSet<String> services = new TreeSet<>();
        TreeSet<String> models = new TreeSet<>();
        for (Class<?> library : SDK_LIBRARIES) {
            Path jar = Path.of(library.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (JarFile file = new JarFile(jar.toFile())) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements(); ) {
                    String entry = e.nextElement().getName();
                    if (!entry.endsWith(".class") || entry.startsWith("META-INF/") || entry.endsWith("module-info.class")) {
                        continue;
                    }
                    Class<?> c;
                    try {
                        c = Class.forName(entry.substring(0, entry.length() - 6).replace('/', '.'), false,
                                getClass().getClassLoader());
                    } catch (LinkageError | ClassNotFoundException unloadable) {
                        continue; // needs an optional dependency the engine does not use
                    }
                    if (c.isInterface() && c.isAnnotationPresent(ServiceInterface.class)) {
                        services.add(c.getName());
                    } else if ((JsonSerializable.class.isAssignableFrom(c)
                            || com.azure.xml.XmlSerializable.class.isAssignableFrom(c)) && !c.isInterface()
                            && !Modifier.isAbstract(c.getModifiers())) {
                        models.add(c.getName());
                    }
                }
            }
        }
        assertTrue(services.size() >= 5 && models.size() > 50, "the scan found too little: " + services + models);

        ArrayNode proxies = JSON.createArrayNode();
        services.forEach(s -> proxies.addObject().putArray("interfaces").add(s));
        ArrayNode reflection = JSON.createArrayNode();
        for (String s : services) {
            reflection.addObject().put("name", s).put("allDeclaredMethods", true).put("allPublicMethods", true);
        }
        for (String m : models) {
            reflection.addObject().put("name", m).put("allDeclaredMethods", true).put("allDeclaredConstructors", true);
        }
        check("proxy-config.json", proxies);
        check("reflect-config.json", reflection);
    }

    private void check(String name, ArrayNode expected) throws IOException {
        JsonNode actual;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(REGISTRATIONS + name)) {
            actual = in == null ? null : JSON.readTree(in);
        }
        if (!expected.equals(actual)) {
            Path written = Path.of("target", "expected-native-image", name);
            Files.createDirectories(written.getParent());
            Files.writeString(written, JSON.writeValueAsString(expected) + "\n");
            assertEquals(JSON.writeValueAsString(expected), actual == null ? "(missing)" : JSON.writeValueAsString(actual),
                    REGISTRATIONS + name + " is out of date; the expected file is in " + written.toAbsolutePath()
                            + " (copy it to src/main/resources/" + REGISTRATIONS + ")");
        }
    }

}
