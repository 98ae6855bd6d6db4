package dev.strata.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.plan.MachineState;
import dev.strata.state.MachineRollback;
import dev.strata.state.StateTransaction;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The agent's endpoints. Each call carries the machine's bearer token, checked against the stored hash;
 * a wrong or missing token, and an id no group lists, both answer {@code 401 unauthorized}, so the answer
 * does not tell whether an id exists. Status reports are stored only for machines the fleet lists; they
 * set booted (and, only when it changed, booted-since), staged and rollback, and turn a rollback Strata did
 * not order into the machine's failure, which the planner's failure policy reads.
 */
final class MachineService implements MachineEndpoints {
    static final String TARGET = "target";
    static final String STATUS = "status";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Core core;

    MachineService(Core core) {
        this.core = core;
    }

    @Override
    public Reply target(String machineId, Optional<String> bearerToken) {
        Optional<Reply> refused = precheck(machineId, bearerToken);
        if (refused.isPresent()) return core.counted(TARGET, refused.get());
        Optional<FleetIndex> index = core.index();
        if (index.isEmpty()) return core.counted(TARGET, Core.notReady());
        Optional<FleetIndex.Member> member = index.get().member(machineId);
        String token = bearerToken.get();
        Reply reply;
        try {
            reply = core.store.read(r -> {
                if (!Tokens.matches(token, r.machineToken(machineId))) return unauthorized();
                if (member.isEmpty()) return unknown(machineId);
                return Reply.ok(targetJson(member.get(), r.machine(machineId).orElse(MachineState.unknown(machineId))));
            });
        } catch (RuntimeException e) {
            core.events.storeFailed(e);
            return core.counted(TARGET, Reply.error(500, Kinds.INTERNAL_ERROR, "the state store failed; see the server log"));
        }
        if (member.isEmpty()) core.recordUnknown(machineId, TARGET);
        return core.counted(TARGET, reply);
    }

    @Override
    public Reply status(String machineId, Optional<String> bearerToken, byte[] body) {
        Optional<Reply> refused = precheck(machineId, bearerToken);
        if (refused.isPresent()) return core.counted(STATUS, refused.get());
        if (body == null || body.length == 0) {
            return core.counted(STATUS, Reply.error(400, Kinds.INVALID_REQUEST, "body is empty; send the JSON of"
                    + " 'bootc status --format=json --format-version=1' or 'rpm-ostree status --json'"));
        }
        if (body.length > StatusParser.MAX_BYTES) {
            return core.counted(STATUS, Reply.error(413, Kinds.BODY_TOO_LARGE, "a status body is at most "
                    + StatusParser.MAX_BYTES + " bytes; this one has " + body.length));
        }
        StatusReport report;
        try {
            report = StatusParser.parse(body);
        } catch (StatusParser.InvalidStatusException e) {
            return core.counted(STATUS, Reply.error(400, Kinds.INVALID_REQUEST, e.getMessage()));
        }
        Optional<FleetIndex> index = core.index();
        if (index.isEmpty()) return core.counted(STATUS, Core.notReady());
        Optional<FleetIndex.Member> member = index.get().member(machineId);
        String token = bearerToken.get();
        Optional<Reply> mismatch = member.flatMap(m -> Platforms.mismatch(m.machine(), report.architecture(),
                "its bootc status says it booted an image of architecture " + report.architecture().orElse("")));
        List<Runnable> notes = new ArrayList<>();
        Reply reply = core.write(STATUS, tx -> {
            notes.clear(); // the work may run twice (its batch failed); only the committed run's notes count
            boolean authorized = Tokens.matches(token, tx.machineToken(machineId));
            if (member.isEmpty()) {
                tx.recordUnknownMachine(machineId, STATUS, core.clock.instant(), Core.UNKNOWN_LIMIT);
                return authorized ? unknown(machineId) : unauthorized();
            }
            if (!authorized) return unauthorized();
            if (mismatch.isPresent()) return mismatch.get(); // nothing stored: the report is not about this fleet's image
            record(tx, member.get(), report, notes);
            return Reply.ok("{\"recorded\":true}");
        });
        if (reply.success()) core.reportsAccepted.incrementAndGet();
        notes.forEach(Runnable::run);
        return reply;
    }

    private void record(StateTransaction tx, FleetIndex.Member member, StatusReport report, List<Runnable> notes) {
        String id = member.id();
        Instant now = core.clock.instant();
        MachineState before = tx.machine(id).orElse(MachineState.unknown(id));
        MachineRollback rollbackBefore = tx.machineRollback(id).orElse(MachineRollback.none(id));
        Optional<Instant> bootedSince = before.booted().filter(report.booted()::equals).isPresent()
                ? before.bootedSince().or(() -> Optional.of(now)) : Optional.of(now);
        Optional<String> from = UnorderedRollback.from(before, rollbackBefore.rollback(), report);
        Optional<String> failure = before.failure();
        Optional<String> rolledBackFrom = rollbackBefore.rolledBackFrom();
        Optional<Instant> rolledBackAt = rollbackBefore.rolledBackAt();
        if (from.isPresent()) {
            failure = Optional.of(UnorderedRollback.failure(from.get(), report.booted()));
            if (!from.equals(rolledBackFrom)) {
                rolledBackFrom = from;
                rolledBackAt = Optional.of(now);
                String why = failure.get();
                notes.add(() -> core.events.unorderedRollback(member.group().name(), id, why));
            }
        } else if (rolledBackFrom.isPresent() && (!before.releasedDigest().equals(rolledBackFrom)
                || report.booted().equals(rolledBackFrom.get()))) {
            // Released for something else since, or it did boot the digest after all: the rollback is history.
            rolledBackFrom = Optional.empty();
            rolledBackAt = Optional.empty();
        }
        tx.recordMachine(new MachineState(id, Optional.of(report.booted()), bootedSince, report.staged(),
                before.releasedDigest(), before.releasedAt(), failure, Optional.of(now)));
        tx.recordMachineRollback(new MachineRollback(id, report.rollback(), rolledBackFrom, rolledBackAt));
    }

    private static Optional<Reply> precheck(String machineId, Optional<String> token) {
        if (!Ids.machineId(machineId)) {
            return Optional.of(Reply.error(400, Kinds.INVALID_REQUEST, "the machine id in the path must be " + Ids.MACHINE_ID_RULE));
        }
        if (token.isEmpty() || !Tokens.wellFormed(token.get())) return Optional.of(unauthorized());
        return Optional.empty();
    }

    private static Reply unauthorized() {
        return Reply.error(401, Kinds.UNAUTHORIZED, "a valid machine token is required (Authorization: Bearer <token>,"
                + " issued by 'strata machine-config')");
    }

    private static Reply unknown(String id) {
        return Reply.error(404, Kinds.UNKNOWN_MACHINE, "no group lists machine " + id
                + " any more; it is recorded for 'strata machines --unknown'");
    }

    private static String targetJson(FleetIndex.Member m, MachineState s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", m.id());
        o.put("group", m.group().name());
        Optional<String> digest = s.releasedDigest().filter(d -> m.group().repository().isPresent());
        if (digest.isPresent()) {
            o.put("image", m.group().repository().get() + "@" + digest.get());
            o.put("digest", digest.get());
        } else {
            o.putNull("image");
            o.putNull("digest");
        }
        ObjectNode c = o.putObject("connectivity");
        Connectivity conn = m.group().connectivity();
        c.put("timeoutSeconds", conn.timeoutSeconds());
        ArrayNode checks = c.putArray("checks");
        for (Connectivity.Check check : conn.checks()) checks.addObject().put(check.type(), check.target());
        return o.toString();
    }
}
