package io.keymgmt.store.table;

import static io.keymgmt.store.table.Entities.instant;
import static io.keymgmt.store.table.Entities.optionalBytes;
import static io.keymgmt.store.table.Entities.optionalString;
import static io.keymgmt.store.table.Entities.quoted;
import static io.keymgmt.store.table.Entities.string;
import static io.keymgmt.store.table.Entities.time;
import static io.keymgmt.store.table.Entities.withEtag;

import com.azure.core.http.rest.Response;
import com.azure.core.util.Context;
import com.azure.data.tables.TableClient;
import com.azure.data.tables.models.ListEntitiesOptions;
import com.azure.data.tables.models.TableEntity;
import com.azure.data.tables.models.TableEntityUpdateMode;
import com.azure.data.tables.models.TableServiceException;
import com.azure.data.tables.models.TableTransactionAction;
import com.azure.data.tables.models.TableTransactionActionType;
import io.keymgmt.kms.KmsProvider;
import io.keymgmt.kms.KmsProviderType;
import io.keymgmt.seal.SealedBlob;
import io.keymgmt.store.ProviderStore;
import io.keymgmt.store.StillReferencedException;
import io.keymgmt.store.Stored;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Providers in Table Storage: partition = provider name; row {@value #PROVIDER_ROW} holds the
 * provider, rows {@code key|<name>} the keys distributed to it. Made by {@link TableStorage#providers()},
 * whose client captures transaction ETags.
 */
public final class TableProviderStore implements ProviderStore {

    static final String PROVIDER_ROW = "provider";
    private static final String MEMBER_PREFIX = "key|";
    /** The mark a deletion sets before it looks for members; a distribution that sees it backs out. */
    private static final String DELETING = "Deleting";
    /** The character after '|': every member row key sorts below {@code key} followed by it. */
    private static final String MEMBER_END = "key}";

    private final TableClient table;

    TableProviderStore(TableClient table) {
        this.table = table;
    }

    @Override
    public Optional<Stored<KmsProvider>> find(String name) {
        return Entities.find(table, name, PROVIDER_ROW, "reading provider " + name).map(TableProviderStore::read);
    }

    @Override
    public List<String> listNames() {
        List<String> names = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                    .setFilter("RowKey eq " + quoted(PROVIDER_ROW))
                    .setSelect(List.of("PartitionKey")), null, Context.NONE)) {
                names.add(e.getPartitionKey());
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("listing providers", e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public Stored<KmsProvider> create(KmsProvider provider) {
        try {
            TableEntity entity = write(provider);
            Response<Void> response = table.createEntityWithResponse(entity, null, Context.NONE);
            return new Stored<>(asStored(entity), Etags.of(response));
        } catch (RuntimeException e) {
            throw TableErrors.translate("creating provider " + provider.name(), e);
        }
    }

    @Override
    public Stored<KmsProvider> replace(KmsProvider provider, String etag) {
        try {
            TableEntity entity = write(provider);
            Response<Void> response = table.updateEntityWithResponse(withEtag(entity, etag),
                    TableEntityUpdateMode.REPLACE, true, null, Context.NONE);
            return new Stored<>(asStored(entity), Etags.of(response));
        } catch (RuntimeException e) {
            throw TableErrors.translate("updating provider " + provider.name(), e);
        }
    }

    @Override
    public void delete(String name, String etag) {
        // The mark first, then the look for members: a distribution records its membership before it
        // checks for the mark, so one of the two always sees the other.
        String marked;
        try {
            marked = Etags.of(table.updateEntityWithResponse(withEtag(new TableEntity(name, PROVIDER_ROW)
                    .addProperty(DELETING, true), etag), TableEntityUpdateMode.MERGE, true, null, Context.NONE));
        } catch (RuntimeException e) {
            if (e instanceof TableServiceException t && TableErrors.status(t) == 404) {
                return;
            }
            throw TableErrors.translate("marking provider " + name + " for deletion", e);
        }
        List<String> members = memberKeys(name);
        if (!members.isEmpty()) {
            try {
                table.updateEntityWithResponse(withEtag(new TableEntity(name, PROVIDER_ROW).addProperty(DELETING, false),
                        marked), TableEntityUpdateMode.MERGE, true, null, Context.NONE);
            } catch (RuntimeException e) {
                // Someone changed it since; the mark went with that write, or the next deletion takes it back.
            }
            throw new StillReferencedException("KMS provider \"" + name + "\" still holds keys");
        }
        try {
            table.deleteEntityWithResponse(withEtag(new TableEntity(name, PROVIDER_ROW), marked), true, null, Context.NONE);
        } catch (RuntimeException e) {
            throw TableErrors.translate("deleting provider " + name, e);
        }
    }

    @Override
    public List<String> memberKeys(String providerName) {
        List<String> keys = new ArrayList<>();
        try {
            for (TableEntity e : table.listEntities(new ListEntitiesOptions()
                    .setFilter("PartitionKey eq " + quoted(providerName) + " and RowKey gt " + quoted(MEMBER_PREFIX)
                            + " and RowKey lt " + quoted(MEMBER_END))
                    .setSelect(List.of("RowKey")), null, Context.NONE)) {
                keys.add(e.getRowKey().substring(MEMBER_PREFIX.length()));
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("listing keys of provider " + providerName, e);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void addMember(String providerName, String keyName) {
        // Upsert keeps the call idempotent when a retry finds the member already recorded.
        TableEntity member = new TableEntity(providerName, MEMBER_PREFIX + keyName).addProperty("KeyName", keyName);
        try {
            table.upsertEntity(member);
        } catch (RuntimeException e) {
            throw TableErrors.translate("recording key " + keyName + " in provider " + providerName, e);
        }
    }

    @Override
    public boolean acceptsMembers(String name) {
        return Entities.find(table, name, PROVIDER_ROW, "reading provider " + name)
                .map(e -> !Boolean.TRUE.equals(e.getProperty(DELETING))).orElse(false);
    }

    @Override
    public void removeMember(String providerName, String keyName) {
        try {
            table.deleteEntity(providerName, MEMBER_PREFIX + keyName);
        } catch (TableServiceException e) {
            if (TableErrors.status(e) != 404) {
                throw TableErrors.translate("forgetting key " + keyName + " in provider " + providerName, e);
            }
        } catch (RuntimeException e) {
            throw TableErrors.translate("forgetting key " + keyName + " in provider " + providerName, e);
        }
    }

    private static TableEntity write(KmsProvider p) {
        TableEntity e = new TableEntity(p.name(), PROVIDER_ROW)
                .addProperty("Type", p.type().wireName())
                .addProperty("KeyCollection", p.keyCollection())
                .addProperty("CreatedAt", time(p.createdAt()))
                .addProperty("UpdatedAt", time(p.updatedAt()));
        p.sealedCredentials().ifPresent(c -> e.addProperty("Credentials", c.toBytes()));
        p.keyExchangeKeyId().ifPresent(kid -> e.addProperty("KeyExchangeKeyId", kid));
        return e;
    }

    private static Stored<KmsProvider> read(TableEntity e) {
        return new Stored<>(Entities.decoded(e, () -> asStored(e)), e.getETag());
    }

    /** The provider an entity holds: what was written, with times cut to the stored precision. */
    private static KmsProvider asStored(TableEntity e) {
        return new KmsProvider(
                e.getPartitionKey(),
                KmsProviderType.fromWireName(string(e, "Type")),
                string(e, "KeyCollection"),
                optionalBytes(e, "Credentials").map(SealedBlob::parse),
                optionalString(e, "KeyExchangeKeyId"),
                instant(e, "CreatedAt"),
                instant(e, "UpdatedAt"));
    }
}
