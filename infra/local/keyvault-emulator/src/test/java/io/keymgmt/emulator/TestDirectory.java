package io.keymgmt.emulator;

/** The principals the tests configure: stable ids so that messages can be asserted verbatim. */
final class TestDirectory {

    static final String TENANT = "8d3b1a52-6c1e-4f0a-9a7e-2b9f3c4d5e60";

    /** A service principal with every key permission on the vaults it is granted. */
    static final String ADMIN_ID = "11111111-aaaa-4bbb-8ccc-000000000001";
    static final String ADMIN_OID = "21111111-aaaa-4bbb-8ccc-000000000001";
    static final String ADMIN_SECRET = "admin-secret~value.1";

    /** A service principal with no permission at all. */
    static final String NOBODY_ID = "11111111-aaaa-4bbb-8ccc-000000000002";
    static final String NOBODY_OID = "21111111-aaaa-4bbb-8ccc-000000000002";
    static final String NOBODY_SECRET = "nobody-secret~value.2";

    static final String SYSTEM_MI_ID = "11111111-aaaa-4bbb-8ccc-000000000003";
    static final String SYSTEM_MI_OID = "21111111-aaaa-4bbb-8ccc-000000000003";
    static final String USER_MI_ID = "11111111-aaaa-4bbb-8ccc-000000000004";
    static final String USER_MI_OID = "21111111-aaaa-4bbb-8ccc-000000000004";
    static final String USER_MI_RESOURCE_ID = "/subscriptions/0000/resourceGroups/rg/providers/"
            + "Microsoft.ManagedIdentity/userAssignedIdentities/keymgmt-rotation";

    private TestDirectory() {
    }

    /** A tenant, the admin and nobody service principals, and the given vaults with admin holding "all". */
    static EmulatorConfig.Builder config(String... vaults) {
        EmulatorConfig.Builder builder = EmulatorConfig.builder()
                .tenantId(TENANT)
                .servicePrincipal(ADMIN_ID, ADMIN_OID, ADMIN_SECRET)
                .servicePrincipal(NOBODY_ID, NOBODY_OID, NOBODY_SECRET);
        for (String vault : vaults) {
            builder.vault(vault, 0, "westeurope").accessPolicy(vault, ADMIN_ID, "all");
        }
        return builder;
    }
}
