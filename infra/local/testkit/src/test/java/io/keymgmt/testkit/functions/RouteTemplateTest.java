package io.keymgmt.testkit.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTemplateTest {

    @Test
    void joinsPrefixAndRouteAsTheHostDoes() {
        assertEquals("api/keys/{name}", RouteTemplate.of("api", "keys/{name}").toString());
        assertEquals("keys", RouteTemplate.of("", "/keys/").toString());
        assertEquals("v2/root/x", RouteTemplate.of("/v2/root/", "x").toString());
        assertEquals("api", RouteTemplate.of("api", "").toString());
    }

    @Test
    void matchesLiteralsParametersAndCatchAll() {
        RouteTemplate keys = RouteTemplate.of("v2/root", "keys/{name:alpha}");
        assertEquals(Optional.of(Map.of("name", "k1")), keys.match("/V2/Root/keys/k1"));
        assertEquals(Optional.empty(), keys.match("/v2/root/keys"));
        assertEquals(Optional.empty(), keys.match("/v2/root/keys/k1/more"));
        assertEquals(Optional.empty(), keys.match("/keys/k1"));

        RouteTemplate all = RouteTemplate.of("", "{*path}");
        assertEquals(Optional.of(Map.of()), all.match("/"));
        assertEquals(Optional.of(Map.of("path", "v1/secret/data/a b")), all.match("/v1/secret/data/a%20b"));
        assertEquals(Optional.of(Map.of("path", "x+y")), all.match("/x+y"), "'+' is not a space in a path");

        RouteTemplate optional = RouteTemplate.of("api", "items/{id?}");
        assertEquals(Optional.of(Map.of()), optional.match("/api/items"));
        assertEquals(Optional.of(Map.of("id", "7")), optional.match("/api/items/7"));
        assertEquals(Optional.of(Map.of("page", "1")), RouteTemplate.of("api", "list/{page=1}").match("/api/list"));
    }

    @Test
    void ordersMoreSpecificTemplatesFirst() {
        RouteTemplate literal = RouteTemplate.of("", "items/latest");
        RouteTemplate parameter = RouteTemplate.of("", "items/{id}");
        RouteTemplate catchAll = RouteTemplate.of("", "items/{*rest}");
        RouteTemplate everything = RouteTemplate.of("", "{*path}");
        List<RouteTemplate> templates = new ArrayList<>(List.of(everything, catchAll, parameter, literal));
        Collections.shuffle(templates);
        Collections.sort(templates);
        assertEquals(List.of(literal, parameter, catchAll, everything), templates);
    }

    @Test
    void rejectsTemplatesItCannotHonour() {
        assertThrows(IllegalArgumentException.class, () -> RouteTemplate.of("", "files/{name}.{ext}"));
        assertThrows(IllegalArgumentException.class, () -> RouteTemplate.of("", "{*rest}/tail"));
        assertThrows(IllegalArgumentException.class, () -> RouteTemplate.of("", "a//b"));
    }

    @Test
    void knowsTheAdminPath() {
        assertTrue(RouteTemplate.isAdminPath("/admin/host/status"));
        assertTrue(RouteTemplate.isAdminPath("/Admin"));
        assertEquals(false, RouteTemplate.isAdminPath("/administrator"));
    }
}
