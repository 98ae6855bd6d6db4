package dev.strata.source;

import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A bare clone of a remote in the cache, laid out like the remote itself (refs/heads/*, refs/tags/*,
 * HEAD on the remote's default branch), so refs resolve in it exactly as they would on the remote.
 * Cloned on first use, fetched (with pruning) on each later one.
 */
final class RemoteCache {
    static final List<RefSpec> REFSPECS = List.of(
            new RefSpec("+refs/heads/*:refs/heads/*"),
            new RefSpec("+refs/tags/*:refs/tags/*"));

    /** How to reach the remote: credentials, ssh, a timeout, and the secrets to mask in messages. */
    record Transport(CredentialsProvider credentials, SshdSessionFactory ssh, Duration timeout, Collection<String> secrets) {
    }

    private RemoteCache() {
    }

    /** {@code <cacheDir>/<sha256 of the credential-free URL>}. */
    static Path folderFor(Path cacheDir, RepoAddress.Remote remote) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(remote.display().getBytes(StandardCharsets.UTF_8));
            return cacheDir.resolve(HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static Repository open(RepoAddress.Remote remote, Path cacheDir, boolean fetch, Transport transport)
            throws SourceException {
        return open(remote, cacheDir, fetch, true, transport);
    }

    /** As above; with {@code fetchExisting} false a cached clone is opened as it is (a missing one is still cloned). */
    static Repository open(RepoAddress.Remote remote, Path cacheDir, boolean fetch, boolean fetchExisting, Transport transport)
            throws SourceException {
        Path folder = folderFor(cacheDir, remote);
        if (Files.isRegularFile(folder.resolve("HEAD"))) {
            Repository repo = openBare(folder, remote);
            if (fetch && fetchExisting) {
                try {
                    fetch(repo, remote, transport);
                } catch (SourceException e) {
                    repo.close();
                    throw e;
                }
            }
            return repo;
        }
        if (!fetch) {
            throw new SourceException("no cached copy of " + remote.display() + " in " + folder
                    + "; the first run needs to fetch it");
        }
        return cloneInto(folder, remote, transport);
    }

    /** Clones next to {@code folder} and renames into place, so a failed or concurrent clone leaves no half copy. */
    private static Repository cloneInto(Path folder, RepoAddress.Remote remote, Transport transport) throws SourceException {
        Path temp;
        try {
            Files.createDirectories(folder.getParent());
            temp = Files.createTempDirectory(folder.getParent(), folder.getFileName() + ".clone-");
        } catch (IOException e) {
            throw new SourceException("cannot create the cache folder " + folder.getParent() + ": " + e.getMessage(), e);
        }
        try {
            try (Git git = Git.init().setBare(true).setDirectory(temp.toFile()).call()) {
                StoredConfig config = git.getRepository().getConfig();
                config.setString("remote", "origin", "url", remote.display());
                config.setStringList("remote", "origin", "fetch", REFSPECS.stream().map(RefSpec::toString).toList());
                config.setBoolean("gc", null, "autoDetach", false);
                config.save();
                transfer(git.getRepository(), transport);
            } catch (GitAPIException | IOException | RuntimeException e) {
                throw new SourceException("cannot clone " + remote.display() + ": " + reason(e, remote), e,
                        transport.secrets());
            }
            try {
                Files.move(temp, folder, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                // Another run cloned it meanwhile: use theirs.
            } catch (IOException e) {
                if (!Files.isRegularFile(folder.resolve("HEAD"))) {
                    throw new SourceException("cannot move the clone into " + folder + ": " + e.getMessage(), e);
                }
            }
        } finally {
            deleteTree(temp);
        }
        return openBare(folder, remote);
    }

    private static Repository openBare(Path folder, RepoAddress.Remote remote) throws SourceException {
        try {
            return new FileRepositoryBuilder().setGitDir(folder.toFile()).setMustExist(true).build();
        } catch (IOException e) {
            throw new SourceException("the cached copy of " + remote.display() + " in " + folder
                    + " cannot be opened (delete the folder to clone afresh): " + e.getMessage(), e);
        }
    }

    static void fetch(Repository repo, RepoAddress.Remote remote, Transport transport) throws SourceException {
        try {
            transfer(repo, transport);
        } catch (GitAPIException | IOException | RuntimeException e) {
            throw new SourceException("cannot fetch " + remote.display() + ": " + reason(e, remote), e, transport.secrets());
        }
    }

    private static void transfer(Repository repo, Transport transport) throws GitAPIException, IOException {
        FetchCommand fetch = Git.wrap(repo).fetch()
                .setRemote("origin")
                .setRefSpecs(REFSPECS)
                .setRemoveDeletedRefs(true)
                .setTagOpt(TagOpt.NO_TAGS)
                .setCredentialsProvider(transport.credentials())
                .setTimeout((int) Math.max(1, transport.timeout().toSeconds()))
                .setTransportConfigCallback(t -> {
                    if (t instanceof SshTransport ssh && transport.ssh() != null) ssh.setSshSessionFactory(transport.ssh());
                });
        followRemoteHead(repo, fetch.call());
    }

    /** Points the cache's HEAD where the remote's HEAD points, so the default ref is the remote's default branch. */
    private static void followRemoteHead(Repository repo, FetchResult result) throws IOException {
        Ref advertised = result.getAdvertisedRef(Constants.HEAD);
        if (advertised == null) return;
        Optional<String> branch;
        if (advertised.isSymbolic()) {
            branch = Optional.of(advertised.getTarget().getName());
        } else {
            ObjectId id = advertised.getObjectId();
            branch = result.getAdvertisedRefs().stream()
                    .filter(r -> r.getName().startsWith(Constants.R_HEADS) && id != null && id.equals(r.getObjectId()))
                    .map(Ref::getName)
                    .min(Comparator.comparing((String n) -> !n.equals("refs/heads/main") && !n.equals("refs/heads/master"))
                            .thenComparing(Comparator.naturalOrder()));
        }
        if (branch.isEmpty() || repo.exactRef(branch.get()) == null) return;
        Ref head = repo.exactRef(Constants.HEAD);
        if (head != null && head.isSymbolic() && head.getTarget().getName().equals(branch.get())) return;
        RefUpdate.Result r = repo.updateRef(Constants.HEAD).link(branch.get());
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE) {
            throw new IOException("cannot point HEAD of the cached copy at " + branch.get() + ": " + r);
        }
    }

    /**
     * What went wrong, for a person: JGit wraps transport errors a few levels deep and starts each
     * message with the URL, which the caller's message already names.
     */
    static String reason(Throwable e, RepoAddress.Remote remote) {
        String outer = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String inner = null;
        int depth = 0;
        for (Throwable t = e.getCause(); t != null && depth++ < 10; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) inner = t.getMessage();
        }
        String message = inner == null || outer.contains(inner) ? outer : outer + ": " + inner;
        message = message.replace(remote.display() + ": ", "").replace(remote.url().toString() + ": ", "").strip();
        return message + hint(message);
    }

    private static String hint(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("server key did not validate") || m.contains("host key")) {
            return " (the host's key is not in ~/.ssh/known_hosts: add it, for example with ssh-keyscan, or set"
                    + " StrictHostKeyChecking accept-new for that host in ~/.ssh/config)";
        }
        if (m.contains("no keys to try") || m.contains("no more authentication methods")) {
            return " (no ssh key was accepted: put one in ~/.ssh or the ssh agent, and its public key on the server)";
        }
        if (m.contains("not authorized") || m.contains("authentication is required")) {
            return " (credentials come from the URL, $" + GitCredentials.TOKEN_ENV + ", git credential helpers or ~/.netrc)";
        }
        return "";
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a leftover temp folder is harmless
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
