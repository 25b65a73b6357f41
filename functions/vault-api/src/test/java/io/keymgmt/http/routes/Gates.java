package io.keymgmt.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keymgmt.http.config.KeymgmtConfig;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Route gates as a build would make them, without Quarkus: the configuration is a stand-in that
 * answers only what the gate reads (the mount path), the served apps are those given.
 */
public final class Gates {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Gates() {
    }

    public static RouteGate gate(String mount, FunctionApp... apps) {
        return new RouteGate(served(apps), config(mount));
    }

    public static ServedApps served(FunctionApp... apps) {
        List<ServedApp> markers = Arrays.stream(apps).<ServedApp>map(app -> () -> app).toList();
        return new ServedApps(markers);
    }

    /** A configuration whose api() has the mount path and the defaults; nothing else is read. */
    public static KeymgmtConfig config(String mount) {
        KeymgmtConfig.Api api = (KeymgmtConfig.Api) Proxy.newProxyInstance(Gates.class.getClassLoader(),
                new Class<?>[] {KeymgmtConfig.Api.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "mountPath" -> mount;
                    case "auth" -> KeymgmtConfig.AuthMode.TOKEN;
                    case "token" -> Optional.of("t");
                    case "maxBodyBytes" -> 65536;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (KeymgmtConfig) Proxy.newProxyInstance(Gates.class.getClassLoader(),
                new Class<?>[] {KeymgmtConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("api")) {
                        return api;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** A response's body, as JSON. */
    public static JsonNode body(Response response) {
        try {
            return JSON.readTree((String) response.getEntity());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
