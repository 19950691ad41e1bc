-- Keycast schema version 8 (cluster, docs/cluster.md): members own slots, not keys. A bunker key belongs to the
-- slot ClusterStore.slotOf(key) (16,384 slots), so claims, releases and the owner table stay the same size
-- whatever the number of keys. Replaces V7's one-row-per-key key_owners (its rows are leases of the moment:
-- nothing to carry over; running members re-claim at their next heartbeat). changed_at: when the slot was last
-- claimed or released (database clock, epoch ms); only members that joined before a release may claim the slot
-- first, as they hold every request sent since.
CREATE TABLE cluster_slots (
  slot          INTEGER PRIMARY KEY CHECK (slot BETWEEN 0 AND 16383),
  owner_member  BIGINT,
  fencing_token BIGINT NOT NULL DEFAULT 0,
  changed_at    BIGINT NOT NULL DEFAULT 0
);
WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 16383)
INSERT INTO cluster_slots (slot) SELECT n FROM s;
CREATE INDEX cluster_slots_owner ON cluster_slots (owner_member);
DROP TABLE key_owners;
