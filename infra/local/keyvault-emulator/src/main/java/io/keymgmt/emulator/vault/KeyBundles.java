package io.keymgmt.emulator.vault;

import java.net.URI;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.keymgmt.emulator.http.Exchanges;

/** Renders keys as Key Vault's JSON: KeyBundle, KeyItem, DeletedKeyBundle, DeletedKeyItem and list pages. */
final class KeyBundles {

    private KeyBundles() {
    }

    static String kid(URI vaultUrl, KeyVersion key) {
        return vaultUrl + "/keys/" + key.keyName() + "/" + key.version();
    }

    /** The public JWK only: n and e come from the private key the vault holds, never from the request. */
    static ObjectNode keyBundle(URI vaultUrl, KeyVersion key) {
        ObjectNode bundle = Exchanges.JSON.createObjectNode();
        ObjectNode jwk = bundle.putObject("key");
        jwk.put("kid", kid(vaultUrl, key));
        jwk.put("kty", key.kty());
        ArrayNode ops = jwk.putArray("key_ops");
        key.keyOps().forEach(ops::add);
        jwk.put("n", Base64Values.encodeUnsigned(key.modulus()));
        jwk.put("e", Base64Values.encodeUnsigned(key.publicExponent()));
        bundle.set("attributes", attributes(key));
        putTags(bundle, key.tags());
        return bundle;
    }

    static ObjectNode keyItem(URI vaultUrl, KeyVersion key, boolean versioned) {
        ObjectNode item = Exchanges.JSON.createObjectNode();
        item.put("kid", versioned ? kid(vaultUrl, key) : vaultUrl + "/keys/" + key.keyName());
        item.set("attributes", attributes(key));
        putTags(item, key.tags());
        return item;
    }

    static ObjectNode deletedKeyBundle(URI vaultUrl, Vault.DeletedKey deleted) {
        ObjectNode bundle = Exchanges.JSON.createObjectNode();
        putDeletion(bundle, vaultUrl, deleted);
        bundle.setAll(keyBundle(vaultUrl, deleted.latest()));
        return bundle;
    }

    static ObjectNode deletedKeyItem(URI vaultUrl, Vault.DeletedKey deleted) {
        ObjectNode item = Exchanges.JSON.createObjectNode();
        putDeletion(item, vaultUrl, deleted);
        item.setAll(keyItem(vaultUrl, deleted.latest(), false));
        return item;
    }

    /** One page holds everything: Key Vault's nextLink paging is optional for clients, and the vault is bounded. */
    static ObjectNode page(List<ObjectNode> items) {
        ObjectNode page = Exchanges.JSON.createObjectNode();
        ArrayNode value = page.putArray("value");
        items.forEach(value::add);
        page.putNull("nextLink");
        return page;
    }

    private static void putDeletion(ObjectNode node, URI vaultUrl, Vault.DeletedKey deleted) {
        node.put("recoveryId", vaultUrl + "/deletedkeys/" + deleted.latest().keyName());
        node.put("deletedDate", deleted.deletedDate());
        node.put("scheduledPurgeDate", deleted.scheduledPurgeDate());
    }

    private static ObjectNode attributes(KeyVersion key) {
        ObjectNode attributes = Exchanges.JSON.createObjectNode();
        attributes.put("enabled", key.enabled());
        if (key.notBefore() != null) {
            attributes.put("nbf", key.notBefore());
        }
        if (key.expires() != null) {
            attributes.put("exp", key.expires());
        }
        attributes.put("created", key.created());
        attributes.put("updated", key.updated());
        attributes.put("recoveryLevel", Vault.RECOVERY_LEVEL);
        attributes.put("recoverableDays", Vault.RECOVERABLE_DAYS);
        attributes.put("exportable", false);
        return attributes;
    }

    private static void putTags(ObjectNode node, Map<String, String> tags) {
        if (!tags.isEmpty()) {
            ObjectNode t = node.putObject("tags");
            tags.forEach(t::put);
        }
    }
}
