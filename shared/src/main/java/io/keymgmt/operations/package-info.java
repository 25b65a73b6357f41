/**
 * Long-running actions started by workflows (Logic Apps): what an operation is and how it stands. The
 * rules that start, perform and report them are in {@code io.keymgmt.engine.Operations}; the record is
 * kept through {@code io.keymgmt.store.OperationStore}.
 */
package io.keymgmt.operations;
