package dev.strata.validate;

import dev.strata.diag.Check;
import dev.strata.spec.Stream;

/** A stream is followed by tag or held by pin; it needs one of the two. */
final class StreamChecks implements SemanticCheck {
    @Override
    public void run(CheckContext ctx) {
        for (Stream s : ctx.loaded().streams()) {
            if (s.tag().isEmpty() && s.pin().isEmpty()) {
                ctx.report(Check.STREAM_NO_TAG, s.origin(), CheckContext.spec(),
                        "stream '" + s.name() + "' has neither 'tag' nor 'pin', so there is nothing to resolve");
            }
        }
    }
}
