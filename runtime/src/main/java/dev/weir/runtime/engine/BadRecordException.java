package dev.weir.runtime.engine;

/**
 * A record that cannot go where the topology sends it because of what it holds: a null key
 * from a {@code groupBy} key function, or a null value (a tombstone) that user code does not
 * handle. Its message says which, and what to do; the error policy treats the input record as
 * a bad record.
 */
final class BadRecordException extends RuntimeException {

    BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }

    static BadRecordException nullKeyFromGroupBy(String node) {
        return new BadRecordException("the groupBy key function of node \"" + node + "\" returned null; a null key cannot"
                + " be grouped (its records would all land on one partition without a key to aggregate by). Return a key for"
                + " every record, or drop such records with a filter before the groupBy", null);
    }

    /** Explains a NullPointerException in user code when the record's value or key was null; null otherwise. */
    static BadRecordException explain(String node, Exception e, Object key, Object value) {
        if (!(e instanceof NullPointerException)) {
            return null;
        }
        if (value == null) {
            return new BadRecordException("the record's value is null (a tombstone) and the code of node \"" + node
                    + "\" does not handle null values (" + e + "); filter tombstones out before it, e.g. with"
                    + " .filter((k, v) -> v != null)", e);
        }
        if (key == null) {
            return new BadRecordException("the record's key is null and the code of node \"" + node
                    + "\" does not handle null keys (" + e + "); give the records a key or filter keyless ones out before it", e);
        }
        return null;
    }
}
