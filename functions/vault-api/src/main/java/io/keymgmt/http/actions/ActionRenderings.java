package io.keymgmt.http.actions;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.keymgmt.engine.WorkflowReads.KeyStatus;
import io.keymgmt.http.vault.Renderings;
import io.keymgmt.http.vault.VaultResponses;
import io.keymgmt.kms.Distribution;
import io.keymgmt.operations.Operation;
import io.keymgmt.operations.VaultOutcome;
import java.util.List;

/** The JSON bodies of the workflow actions: plain objects, no Vault envelope, snake_case as in Vault's data. */
final class ActionRenderings {

    /** The code a failed operation's error carries, for a workflow's condition. */
    static final String OPERATION_FAILED = "OperationFailed";

    private ActionRenderings() {
    }

    /**
     * An operation: what it was asked, where it stands, and at the end its result or its error.
     *
     * @param statusUrl the absolute URL a workflow polls
     */
    static ObjectNode operation(Operation op, String statusUrl) {
        ObjectNode body = VaultResponses.object();
        body.put("id", op.id());
        body.put("action", op.action().wireName());
        body.put("status", op.status().wireName());
        body.put("key", op.keyName());
        if (op.providerName().isPresent()) {
            body.put("provider", op.providerName().get());
        } else {
            body.putNull("provider");
        }
        if (op.resultVersion().isPresent()) {
            body.put("version", op.resultVersion().get());
        } else {
            body.putNull("version");
        }
        List<VaultOutcome> failures = op.failures();
        ObjectNode progress = body.putObject("progress");
        progress.put("vaults_done", op.outcomes().size() - failures.size());
        progress.put("vaults_failed", failures.size());
        progress.put("vaults_total", op.vaultsTotal());
        ArrayNode errors = progress.putArray("errors");
        failures.forEach(f -> errors.add(f.provider() + ": " + f.error().orElse("")));
        ArrayNode vaults = body.putArray("vaults");
        for (VaultOutcome outcome : op.outcomes()) {
            ObjectNode vault = vaults.addObject();
            vault.put("provider", outcome.provider());
            vault.put("status", outcome.succeeded() ? "done" : "failed");
            if (outcome.error().isPresent()) {
                vault.put("error", outcome.error().get());
            } else {
                vault.putNull("error");
            }
        }
        if (op.error().isPresent()) {
            ObjectNode error = body.putObject("error");
            error.put("code", OPERATION_FAILED);
            error.put("message", op.error().get());
        } else {
            body.putNull("error");
        }
        body.put("attempts", op.attempts());
        body.put("created_at", op.createdAt().toString());
        body.put("updated_at", op.updatedAt().toString());
        body.put("expires_at", op.expiresAt().toString());
        body.put("status_url", statusUrl);
        return body;
    }

    /** A key as Vault's read renders its data, with each distribution's read beside it, by provider. */
    static ObjectNode keyStatus(KeyStatus status) {
        ObjectNode body = Renderings.key(status.key());
        ArrayNode distributions = body.putArray("distributions");
        for (Distribution d : status.distributions()) {
            ObjectNode node = distributions.addObject();
            node.put("provider", d.providerName());
            node.setAll(Renderings.distribution(d));
        }
        return body;
    }

    /** A list of names under one field: an empty list is an empty array, not Vault's 404. */
    static ObjectNode names(String field, List<String> names) {
        ObjectNode body = VaultResponses.object();
        ArrayNode array = body.putArray(field);
        names.forEach(array::add);
        return body;
    }
}
