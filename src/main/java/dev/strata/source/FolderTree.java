package dev.strata.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A folder on disk (a work tree, or a fleet outside Git). Symlinks are followed only inside the root. */
public final class FolderTree implements SpecTree {
    private final Path root;
    private final Path realRoot;

    public FolderTree(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = this.root.toRealPath();
    }

    public Path root() {
        return root;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    @Override
    public Optional<String> revision() {
        return Optional.empty();
    }

    @Override
    public List<String> listSpecFiles(String folder) throws IOException {
        Path start = root.resolve(folder);
        List<String> out = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                return !dir.equals(start) && RepoPaths.isHidden(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (RepoPaths.isSpecFile(file.getFileName().toString())) out.add(relative(file));
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(null);
        return out;
    }

    @Override
    public List<Node> walk(String folder) throws IOException {
        Path start = root.resolve(folder);
        List<Node> out = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = relative(file);
                if (attrs.isSymbolicLink()) {
                    out.add(new Node(rel, Node.Type.SYMLINK, false, Files.readSymbolicLink(file).toString()));
                } else if (attrs.isRegularFile()) {
                    out.add(new Node(rel, Node.Type.FILE, Files.isExecutable(file), ""));
                } else {
                    out.add(new Node(rel, Node.Type.OTHER, false, ""));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        out.sort(java.util.Comparator.comparing(Node::path));
        return out;
    }

    @Override
    public Resolved resolve(String path) throws IOException {
        Path p = root.resolve(path).normalize();
        if (!p.startsWith(root)) return new Resolved.Escapes(path + " is outside the repository");
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return new Resolved.Missing();
        Path real;
        try {
            real = p.toRealPath();
        } catch (NoSuchFileException e) {
            return new Resolved.Missing(); // a dangling symlink
        }
        if (!real.startsWith(realRoot)) {
            return new Resolved.Escapes(path + " is a symlink to " + real + ", outside the repository");
        }
        String rel = realRoot.relativize(real).toString().replace('\\', '/');
        if (Files.isDirectory(real)) return new Resolved.Folder(rel);
        if (!Files.isRegularFile(real)) return new Resolved.Missing();
        return new Resolved.File(rel, Files.size(real), Files.isExecutable(real));
    }

    @Override
    public byte[] read(String path, long limit) throws IOException {
        try (InputStream in = Files.newInputStream(realRoot.resolve(path))) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (bytes.length > limit) throw new TooLargeException(path, limit);
            return bytes;
        }
    }

    private String relative(Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}
