package io.keymgmt.engine;

import java.util.List;

/**
 * A write the engine accepted. Vault answers it with 204, or with 200 and these warnings when the
 * request carried parameters the operation does not take.
 */
public record Written(List<String> warnings) {

    public Written {
        warnings = List.copyOf(warnings);
    }
}
