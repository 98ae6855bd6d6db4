package dev.strata.validate;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.strata.diag.Check;
import dev.strata.spec.Fleet;
import dev.strata.spec.Image;
import dev.strata.spec.ImageSource;
import dev.strata.spec.Origin;
import dev.strata.spec.Stream;

import java.util.Optional;

/** Registry hosts, repository prefixes and image references parse as a registry client will read them. */
final class ReferenceSyntaxChecks implements SemanticCheck {

    @Override
    public void run(CheckContext ctx) {
        for (Fleet f : ctx.loaded().fleets()) {
            f.registry().ifPresent(r -> prefix(ctx, f.origin(), r, "registry", CheckContext.spec("registry")));
            for (int i = 0; i < f.insecureRegistries().size(); i++) {
                String host = f.insecureRegistries().get(i);
                if (!ImageReference.isValidRegistry(host) || host.contains("/")) {
                    ctx.report(Check.IMAGE_REF_INVALID, f.origin(), CheckContext.spec("insecureRegistries", i),
                            "'" + host + "' is not a registry host (HOST or HOST:PORT)");
                }
            }
            for (int i = 0; i < f.mirrors().size(); i++) {
                prefix(ctx, f.origin(), f.mirrors().get(i).from(), "mirror source", CheckContext.spec("mirrors", i, "from"));
                prefix(ctx, f.origin(), f.mirrors().get(i).to(), "mirror target", CheckContext.spec("mirrors", i, "to"));
            }
        }
        for (Stream s : ctx.loaded().streams()) {
            Optional<String> problem = repository(s.image());
            problem.ifPresent(p -> ctx.report(Check.IMAGE_REF_INVALID, s.origin(), CheckContext.spec("image"),
                    "'" + s.image() + "' is not an image repository: " + p
                            + (s.image().contains(":") && !s.image().contains("@") ? "; put the tag in 'tag'" : "")));
            if (s.tag().isPresent() && !ImageReference.isValidTag(s.tag().get())) {
                ctx.report(Check.IMAGE_REF_INVALID, s.origin(), CheckContext.spec("tag"),
                        "'" + s.tag().get() + "' is not a valid tag", "Tags are up to 128 letters, digits, '_', '.' and '-'.");
            }
        }
        for (Image i : ctx.loaded().images()) {
            if (i.from() instanceof ImageSource.FromRef r) {
                String problem = null;
                try {
                    ImageReference ref = ImageReference.parse(r.ref());
                    if (ref.getDigest().isEmpty()) problem = "it names no digest (REPO@sha256:...)";
                    else if (ref.getTag().isPresent()) problem = "give a digest only, without a tag";
                } catch (InvalidImageReferenceException e) {
                    problem = "it does not parse as REPO@sha256:<64 hex>";
                }
                if (problem != null) {
                    ctx.report(Check.IMAGE_REF_INVALID, i.origin(), CheckContext.spec("from", "ref"),
                            "'" + r.ref() + "' is not a digest reference: " + problem);
                }
            }
        }
    }

    /** A registry host with an optional repository path and no tag or digest, e.g. registry.example.com/fleet. */
    private static void prefix(CheckContext ctx, Origin origin, String value, String what, dev.strata.diag.PropertyPath path) {
        String host = value.contains("/") ? value.substring(0, value.indexOf('/')) : value;
        String problem = null;
        if (!host.contains(".") && !host.contains(":") && !host.equals("localhost")) {
            problem = "it must start with a registry host (such as registry.example.com or 127.0.0.1:5000)";
        } else if (!ImageReference.isValidRegistry(host)) {
            problem = "'" + host + "' is not a valid registry host";
        } else if (value.contains("@") || value.substring(host.length()).contains(":")) {
            problem = "it must not carry a tag or digest";
        } else if (value.length() > host.length()) {
            String repo = value.substring(host.length() + 1);
            if (!ImageReference.isValidRepository(repo)) problem = "'" + repo + "' is not a valid repository path (lowercase)";
        }
        if (problem != null) {
            ctx.report(Check.IMAGE_REF_INVALID, origin, path, "'" + value + "' is not a valid " + what + ": " + problem);
        }
    }

    /** Empty when {@code value} is a repository without tag or digest. */
    private static Optional<String> repository(String value) {
        if (value.contains("@")) return Optional.of("it must not carry a digest; put a digest in 'pin'");
        try {
            ImageReference ref = ImageReference.parse(value);
            if (ref.getTag().isPresent() && value.endsWith(":" + ref.getTag().get())) {
                return Optional.of("it must not carry a tag");
            }
            return Optional.empty();
        } catch (InvalidImageReferenceException e) {
            return Optional.of("it does not parse as [REGISTRY/]REPOSITORY");
        }
    }
}
