package io.keymgmt.http.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keymgmt.http.actions.ActionResource;
import io.keymgmt.operations.OperationAction;
import io.quarkus.arc.properties.IfBuildProperty;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the route catalog and the JAX-RS resources to each other: every route of the catalog is
 * implemented, in every HTTP form its verb takes, by a resource of the app that serves it, and no
 * resource serves anything else. So the route gate, the function.json methods and the help built from
 * the catalog describe what the code does.
 */
class RoutesMatchResourcesTest {

    private record Served(FunctionApp app, String httpMethod, String template) implements Comparable<Served> {
        @Override
        public int compareTo(Served o) {
            return toString().compareTo(o.toString());
        }
    }

    @Test
    void everyRouteIsImplementedByItsAppInEveryFormAndNothingElseIs() throws Exception {
        Set<Served> implemented = new TreeSet<>();
        for (Class<?> resource : resourceClasses()) {
            if (HostInvokedFunctions.class.isAssignableFrom(resource)) {
                continue; // the Functions host's invocations of timer and queue functions, not API routes
            }
            if (resource.getAnnotation(Path.class).value().startsWith("/v1/sys/")) {
                continue; // Vault's system paths (health, the OpenAPI document) are every app's
            }
            if (resource.getAnnotation(Path.class).value().equals(WorkflowActions.ROOT)) {
                continue; // the workflow actions, outside Vault's API: see the test below
            }
            IfBuildProperty included = resource.getAnnotation(IfBuildProperty.class);
            assertTrue(included != null && included.stringValue().equals("true"), resource
                    + " must be included by its app's build property, keymgmt.app.<id>=true");
            FunctionApp app = appOfBuildProperty(included.name());
            String root = resource.getAnnotation(Path.class).value();
            assertEquals(RouteGate.RESOURCE_ROOT, root, resource + " must live under the resources' root, "
                    + "where the route gate maps the mount");
            for (Method method : resource.getDeclaredMethods()) {
                String httpMethod = httpMethod(method);
                if (httpMethod == null) {
                    continue;
                }
                Path path = method.getAnnotation(Path.class);
                implemented.add(new Served(app, httpMethod, path == null ? "" : path.value()));
            }
        }
        Set<Served> catalog = new TreeSet<>();
        for (Route route : Routes.all()) {
            for (String httpMethod : route.verb().httpMethods()) {
                catalog.add(new Served(route.app(), httpMethod, route.template()));
            }
        }
        assertEquals(catalog, implemented);
    }

    @Test
    void theWorkflowActionsAreOneResourceThatTheGateGuardsAction() throws Exception {
        Set<String> implemented = new TreeSet<>();
        for (Method method : ActionResource.class.getDeclaredMethods()) {
            String httpMethod = httpMethod(method);
            if (httpMethod != null) {
                implemented.add(httpMethod + " " + method.getAnnotation(Path.class).value());
            }
        }
        assertEquals(Set.of("POST {action}", "GET operations/{id}"), implemented);
        assertNull(ActionResource.class.getAnnotation(IfBuildProperty.class), "every app has it; the gate decides");
        assertEquals(WorkflowActions.OPERATIONS, WorkflowActions.ROOT + "/" + "operations");
        for (WorkflowAction action : WorkflowActions.all()) {
            // A long action is an operation the engine records; the others are answered at once.
            assertEquals(action.longRunning(), OperationAction.fromWireName(action.name()).isPresent(), action.name());
            assertTrue(!action.longRunning() || WorkflowActions.OPERATION_APPS.contains(action.app()), action.name());
        }
        assertEquals(Set.of(OperationAction.values()).size(),
                WorkflowActions.all().stream().filter(WorkflowAction::longRunning).count());
    }

    @Test
    void eachAppHasItsMarkerUnderItsOwnBuildProperty() throws Exception {
        Set<FunctionApp> marked = EnumSet.noneOf(FunctionApp.class);
        for (Class<?> c : classesUnder("io/keymgmt/http")) {
            if (ServedApp.class.isAssignableFrom(c) && !c.isInterface()) {
                FunctionApp app = ((ServedApp) c.getDeclaredConstructor().newInstance()).app();
                IfBuildProperty included = c.getAnnotation(IfBuildProperty.class);
                assertEquals(app.buildProperty(), included.name(), c.getName());
                assertEquals("true", included.stringValue(), c.getName());
                assertTrue(marked.add(app), "two markers for " + app);
            }
        }
        assertEquals(EnumSet.allOf(FunctionApp.class), marked);
    }

    @Test
    void theAppsSplitTheApiByMethodAsWellAsByPath() {
        // The reason a path-only router cannot front the apps: one path, two apps.
        List<Route> keyRoutes = Routes.matching(List.of("key", "payments"));
        assertEquals(Set.of(FunctionApp.KEY_DISTRIBUTION, FunctionApp.DELETION),
                Set.copyOf(keyRoutes.stream().map(Route::app).toList()));
        assertFalse(Routes.find(Verb.DELETE, List.of("key")).isPresent());
        assertEquals(FunctionApp.DELETION, Routes.find(Verb.DELETE, List.of("kms", "p", "key", "k")).orElseThrow().app());
        assertTrue(Routes.servedBy(Set.of(FunctionApp.ROTATION)).isEmpty(), "rotation serves no HTTP route yet");
    }

    private static FunctionApp appOfBuildProperty(String property) {
        for (FunctionApp app : FunctionApp.values()) {
            if (app.buildProperty().equals(property)) {
                return app;
            }
        }
        throw new AssertionError("no function app has the build property " + property);
    }

    private static String httpMethod(Method method) {
        for (Annotation a : method.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    private static List<Class<?>> resourceClasses() throws Exception {
        List<Class<?>> resources = new ArrayList<>();
        for (Class<?> c : classesUnder("io/keymgmt/http")) {
            if (c.isAnnotationPresent(Path.class)) {
                resources.add(c);
            }
        }
        assertTrue(resources.size() >= 5, "found only " + resources);
        return resources;
    }

    private static List<Class<?>> classesUnder(String packagePath) throws IOException, URISyntaxException,
            ClassNotFoundException {
        java.nio.file.Path root = Paths.get(RouteGate.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root.resolve(packagePath))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (!name.contains("$")) {
                    classes.add(Class.forName(name));
                }
            }
        }
        return classes;
    }
}
