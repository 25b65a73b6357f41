package io.keymgmt.engine;

import static io.keymgmt.engine.EngineFixture.AZURE;
import static io.keymgmt.engine.EngineFixture.assertFault;
import static io.keymgmt.engine.EngineFixture.map;
import static io.keymgmt.engine.EngineFixture.params;
import static io.keymgmt.engine.EngineFixture.vaultName;

import io.keymgmt.engine.fakes.InMemoryVault.Op;
import io.keymgmt.keyvault.KeyVaultException.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Every public operation of the engine, each from a state where it succeeds and reaches every port it
 * uses (the provider has credentials, so opening its vault unseals them). The failure tests run each
 * once to count its calls to a port, then again once per call with that call failed.
 */
final class Scenarios {

    /** A public operation and the state it starts from. */
    record Scenario(String name, String covers, Consumer<EngineFixture> setUp, Consumer<EngineFixture> operation) {

        /** A fresh fixture in its own directory, set up, counts reset. */
        EngineFixture start(Path dir, String run) {
            EngineFixture f = new EngineFixture(dir.resolve(name.replaceAll("[^a-z]+", "-") + "-" + run));
            setUp.accept(f);
            f.resetCounts();
            return f;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Scenarios() {
    }

    static void providerWithCredentials(EngineFixture f, String name) {
        f.providers().write(name, params("provider", AZURE, "key_collection", vaultName(name), "credentials",
                map("tenant_id", "t", "client_id", "c", "client_secret", "s")));
        f.vaultOf(name);
    }

    private static void distributed(EngineFixture f, int versions, String protection) {
        providerWithCredentials(f, "p");
        f.seedKey("k", versions, 1, true);
        f.distribute("p", "k", "encrypt", protection);
    }

    /** Operations that generate no RSA key, so cheap enough to fail at every call for every fault. */
    static List<Scenario> cheap() {
        return List.of(
                new Scenario("update a distributed key", "Keys.write", f -> distributed(f, 3, "software"),
                        f -> f.keys().write("k", params("min_enabled_version", 2))),
                new Scenario("read a key", "Keys.read", f -> f.seedKey("k", 2, 2, false), f -> f.keys().read("k")),
                new Scenario("list keys", "Keys.list", f -> f.seedKey("k", 1), f -> f.keys().list()),
                new Scenario("list a key's providers", "Keys.providers", f -> distributed(f, 1, "software"), f -> f.keys().providers("k")),
                new Scenario("delete a key", "Keys.delete", f -> f.seedKey("k", 2, 1, true), f -> f.keys().delete("k")),
                new Scenario("create a provider", "Providers.write", f -> { }, f -> providerWithCredentials(f, "q")),
                new Scenario("update a provider", "Providers.write", f -> f.provider("p"), f -> f.providers().write("p",
                        params("credentials", map("tenant_id", "t2")))),
                new Scenario("read a provider", "Providers.read", f -> f.provider("p"), f -> f.providers().read("p")),
                new Scenario("list providers", "Providers.list", f -> f.provider("p"), f -> f.providers().list()),
                new Scenario("delete a provider", "Providers.delete", f -> f.provider("p"), f -> f.providers().delete("p")),
                new Scenario("distribute with a new KEK", "Distributions.distribute", f -> {
                    providerWithCredentials(f, "p");
                    f.seedKey("k", 2, 2, false);
                }, f -> f.distribute("p", "k", "encrypt", "hsm")),
                new Scenario("distribute with the remembered KEK", "Distributions.distribute", f -> {
                    distributed(f, 1, "hsm");
                    f.seedKey("j", 1);
                }, f -> f.distribute("p", "j", "encrypt", "hsm")),
                new Scenario("repeat a distribution", "Distributions.distribute", f -> distributed(f, 1, "software"),
                        f -> f.distribute("p", "k", "encrypt", "software")),
                new Scenario("read a distribution", "Distributions.read", f -> distributed(f, 1, "software"),
                        f -> f.distributions().read("p", "k")),
                new Scenario("list a provider's keys", "Distributions.keysOf", f -> distributed(f, 1, "software"),
                        f -> f.distributions().keysOf("p")),
                new Scenario("remove a distribution", "Distributions.remove", f -> distributed(f, 1, "software"),
                        f -> f.distributions().remove("p", "k")),
                new Scenario("sync a distribution", "Distributions.sync", f -> {
                    providerWithCredentials(f, "p");
                    f.seedKey("k", 2);
                    f.vaultOf("p").calls().failNthCall(Op.IMPORT, 2, () -> f.vaultOf("p").refusal(Op.IMPORT,
                            Reason.UNAVAILABLE));
                    assertFault(Fault.AZURE_FAILED, () -> f.distribute("p", "k", "encrypt", "hsm"));
                }, f -> f.distributions().sync("p", "k")),
                new Scenario("plan rotations and resumes", "Rotations.plan", f -> {
                    rotatingAndBehind(f);
                    f.clock.advance(Duration.ofDays(30));
                }, f -> f.rotations().plan(f.clock.instant(), 10)),
                new Scenario("perform a queued resume", "Rotations.perform", Scenarios::rotatingAndBehind,
                        f -> f.rotations().perform(params("kind", "sync", "key", "k", "provider", "p"))));
    }

    /** Key k in p (with credentials), rotating monthly, whose vault missed version 2: the import was refused. */
    private static void rotatingAndBehind(EngineFixture f) {
        providerWithCredentials(f, "p");
        f.seedKey("k", 2);
        f.rotateEvery("k", Duration.ofDays(30));
        f.vaultOf("p").calls().failNthCall(Op.IMPORT, 2, () -> f.vaultOf("p").refusal(Op.IMPORT, Reason.UNAVAILABLE));
        assertFault(Fault.AZURE_FAILED, () -> f.distribute("p", "k", "encrypt", "software"));
    }

    /** Operations that generate an RSA key on every run. */
    static List<Scenario> generating() {
        return List.of(
                new Scenario("create a key", "Keys.write", f -> { }, f -> f.keys().write("k", params("deletion_allowed", true))),
                new Scenario("rotate a distributed key", "Keys.rotate", f -> distributed(f, 1, "hsm"),
                        f -> f.keys().rotate("k", Parameters.none())),
                new Scenario("perform a queued rotation", "Rotations.perform", f -> {
                    distributed(f, 1, "software");
                    f.rotateEvery("k", Duration.ofDays(30));
                    f.clock.advance(Duration.ofDays(30));
                }, f -> f.rotations().perform(params("kind", "rotate", "key", "k", "expected_version", 1))));
    }
}
