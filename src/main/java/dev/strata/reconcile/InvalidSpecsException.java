package dev.strata.reconcile;

import dev.strata.validate.Validation;

/** The specs at a revision do not validate; the diagnostics say why. Nothing is planned from them. */
public final class InvalidSpecsException extends Exception {
    private final transient Validation validation;
    private final String revision;

    public InvalidSpecsException(String revision, Validation validation) {
        super("the specs at " + revision + " are invalid (" + validation.errors() + (validation.errors() == 1 ? " error)" : " errors)"));
        this.revision = revision;
        this.validation = validation;
    }

    public Validation validation() {
        return validation;
    }

    public String revision() {
        return revision;
    }
}
