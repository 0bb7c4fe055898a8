package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	depot "depot"
)

// upgrades bring a database of version i+1 to version i+2: upgrades[0] takes
// version 1 to 2. Append only; never edit a step that has shipped. A step and
// schema.sql change together, and TestMigrationsMatchSchema proves that a
// database upgraded step by step equals a fresh one.
var upgrades = []string{
	// 1 -> 2: browser sessions and the sign-in lock-out.
	`CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    token_hash BLOB    NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;

CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE signin_failures (
    id        INTEGER PRIMARY KEY,
    username  TEXT    NOT NULL COLLATE NOCASE CHECK (length(username) <= 200),
    client    TEXT    NOT NULL CHECK (length(client) <= 100),
    failed_at INTEGER NOT NULL
) STRICT;

CREATE INDEX signin_failures_username ON signin_failures (username, failed_at);
CREATE INDEX signin_failures_client ON signin_failures (client, failed_at);`,
	// 2 -> 3: the search index, stock totals per place, lot status history;
	// the index and the totals are filled for the rows already there.
	`-- The search index (FTS5): variants (SKU, product name, GTIN as GTIN-14,
-- -13 and -12, attribute values, packaging barcodes), places (code, name)
-- and lots (code). The kind is in the rowid: a variant's id, a location's
-- id + 2^40, a lot's id + 2^41, so a search per kind is a rowid range.
-- Codes are also indexed as one word without their separators (A-01-003
-- as a01003), so that typing "A-01-0" is a cheap prefix search of one word
-- rather than a phrase whose last word "0" matches thousands of numbers.
-- Triggers keep it in the same transaction as the rows; archived variants
-- and places, and virtual places, are left out.
CREATE VIRTUAL TABLE search_index USING fts5(
    code, name, extra,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

CREATE VIEW search_variants AS
SELECT v.id AS id, v.product_id AS product_id, v.sku AS code, p.name AS name,
    concat_ws(' ', replace(replace(replace(replace(replace(v.sku, '-', ''), '_', ''), '.', ''), '/', ''), ' ', ''), v.gtin, substr(v.gtin, 2), substr(v.gtin, 3),
        (SELECT group_concat(j.atom, ' ') FROM json_each(v.attributes) j WHERE j.atom IS NOT NULL),
        (SELECT group_concat(k.barcode || ' ' || replace(replace(replace(replace(replace(k.barcode, '-', ''), '_', ''), '.', ''), '/', ''), ' ', ''), ' ')
            FROM packagings k WHERE k.variant_id = v.id)) AS extra
FROM variants v JOIN products p ON p.id = v.product_id
WHERE v.archived = 0 AND p.archived = 0;

CREATE VIEW search_locations AS
SELECT l.id + 1099511627776 AS id, l.code AS code, l.name AS name, replace(replace(replace(replace(replace(l.code, '-', ''), '_', ''), '.', ''), '/', ''), ' ', '') AS extra
FROM locations l WHERE l.archived = 0 AND l.kind <> 'virtual';

CREATE VIEW search_lots AS
SELECT o.id + 2199023255552 AS id, o.code AS code, '' AS name, replace(replace(replace(replace(replace(o.code, '-', ''), '_', ''), '.', ''), '/', ''), ' ', '') AS extra FROM lots o;

CREATE TRIGGER variants_search_insert AFTER INSERT ON variants BEGIN
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = new.id;
END;
CREATE TRIGGER variants_search_update AFTER UPDATE ON variants BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = new.id;
END;
CREATE TRIGGER variants_search_delete AFTER DELETE ON variants BEGIN
    DELETE FROM search_index WHERE rowid = old.id;
END;
CREATE TRIGGER products_search_update AFTER UPDATE OF name, archived ON products BEGIN
    DELETE FROM search_index WHERE rowid IN (SELECT id FROM variants WHERE product_id = new.id);
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE product_id = new.id;
END;
CREATE TRIGGER packagings_search_insert AFTER INSERT ON packagings BEGIN
    DELETE FROM search_index WHERE rowid = new.variant_id;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = new.variant_id;
END;
CREATE TRIGGER packagings_search_update AFTER UPDATE ON packagings BEGIN
    DELETE FROM search_index WHERE rowid IN (old.variant_id, new.variant_id);
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id IN (old.variant_id, new.variant_id);
END;
CREATE TRIGGER packagings_search_delete AFTER DELETE ON packagings BEGIN
    DELETE FROM search_index WHERE rowid = old.variant_id;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants WHERE id = old.variant_id;
END;
CREATE TRIGGER locations_search_insert AFTER INSERT ON locations BEGIN
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_locations WHERE id = new.id + 1099511627776;
END;
CREATE TRIGGER locations_search_update AFTER UPDATE OF code, name, kind, archived ON locations BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 1099511627776;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_locations WHERE id = new.id + 1099511627776;
END;
CREATE TRIGGER locations_search_delete AFTER DELETE ON locations BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 1099511627776;
END;
CREATE TRIGGER lots_search_insert AFTER INSERT ON lots BEGIN
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_lots WHERE id = new.id + 2199023255552;
END;
CREATE TRIGGER lots_search_update AFTER UPDATE OF code ON lots BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 2199023255552;
    INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_lots WHERE id = new.id + 2199023255552;
END;
CREATE TRIGGER lots_search_delete AFTER DELETE ON lots BEGIN
    DELETE FROM search_index WHERE rowid = old.id + 2199023255552;
END;

-- Stock at each physical place itself (not below it), kept from the levels
-- by triggers in the same transaction, so that a place's total with
-- everything under it is a walk of the (small) location tree instead of a
-- read of every level below it.
CREATE TABLE location_totals (
    location_id INTEGER PRIMARY KEY REFERENCES locations (id),
    on_hand     INTEGER NOT NULL DEFAULT 0,
    reserved    INTEGER NOT NULL DEFAULT 0,
    levels      INTEGER NOT NULL DEFAULT 0 CHECK (levels >= 0)
) STRICT;

CREATE TRIGGER levels_totals_insert AFTER INSERT ON inventory_levels WHEN new.physical = 1 BEGIN
    INSERT INTO location_totals (location_id, on_hand, reserved, levels)
    VALUES (new.location_id, new.on_hand, new.reserved, new.on_hand <> 0 OR new.reserved <> 0)
    ON CONFLICT (location_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand,
        reserved = reserved + excluded.reserved, levels = levels + excluded.levels;
END;
CREATE TRIGGER levels_totals_update AFTER UPDATE OF on_hand, reserved ON inventory_levels WHEN new.physical = 1 BEGIN
    UPDATE location_totals SET on_hand = on_hand + new.on_hand - old.on_hand,
        reserved = reserved + new.reserved - old.reserved,
        levels = levels + (new.on_hand <> 0 OR new.reserved <> 0) - (old.on_hand <> 0 OR old.reserved <> 0)
    WHERE location_id = new.location_id;
END;
CREATE TRIGGER levels_totals_delete AFTER DELETE ON inventory_levels WHEN old.physical = 1 BEGIN
    UPDATE location_totals SET on_hand = on_hand - old.on_hand, reserved = reserved - old.reserved,
        levels = levels - (old.on_hand <> 0 OR old.reserved <> 0)
    WHERE location_id = old.location_id;
END;

-- Every change of a lot's status: from what to what, why, by whom, when.
CREATE TABLE lot_status_changes (
    id          INTEGER PRIMARY KEY,
    lot_id      INTEGER NOT NULL REFERENCES lots (id),
    from_status TEXT    NOT NULL REFERENCES lot_statuses (status),
    to_status   TEXT    NOT NULL REFERENCES lot_statuses (status),
    reason      TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    user_id     INTEGER REFERENCES users (id),
    changed_at  INTEGER NOT NULL,
    CHECK (from_status <> to_status)
) STRICT;

CREATE INDEX lot_status_changes_lot ON lot_status_changes (lot_id, id);
CREATE INDEX lots_expires ON lots (expires_on) WHERE expires_on IS NOT NULL;

INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_variants;
INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_locations;
INSERT INTO search_index (rowid, code, name, extra) SELECT id, code, name, extra FROM search_lots;
INSERT INTO location_totals (location_id, on_hand, reserved, levels)
SELECT location_id, sum(on_hand), sum(reserved), sum(on_hand <> 0 OR reserved <> 0)
FROM inventory_levels WHERE physical = 1 GROUP BY location_id;`,
	// 3 -> 4: purchasing, receiving, putaway, orders, picking, packing,
	// shipping, returns and transfers.
	`-- Purchasing, receiving, orders, picking, packing, shipping, returns and
-- transfers (schema version 4) ----------------------------------------------

-- Settings the UI can change (putaway rule weights, packing tolerances),
-- one JSON value per key.
CREATE TABLE settings (
    key        TEXT    PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 100),
    value      TEXT    NOT NULL CHECK (json_valid(value)),
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO movement_kinds (kind) VALUES ('transfer_out'), ('transfer_in');

CREATE TABLE purchase_order_statuses (
    status TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

INSERT INTO purchase_order_statuses (status) VALUES
    ('draft'), ('sent'), ('partial'), ('received'), ('closed'), ('cancelled');

CREATE TABLE purchase_orders (
    id          INTEGER PRIMARY KEY,
    number      TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(number) BETWEEN 1 AND 64),
    supplier_id INTEGER NOT NULL REFERENCES suppliers (id),
    status      TEXT    NOT NULL DEFAULT 'draft' REFERENCES purchase_order_statuses (status),
    expected_on TEXT    CHECK (expected_on IS NULL OR date(expected_on) = expected_on),
    dock_id     INTEGER REFERENCES locations (id),
    note        TEXT    NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    sent_at     INTEGER,
    closed_at   INTEGER
) STRICT;

CREATE INDEX purchase_orders_status ON purchase_orders (status, id);
CREATE INDEX purchase_orders_supplier ON purchase_orders (supplier_id, id);

-- received_qty counts every unit taken in against the line (good, over and
-- damaged); damaged_qty is the part of it that went to quarantine. A line
-- is open until it is received in full or closed short.
CREATE TABLE purchase_order_lines (
    id                INTEGER PRIMARY KEY,
    po_id             INTEGER NOT NULL REFERENCES purchase_orders (id),
    line_no           INTEGER NOT NULL CHECK (line_no > 0),
    variant_id        INTEGER NOT NULL REFERENCES variants (id),
    qty               INTEGER NOT NULL CHECK (qty > 0),
    unit_cost_minor   INTEGER NOT NULL DEFAULT 0 CHECK (unit_cost_minor >= 0),
    expected_on       TEXT    CHECK (expected_on IS NULL OR date(expected_on) = expected_on),
    received_qty      INTEGER NOT NULL DEFAULT 0 CHECK (received_qty >= 0),
    damaged_qty       INTEGER NOT NULL DEFAULT 0 CHECK (damaged_qty >= 0 AND damaged_qty <= received_qty),
    first_received_at INTEGER,
    last_received_at  INTEGER,
    closed            INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),
    UNIQUE (po_id, line_no)
) STRICT;

CREATE INDEX purchase_order_lines_open ON purchase_order_lines (variant_id) WHERE closed = 0;

CREATE TABLE receipt_conditions (
    condition TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

INSERT INTO receipt_conditions (condition) VALUES
    ('ok'), ('over'), ('short'), ('damaged'), ('wrong_item');

-- A receipt is one delivery taken in at a dock, against a purchase order or
-- not; its good and damaged units are one receive movement.
CREATE TABLE receipts (
    id              INTEGER PRIMARY KEY,
    po_id           INTEGER REFERENCES purchase_orders (id),
    idempotency_key TEXT    NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash    BLOB    NOT NULL CHECK (length(request_hash) = 32),
    dock_id         INTEGER NOT NULL REFERENCES locations (id),
    movement_id     INTEGER REFERENCES movements (id),
    user_id         INTEGER REFERENCES users (id),
    received_at     INTEGER NOT NULL,
    note            TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX receipts_po ON receipts (po_id, id) WHERE po_id IS NOT NULL;

-- A receipt line: what came (variant, lot, qty), in what condition, and
-- where it went (the dock, a quarantine place, nowhere for a wrong item or
-- a short). A wrong item that is not in the catalog keeps its scan.
CREATE TABLE receipt_lines (
    id          INTEGER PRIMARY KEY,
    receipt_id  INTEGER NOT NULL REFERENCES receipts (id),
    po_line_id  INTEGER REFERENCES purchase_order_lines (id),
    variant_id  INTEGER REFERENCES variants (id),
    scanned     TEXT    CHECK (scanned IS NULL OR length(scanned) <= 500),
    lot_id      INTEGER REFERENCES lots (id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    condition   TEXT    NOT NULL REFERENCES receipt_conditions (condition),
    location_id INTEGER REFERENCES locations (id),
    note        TEXT    NOT NULL DEFAULT '',
    CHECK (variant_id IS NOT NULL OR scanned IS NOT NULL)
) STRICT;

CREATE INDEX receipt_lines_receipt ON receipt_lines (receipt_id);
CREATE INDEX receipt_lines_po_line ON receipt_lines (po_line_id) WHERE po_line_id IS NOT NULL;

-- A putaway: stock moved from a dock to a bin, with the bin suggested and
-- the one scanned, and the score the suggestion had.
CREATE TABLE putaway_tasks (
    id              INTEGER PRIMARY KEY,
    receipt_line_id INTEGER REFERENCES receipt_lines (id),
    variant_id      INTEGER NOT NULL REFERENCES variants (id),
    lot_id          INTEGER REFERENCES lots (id),
    qty             INTEGER NOT NULL CHECK (qty > 0),
    from_id         INTEGER NOT NULL REFERENCES locations (id),
    suggested_id    INTEGER REFERENCES locations (id),
    to_id           INTEGER REFERENCES locations (id),
    score           INTEGER,
    status          TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    movement_id     INTEGER REFERENCES movements (id),
    claimed_by      INTEGER REFERENCES users (id),
    claim_expires_at INTEGER,
    created_at      INTEGER NOT NULL,
    done_at         INTEGER,
    done_by         INTEGER REFERENCES users (id)
) STRICT;

CREATE INDEX putaway_tasks_open ON putaway_tasks (status, id) WHERE status = 'open';

-- Customers; min_shelf_life_days is the least shelf life left at shipping
-- that allocation must respect for this customer's orders.
CREATE TABLE customers (
    id                  INTEGER PRIMARY KEY,
    code                TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 64),
    name                TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email               TEXT,
    phone               TEXT,
    address             TEXT    NOT NULL DEFAULT '',
    min_shelf_life_days INTEGER NOT NULL DEFAULT 0 CHECK (min_shelf_life_days >= 0),
    created_at          INTEGER NOT NULL
) STRICT;

CREATE TABLE sales_order_statuses (
    status TEXT PRIMARY KEY
) STRICT, WITHOUT ROWID;

INSERT INTO sales_order_statuses (status) VALUES
    ('open'), ('released'), ('picking'), ('picked'), ('packed'), ('shipped'), ('cancelled');

-- A sales order ships from one site. Released means its lines are
-- allocated as far as stock allowed; the rest is backordered per line.
CREATE TABLE sales_orders (
    id              INTEGER PRIMARY KEY,
    number          TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(number) BETWEEN 1 AND 64),
    customer_id     INTEGER REFERENCES customers (id),
    site_id         INTEGER REFERENCES locations (id),
    status          TEXT    NOT NULL DEFAULT 'open' REFERENCES sales_order_statuses (status),
    priority        INTEGER NOT NULL DEFAULT 0,
    ship_by         TEXT    CHECK (ship_by IS NULL OR date(ship_by) = ship_by),
    carrier         TEXT    NOT NULL DEFAULT '',
    service         TEXT    NOT NULL DEFAULT '',
    ship_to         TEXT    NOT NULL DEFAULT '',
    idempotency_key TEXT    UNIQUE CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 1 AND 200),
    request_hash    BLOB    CHECK (request_hash IS NULL OR length(request_hash) = 32),
    created_by      INTEGER REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    released_at     INTEGER,
    shipped_at      INTEGER
) STRICT;

CREATE INDEX sales_orders_status ON sales_orders (status, priority DESC, id);
CREATE INDEX sales_orders_customer ON sales_orders (customer_id, id);

-- allocated_qty is what is reserved for the line now (allocations not yet
-- shipped), backordered_qty what could not be; packed_qty counts the units
-- scanned into the parcel at the packing station.
CREATE TABLE sales_order_lines (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES sales_orders (id),
    line_no          INTEGER NOT NULL CHECK (line_no > 0),
    variant_id       INTEGER NOT NULL REFERENCES variants (id),
    qty              INTEGER NOT NULL CHECK (qty > 0),
    unit_price_minor INTEGER NOT NULL DEFAULT 0 CHECK (unit_price_minor >= 0),
    allocated_qty    INTEGER NOT NULL DEFAULT 0 CHECK (allocated_qty >= 0),
    backordered_qty  INTEGER NOT NULL DEFAULT 0 CHECK (backordered_qty >= 0),
    picked_qty       INTEGER NOT NULL DEFAULT 0 CHECK (picked_qty >= 0),
    packed_qty       INTEGER NOT NULL DEFAULT 0 CHECK (packed_qty >= 0),
    shipped_qty      INTEGER NOT NULL DEFAULT 0 CHECK (shipped_qty >= 0),
    UNIQUE (order_id, line_no)
) STRICT;

CREATE INDEX sales_order_lines_backordered ON sales_order_lines (variant_id) WHERE backordered_qty > 0;

-- An allocation reserves qty of one level (variant, location, lot; lot_id 0
-- is no lot, as in inventory_levels) for an order line. While it is open
-- or picked, inventory_levels.reserved of its level includes qty: picking
-- moves the stock and its reservation together to the pick destination
-- (location_id then says where it is now), shipping removes both.
-- depot verify checks that reserved equals the sum of these.
CREATE TABLE allocations (
    id            INTEGER PRIMARY KEY,
    order_line_id INTEGER NOT NULL REFERENCES sales_order_lines (id),
    variant_id    INTEGER NOT NULL REFERENCES variants (id),
    location_id   INTEGER NOT NULL REFERENCES locations (id),
    lot_id        INTEGER NOT NULL DEFAULT 0,
    qty           INTEGER NOT NULL CHECK (qty > 0),
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'picked', 'shipped', 'cancelled')),
    created_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX allocations_line ON allocations (order_line_id);
CREATE INDEX allocations_level ON allocations (variant_id, location_id, lot_id) WHERE status IN ('open', 'picked');

-- A pick list is claimed by one picker at a time; a claim past its expiry
-- may be taken by the next picker.
CREATE TABLE pick_lists (
    id               INTEGER PRIMARY KEY,
    kind             TEXT    NOT NULL CHECK (kind IN ('single', 'batch', 'wave')),
    status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'done', 'cancelled')),
    name             TEXT    NOT NULL DEFAULT '',
    destination_id   INTEGER REFERENCES locations (id),
    claimed_by       INTEGER REFERENCES users (id),
    claimed_at       INTEGER,
    claim_expires_at INTEGER,
    created_by       INTEGER REFERENCES users (id),
    created_at       INTEGER NOT NULL,
    done_at          INTEGER
) STRICT;

CREATE INDEX pick_lists_status ON pick_lists (status, id);

-- One stop of a pick list: take qty of an allocation from its bin, in
-- walk order (seq), into a tote.
CREATE TABLE pick_tasks (
    id            INTEGER PRIMARY KEY,
    pick_list_id  INTEGER NOT NULL REFERENCES pick_lists (id),
    seq           INTEGER NOT NULL,
    allocation_id INTEGER NOT NULL REFERENCES allocations (id),
    order_id      INTEGER NOT NULL REFERENCES sales_orders (id),
    variant_id    INTEGER NOT NULL REFERENCES variants (id),
    location_id   INTEGER NOT NULL REFERENCES locations (id),
    lot_id        INTEGER NOT NULL DEFAULT 0,
    qty           INTEGER NOT NULL CHECK (qty > 0),
    picked_qty    INTEGER NOT NULL DEFAULT 0 CHECK (picked_qty >= 0),
    tote          TEXT    NOT NULL DEFAULT '',
    status        TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'picked', 'short', 'cancelled')),
    movement_id   INTEGER REFERENCES movements (id),
    picked_by     INTEGER REFERENCES users (id),
    picked_at     INTEGER
) STRICT;

CREATE INDEX pick_tasks_list ON pick_tasks (pick_list_id, seq);
CREATE INDEX pick_tasks_order ON pick_tasks (order_id);
CREATE INDEX pick_tasks_allocation ON pick_tasks (allocation_id);

-- A bin flagged for a count (a short pick found less than expected).
CREATE TABLE count_requests (
    id          INTEGER PRIMARY KEY,
    location_id INTEGER NOT NULL REFERENCES locations (id),
    variant_id  INTEGER REFERENCES variants (id),
    reason      TEXT    NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    done_at     INTEGER
) STRICT;

CREATE INDEX count_requests_open ON count_requests (location_id) WHERE done_at IS NULL;

-- Shipping boxes for the packing station, with their tare weights.
CREATE TABLE boxes (
    id             INTEGER PRIMARY KEY,
    code           TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 64),
    name           TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tare_weight_mg INTEGER NOT NULL DEFAULT 0 CHECK (tare_weight_mg >= 0),
    length_mm      INTEGER NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
    width_mm       INTEGER NOT NULL DEFAULT 0 CHECK (width_mm >= 0),
    height_mm      INTEGER NOT NULL DEFAULT 0 CHECK (height_mm >= 0),
    max_weight_mg  INTEGER NOT NULL DEFAULT 0 CHECK (max_weight_mg >= 0),
    archived       INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
) STRICT;

-- A variant's own packing tolerance, over the site's.
CREATE TABLE weight_tolerances (
    variant_id INTEGER PRIMARY KEY REFERENCES variants (id),
    abs_mg     INTEGER CHECK (abs_mg IS NULL OR abs_mg >= 0),
    pct_bp     INTEGER CHECK (pct_bp IS NULL OR pct_bp >= 0)
) STRICT;

-- A shipment leaves with a carrier: for a sales order or a transfer.
CREATE TABLE shipments (
    id          INTEGER PRIMARY KEY,
    order_id    INTEGER REFERENCES sales_orders (id),
    transfer_id INTEGER REFERENCES transfers (id),
    carrier     TEXT    NOT NULL CHECK (length(carrier) BETWEEN 1 AND 64),
    service     TEXT    NOT NULL DEFAULT '',
    tracking    TEXT    CHECK (tracking IS NULL OR length(tracking) BETWEEN 1 AND 100),
    status      TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'cancelled')),
    station_id  INTEGER REFERENCES locations (id),
    movement_id INTEGER REFERENCES movements (id),
    created_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    shipped_at  INTEGER,
    CHECK (order_id IS NOT NULL OR transfer_id IS NOT NULL)
) STRICT;

CREATE INDEX shipments_order ON shipments (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX shipments_tracking ON shipments (tracking) WHERE tracking IS NOT NULL;

-- A parcel: its box, its expected and measured weight, the verdict, who
-- verified it and on which scale, and a manager's override with a reason.
CREATE TABLE packages (
    id              INTEGER PRIMARY KEY,
    shipment_id     INTEGER NOT NULL REFERENCES shipments (id),
    box_id          INTEGER REFERENCES boxes (id),
    expected_mg     INTEGER NOT NULL CHECK (expected_mg >= 0),
    measured_mg     INTEGER,
    tolerance_mg    INTEGER NOT NULL CHECK (tolerance_mg >= 0),
    pass            INTEGER NOT NULL CHECK (pass IN (0, 1)),
    cause           TEXT    NOT NULL DEFAULT '',
    scale           TEXT    NOT NULL DEFAULT '',
    length_mm       INTEGER NOT NULL DEFAULT 0 CHECK (length_mm >= 0),
    width_mm        INTEGER NOT NULL DEFAULT 0 CHECK (width_mm >= 0),
    height_mm       INTEGER NOT NULL DEFAULT 0 CHECK (height_mm >= 0),
    verified_by     INTEGER REFERENCES users (id),
    override_by     INTEGER REFERENCES users (id),
    override_reason TEXT    CHECK (override_reason IS NULL OR length(override_reason) BETWEEN 1 AND 500),
    created_at      INTEGER NOT NULL,
    CHECK ((override_by IS NULL) = (override_reason IS NULL))
) STRICT;

CREATE INDEX packages_shipment ON packages (shipment_id);

-- A customer return against a shipment; each line has a disposition.
CREATE TABLE returns (
    id              INTEGER PRIMARY KEY,
    shipment_id     INTEGER REFERENCES shipments (id),
    order_id        INTEGER REFERENCES sales_orders (id),
    idempotency_key TEXT    NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    request_hash    BLOB    NOT NULL CHECK (length(request_hash) = 32),
    note            TEXT    NOT NULL DEFAULT '',
    user_id         INTEGER REFERENCES users (id),
    received_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX returns_shipment ON returns (shipment_id) WHERE shipment_id IS NOT NULL;

CREATE TABLE return_lines (
    id          INTEGER PRIMARY KEY,
    return_id   INTEGER NOT NULL REFERENCES returns (id),
    variant_id  INTEGER NOT NULL REFERENCES variants (id),
    lot_id      INTEGER REFERENCES lots (id),
    qty         INTEGER NOT NULL CHECK (qty > 0),
    disposition TEXT    NOT NULL CHECK (disposition IN ('restock', 'quarantine', 'scrap')),
    location_id INTEGER REFERENCES locations (id),
    movement_id INTEGER REFERENCES movements (id)
) STRICT;

CREATE INDEX return_lines_return ON return_lines (return_id);

-- A transfer between sites: shipped into transit, received out of it.
CREATE TABLE transfers (
    id                  INTEGER PRIMARY KEY,
    number              TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(number) BETWEEN 1 AND 64),
    from_site_id        INTEGER NOT NULL REFERENCES locations (id),
    to_site_id          INTEGER NOT NULL REFERENCES locations (id),
    status              TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'received', 'cancelled')),
    ship_movement_id    INTEGER REFERENCES movements (id),
    receive_movement_id INTEGER REFERENCES movements (id),
    created_by          INTEGER REFERENCES users (id),
    created_at          INTEGER NOT NULL,
    shipped_at          INTEGER,
    received_at         INTEGER,
    CHECK (from_site_id <> to_site_id)
) STRICT;

CREATE INDEX transfers_status ON transfers (status, id);

CREATE TABLE transfer_lines (
    id               INTEGER PRIMARY KEY,
    transfer_id      INTEGER NOT NULL REFERENCES transfers (id),
    line_no          INTEGER NOT NULL CHECK (line_no > 0),
    variant_id       INTEGER NOT NULL REFERENCES variants (id),
    lot_id           INTEGER REFERENCES lots (id),
    qty              INTEGER NOT NULL CHECK (qty > 0),
    from_location_id INTEGER NOT NULL REFERENCES locations (id),
    to_location_id   INTEGER REFERENCES locations (id),
    received_qty     INTEGER NOT NULL DEFAULT 0 CHECK (received_qty >= 0),
    UNIQUE (transfer_id, line_no)
) STRICT;`,
	// 4 -> 5 (branch returns): find an order's returns without reading
	// them all; a return's limit check sums them in the writer.
	`CREATE INDEX returns_order ON returns (order_id) WHERE order_id IS NOT NULL;`,
}

