package io.keymgmt.http.routes;

import io.quarkus.arc.All;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The function apps this process serves: one for a function app, all four for the aggregate server. */
@ApplicationScoped
@Startup
public class ServedApps {

    private final Set<FunctionApp> apps;

    @Inject
    public ServedApps(@All List<ServedApp> served) {
        EnumSet<FunctionApp> set = EnumSet.noneOf(FunctionApp.class);
        served.forEach(s -> set.add(s.app()));
        if (set.isEmpty()) {
            throw new ConfigurationException("this build serves no function app: build it with one of "
                    + List.of(FunctionApp.values()).stream().map(a -> a.buildProperty() + "=true").toList());
        }
        this.apps = Set.copyOf(set);
    }

    public Set<FunctionApp> apps() {
        return apps;
    }

    public boolean serves(FunctionApp app) {
        return apps.contains(app);
    }

    /** How this process names itself in messages: the app's name, or "the aggregate server". */
    public String describe() {
        if (apps.size() == FunctionApp.values().length) {
            return "the aggregate server";
        }
        return String.join(" and ", apps.stream().sorted().map(FunctionApp::appName).toList());
    }
}
