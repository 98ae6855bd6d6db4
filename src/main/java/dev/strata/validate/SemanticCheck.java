package dev.strata.validate;

import java.io.IOException;

/** One family of checks across documents, run after every document is loaded. */
interface SemanticCheck {
    void run(CheckContext ctx) throws IOException;
}