// Version is the schema version this build writes: a fresh database is
// created at it, and older ones are upgraded to it.
var Version = 1 + len(upgrades)

// migrate brings the database behind db to Version, each step in its own
// transaction. A database newer than this build is refused.
func migrate(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := checkFTS5(ctx); err != nil {
		return err
	}
	var v, tables int
	if err := conn.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&tables); err != nil {
		return err
	}
	switch {
	case v > Version:
		return fmt.Errorf("database schema is version %d, newer than this depot (version %d): upgrade depot", v, Version)
	case v == 0 && tables > 0:
		return fmt.Errorf("the file holds tables but no depot schema version: not a depot database")
	case v == 0:
		return step(ctx, conn, depot.Schema, Version)
	}
	for ; v < Version; v++ {
		if err := step(ctx, conn, upgrades[v-1], v+1); err != nil {
			return fmt.Errorf("upgrade schema from version %d to %d: %w", v, v+1, err)
		}
	}
	return nil
}

func step(ctx context.Context, conn *sql.Conn, script string, to int) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, script); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, to)); err != nil {
		return err
	}
	return tx.Commit()
}

// ErrNoFTS5 is returned by Open when the binary's SQLite lacks FTS5, which
// the search index needs. mattn/go-sqlite3 compiles FTS5 in only with the
// build tag sqlite_fts5; the Makefile sets it for every go command.
var ErrNoFTS5 = errors.New("this depot was built without SQLite's full-text search (FTS5), which its search needs: " +
	"build it with `go build -tags sqlite_fts5 ./cmd/depot` (make build does), and test with `go test -tags sqlite_fts5` (make test does)")

// checkFTS5 refuses a SQLite without FTS5 before anything is written (Open
// calls it before it creates the file), so a build without the tag stops
// at start with ErrNoFTS5 instead of an SQL error from the schema.
func checkFTS5(ctx context.Context) error {
	c, err := sql.Open(driverName, ":memory:")
	if err != nil {
		return err
	}
	defer c.Close()
	var on bool
	if err := c.QueryRowContext(ctx, `SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&on); err != nil {
		return err
	}
	if !on {
		return ErrNoFTS5
	}
	return nil
}
