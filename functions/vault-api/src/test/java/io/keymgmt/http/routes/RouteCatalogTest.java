package io.keymgmt.http.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.routes.Route.Field;
import io.keymgmt.http.routes.Route.Parameter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The catalog says everything the help and the OpenAPI document need: each path is described once,
 * with its path parameters, and each read says what its data holds.
 */
class RouteCatalogTest {

    @Test
    void everyTemplateIsDescribedOnceWithItsPathParameters() {
        Set<String> templates = new LinkedHashSet<>(Routes.all().stream().map(Route::template).toList());
        assertEquals(List.copyOf(templates), Routes.paths().stream().map(RoutePath::template).toList());
        for (RoutePath path : Routes.paths()) {
            Route any = Routes.all().stream().filter(r -> r.template().equals(path.template())).findFirst().orElseThrow();
            assertEquals(any.pathParameters(), path.pathParameters().stream().map(Parameter::name).toList(),
                    path.template());
            for (Parameter p : path.pathParameters()) {
                assertTrue(p.required() && p.fieldType() == FieldType.STRING && !p.description().isBlank(), p.toString());
            }
            assertFalse(path.synopsis().isBlank() || path.description().isBlank(), path.template());
            assertTrue(path.synopsis().endsWith(".") && path.description().endsWith("."), path.template());
        }
    }

    @Test
    void readsSayWhatTheirDataHoldsAndNothingElseReturnsData() {
        for (Route route : Routes.all()) {
            assertEquals(route.verb() == Verb.READ, !route.response().isEmpty(), route.toString());
            assertTrue(route.verb() == Verb.WRITE || route.parameters().isEmpty(), "only writes take a body: " + route);
            for (Field field : route.response()) {
                assertFalse(field.description().isBlank(), field.toString());
                assertTrue(field.type() == FieldType.MAP || field.entryFields().isEmpty(), field.toString());
            }
        }
    }

    @Test
    void parameterNamesAreUniqueOnAPathAndDefaultsAreAllowedValues() {
        for (RoutePath path : Routes.paths()) {
            Set<String> names = new LinkedHashSet<>();
            path.pathParameters().forEach(p -> assertTrue(names.add(p.name()), p.name()));
            for (Route route : Routes.all()) {
                if (route.template().equals(path.template())) {
                    route.parameters().forEach(p -> assertTrue(names.add(p.name()), path.template() + " " + p.name()));
                }
            }
        }
        for (Route route : Routes.all()) {
            for (Parameter p : route.parameters()) {
                p.defaultValue().ifPresent(d -> assertTrue(p.allowedValues().isEmpty() || p.allowedValues().contains(d),
                        p.toString()));
            }
        }
    }

    @Test
    void theAcceptedValuesAreTheEnginesOwn() {
        Parameter type = Routes.find(Verb.WRITE, List.of("key", "k")).orElseThrow().parameters().get(0);
        assertEquals("type", type.name());
        assertEquals(List.of("rsa-2048", "rsa-3072", "rsa-4096"), type.allowedValues());
        assertEquals(Optional.of("rsa-2048"), type.defaultValue());
        Route distribute = Routes.find(Verb.WRITE, List.of("kms", "p", "key", "k")).orElseThrow();
        assertEquals(List.of("encrypt", "decrypt", "sign", "verify", "wrap", "unwrap"),
                distribute.parameters().get(0).allowedValues());
        assertEquals(List.of("hsm", "software"), distribute.parameters().get(1).allowedValues());
    }

    @Test
    void theFirstFormOfAParameterStillMakesOne() {
        Parameter p = new Parameter("ttl", "integer", true, "How long.");
        assertEquals(FieldType.INT, p.fieldType());
        assertEquals("integer", p.type());
        assertEquals(List.of(), p.allowedValues());
        assertEquals(Optional.empty(), p.defaultValue());
        assertEquals(List.of(), new Route(FunctionApp.DELETION, Verb.DELETE, "x/{name}", "Delete.", List.of()).response());
    }
}
