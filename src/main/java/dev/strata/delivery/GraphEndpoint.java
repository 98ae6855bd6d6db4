package dev.strata.delivery;

import java.util.Optional;

/** {@code GET /v1/graph}: the Cincinnati update graph Zincati polls (docs/zincati.md). */
public interface GraphEndpoint {
    /**
     * @param rawQuery the request's query string, still form-urlencoded (null or empty when there is none)
     * @param accept the {@code Accept} header, if sent: Zincati sends {@code application/json}
     */
    Reply graph(String rawQuery, Optional<String> accept);
}
