"""The audit trail's MAC chain: every log entry and security event is chained, so that a change,
deletion, insertion or reordering made outside the application is detected (docs/audit.md).

    content     canonical content of an entry, split into what redaction keeps and what it shreds
    keys        the chain key from the environment, and the MAC helper
    append      serialised append of new entries to the chain
    guard       the transaction-local permissions the PostgreSQL triggers check
    maintenance redaction (crypto-shredding) and purge (tombstones, signed anchors)
    verify      walking the chain
    checkpoint  signed heads written outside the database
"""
