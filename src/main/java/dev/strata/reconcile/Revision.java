package dev.strata.reconcile;

import dev.strata.source.SpecTree;
import dev.strata.validate.Validation;

import java.time.Instant;

/**
 * The fleet as written at one revision: the tree it was read from, the commit id (recorded in
 * everything that results), the commit time, and the validation of its specs.
 */
public record Revision(SpecTree tree, String folder, String revision, Instant commitTime, Validation validation) {
}
